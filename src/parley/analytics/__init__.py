"""Conversation analytics: events read from storage, KPIs computed in one pass, and the report."""
