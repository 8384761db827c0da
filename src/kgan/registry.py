"""Entry-point registries: how kgan finds architectures and losses, its own and everyone else's.

A distribution (kgan itself, or a third party's package) declares entries in its ``pyproject.toml``::

    [project.entry-points."kgan.architectures"]
    my-gan = "my_package.models:build_my_gan"

Discovery reads installed package metadata only and imports nothing; an entry is imported the first
time it is asked for and then cached. A broken entry raises [`PluginLoadError`][kgan.errors.PluginLoadError]
naming the distribution, its version and the entry point, and never affects other entries, listing,
or ``import kgan``. Two distributions claiming one name is a [`DuplicateNameError`][kgan.errors.DuplicateNameError]
naming both; an in-process [`Registry.register()`][kgan.registry.Registry.register] never silently replaces an installed entry.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import threading
from importlib import metadata
from typing import Any, Callable

from kgan.errors import DuplicateNameError, PluginLoadError, UnknownNameError

__all__ = ["Entry", "Registry", "entry_points", "ARCHITECTURES", "LOSSES"]


def entry_points(group: str) -> list[metadata.EntryPoint]:
    """Entry points installed for ``group``, read from package metadata without importing anything."""
    return list(metadata.entry_points(group=group))


@dataclasses.dataclass(frozen=True)
class Entry:
    """One claim on a registered name.

    Attributes:
        name: The registered name, for example ``"dcgan"``.
        kind: ``"architecture"`` or ``"loss"``.
        group: The entry-point group, for example ``"kgan.architectures"``.
        target: ``"module:attribute"`` for entry points, the object's qualified name otherwise.
        distribution: The distribution that declares it; ``None`` for [`Registry.register()`][kgan.registry.Registry.register].
        version: That distribution's version, or ``None``.
    """

    name: str
    kind: str
    group: str
    target: str
    distribution: str | None
    version: str | None
    entry_point: metadata.EntryPoint | None = dataclasses.field(default=None, compare=False, repr=False)
    obj: Any = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def source(self) -> str:
        """Human-readable origin: ``"kgan 0.1.0"`` or ``"registered in-process"``."""
        if self.entry_point is None:
            return "registered in-process"
        if self.distribution is None:
            return "entry point without a distribution"
        return f"{self.distribution} {self.version}"

    def describe(self) -> str:
        if self.entry_point is None:
            return f"{self.kind} {self.name!r} ({self.target}, registered in-process)"
        return (
            f"{self.kind} {self.name!r} from entry point '{self.name} = {self.target}' "
            f"in group {self.group!r} of distribution {self.source}"
        )


class Registry:
    """Names to objects for one entry-point group.

    Args:
        group: The entry-point group, for example ``"kgan.losses"``.
        kind: What the entries are, used in messages, for example ``"loss"``.
        validate: Called with each loaded object; returns ``None`` when it is acceptable, or a sentence
            saying what is wrong with it.
    """

    def __init__(self, group: str, kind: str, validate: Callable[[Any], str | None]):
        self.group, self.kind, self._validate = group, kind, validate
        self._in_process: dict[str, Entry] = {}
        self._loaded: dict[Entry, Any] = {}
        self._lock = threading.Lock()

    # === Discovery ===

    def claims(self) -> dict[str, list[Entry]]:
        """Every claim on every name, installed and in-process, without importing anything."""
        out: dict[str, list[Entry]] = {}
        for ep in entry_points(self.group):
            dist = getattr(ep, "dist", None)
            entry = Entry(
                name=ep.name,
                kind=self.kind,
                group=self.group,
                target=ep.value,
                distribution=dist.metadata["Name"] if dist is not None else None,
                version=dist.version if dist is not None else None,
                entry_point=ep,
            )
            bucket = out.setdefault(ep.name, [])
            if entry not in bucket:  # one distribution seen twice on sys.path is one claim
                bucket.append(entry)
        for name, entry in self._in_process.items():
            out.setdefault(name, []).insert(0, entry)
        return out

    def names(self, pattern: str = "*") -> list[str]:
        """Registered names matching a shell-style ``pattern`` (``"*gan*"``), sorted."""
        return sorted(n for n in self.claims() if fnmatch.fnmatchcase(n, pattern))

    def entries(self) -> list[Entry]:
        """All claims, sorted by name, for listings. Imports nothing."""
        claims = self.claims()
        return [entry for name in sorted(claims) for entry in claims[name]]

    # === Lookup ===

    def get(self, name: str) -> Any:
        """The object registered as ``name``, imported on first use and cached.

        Raises:
            UnknownNameError: No entry has this name; the message lists close matches.
            DuplicateNameError: Two distributions claim the name.
            PluginLoadError: The entry failed to import or is not a valid {kind}.
        """
        if not isinstance(name, str):
            raise TypeError(f"{self.kind} name must be a string, received {type(name).__name__}: {name!r}")
        claims = self.claims()
        if name not in claims:
            available = sorted(claims)
            close = difflib.get_close_matches(name, available, n=3, cutoff=0.5)
            raise UnknownNameError(self.kind, name, close, available)
        entries = claims[name]
        in_process = [e for e in entries if e.entry_point is None]
        if in_process:
            return in_process[0].obj
        if len(entries) > 1:
            who = "; ".join(e.describe() for e in entries)
            raise DuplicateNameError(
                f"The {self.kind} name {name!r} is claimed more than once: {who}. kgan will not pick "
                f"one silently; uninstall one of these distributions (pip uninstall NAME)."
            )
        return self.load(entries[0])

    def load(self, entry: Entry) -> Any:
        """Import and validate one entry; failures name the distribution, version and entry point."""
        if entry.entry_point is None:
            return entry.obj
        with self._lock:
            if entry in self._loaded:
                return self._loaded[entry]
        try:
            obj = entry.entry_point.load()
        except Exception as exc:  # noqa: BLE001 - any import-time failure of foreign code
            raise PluginLoadError(
                f"Could not import {entry.describe()}: {type(exc).__name__}: {exc}. "
                f"The package is broken or misses a dependency; reinstall it or report this to its "
                f"maintainers. Other {self.kind}s are unaffected."
            ) from exc
        problem = self._validate(obj)
        if problem is not None:
            raise PluginLoadError(f"Invalid {entry.describe()}: {problem}")
        with self._lock:
            self._loaded[entry] = obj
        return obj

    def check(self) -> list[tuple[Entry, Exception | None]]:
        """Load every entry and report each one's failure (``None`` when it loads)."""
        results: list[tuple[Entry, Exception | None]] = []
        for name, entries in sorted(self.claims().items()):
            duplicate = None
            if len([e for e in entries if e.entry_point is not None]) > 1:
                try:
                    self.get(name)
                except DuplicateNameError as exc:
                    duplicate = exc
            for entry in entries:
                try:
                    self.load(entry)
                    results.append((entry, duplicate))
                except PluginLoadError as exc:
                    results.append((entry, exc))
        return results

    # === In-process registration ===

    def register(self, name: str, obj: Any = None, *, replace: bool = False):
        """Register ``obj`` as ``name`` in this process (notebooks, tests). Usable as a decorator.

        Installed entries are never replaced silently: registering an existing name raises unless
        ``replace=True``.

        Example:
            >>> @kgan.architectures.register("tiny")
            ... def tiny(input_shape, latent_dim=8): ...
        """
        if obj is None:
            return lambda o: self.register(name, o, replace=replace) or o
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, received {name!r}")
        problem = self._validate(obj)
        if problem is not None:
            raise TypeError(f"Cannot register {obj!r} as {self.kind} {name!r}: {problem}")
        if not replace and name in self.claims():
            owners = ", ".join(e.source for e in self.claims()[name])
            raise DuplicateNameError(
                f"The {self.kind} name {name!r} is already registered ({owners}). Choose another "
                f"name, or pass replace=True to shadow it in this process."
            )
        target = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__name__)}"
        self._in_process[name] = Entry(name, self.kind, self.group, target, None, None, None, obj)
        return obj

    def unregister(self, name: str) -> None:
        """Remove an in-process registration (installed entries stay installed)."""
        self._in_process.pop(name, None)


# === kgan's two registries ===


def _descends_from(cls: type, module: str, name: str) -> bool:
    """``issubclass(cls, module.name)`` read from the class's ancestry, without importing ``module``:
    kgan.models and kgan.losses both resolve names through this registry, so importing them here would
    make an import cycle."""
    return any(c.__module__ == module and c.__qualname__ == name for c in cls.__mro__)


def _validate_architecture(obj: Any) -> str | None:
    if isinstance(obj, type):
        if _descends_from(obj, "kgan.models.gan_model", "GANModel"):
            return None
        return f"expected a factory function or a kgan.GANModel subclass, got the class {obj.__qualname__}"
    if callable(obj):
        return None
    return f"expected a callable that returns a kgan.GANModel, got {type(obj).__name__}: {obj!r}"


def _validate_loss(obj: Any) -> str | None:
    if isinstance(obj, type) and _descends_from(obj, "kgan.losses.base", "GANLoss"):
        return None
    return (
        f"expected a subclass of kgan.losses.GANLoss, got {obj!r} ({type(obj).__name__}); "
        f"point the entry point at the loss class"
    )


ARCHITECTURES = Registry("kgan.architectures", "architecture", _validate_architecture)
LOSSES = Registry("kgan.losses", "loss", _validate_loss)
