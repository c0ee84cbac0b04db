"""Evaluation harnesses: measure retrieval and answers on labelled news questions."""
