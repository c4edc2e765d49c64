"""What to say: the conversation's language, the customer's intent, and answers from their own data."""
