"""The exceptions kzrights raises.

Every error derives from [`KzrightsError`][kzrights.errors.KzrightsError], so ``except KzrightsError``
catches anything the library itself signals.  Each specific error also
subclasses the builtin a caller would reach for first (``LookupError`` for a
failed look-up, ``ValueError`` for bad data), and keeps its context in
attributes as well as in its message.

This module imports nothing beyond the standard library's builtins, so that
``import kzrights`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, SupportsIndex, TypeVar, cast

from ._locking import FIRST_USE

# the errors; AssessmentProblem, the record an InvalidAssessmentError lists, is
# defined here (so that the error pickles) and named by kzrights.followup
__all__ = [
    "AmbiguousNameError",
    "ArgumentTypeError",
    "BuildError",
    "DataIntegrityError",
    "EmptyInputError",
    "ExportError",
    "InputTooLongError",
    "InputTooShortError",
    "InvalidArgumentError",
    "InvalidAssessmentError",
    "InvalidRecordError",
    "InvalidStatusError",
    "KzrightsError",
    "LinkerError",
    "MissingDependencyError",
    "OutputExistsError",
    "OutputFolderMissingError",
    "RecordTypeError",
    "ToolArgumentError",
    "UnknownIdError",
    "UnknownSdgTargetError",
    "UnknownVersionError",
    "UnsupportedReleaseError",
]


def _closest(wanted: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Return up to ``n`` candidates that look most like ``wanted``."""
    with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
        import difflib  # only paid for when an error is raised

    pool = list(candidates)
    close = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.5)
    if not close:
        lowered = wanted.casefold()
        close = [c for c in pool if lowered and lowered in c.casefold()][:n]
    return tuple(close)


# how error messages quote what a caller gave them: private helpers of kzrights'
# own modules (the limits are the messages' promise, documented with the errors)
_QUOTE_LIMIT = 80  # about how many characters of a caller's value a message quotes
_MESSAGE_LIMIT = 300  # the most characters a message that quotes a caller's value keeps


def _quoted(value: object, limit: int = _QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to about ``limit`` characters: how every error message quotes what it was given.

    A str longer than ``limit`` is quoted by its start and ``...``
    (``'xxxx...'``); any other value's repr is cut the same way.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        size = limit - 3
        text = repr(value[:size])
        while len(text) > limit and size > 1:  # escapes ("\\x1f") make a repr longer than its text
            size = min(size - 1, size * limit // len(text))
            text = repr(value[:size])
        return text[:-1] + "..." + text[-1]
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a caller's object whose repr fails is still named
        text = f"<{_type_name(value)} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shortened(message: str, limit: int = _MESSAGE_LIMIT) -> str:
    """``message`` on one line, quoting at most about 80 characters of anything it quotes.

    The command line's messages and those of errors whose message a caller
    builds (`InvalidArgumentError`, `ToolArgumentError`) pass through it:
    each quoted run (``'...'`` or ``"..."``) and unbroken word longer than
    about 80 characters is cut, and what is still longer than ``limit``
    (quotes that escape their own marks, say) keeps its head and its tail.
    """
    if len(message) > _QUOTE_LIMIT:
        import re  # only paid for when a long message is raised

        message = re.sub(r"'[^'\n]{80,}'|\"[^\"\n]{80,}\"", lambda m: m[0][:76] + "..." + m[0][0], message)
        message = re.sub(r"\S{100,}", lambda m: m[0][:77] + "...", message)
    message = " ".join(message.splitlines())
    if len(message) > limit:
        cut = len(message) - limit + 40
        message = f"{message[: limit // 2]} [... {cut:,} characters ...] {message[-(limit // 2 - 40) :]}"
    return message


def _with_article(noun: str) -> str:
    """``noun`` after its indefinite article: "a str", "an int", "an EntityCategory", "an SDG goal".

    By the sound of the first letter: a vowel, or an initialism whose
    first letter is said with one ("an SDG", "an HTML"; "a URL").
    """
    first = noun[:1]
    initialism = len(noun) > 1 and noun[1].isupper() and first.isupper()
    vowel_sound = first in "aeiouAEIO" or (initialism and first in "FHLMNRSX")
    return f"an {noun}" if vowel_sound else f"a {noun}"


def _type_name(value: object) -> str:
    """The name of ``value``'s type as a message gives it: ``"int"``, ``"Entity"``, ``"numpy.bool"``.

    A type from outside Python's builtins and kzrights is named with its
    package, so that numpy's ``bool`` (``numpy.True_``) is not told apart
    from Python's ``bool`` by its name alone.
    """
    kind = type(value)
    package = str(getattr(kind, "__module__", "")).partition(".")[0]
    if package in ("builtins", "kzrights", ""):
        return kind.__qualname__
    return f"{package}.{kind.__qualname__}"


_T = TypeVar("_T")


def _plain(value: _T) -> _T:
    """``value`` itself, or as a plain ``str`` if it is of a ``str`` subclass.

    An error keeps a caller's id, name or path as it was given; an object of
    a subclass the caller defined (in a function, say) would not pickle, and
    the error would not cross a process boundary.
    """
    if isinstance(value, str) and type(value) is not str:
        return cast("_T", str.__str__(value))
    return value


def _rebuild(cls: type[KzrightsError], args: tuple[object, ...]) -> KzrightsError:
    """Recreate an error from its class and ``args``, without running its ``__init__``."""
    error: KzrightsError = cls.__new__(cls, *args)
    return error


def _reduced(
    error: KzrightsError, init: Callable[..., None], arguments: tuple[object, ...], state: dict[str, object]
) -> tuple[object, ...]:
    """What ``error`` pickles as: its class called with ``arguments``, then ``state`` set.

    ``init`` is the ``__init__`` those arguments are for: a caller's subclass
    with an ``__init__`` of its own is rebuilt without calling it, from
    ``error.args``, as `KzrightsError.__reduce__` rebuilds every error.
    """
    if type(error).__init__ is not init:
        return (_rebuild, (type(error), error.args), state)
    return (type(error), arguments, state)


class KzrightsError(Exception):
    """Base class of every error that kzrights raises on purpose.

    Every kzrights error pickles with its attributes, so that it crosses a
    process boundary intact: a `multiprocessing` pool re-raises it in
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
        id: The id that was looked up (a plain ``str``, whatever ``str`` subclass was given).
        suggestions: The known ids closest to it (possibly empty).
    """

    def __init__(self, id: str, known: Iterable[str], what: str = "id") -> None:
        self.id = _plain(id)
        self.suggestions = _closest(id, known)
        message = f"unknown {what} {_quoted(id)}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousNameError(KzrightsError, LookupError):
    """A name was looked up that several entities share, or that needs context the look-up lacks.

    ``Report.entity("Назарбаева")`` raises it: the form is Dariga
    Nazarbayeva's name and the genitive of Nursultan Nazarbayev's.

    Attributes:
        name: The name as given.
        candidates: The ids of the entities it may name.
        reason: Why it is ambiguous.
    """

    def __init__(self, name: str, candidates: Iterable[str], reason: str) -> None:
        self.name = _plain(name)
        self.candidates = tuple(candidates)
        self.reason = reason
        super().__init__(f"{_quoted(name)} is ambiguous ({reason}): it may name {', '.join(self.candidates)}")

    def __str__(self) -> str:
        return str(self.args[0])


class LinkerError(KzrightsError, ValueError):
    """A [`Linker`][kzrights.linker.Linker] cannot take the aliases or entities it was given.

    Attributes:
        name: The alias or entity id at fault.
        reason: What is wrong ("names both … and …", "no entity has it").
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = _plain(name)
        self.reason = reason
        super().__init__(_shortened(f"{_quoted(name)}: {reason}"))

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownSdgTargetError(UnknownIdError):
    """No SDG goal or target has the code that was asked for.

    Attributes:
        id: The code that was looked up, as given.
        suggestions: The known goal and target ids closest to it.
        forms: The forms a goal or target may be given in.
        version: The data release looked in.
    """

    def __init__(
        self, id: str, known: Iterable[str], forms: str, version: str, *, like: str | None = None
    ) -> None:
        pool = list(known)
        super().__init__(id, pool, what="SDG goal or target")
        if like is not None:  # the id the code stands for ("sdg.5.z" for "5.Z") finds the closest better
            self.suggestions = _closest(like, pool)
        self.forms = forms
        self.version = version
        if not pool:  # the form given may be right: say only what is missing
            message = (
                f"release {version} has no SDG goals or targets, so none is {_quoted(id)}: "
                "they came with 1.3.0"
            )
        else:
            message = f"unknown SDG goal or target {_quoted(id)}: give {forms}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        self.args = (message,)


class UnknownVersionError(KzrightsError, LookupError):
    """No shipped data release has the version that was asked for.

    Attributes:
        version: The version that was asked for, as given.
        available: The versions this installation ships, oldest first.
    """

    def __init__(self, version: str, available: Sequence[str]) -> None:
        self.version = _plain(version)
        self.available = tuple(available)
        super().__init__(
            f"no data release {_quoted(version, 60)} is shipped with this package; "
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


class InputTooLongError(KzrightsError, ValueError):
    """A text given to a look-up (a query, a term, a quotation, a name) is longer than its documented limit.

    The limits keep every call within a bounded time: no name, quotation or
    query is that long, and the error comes at once, before any work.

    Attributes:
        argument: The argument at fault (``"query"``, ``"term"``, ``"quote"``, ``"name"``).
        length: Its length, in characters.
        limit: The longest it may be.
        reason: Why the limit is where it is, in words ("" where the message says nothing of it).
    """

    def __init__(self, argument: str, length: int, limit: int, reason: str = "") -> None:
        self.argument = argument
        self.length = length
        self.limit = limit
        self.reason = reason
        why = f": {reason}" if reason else ""
        super().__init__(f"the {argument} is {length:,} characters long; the limit is {limit:,}{why}")

    def __reduce__(self) -> tuple[object, ...]:
        # rebuilt from its attributes, so that it crosses process boundaries whole, with what
        # was added to it since (notes, a caller's own attributes) as its state
        arguments = (self.argument, self.length, self.limit, self.reason)
        return _reduced(self, InputTooLongError.__init__, arguments, dict(self.__dict__))


class InputTooShortError(KzrightsError, ValueError):
    """A text given to a look-up has too few letters and digits (or visible characters) to mean anything.

    One letter ("a", "á", "I") stands in nearly every sentence of the report,
    and a quotation of one letter, or of marks and symbols only (an emoji, a
    lone dash), quotes nothing: `Report.check_quote` says so rather than
    give a verdict.  A text with nothing visible in it at all is the
    subclass [`EmptyInputError`][kzrights.errors.EmptyInputError], for every look-up.

    Attributes:
        argument: The argument at fault (``"quote"``).
        length: How many letters and digits it has (visible characters, for an
            [`EmptyInputError`][kzrights.errors.EmptyInputError]).
        least: How many it needs at least.
    """

    def __init__(self, argument: str, length: int, least: int) -> None:
        self.argument = argument
        self.length = length
        self.least = least
        has = "no letter or digit" if length == 0 else f"{length} letter or digit"
        super().__init__(
            f"the {argument} has {has} (a note such as [sic] aside); a quotation needs at least "
            f"{least} (one letter, or marks and symbols alone, quote nothing)"
        )

    def __reduce__(self) -> tuple[object, ...]:
        # rebuilt from its attributes, so that it crosses process boundaries whole, with what
        # was added to it since (notes, a caller's own attributes) as its state
        arguments = (self.argument, self.length, self.least)
        return _reduced(self, InputTooShortError.__init__, arguments, dict(self.__dict__))


class EmptyInputError(InputTooShortError):
    """A text given to a look-up is empty: nothing but whitespace and invisible characters.

    A query, a concordance term or a quotation of ``""``, ``"  "``, a
    zero-width space or a soft hyphen alone (the characters of
    `kzrights._chars.INVISIBLE`) asks for nothing: `Report.search`,
    `Report.concordance`, `Report.locate` and `Report.check_quote` refuse
    it, rather than answer with nothing found.  It is an
    [`InputTooShortError`][kzrights.errors.InputTooShortError] (and so a ``ValueError``)
    with ``length`` 0 visible characters of ``least`` 1.

    Attributes:
        argument: The argument at fault (``"query"``, ``"term"``, ``"quote"``).
        length: 0: it has no visible character.
        least: 1.
        hint: What to give instead, or why it counts as empty, in words
            ("" where the message says nothing more).

    Examples:
        >>> print(EmptyInputError("quote", "it has only invisible characters"))
        quote is empty: it has only invisible characters
    """

    def __init__(self, argument: str, hint: str = "") -> None:
        self.argument = argument
        self.length = 0
        self.least = 1
        self.hint = hint
        ValueError.__init__(self, f"{argument} is empty: {hint}" if hint else f"{argument} is empty")

    def __reduce__(self) -> tuple[object, ...]:
        return _reduced(self, EmptyInputError.__init__, (self.argument, self.hint), dict(self.__dict__))


class InvalidArgumentError(KzrightsError, ValueError):
    """An argument has a value the call does not take: a limit below 1, an unknown kind, format or section.

    Raised for a value of the right type that is out of range or not one of
    the choices (a value of the wrong type is a ``TypeError``; an id that
    names nothing is an [`UnknownIdError`][kzrights.errors.UnknownIdError]).
    ``Report.search(..., limit=0)``, ``kinds="bogus"``, ``addressee="EU"``
    or ``section="intro"``, ``Report.concordance(..., width=0)``,
    ``Report.related`` of a section or theme, ``Report.source_of`` of an
    entity, ``export(report, "docx", ...)`` and
    ``Linker.with_aliases(..., ambiguity="bogus")`` raise it.

    Attributes:
        argument: The argument at fault, by its parameter name (``"limit"``,
            ``"kinds"``, ``"addressee"``, ``"format"``, ``"id"``).
        choices: The values it may take, where they are few (else empty).

    Examples:
        >>> import kzrights
        >>> try:
        ...     kzrights.load("1.0.0").search("press", limit=0)
        ... except kzrights.InvalidArgumentError as error:
        ...     print(error.argument, "-", error)
        limit - limit must be at least 1
    """

    def __init__(self, argument: str, message: str, choices: Iterable[str] = ()) -> None:
        self.argument = _plain(argument)
        self.choices = tuple(choices)
        super().__init__(_shortened(message))

    def __str__(self) -> str:
        return str(self.args[0])


class ToolArgumentError(KzrightsError, ValueError):
    """A tool of the assistant server (``kzrights mcp``) was called with arguments its input schema refuses.

    Attributes:
        tool: The tool called, e.g. ``"search"``.
        argument: The argument at fault (``""`` when it is the whole call).
        reason: What is wrong with it, in words (one line).
    """

    def __init__(self, tool: str, argument: str, reason: str) -> None:
        self.tool = tool
        self.argument = argument
        self.reason = reason
        where = f"argument {_quoted(argument)} of {tool}" if argument else tool
        super().__init__(_shortened(f"{where}: {reason}"))


class InvalidRecordError(KzrightsError, ValueError):
    """A record was made with a field value its type refuses (e.g. a source's ``issued`` of ``"2020-13"``).

    The message quotes the value as Python writes it (``id=5``,
    ``issued='2020-13'``), cut to about 80 characters.

    Attributes:
        record: The record's kind (``"source"``).
        field: The field at fault (``"issued"``).
        value: The value given, itself (``5``, ``"2020-13"``; a ``str``
            subclass's as a plain ``str``); after a trip through pickle,
            its ``repr`` if the value itself does not pickle; after
            ``copy.deepcopy``, a deep copy, or the value itself if it cannot
            be copied; after ``copy.copy``, the value itself.
        reason: What is wrong with it, in words.
    """

    def __init__(self, record: str, field: str, value: object, reason: str) -> None:
        self.record = record
        self.field = field
        self.value = _plain(value)
        self.reason = reason
        super().__init__(_shortened(f"{record} {field}={_quoted(value)}: {reason}"))

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        # the value is the caller's own object: if it does not pickle and unpickle
        # (in this protocol), the error still crosses a process boundary, with its repr
        with FIRST_USE:  # copy.deepcopy calls this too, before pickle is imported (see kzrights._locking)
            import pickle  # only paid for when an error is pickled or copied
        import sys

        state = dict(self.__dict__)
        try:
            pickle.loads(pickle.dumps(self.value, int(protocol)))  # some fail only as they are read back
        except Exception:  # noqa: BLE001 - whatever pickling a caller's object raises
            state["value"] = _quoted(self.value, limit=sys.maxsize)
        return (_rebuild, (self.__class__, self.args), state)

    def __copy__(self) -> InvalidRecordError:
        # a shallow copy shares the caller's value, whether or not it pickles (copy.copy would
        # otherwise go through __reduce_ex__, which gives an unpicklable value's repr)
        clone = cast("InvalidRecordError", _rebuild(self.__class__, self.args))
        clone.__dict__.update(self.__dict__)
        return clone

    def __deepcopy__(self, memo: dict[int, object]) -> InvalidRecordError:
        # copy.deepcopy needs no pickle: each attribute is deep-copied, and one that
        # cannot be (a lock, a memoryview) is kept itself, never replaced by its repr
        with FIRST_USE:  # see kzrights._locking
            import copy

        clone = cast("InvalidRecordError", _rebuild(self.__class__, self.args))
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            try:
                setattr(clone, name, copy.deepcopy(value, memo))
            except Exception:  # noqa: BLE001 - whatever copying a caller's object raises
                setattr(clone, name, value)
        return clone


class RecordTypeError(InvalidRecordError, TypeError):
    """A record was made with a field value of the wrong type (a span's ``start`` of ``1.5`` or ``True``).

    Both an `InvalidRecordError` (so a ``ValueError``) and a ``TypeError``:
    ``except TypeError`` and ``except ValueError`` both catch it.  Its
    attributes are `InvalidRecordError`'s: ``value`` is the value given,
    and the message names its type (``entity #0 id=5: must be a str, not int``).
    """


class ArgumentTypeError(KzrightsError, TypeError):
    """An argument of a type the call does not take (a str for a `LinkingRules`, a dict for an assessment).

    Also a ``TypeError``, so ``except TypeError`` keeps working.

    Attributes:
        argument: The argument at fault, as the call names it (``"rules"``,
            ``"assessments.assessments[2]"``).
        expected: What the call takes, in words (``"a LinkingRules or None"``).
        got: The name of the type of the value given (``"str"``); a type from
            outside Python's builtins and kzrights is named with its package
            (``"numpy.bool"``, ``"datetime.date"``).

    Examples:
        >>> print(ArgumentTypeError("overwrite", "True or False", "yes"))
        overwrite must be True or False, not str
    """

    def __init__(self, argument: str, expected: str, value: object) -> None:
        self.argument = argument
        self.expected = expected
        self.got = _type_name(value)
        # numpy's bool (numpy.True_) is no bool: say how to get one
        foreign_bool = type(value) is not bool and type(value).__name__ in ("bool", "bool_")
        hint = "; bool(value) converts it" if foreign_bool and "True or False" in expected else ""
        super().__init__(f"{argument} must be {expected}, not {self.got}{hint}")


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


class MissingDependencyError(KzrightsError, ImportError):
    """A feature needs an optional package that is not installed.

    Attributes:
        feature: What was asked for, e.g. ``"export(report, 'parquet', ...)"``.
        package: The package it needs, e.g. ``"pyarrow"``.
        extra: The kzrights extra that installs it, e.g. ``"parquet"``.
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        super().__init__(f"{feature} needs {package}: pip install 'kzrights[{extra}]'", name=package)

    def __reduce__(self) -> tuple[object, ...]:
        # ImportError's own pickles (message, name, path): rebuilt from this one's arguments, with
        # what was added to it since (notes, a caller's own attributes, a message, name or path
        # set, which ImportError keeps outside __dict__ and Python 3.10 sets only in __init__)
        state: dict[str, object] = {**self.__dict__, "msg": self.msg, "name": self.name, "path": self.path}
        arguments = (self.feature, self.package, self.extra)
        return _reduced(self, MissingDependencyError.__init__, arguments, state)

    def __str__(self) -> str:
        return str(self.args[0])


def _shown(path: str) -> str:
    """A path as one printable line, cut to about 80 characters.

    Quoted when it holds control characters, or begins or ends in
    whitespace, which an unquoted message would not show (``' '``).
    """
    if not path.isprintable() or path != path.strip():
        return _quoted(path)
    return path if len(path) <= _QUOTE_LIMIT else path[: _QUOTE_LIMIT - 3] + "..."


class ExportError(KzrightsError, OSError):
    """An export could not be written; whatever was at its destination is left as it was.

    Attributes:
        path: The destination that was asked for, as a string.
        reason: What went wrong, in words (one line).
        errno: The operating system's error number when one applies (e.g.
            ``errno.ENOSPC`` for a full disk), else ``None``.
    """

    def __init__(self, path: str, reason: str, errno: int | None = None) -> None:
        self.path = _plain(path)
        self.reason = reason
        super().__init__(errno, reason, self.path)

    def __str__(self) -> str:
        where = f" to {_shown(self.path)}" if self.path else ""
        return f"cannot export{where}: {_shortened(self.reason)}"  # a reason may name the path again

    def __reduce__(self) -> tuple[object, ...]:
        # OSError pickles its (errno, strerror) pair, which is not this constructor's signature;
        # its attributes, kept outside __dict__, go with the state in case they were set since
        state: dict[str, object] = {
            **self.__dict__,
            "errno": self.errno,
            "strerror": self.strerror,
            "filename": self.filename,
            "filename2": self.filename2,
        }
        arguments = (self.path, self.reason, self.errno)
        return _reduced(self, ExportError.__init__, arguments, state)


class OutputExistsError(ExportError, FileExistsError):
    """Something is already at an export's destination, and replacing it was not asked for.

    Pass ``overwrite=True`` to [`kzrights.export`][kzrights.exports.export] (``--force`` on the
    command line) to replace a previous export.
    """

    def __str__(self) -> str:
        return f"{super().__str__()}; pass overwrite=True to replace it"


class OutputFolderMissingError(ExportError, FileNotFoundError):
    """The folder an export would be written in does not exist."""


class AssessmentProblem(NamedTuple):
    """One thing wrong in a follow-up assessment file, and where it is.

    Attributes:
        row: Where the row is: in a CSV file or a workbook, the row number a
            spreadsheet shows (the header is row 1); in the JSON form, the
            position in ``"assessments"`` (the first is 1).  ``None`` when the
            problem concerns the whole file (it cannot be read, a column is
            missing).
        column: The column (the JSON key) at fault, when there is one.
        message: What is wrong, in words.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InvalidAssessmentError(KzrightsError, ValueError):
    """A follow-up assessment (a file, or an `AssessmentSet`) breaks the rules; every problem is listed.

    Validation never stops at the first problem: ``problems`` holds all of
    them, in the order of the rows, so a user fixes a file in one pass.

    Attributes:
        source: What was checked: a file name, or ``"<assessments>"``.
        problems: Each problem with its row and column.
    """

    def __init__(self, source: str, problems: Sequence[AssessmentProblem]) -> None:
        self.source = _plain(source)
        self.problems = tuple(problems)
        count = len(self.problems)
        listed = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{_shown(source)}: {count} problem{'s' if count != 1 else ''}:\n{listed}")

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidStatusError(KzrightsError, ValueError):
    """A status cannot be added to a follow-up vocabulary (an empty name, one already there, a bad rank).

    Attributes:
        status: The name that was given.
    """

    def __init__(self, status: str, reason: str) -> None:
        self.status = _plain(status)
        super().__init__(f"status {status!r}: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])
