"""Training the models newsdesk ships: the reader (``newsdesk train reader``)."""
