"""Research signals across articles: claims and stance, corroboration, timelines."""
