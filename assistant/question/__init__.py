"""What a question asks: filters it states, follow-ups, the kind of answer it wants."""
