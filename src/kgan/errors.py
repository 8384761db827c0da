"""kgan's exceptions.

Every error kgan raises on purpose derives from [`KganError`][kgan.errors.KganError], so callers (and the CLI) can tell a
user mistake, answered with a message that says what to change, from a bug. The subclasses also derive
from the built-in exception a Python user would expect (``ValueError``, ``LookupError``, ...), so
existing ``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = [
    "KganError",
    "UnknownNameError",
    "DuplicateNameError",
    "PluginLoadError",
    "DataError",
    "ConfigurationError",
    "RunDirectoryError",
    "TrainingStopped",
    "Interrupted",
]


class KganError(Exception):
    """Base class of every error kgan raises deliberately."""


class UnknownNameError(KganError, LookupError):
    """A registry was asked for a name it does not hold.

    Attributes:
        kind: What was looked up, for example ``"architecture"``.
        name: The name that was asked for.
        suggestions: Close matches among the registered names.
        available: All registered names.
    """

    def __init__(self, kind: str, name: str, suggestions: list[str], available: list[str], hint: str | None = None):
        self.kind, self.name = kind, name
        self.suggestions, self.available = list(suggestions), list(available)
        close = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        listing = ", ".join(available) if available else "(none registered)"
        if hint is None:
            hint = f"Run `kgan list` to see every {kind} with the package that provides it."
        super().__init__(f"Unknown {kind} {name!r}.{close} Known {kind} names: {listing}. {hint}")

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return self.args[0]


class DuplicateNameError(KganError, LookupError):
    """Two sources claim the same registered name."""

    def __str__(self) -> str:
        return self.args[0]


class PluginLoadError(KganError, ImportError):
    """A registered entry point failed to import, or loaded an object of the wrong kind."""


class DataError(KganError, ValueError):
    """Training or evaluation data that kgan cannot use as given."""


class ConfigurationError(KganError, ValueError):
    """An argument or combination of arguments that cannot work."""


class RunDirectoryError(KganError, FileExistsError):
    """An output directory that would be overwritten or cannot be written."""


class TrainingStopped(KganError, RuntimeError):
    """Training stopped on a numerical fault (NaN or Inf); the last good checkpoint was kept."""


class Interrupted(TrainingStopped):
    """Training stopped by SIGINT (Ctrl-C) or SIGTERM at a step boundary; the last checkpoint was kept.

    Attributes:
        signal_number: The signal; ``exit_code`` is ``128 + signal_number``, the shell's convention.
    """

    def __init__(self, message: str, signal_number: int):
        super().__init__(message)
        self.signal_number = int(signal_number)
        self.exit_code = 128 + self.signal_number
