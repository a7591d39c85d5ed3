"""The exception tree of glofwatch.

Every error names the thing that is wrong and, where one exists, the fix.
"""

from __future__ import annotations


class GlofwatchError(Exception):
    """Base of all errors raised on purpose by glofwatch."""


class ConfigError(GlofwatchError):
    """A site file, setting or command-line option is wrong. The message names file, key and fix."""


class SiteError(ConfigError):
    """A site file does not validate. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the site description:\n"
        super().__init__(head + "\n".join(f"  - {p}" for p in self.problems))


class ParseError(GlofwatchError):
    """Input data (a file, a message) cannot be read at all. Row-level problems are not raised but reported."""


class StorageError(GlofwatchError):
    """The database cannot be reached or is not at the expected schema version."""


class MissingExtraError(GlofwatchError):
    """An optional dependency is not installed; the message says which extra to install."""
