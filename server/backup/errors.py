"""The one exception of the backup package, carrying the exit code the CLI ends with."""

from __future__ import annotations

# Exit codes, so that a timer's script can tell a damaged backup from a missing tool.
EXIT_INVALID = 1  # the backup is damaged, incomplete or from unknown code
EXIT_ENVIRONMENT = 3  # a tool is missing, or the database or store failed
EXIT_NOT_EMPTY = 4  # restore refused: the target database or store already holds data


class BackupError(Exception):
    """A backup, verification or restore that cannot go on, with a message for the operator."""

    def __init__(self, message: str, exit_code: int = EXIT_INVALID) -> None:
        """Keep the exit code beside the message."""
        super().__init__(message)
        self.exit_code = exit_code
