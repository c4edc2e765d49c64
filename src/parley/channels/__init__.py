"""Channels: Meta's webhook payloads in, Graph API send requests out."""
