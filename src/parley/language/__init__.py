"""Which language a customer writes in, and which one the conversation keeps."""
