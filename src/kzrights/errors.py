"""The exceptions kzrights raises.

Every error derives from :class:`KzrightsError`, so ``except KzrightsError``
catches anything the library itself signals.  Each specific error also
subclasses the builtin a caller would reach for first (``LookupError`` for a
failed look-up, ``ValueError`` for bad data), and keeps its context in
attributes as well as in its message.

This module imports nothing beyond the standard library's builtins, so that
``import kzrights`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "BuildError",
    "DataIntegrityError",
    "KzrightsError",
    "UnknownIdError",
    "UnknownVersionError",
    "UnsupportedReleaseError",
]


def _closest(wanted: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Return up to ``n`` candidates that look most like ``wanted``."""
    import difflib  # only paid for when an error is raised

    pool = list(candidates)
    close = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.5)
    if not close:
        lowered = wanted.casefold()
        close = [c for c in pool if lowered and lowered in c.casefold()][:n]
    return tuple(close)


def _rebuild(cls: type[KzrightsError], args: tuple[object, ...]) -> KzrightsError:
    """Recreate an error from its class and ``args``, without running its ``__init__``."""
    error: KzrightsError = cls.__new__(cls, *args)
    return error


class KzrightsError(Exception):
    """Base class of every error that kzrights raises on purpose.

    Every kzrights error pickles with its attributes, so that it crosses a
    process boundary intact: a :mod:`multiprocessing` pool re-raises it in
    the parent, where an unpicklable error would leave the pool hanging.
    """

    def __reduce__(self) -> tuple[object, ...]:
        # Exception's own __reduce__ calls the class again with ``args`` (the
        # message alone), which fails for errors whose __init__ takes other
        # arguments; rebuild without __init__ and restore the attributes instead.
        return (_rebuild, (self.__class__, self.args), self.__dict__ or None)


class UnknownIdError(KzrightsError, LookupError):
    """No record has the id that was asked for.

    Attributes:
        id: The id that was looked up.
        suggestions: The known ids closest to it (possibly empty).
    """

    def __init__(self, id: str, known: Iterable[str], what: str = "id") -> None:
        self.id = id
        self.suggestions = _closest(id, known)
        message = f"unknown {what} {id!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownVersionError(KzrightsError, LookupError):
    """No shipped data release has the version that was asked for.

    Attributes:
        version: The version that was asked for, as given.
        available: The versions this installation ships, oldest first.
    """

    def __init__(self, version: str, available: Sequence[str]) -> None:
        self.version = version
        self.available = tuple(available)
        shown = version if len(version) <= 60 else version[:57] + "..."
        super().__init__(
            f"no data release {shown!r} is shipped with this package; "
            f"available: {', '.join(self.available) or 'none'}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class DataIntegrityError(KzrightsError, ValueError):
    """A shipped release's files do not match its manifest, or cannot be read.

    Attributes:
        version: The release concerned (``None`` for the release index itself).
        file: The file at fault, relative to the package's data folder.
        reason: What is wrong with it.
    """

    def __init__(self, version: str | None, file: str, reason: str) -> None:
        self.version = version
        self.file = file
        self.reason = reason
        where = f"data release {version}" if version is not None else "the release index"
        super().__init__(f"{where}: {file}: {reason}")


class UnsupportedReleaseError(KzrightsError, ValueError):
    """The data release asked for lacks what the call needs (e.g. entities in 1.0.0).

    Attributes:
        version: The release concerned.
    """

    def __init__(self, version: str, reason: str) -> None:
        self.version = version
        super().__init__(f"data release {version} {reason}")


class BuildError(KzrightsError, ValueError):
    """The seeds could not be turned into a release.

    Attributes:
        path: The seed file at fault.
        line: The 1-based line number in it, when one applies.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
