"""The HTTP edge: the FastAPI app, its schemas, the OpenAI-compatible routes, limits."""
