"""Answer engines: sentence scoring, the extractive engine, multiple choice, the LLM engine."""
