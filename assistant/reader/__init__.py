"""The reader: a cross-encoder trained here that reads passages against the question.

``model`` loads and checks the shipped weights and scores pairs; ``windows`` cuts passages
into the short runs of sentences it reads; ``reading`` applies it to retrieved passages
(rerank, the quoted sentence, the confidence to decline). Training lives in
``assistant.training``.
"""
