"""The domain: the business's records, the rules every store applies, and the ports the dialogue uses. Pure."""
