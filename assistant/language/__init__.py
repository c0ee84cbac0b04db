"""Language knowledge with no other dependency: who says a sentence, dates in text, word lists."""
