"""Privacy: pseudonyms for analytics (keys per conversation and customer, erasable), redaction of the words kept for
the report, and a customer's rights over their data (export, erasure). Nothing imported here: the webhook reads
pseudonym keys and stays light."""
