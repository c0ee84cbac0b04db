"""LangChain integrations: NewsdeskRetriever and NewsdeskChain."""
