"""Helpers shared by every test layer: factories and fakes."""
