"""Helpers shared by test modules (external servers, fixtures' building blocks)."""
