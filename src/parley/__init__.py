"""Parley: a multilingual customer-service assistant for WhatsApp and Messenger on AWS."""

__version__ = "0.1.0"
