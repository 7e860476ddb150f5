"""Backups: the database (pg_dump or SQLite's online backup) and the object store, mirrored into a
timestamped folder with a manifest of SHA-256 sums; verification; restore into a fresh service.

``server/cli/backup.py`` is the command line; ``run`` holds the operations.
"""
