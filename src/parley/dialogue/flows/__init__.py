"""The flows, one module each. Every module registers its flow (@register) and dialogue.registry finds them all:
adding a flow is adding a module here (and its reply texts to every catalog in locales/)."""
