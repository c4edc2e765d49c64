"""Understanding: intents and entities of a customer's message."""
