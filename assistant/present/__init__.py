"""Presentation: one answer model rendered as Markdown, HTML pages and chat views."""
