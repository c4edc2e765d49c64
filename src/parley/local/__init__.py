"""The local stack: the whole system on one machine, invoked as AWS would invoke it."""
