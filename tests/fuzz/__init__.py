"""Schema-driven fuzzing of the live service."""
