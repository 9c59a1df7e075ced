"""Generate ``kzrights/_structure_gen.py``: a release's structure functions, specialised per class.

The loader's exact hooks (`kzrights._converter`) are closures that walk a
table of fields for every JSON object: for each field they look up its key,
pick its converter and call it.  The module this writes does the same work
with the table unrolled, one function per record class of a release document,
written out from the record classes themselves: the keys read in field order,
the checks of strings, numbers, enums, spans, dates and lists written inline,
each default written in place.  It is generated here, once, rather than
compiled when a release loads (as cattrs does), because compiling it costs
more than structuring a release; as a module of the package its bytecode is
cached like any other's.

The generated code takes only what the exact hooks would build the same
records from.  Anything else (an unknown or missing key, a value of another
type, a value an enum lacks) raises, and the loader structures the release
again with the exact hooks, whose errors name the field path.  Two tests keep
it honest: the committed module is what this generator writes now (so it
cannot drift from the record classes; ``python -m kzrights_build --check``
says so too), and on every shipped release it builds the records the exact
hooks build, types included.
"""

from __future__ import annotations

import enum
import typing
from pathlib import Path
from typing import Any

import attrs

from kzrights import _converter, _integrity
from kzrights._compat import date
from kzrights._document import FIELDS, ReleaseDocument
from kzrights.records import Mention, Span

__all__ = ["MODULE_PATH", "generate", "write_module"]

MODULE_PATH = Path("kzrights") / "_structure_gen.py"
"""Where the generated module goes, relative to the ``src`` folder."""

_HEADER = '''\
"""The structure functions of a release document, one per record class (generated: do not edit).

Written by ``python -m kzrights_build`` from the record classes
(``kzrights_build/structure_gen.py`` says how and why); a test fails when this
file differs from what the generator writes.  `structure_release_document`
returns the release document that the exact hooks of `kzrights._converter`
would build from the same JSON, or raises on anything they would not take,
or would take differently: the loader then structures the JSON again with
the exact hooks, for their error.
"""

from typing import Any

from ._compat import date
from ._document import ReleaseDocument
from .records import (
{imports}
)

__all__ = ["REFERENCE_KINDS", "structure_release_document"]


class _Unfit(Exception):
    """JSON the generated functions do not take: the exact hooks decide what it is."""


_MISSING: Any = object()
_INFINITY = float("inf")
# a Mention is a named tuple: built as its own __new__ builds it, without the Python call
_new_tuple: Any = tuple.__new__
_new = object.__new__
'''

_KINDS = '''
REFERENCE_KINDS: tuple[tuple[type, ...] | None, ...] = (
{kinds})
"""The kinds of record the references of each list that `structure_release_document` collects may name.

Lists 1, 2, ... of what it returns: None for a reference that may name a record of any kind.
"""
'''

_ENTRY = '''

def structure_release_document(value: Any) -> tuple[ReleaseDocument, list[list[Any]]]:
    """Return the release document the exact hooks build from ``value``, and what it refers to; or raise.

    What it refers to is what `kzrights._integrity.check_release` checks of
    it, collected as it is read: list 0 holds the end of every span, list
    ``n`` the references that may name records of the kinds
    ``REFERENCE_KINDS[n - 1]`` (None left out).
    """
    refs: list[list[Any]] = [[] for _ in range({lists})]
    return {entry}(value, refs), refs
'''

_EXACT = {str: "str", int: "int", bool: "bool"}
_REQUIRED = _converter._REQUIRED


class _Writer:
    """Writes the functions of the record classes reachable from a release document."""

    def __init__(self) -> None:
        # by class and the field of the record above it that holds it, which decides
        # the kinds of record its references may name (kzrights._integrity.TARGETS)
        self.functions: dict[tuple[type, str], tuple[str, list[str]]] = {}
        # the kinds of record each list of references collected may name (list 0: span ends)
        self.kinds: list[tuple[type, ...] | None] = []
        self.names: set[str] = set()
        self.enums: dict[type, str] = {}
        self.setters: dict[str, str] = {"_span_start": 'Span.__dict__["start"].__set__'}
        self.setters["_span_end"] = 'Span.__dict__["end"].__set__'

    def function(self, cls: type, container: str) -> str:
        key = (cls, container)
        if key not in self.functions:
            name = f"_{cls.__name__.lower()}"
            if _integrity._plan(cls, container) != _integrity._plan(cls, ""):
                name += f"_in_{container}"  # its references name other kinds of record there
            self.functions[key] = (name, [])  # reserved first: a class may be reached again
            self.functions[key] = (name, self._write(cls, container, name))
        return self.functions[key][0]

    def _bucket(self, kinds: tuple[type, ...] | None) -> int:
        """The number of the list that collects references to records of ``kinds``."""
        if kinds not in self.kinds:
            self.kinds.append(kinds)
            for kind in kinds or ():
                self._name(kind)
        return self.kinds.index(kinds) + 1

    def _name(self, cls: type) -> str:
        if cls is not ReleaseDocument and cls is not date:
            self.names.add(cls.__name__)
        return cls.__name__

    def _members(self, cls: type) -> str:
        if cls not in self.enums:
            self.enums[cls] = f"_{cls.__name__.upper()}"
            self._name(cls)
        return self.enums[cls]

    def _default(self, value: Any) -> str:
        if isinstance(value, enum.Enum):
            return f"{self._name(type(value))}.{value.name}"
        if value is None or value == () or type(value) in (bool, int, str):
            return repr(value)
        raise TypeError(f"no way to write the default {value!r}")  # pragma: no cover - a new kind of default

    def _settable(self, cls: type) -> bool:
        """Whether a record of ``cls`` can be made by filling its slots, as its ``__init__`` does.

        Only where ``__init__`` does nothing else: it sets every field, from
        its argument, with no validator, converter or hook of its own to run
        (`Source` has validators, so it is called).  A `Span`, whose
        ``__attrs_post_init__`` checks its offsets, is made with that check
        written inline (`_convert`).
        """
        if cls is ReleaseDocument:  # a plain class, whose __init__ only fills its slots
            return True
        own = ("__attrs_post_init__", "__attrs_pre_init__")
        return (
            "__slots__" in cls.__dict__
            and not any(hasattr(cls, name) for name in own)
            and all(a.init and a.validator is None and a.converter is None for a in attrs.fields(cls))
        )

    def _setter(self, cls: type, field: str) -> str:
        name = f"_{cls.__name__.lower()}_{field}"
        self.setters[name] = f'{cls.__name__}.__dict__["{field}"].__set__'
        return name

    def _fields(self, cls: type) -> tuple[list[tuple[str, Any, Any]], bool]:
        """The (name, type, default) of each field of ``cls``, and whether it is built positionally."""
        if cls is Mention:
            defaults = Mention._field_defaults
            hints = Mention.__annotations__
            missing = _converter._REQUIRED
            return [(name, hints[name], defaults.get(name, missing)) for name in Mention._fields], True
        if cls is ReleaseDocument:  # a plain class: its fields are declared in kzrights._document
            return [(name, kind, _REQUIRED if d is attrs.NOTHING else d) for name, kind, d in FIELDS], True
        attributes = _converter._resolved_fields(cls)
        fields = [
            (a.name, a.type, _converter._REQUIRED if a.default is attrs.NOTHING else a.default)
            for a in attributes
        ]
        factory: Any = attrs.Factory
        positional = all(a.init and not a.kw_only and not isinstance(a.default, factory) for a in attributes)
        return fields, positional

    def _convert(self, kind: Any, var: str, indent: str, field: str = "") -> list[str]:
        """Lines that check ``var`` (JSON) for ``kind`` and replace it with its value; raise if unfit."""
        if kind in _EXACT:
            return [f"{indent}if type({var}) is not {_EXACT[kind]}:", f"{indent}    raise _Unfit"]
        if kind is float:
            return [
                f"{indent}if type({var}) is not float and type({var}) is not int:",
                f"{indent}    raise _Unfit",
                f"{indent}if not -_INFINITY < {var} < _INFINITY:",
                f"{indent}    raise _Unfit",
                f"{indent}{var} = float({var})",
            ]
        if kind is Span:
            # Span's own check (its __attrs_post_init__), inline; the record made without
            # its __init__, like the others (see _write)
            self._name(Span)
            return [
                f"{indent}if type({var}) is not list or len({var}) != 2:",
                f"{indent}    raise _Unfit",
                f"{indent}start, end = {var}",
                f"{indent}if type(start) is not int or type(end) is not int or not 0 <= start <= end:",
                f"{indent}    raise _Unfit",
                f"{indent}{var} = _new(Span)",
                f"{indent}_span_start({var}, start)",
                f"{indent}_span_end({var}, end)",
                f"{indent}refs[0].append(end)",  # for the integrity checks: inside the source text?
            ]
        if kind is date:
            return [
                f"{indent}if type({var}) is not str:",
                f"{indent}    raise _Unfit",
                f"{indent}{var} = date.fromisoformat({var})",
            ]
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return [
                f"{indent}if type({var}) is not str:",
                f"{indent}    raise _Unfit",
                f"{indent}{var} = {self._members(kind)}[{var}]",
            ]
        if kind is Mention or (isinstance(kind, type) and attrs.has(kind)):
            return [f"{indent}{var} = {self.function(kind, field)}({var}, refs)"]
        if _converter._is_homogeneous_tuple(kind):
            element = typing.get_args(kind)[0]
            lines = [f"{indent}if type({var}) is not list:", f"{indent}    raise _Unfit"]
            if element in _EXACT:
                return [
                    *lines,
                    f"{indent}for item in {var}:",
                    f"{indent}    if type(item) is not {_EXACT[element]}:",
                    f"{indent}        raise _Unfit",
                    f"{indent}{var} = tuple({var})",
                ]
            if element is Mention or attrs.has(element):
                function = self.function(element, field)
                return [*lines, f"{indent}{var} = tuple([{function}(item, refs) for item in {var}])"]
        raise TypeError(f"no structure code for {kind!r}")  # pragma: no cover - a new kind of field

    def _write(self, cls: type, container: str, name: str) -> list[str]:
        fields, positional = self._fields(cls)
        label = self._name(cls)
        returns = "Any" if cls is Mention else label
        # the references kzrights._integrity checks, collected as they are read
        references = {
            field: (how, kinds)
            for field, how, kinds in _integrity._plan(cls, container)
            if how in ("ref", "refs")
        }
        lines = [
            f"def {name}(value: Any, refs: list[list[Any]]) -> {returns}:",
            "    if type(value) is not dict:",
            "        raise _Unfit",
        ]
        names = [field for field, _, _ in fields]
        variables = [f"f{number}" for number in range(len(fields))]
        optional = [
            var for var, (_, _, default) in zip(variables, fields, strict=True) if default is not _REQUIRED
        ]
        # Read every key first.  Most objects have them all: then a subscript each
        # (a key missing with the count right means an unknown one: KeyError, unfit).
        # Otherwise the keys with defaults are looked up with get(), and the count
        # of those given must make up the object's length, or a key is unknown.
        if optional:
            lines.append(f"    if len(value) == {len(fields)}:")
        else:
            lines += [f"    if len(value) != {len(fields)}:", "        raise _Unfit"]
        indent = "        " if optional else "    "
        lines += [f'{indent}{var} = value["{field}"]' for var, field in zip(variables, names, strict=True)]
        if optional:
            lines.append("    else:")
            for var, (field, _, default) in zip(variables, fields, strict=True):
                read = f'value["{field}"]' if default is _REQUIRED else f'value.get("{field}", _MISSING)'
                lines.append(f"        {var} = {read}")
            lines += [
                f"        if len(value) != {len(fields)} - {_tuple_of(optional)}.count(_MISSING):",
                "            raise _Unfit",
            ]
        # then check and convert each value, in field order
        for var, (field, kind, default) in zip(variables, fields, strict=True):
            inner = _converter._optional_of(kind)
            target = kind if inner is None else inner
            if default is _REQUIRED:
                indent = "    "
            else:
                lines += [
                    f"    if {var} is _MISSING:",
                    f"        {var} = {self._default(default)}",
                    "    else:",
                ]
                indent = "        "
            collect = []
            if field in references:
                how, kinds = references[field]
                method = "append" if how == "ref" else "extend"
                collect = [f"refs[{self._bucket(kinds)}].{method}({var})"]
            if inner is not None and target in _EXACT and not collect:  # one test, as the linter wants it
                lines += [f"{indent}if {var} is not None and type({var}) is not {_EXACT[target]}:"]
                lines += [f"{indent}    raise _Unfit"]
            elif inner is not None:
                lines.append(f"{indent}if {var} is not None:")
                lines += self._convert(target, var, indent + "    ", field)
                lines += [f"{indent}    {line}" for line in collect]
            else:
                lines += self._convert(target, var, indent, field)
                lines += [f"{indent}{line}" for line in collect]
        if cls is Mention:
            lines.append(f"    return _new_tuple({label}, ({', '.join(variables)}))")
        elif self._settable(cls):
            # what its __init__ does, without the call and the attribute look-ups:
            # each value put straight into its slot
            lines.append(f"    record = _new({label})")
            for (field, _, _), var in zip(fields, variables, strict=True):
                lines.append(f"    {self._setter(cls, field)}(record, {var})")
            lines.append("    return record")
        elif positional:
            lines.append(f"    return {label}({', '.join(variables)})")
        else:
            arguments = ", ".join(
                f"{field}={var}" for (field, _, _), var in zip(fields, variables, strict=True)
            )
            lines.append(f"    return {label}({arguments})")
        return lines


def _tuple_of(names: list[str]) -> str:
    """Python source for a tuple of ``names``, as the formatter writes it."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def _tuple(kinds: tuple[type, ...] | None) -> str:
    """Python source for ``kinds``, as the formatter writes it."""
    if kinds is None:
        return "None"
    return _tuple_of([kind.__name__ for kind in kinds])


def generate() -> str:
    """Return the source of ``kzrights/_structure_gen.py`` for the record classes as they are now."""
    writer = _Writer()
    entry = writer.function(ReleaseDocument, "")
    imports = "\n".join(f"    {name}," for name in sorted(writer.names))
    parts = [_HEADER.replace("{imports}", imports)]
    ignore = "  # type: ignore[assignment]"  # the enum's table of values, typed loosely by typeshed
    parts += [
        f"{variable}: dict[Any, {cls.__name__}] = {cls.__name__}._value2member_map_{ignore}"
        for cls, variable in sorted(writer.enums.items(), key=lambda item: item[1])
    ]
    parts.append("# the slots of the records, each filled as the class's __init__ fills it")
    parts += [f"{name} = {setter}" for name, setter in sorted(writer.setters.items())]
    kinds = "".join(f"    {_tuple(kinds)},\n" for kinds in writer.kinds)
    parts.append(_KINDS.replace("{kinds}", kinds).rstrip("\n"))
    for _, lines in sorted(writer.functions.values()):
        parts.append("\n\n" + "\n".join(lines))
    parts.append(_ENTRY.replace("{entry}", entry).replace("{lists}", str(len(writer.kinds) + 1)))
    return "\n".join(parts)


def write_module(src_dir: Path) -> bool:
    """Write the generated module under ``src_dir``; return whether it changed."""
    path = src_dir / MODULE_PATH
    text = generate()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
