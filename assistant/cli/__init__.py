"""The `newsdesk` command line (click): commands, the eval group, and safe terminal output."""

from assistant.cli.commands import cli, main
from assistant.cli.output import plain

__all__ = ["cli", "main", "plain"]
