"""An assistant server: one pinned data release behind the Model Context Protocol (``kzrights mcp``).

An AI assistant that drafts with the report asks this server, over stdio,
rather than its memory: it searches, reads a record, checks a quotation
before it writes it, and cites the record it read, every answer naming the
data release and the record ids it comes from.  The server works offline
and serves one release, the one ``--data-version`` pins (the newest by
default).

Two halves:

- [`ToolBox`][kzrights.mcp_server.ToolBox] answers the tools and reads the
  resources with plain Python values.  It needs no MCP library, checks every
  argument against the tool's JSON Schema (`TOOLS`) and raises kzrights' own
  errors for bad input;
- [`serve`][kzrights.mcp_server.serve] puts it behind the official MCP Python
  SDK (the optional extra ``mcp``): each error becomes a tool result marked
  ``isError`` with a one-line message, so a bad call never stops the server.

Startup is lazy: the release is checked to exist when the server starts, read
on the first request that needs it, and each index (search, quotations, the
entity matcher) is built by the first call that uses it, never to answer
``initialize``.  The server says on stderr (which MCP clients keep in their
logs) when it starts and when it builds an index.
"""

from __future__ import annotations

import collections
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

from .errors import (
    EmptyInputError,
    InputTooLongError,
    InvalidArgumentError,
    KzrightsError,
    MissingDependencyError,
    ToolArgumentError,
    UnknownIdError,
    _with_article,
)

if TYPE_CHECKING:
    from .report import Report
    from .search.quotes import QuoteCheck

__all__ = ["MAX_ID_LENGTH", "MAX_TEXT_LENGTH", "SERVER_NAME", "TOOLS", "ToolBox", "serve"]

SERVER_NAME = "kzrights"
"""The name the server gives itself in its ``initialize`` answer."""

MAX_TEXT_LENGTH = 100_000
"""The longest text the ``annotate`` tool takes, in characters (a long article is about 50,000).

The library's `annotate` takes any length; an assistant's message is kept
to this so that every call answers in a bounded time (tens of milliseconds).
"""

MAX_ID_LENGTH = 200
"""The longest record id, theme, entity or record IRI the tools take, in characters (ids are under 60)."""

# the library's own limits (kzrights.search's MAX_QUERY_LENGTH, kzrights.search.quotes'
# MAX_CHECK_LENGTH, kzrights.report's MAX_NAME_LENGTH), stated in the schemas for the
# assistant to see (a test holds them equal)
_MAX_QUERY = 10_000
_MAX_QUOTE = 4_000
_MAX_NAME = 1_000
_MAX_HITS = 50

_KINDS = ["paragraph", "item", "recommendation", "footnote", "entity"]
_ADDRESSEES = ["government", "international"]
_SECTIONS = ["conclusions", "recommendations", "footnotes"]
_CITATION_FORMATS = ["text", "bibtex", "csl-json"]


def _string(description: str, max_length: int, min_length: int = 1) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, "description": description}


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


_RECORD_ID = _string(
    "a record id, e.g. 'conclusions.p12', 'recommendations.government.6', 'footnotes.3', 'entities.ebrd'",
    MAX_ID_LENGTH,
)

TOOLS: Mapping[str, Mapping[str, Any]] = {
    "search": {
        "description": (
            "Ranked full-text search of the report (BM25; case, spelling and inflection folded; "
            "phrases in double quotes). Returns each hit's record id, kind, score, a snippet and "
            "a citation pinned to the data release."
        ),
        "inputSchema": _schema(
            {
                "query": _string("words, and phrases in double quotes", _MAX_QUERY),
                "kinds": {
                    "type": "array",
                    "items": {"enum": _KINDS},
                    "uniqueItems": True,
                    "description": "keep only these kinds of record",
                },
                "limit": {"type": "integer", "minimum": 1, "maximum": _MAX_HITS, "default": 10},
                "addressee": {"enum": _ADDRESSEES, "description": "keep only recommendations to them"},
                "theme": _string(
                    "keep only records linked to this theme id, e.g. 'themes.freedom-of-assembly'",
                    MAX_ID_LENGTH,  # a theme is an id, as in recommendations: one limit for both
                ),
                "entity": _string(
                    "keep only records that mention this entity (id, name or alias)", _MAX_NAME
                ),
                "section": {"enum": _SECTIONS},
            },
            ["query"],
        ),
    },
    "get": {
        "description": (
            "One record of the report by id: its text, its span in the source text, its fields "
            "and a citation pinned to the data release."
        ),
        "inputSchema": _schema({"id": _RECORD_ID}, ["id"]),
    },
    "check_quote": {
        "description": (
            "Check a quotation against the report before writing it. The verdict is 'exact', "
            "'equivalent' (only typography differs: safe to print), 'altered' (words omitted, "
            "added or changed: each difference listed) or 'not found' (with the closest passages). "
            "An ellipsis marks an omission."
        ),
        "inputSchema": _schema(
            {"quote": _string("the quotation, as it would be printed", _MAX_QUOTE)}, ["quote"]
        ),
    },
    "cite": {
        "description": (
            "A citation of the report pinned to one paragraph, item, recommendation or footnote "
            "and to the data release: 'text' (the reference as a sentence), 'bibtex' or 'csl-json'."
        ),
        "inputSchema": _schema(
            {"id": _RECORD_ID, "format": {"enum": _CITATION_FORMATS, "default": "text"}},
            ["id"],
        ),
    },
    "annotate": {
        "description": (
            "Find the entities of the report's registry (people, organisations, places, laws) in "
            "any text; each mention with its entity id, name and offsets (code points) in the text."
        ),
        "inputSchema": _schema({"text": _string("any text", MAX_TEXT_LENGTH, min_length=0)}, ["text"]),
    },
    "recommendations": {
        "description": (
            "The report's recommendations, in order, with their addressee, themes and the "
            "paragraphs that argue for them; filter by addressee or theme."
        ),
        "inputSchema": _schema(
            {
                "addressee": {"enum": _ADDRESSEES},
                "theme": _string("a theme id, e.g. 'themes.freedom-of-assembly'", MAX_ID_LENGTH),
            },
            [],
        ),
    },
}
"""Each tool's description and JSON Schema (draft 2020-12) of its arguments, as ``tools/list`` gives them."""


# ── checking arguments ─────────────────────────────────────────────────────────


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(value: str, limit: int = 60) -> str:
    """``value`` quoted, cut to about ``limit`` characters, every unprintable character escaped."""
    shown = repr(value if len(value) <= limit else value[:limit] + "…")
    return shown


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in any string of ``value``, or ``None``.

    Walks the value with a stack of its own, not by recursion, so a value
    nested as deep as ``json.loads`` reads (about 1,000 levels) is walked
    whatever the depth of the caller's stack.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            for char in item:
                if "\ud800" <= char <= "\udfff":
                    return char
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                pending += (inner, key)
        elif isinstance(item, list):
            pending += reversed(item)
    return None


def _depth(value: Any) -> int:
    """How many arrays and objects ``value`` holds one inside the other (0 for a string or number)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        inner = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if inner is not None:
            deepest = max(deepest, level)
            pending += ((each, level + 1) for each in inner)
    return deepest


# how deep a tool call's arguments may nest arrays and objects (the tools take two levels at most);
# the SDK's own JSON reader stops at about 200, a Python caller of ToolBox.call at this
_MAX_DEPTH = 100


def _check_arguments(tool: str, arguments: object) -> dict[str, Any]:
    """``arguments`` checked against the tool's schema, with their defaults filled in.

    Raises:
        UnknownIdError: If there is no such tool.
        ToolArgumentError: If the arguments break the schema, naming the argument and why,
            or nest arrays and objects more than 100 levels deep.
        InputTooLongError: If a text is longer than the schema's limit.
    """
    if tool not in TOOLS:
        raise UnknownIdError(tool, TOOLS, what="tool")
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ToolArgumentError(tool, "", f"the arguments must be an object, not {_json_type(arguments)}")
    surrogate = _lone_surrogate(arguments)
    if surrogate is not None:
        raise ToolArgumentError(tool, "", f"U+{ord(surrogate):04X} is a lone surrogate, not a character")
    depth = _depth(arguments)
    if depth > _MAX_DEPTH:  # the schema check below recurses, and prints what it refuses
        raise ToolArgumentError(
            tool, "", f"the arguments are nested {depth} deep; no tool takes more than {_MAX_DEPTH}"
        )
    schema = TOOLS[tool]["inputSchema"]
    try:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import best_match
    except ImportError:  # pragma: no cover - the mcp extra installs it with the SDK
        raise MissingDependencyError("the assistant server's tools", "jsonschema", "mcp") from None
    error = best_match(Draft202012Validator(schema).iter_errors(arguments))
    if error is not None:
        raise _argument_error(tool, schema, error)
    properties: dict[str, Any] = schema["properties"]
    filled = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    filled.update(arguments)
    return filled


def _argument_error(tool: str, schema: Mapping[str, Any], error: Any) -> KzrightsError:
    """A clear error for one ``jsonschema`` error, built from the schema, never from a hostile value."""
    path = list(error.absolute_path)
    argument = str(path[0]) if path else ""
    argument += "".join(f"[{step}]" for step in path[1:])
    value, kind, expected = error.instance, error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in expected if name not in value]
        return ToolArgumentError(tool, missing[0], "is required")
    if kind == "additionalProperties":
        known = list(schema["properties"])
        extra = [name for name in value if name not in known]
        allowed = ", ".join(known) or "none"
        return ToolArgumentError(
            tool, "", f"unknown argument {_short(extra[0])}; the arguments are: {allowed}"
        )
    if kind == "type":
        wanted = _json_type({"string": "", "integer": 0, "array": [], "object": {}}.get(expected, expected))
        return ToolArgumentError(tool, argument, f"must be {wanted}, not {_json_type(value)}")
    if kind == "maxLength":
        why = ""
        if (tool, argument) == ("check_quote", "quote"):  # the error Report.check_quote gives
            from .search.quotes import _WHY_LIMIT as why
        return InputTooLongError(argument or "argument", len(value), expected, why)
    if kind == "minLength":
        return ToolArgumentError(tool, argument, "is empty")
    if kind == "enum":
        shown = _short(value) if isinstance(value, str) else _json_type(value)
        return ToolArgumentError(tool, argument, f"must be one of {', '.join(expected)}, not {shown}")
    if kind in ("minimum", "maximum"):
        spec = schema["properties"][path[0]]
        return ToolArgumentError(tool, argument, f"must be from {spec['minimum']} to {spec['maximum']}")
    if kind == "uniqueItems":
        return ToolArgumentError(tool, argument, "names a value twice")
    # every rule TOOLS' schemas use is named above; a new one still gets a message that names it
    unnamed = f"breaks the rule {kind!r} of the tool's input schema"
    return ToolArgumentError(tool, argument, unnamed)  # pragma: no cover


# ── the answers ────────────────────────────────────────────────────────────────


class ToolBox:
    """The tools and resources of the assistant server, for one data release, as plain values.

    Every answer is a JSON-ready dict holding ``data_version`` and the ids
    (and IRIs) of the records it comes from.  Nothing is read when a
    `ToolBox` is made but the release index (to check the version); the
    release is loaded, and each index built, on first use.

    Args:
        version: The data release to serve (default: the newest shipped).

    Raises:
        UnknownVersionError: If no shipped release has ``version``.

    Examples:
        >>> box = ToolBox("1.1.0")
        >>> answer = box.call("check_quote", {"quote": "Stop using kettling as a policing tactic"})
        >>> answer["verdict"], answer["locations"][0]["id"], answer["data_version"]
        ('exact', 'recommendations.government.6', '1.1.0')
    """

    def __init__(self, version: str | None = None) -> None:
        from .releases import latest, versions

        if version is None:
            version = latest()
        elif version not in versions():
            from .errors import UnknownVersionError

            raise UnknownVersionError(version, versions())
        self.version: str = version
        self._loaded: Report | None = None

    @property
    def report(self) -> Report:
        """The served release (loaded on first use)."""
        if self._loaded is None:
            from .releases import load

            self._loaded = load(self.version)
        return self._loaded

    def call(self, tool: str, arguments: object) -> dict[str, Any]:
        """Answer one call of a tool.

        Args:
            tool: One of `TOOLS`.
            arguments: The call's arguments (a JSON object), checked against
                the tool's input schema.

        Returns:
            The answer: a dict of JSON values, with ``data_version``.

        Raises:
            UnknownIdError: If there is no such tool, or a record, theme or
                entity named in the arguments is unknown (naming the closest).
            ToolArgumentError: If the arguments break the tool's schema.
            InputTooLongError: If a text is longer than its limit.
            KzrightsError: Any other error of the library (e.g.
                ``UnsupportedReleaseError`` for entities in release 1.0.0).
        """
        checked = _check_arguments(tool, arguments)
        try:
            answer: dict[str, Any] = getattr(self, "_" + tool)(**checked)
        except (EmptyInputError, InvalidArgumentError) as exc:
            # what the library refuses beyond the schema (a quotation of only whitespace):
            # an error of the call's arguments, as the schema's own are
            raise ToolArgumentError(tool, "", str(exc)) from None
        except KzrightsError:
            raise
        except (ValueError, TypeError) as exc:
            # what the library refuses beyond the schema (a quotation of only whitespace)
            raise ToolArgumentError(tool, "", str(exc)) from None
        return {"data_version": self.version, **answer}

    # each tool: the checked arguments in, the answer (without data_version) out

    def _search(
        self,
        query: str,
        limit: int,
        kinds: list[str] | None = None,
        addressee: str | None = None,
        theme: str | None = None,
        entity: str | None = None,
        section: str | None = None,
    ) -> dict[str, Any]:
        report = self.report
        if entity is not None:
            # a bare id ("ebrd") is still taken this release: no deprecation warning on the server's stderr
            entity = report._entity(entity)[0].id
        hits = report.search(
            query,
            kinds=kinds,
            limit=int(limit),
            addressee=addressee,
            theme=theme,
            entity=entity,
            section=section,
        )
        return {
            "query": query,
            "hits": [
                {
                    "id": hit.record.id,
                    "kind": hit.kind,
                    "score": round(hit.score, 4),
                    "snippet": hit.snippet,
                    "uri": self.uri(hit.record.id),
                    "citation": _citation(report, hit.record),
                }
                for hit in hits
            ],
        }

    def _get(self, id: str) -> dict[str, Any]:
        return self._record(id)

    def _check_quote(self, quote: str) -> dict[str, Any]:
        check = self.report.check_quote(quote)
        return _quote_answer(self, check)

    def _cite(self, id: str, format: str) -> dict[str, Any]:
        report = self.report
        record = report.get(id)
        text = _citation(report, record)
        if text is None:
            raise ToolArgumentError(
                "cite",
                "id",
                f"{id} is no text record but {_with_article(record.kind)}: "
                "cite a paragraph, item, recommendation or footnote",
            )
        answer: dict[str, Any] = {"id": id, "uri": self.uri(id), "format": format}
        if format == "text":
            answer["citation"] = text
        elif format == "bibtex":
            answer["citation"] = _bibtex(report, record)
        else:
            answer["citation"] = _csl(report, record)
        return answer

    def _annotate(self, text: str) -> dict[str, Any]:
        from .annotation import annotate

        report = self.report
        mentions = annotate(text, version=self.version)
        return {
            "mentions": [
                {
                    "entity_id": m.entity_id,
                    "name": report.get(m.entity_id).name,  # type: ignore[union-attr]
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "uri": self.uri(m.entity_id),
                }
                for m in mentions
            ]
        }

    def _recommendations(self, addressee: str | None = None, theme: str | None = None) -> dict[str, Any]:
        report = self.report
        chosen = report.recommendations_to(addressee) if addressee else report.recommendations
        if theme is not None:
            if not report.themes:
                from .errors import UnsupportedReleaseError

                raise UnsupportedReleaseError(self.version, "has no themes (added in release 1.1.0)")
            if theme not in {t.id for t in report.themes}:
                raise UnknownIdError(theme, [t.id for t in report.themes], what="theme")
            on_theme = set(report.recommendations_on(theme))
            chosen = tuple(r for r in chosen if r in on_theme)
        # the SDG targets each serves, from the release that links them (1.3.0)
        with_sdgs = bool(report.sdg_targets)

        def answer(r: Any) -> dict[str, Any]:
            data = {
                "id": r.id,
                "addressee": r.addressee.value,
                "number": r.number,
                "text": r.text,
                "lead_in": report.get(r.lead_in_id).text,  # type: ignore[union-attr]
                "theme_ids": list(r.theme_ids),
                "evidence_ids": list(r.evidence_ids),
            }
            if with_sdgs:
                data["sdg_target_ids"] = list(r.sdg_target_ids)
            return {**data, "uri": self.uri(r.id), "citation": _citation(report, r)}

        return {"recommendations": [answer(r) for r in chosen]}

    # ── resources ──

    def uri(self, record_id: str) -> str:
        """The stable IRI of a record of the served release: ``urn:kzrights:<version>:<id>``."""
        from .exports.iri import IRI_PREFIX

        return f"{IRI_PREFIX}{self.version}:{record_id}"

    def resources(self) -> list[dict[str, str]]:
        """Every record, section, entity, theme, figure and source of the release, as an MCP resource.

        Returns:
            Dicts with ``uri`` (the record IRI), ``name`` (the id),
            ``description`` and ``mimeType`` (``application/json``), in the
            order of ``Report.ids()``.
        """
        report = self.report
        found = []
        for record_id in report.ids():
            record = report.get(record_id)
            label = str(
                getattr(record, "name", None) or getattr(record, "title", None) or getattr(record, "text", "")
            )
            found.append(
                {
                    "uri": self.uri(record_id),
                    "name": record_id,
                    "description": f"{record.kind}: {_cut(label, 100)}",
                    "mimeType": "application/json",
                }
            )
        return found

    def read(self, uri: str) -> dict[str, Any]:
        """The record a resource IRI names, as the ``get`` tool gives it.

        Raises:
            UnknownIdError: If ``uri`` is no record IRI of the served release
                (the error names the closest ones).
            ToolArgumentError: If ``uri`` is longer than `MAX_ID_LENGTH` or
                names another data release than the served one.
        """
        from .exports.iri import IRI_PREFIX, parse_record_iri

        if not isinstance(uri, str) or len(uri) > MAX_ID_LENGTH:
            shown = f"{len(uri):,} characters long" if isinstance(uri, str) else _json_type(uri)
            raise ToolArgumentError("resources/read", "uri", f"is no record IRI ({shown})")
        prefix = self.uri("")
        version, colon, _ = uri[len(IRI_PREFIX) :].partition(":")
        if uri[: len(IRI_PREFIX)].lower() == IRI_PREFIX and colon and version != self.version:
            raise ToolArgumentError(
                "resources/read",
                "uri",
                f"this server serves data release {self.version} only; ask for {prefix}<id>",
            )
        return {"data_version": self.version, **self._record(parse_record_iri(uri, self.version).record_id)}

    def _record(self, record_id: str) -> dict[str, Any]:
        from ._converter import unstructure

        report = self.report
        record = report.get(record_id)
        answer: dict[str, Any] = {"id": record.id, "kind": record.kind, "uri": self.uri(record.id)}
        text = getattr(record, "text", None)
        if isinstance(text, str):
            answer["text"] = text
        span = getattr(record, "span", None)
        if span is not None and text is not None and getattr(record, "kind", "") != "figure":
            answer["source_span"] = [span.start, span.end]
        answer["citation"] = _citation(report, record)
        answer["record"] = unstructure(record)
        return answer


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ── citations ──────────────────────────────────────────────────────────────────

_LOCATORS: dict[str, Callable[[Any], tuple[str, str]]] = {
    # (CSL label, locator words): the words as `kzrights cite` prints them
    "paragraph": lambda r: ("paragraph", f"paragraph {r.number} of the {r.section_id}"),
    "item": lambda r: ("paragraph", f"item {r.number} of {r.paragraph_id}"),
    "recommendation": lambda r: ("paragraph", f"recommendation {r.number} to the {r.addressee.label}"),
    "footnote": lambda r: ("note", f"footnote {r.number}"),
}


def _pin(report: Report, record: Any) -> str:
    return f"kzrights data {report.version}, #{record.id}"


def _citation(report: Report, record: Any) -> str | None:
    """The pinned citation ``kzrights cite`` prints, or ``None`` for what is no text record."""
    locator = _LOCATORS.get(getattr(record, "kind", ""))
    if locator is None:
        return None
    return f"{report.metadata.citation.rstrip('.')}, {locator(record)[1]}. [{_pin(report, record)}]"


def _bibtex(report: Report, record: Any) -> str:
    """The report's BibTeX entry (the ``bibtex`` export's), with the record and the release in ``note``."""
    from .exports.citations import bibtex, latex_escape

    entry = bibtex(report).split("\n\n", 1)[0]
    words = _LOCATORS[record.kind](record)[1]
    note = latex_escape(f"{words[:1].upper()}{words[1:]}. {_pin(report, record)}")
    return entry[: -len("\n}")] + f",\n  note = {{{note}}}\n}}"


def _csl(report: Report, record: Any) -> dict[str, Any]:
    """The report's CSL-JSON item (the ``csl-json`` export's) and the locator of the record."""
    from .exports.citations import csl_json

    label, words = _LOCATORS[record.kind](record)
    item = dict(csl_json(report)[0])
    item["note"] = _pin(report, record)
    number = words.split()[1]
    return {"item": item, "locator": number, "label": label}


# ── quotations ─────────────────────────────────────────────────────────────────


def _quote_answer(box: ToolBox, check: QuoteCheck) -> dict[str, Any]:
    """``check-quote --json``'s answer, with record URIs, whether it is safe to print, a citation."""
    from .search.quotes import quote_check_json

    return {
        **quote_check_json(check, box.uri),
        "safe_to_print": check.verdict.value in ("exact", "equivalent"),
        "citation": _citation_of(box.report, [place.record for place in check.locations]),
    }


def _citation_of(report: Report, records: Sequence[Any]) -> str | None:
    """The pinned citation of a quotation's records: every one (two when it runs across a boundary)."""
    if not records:
        return None
    if len(records) == 1:
        return _citation(report, records[0])
    located = [(record, _LOCATORS[record.kind]) for record in records if record.kind in _LOCATORS]
    if not located:
        return None
    words = " and ".join(locator(record)[1] for record, locator in located)
    pins = ", ".join(f"#{record.id}" for record, _ in located)
    return f"{report.metadata.citation.rstrip('.')}, {words}. [kzrights data {report.version}, {pins}]"


# ── the server ─────────────────────────────────────────────────────────────────

# indexes a Report builds on first use (its private cache), by what the server calls them
_INDEX_NAMES = {
    "search": "the search index",
    "locate": "the quotation index",
    "quotes": "the quotation checker",
}


class _Progress:
    """Says on stderr, once each, when the release is loaded and when an index is built."""

    def __init__(self, box: ToolBox) -> None:
        self.box = box
        self.seen: set[str] = set()

    def note(self, started: float) -> None:
        from . import linker

        built: list[str] = []
        report = self.box._loaded
        if report is not None:
            built.append("the release")
            # the Report's private cache of what its tools built: read, never written
            built += [_INDEX_NAMES[name] for name in report._caches if name in _INDEX_NAMES]
        if self.box.version in linker._LINKERS:
            built.append("the entity matcher")
        for what in built:
            if what not in self.seen:
                self.seen.add(what)
                done = f"loaded data release {self.box.version}" if what == "the release" else f"built {what}"
                seconds = time.perf_counter() - started
                _log(f"{done} ({seconds:.3f} s after start)")


def _log(message: str) -> None:
    if sys.stderr is not None:
        print(f"kzrights mcp: {message}", file=sys.stderr, flush=True)


def _text_block(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False, indent=1)


_PARSE_ERROR = -32700
_INVALID_REQUEST = -32600
_INVALID_PARAMS = -32602


def _malformed(line: bytes) -> tuple[int, str, int | str | None] | None:
    """Why a line from the client is not a JSON-RPC message the SDK can read, or None (`_read_line`)."""
    return _read_line(line)[0]


def _read_line(line: bytes) -> tuple[tuple[int, str, int | str | None] | None, Any]:
    r"""Why one line from the client is not a JSON-RPC message the SDK can read, or None if it is.

    Returns:
        ``(code, message, id)`` for the JSON-RPC 2.0 error object the line
        gets: ``-32700`` (Parse error) for bytes that are not UTF-8, text
        that is not JSON, and JSON the server's readers cannot read (arrays
        or objects nested deeper than the interpreter's recursion limit, or
        than the SDK's reader goes), with ``id`` null, or the request's id
        when Python's reader could read it; ``-32600`` (Invalid Request) for
        JSON that is not one request, notification or response, with the
        request's ``id`` when it has a usable one.  JSON holding a lone
        surrogate escape such as ``"\ud800"`` (no Unicode text) is answered
        with the request's id: ``-32602`` (Invalid params) when the
        surrogate is in its ``params``, else ``-32600``.  The second item
        is the message as the SDK reads it (None for a malformed line).
    """
    import mcp.types as mcp_types

    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (_PARSE_ERROR, f"Parse error: the line is not UTF-8 (byte {exc.start})", None), None
    unread = None  # why the SDK's JSON reader could not read the line, when it could not
    try:
        message = mcp_types.jsonrpc_message_adapter.validate_json(text, by_name=False)
    except ValueError as exc:
        message = None
        errors = getattr(exc, "errors", None)
        for error in errors() if callable(errors) else ():
            if error.get("type") == "json_invalid":
                unread = str(error.get("msg", "")).removeprefix("Invalid JSON: ")
    # the SDK reads a message with an "id" it cannot use (1.5, true, null, [1]) as a
    # notification, which gets no answer: a client waiting for one would wait for ever.
    # Notifications are few, so only they are parsed a second time to look; so is a
    # line that may hold NaN or Infinity, which the SDK's parser takes and JSON has not.
    if (
        message is not None
        and not isinstance(message, mcp_types.JSONRPCNotification)
        and "NaN" not in text
        and "Infinity" not in text
    ):
        return None, message
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        return (_PARSE_ERROR, f"Parse error: {_cut(str(exc), 120)}", None), None
    except RecursionError:  # "[[[[..." deeper than the interpreter's recursion limit
        return (_PARSE_ERROR, "Parse error: arrays or objects nested too deep to read", None), None
    own_id = isinstance(value, dict) and "id" in value
    if message is not None and (not isinstance(message, mcp_types.JSONRPCNotification) or not own_id):
        # the SDK's reading stands: a message whose NaN was only a word, or a true notification
        return None, message
    where = _lone_surrogate(value)
    if where is not None:
        # JSON, so not a parse error: a request is answered with its id, or a client
        # waiting on that id would wait for ever (an id holding the surrogate is unusable)
        ident = value.get("id") if isinstance(value, dict) else None
        usable = ident if _lone_surrogate(ident) is None and _is_usable_id(ident) else None
        reason = f"a lone surrogate (U+{ord(where):04X}) is not Unicode text"
        rest = (
            {key: item for key, item in value.items() if key != "params"}
            if isinstance(value, dict)
            else value
        )
        if usable is not None and _lone_surrogate(rest) is None:
            return (_INVALID_PARAMS, f"Invalid params: {reason}", usable), None
        return (_INVALID_REQUEST, f"Invalid Request: {reason}", usable), None
    if unread is not None:
        # JSON that Python reads and the SDK's reader does not (it has its own limit on
        # nesting, about 200 levels): a parse error, with the id when the request has one
        if "recursion" in unread:
            unread = f"arrays or objects nested {_depth(value)} deep, deeper than the server reads"
        ident = value.get("id") if isinstance(value, dict) else None
        usable = ident if _is_usable_id(ident) else None
        return (_PARSE_ERROR, f"Parse error: {_cut(unread, 120)}", usable), None
    if isinstance(value, list):
        return (
            _INVALID_REQUEST,
            "Invalid Request: a batch (JSON array) is not accepted; send one object",
            None,
        ), None
    if not isinstance(value, dict):
        return (
            _INVALID_REQUEST,
            f"Invalid Request: {_json_type(value)} is not a JSON-RPC message",
            None,
        ), None
    ident = value.get("id")
    usable = ident if _is_usable_id(ident) else None
    if value.get("jsonrpc") != "2.0":
        problem = "'jsonrpc' must be \"2.0\""
    elif "method" not in value and "id" in value:
        problem = "a request needs a string 'method'"
    elif "method" in value and not isinstance(value["method"], str):
        problem = "'method' must be a string"
    elif "id" in value and usable is None:
        problem = "'id' must be a string or an integer"
    elif "params" in value and not isinstance(value["params"], dict):
        problem = "'params' must be an object"
    else:
        problem = "not a request, notification or response"
    return (_INVALID_REQUEST, f"Invalid Request: {problem}", usable), None


def _is_usable_id(ident: object) -> TypeGuard[int | str]:
    """Whether ``ident`` is an id a JSON-RPC answer can carry: a string or an integer (not a bool)."""
    return isinstance(ident, str) or (isinstance(ident, int) and not isinstance(ident, bool))


def _no_constant(name: str) -> object:
    """Refuse ``NaN``, ``Infinity`` and ``-Infinity``, which Python's json reads but JSON has not."""
    raise ValueError(f"{name} is not JSON")


class _CheckedStdin:
    """The client's lines, read as bytes: a malformed one answered with a JSON-RPC error, the rest passed on.

    The SDK's stdio transport drops a line it cannot validate without an
    answer, so a client waits for ever; here such a line gets its error object
    on the same write stream as every answer, and the next line is served.
    Blank lines are skipped, as newline-delimited JSON allows.

    The SDK also cancels the requests it is still serving when its input
    ends, so ``printf ... | kzrights mcp`` lost the last answers: at the end
    of stdin the lines stop only once every request passed on has been
    answered (`_Answers`), or withdrawn by ``notifications/cancelled``.
    """

    #: seconds a malformed line's answer waits for the answers to the requests before it
    PATIENCE = 2.0

    def __init__(self, source: Any, answer: Callable[[int, str, int | str | None], Any]) -> None:
        self._source = source
        self._answer = answer
        self.answers = _Answers()

    def __aiter__(self) -> Any:
        return self._lines()

    async def _lines(self) -> Any:
        import mcp.types as mcp_types

        async for line in self._source:
            if not line.strip():
                continue
            fault, message = _read_line(line)
            if fault is None:
                if isinstance(message, mcp_types.JSONRPCRequest):
                    self.answers.expect(message.id)
                elif isinstance(message, mcp_types.JSONRPCNotification) and message.method == (
                    "notifications/cancelled"
                ):
                    self.answers.withdraw((message.params or {}).get("requestId"))
                yield line.decode("utf-8")
            else:
                _log(f"answered a malformed line: {fault[1]}")
                # answers in the order of the lines: the requests before this line first (the
                # SDK serves each in a task of its own), unless one keeps the client waiting
                await self.answers.settled(self.PATIENCE)
                await self._answer(*fault)
        await self.answers.all_given()


class _Answers:
    """The requests passed on to the SDK and not yet answered, counted by id."""

    #: seconds without any answer, after stdin ends, before the server gives up waiting
    PATIENCE = 60.0

    def __init__(self) -> None:
        self._waiting: collections.Counter[int | str] = collections.Counter()
        self._changed: Any = None

    def expect(self, ident: int | str) -> None:
        self._waiting[ident] += 1

    def withdraw(self, ident: object) -> None:
        if _is_usable_id(ident) and self._waiting[ident] > 0:
            self._waiting[ident] -= 1
        self._nudge()

    def given(self, message: Any) -> None:
        """Note one message on its way to stdout: an answer counts off its request."""
        ident = getattr(message, "id", None)
        if _is_usable_id(ident) and self._waiting[ident] > 0 and not hasattr(message, "method"):
            self._waiting[ident] -= 1
            self._nudge()

    def _nudge(self) -> None:
        if self._changed is not None:
            self._changed.set()

    async def all_given(self) -> None:
        if not await self.settled(self.PATIENCE):
            left = ", ".join(repr(ident) for ident in sorted(+self._waiting, key=repr))
            _log(f"stdin closed; no answer in {self.PATIENCE:.0f} s to request(s) {_cut(left, 120)}")

    async def settled(self, patience: float) -> bool:
        """Wait until every request passed on is answered (`True`), or `patience` s without one (`False`)."""
        import anyio

        while +self._waiting:
            self._changed = anyio.Event()
            with anyio.move_on_after(patience) as waited:
                await self._changed.wait()
            if waited.cancel_called:
                return False
        return True


class _CountingWriter:
    """The SDK's write stream, each message noted by `_Answers` before it is sent."""

    def __init__(self, stream: Any, answers: _Answers) -> None:
        self._stream = stream
        self._answers = answers

    async def send(self, item: Any) -> None:
        await self._stream.send(item)
        self._answers.given(getattr(item, "message", None))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    async def __aenter__(self) -> _CountingWriter:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> Any:
        return await self._stream.__aexit__(*exc)


def serve(version: str | None = None) -> None:
    """Serve a data release to an MCP client over stdin and stdout, until stdin closes.

    Tools: `TOOLS` (``search``, ``get``, ``check_quote``, ``cite``,
    ``annotate``, ``recommendations``), each answer a JSON object given both
    as ``structuredContent`` and as JSON text.  Resources: every record of the
    release at its IRI, ``urn:kzrights:<version>:<id>``, read as JSON.  A
    tool called with bad arguments answers with ``isError`` and a one-line
    message; an unknown resource IRI is a JSON-RPC error (code -32002) with
    the closest IRIs.

    Args:
        version: The data release to serve (default: the newest shipped).

    Raises:
        MissingDependencyError: If the MCP SDK is not installed
            (``pip install 'kzrights[mcp]'``).
        UnknownVersionError: If no shipped release has ``version``.
        BrokenPipeError: If stdout's reader went away (said on stderr:
            ``kzrights mcp: stdout closed: stopped``).
        OSError: If stdout cannot be written otherwise (a full disk).
        KeyboardInterrupt: On Ctrl-C (SIGINT), at once, even while the
            server waits for a line on stdin.
    """
    box = ToolBox(version)
    try:
        import anyio
        import mcp.types as types
        from mcp.server.lowlevel import Server
        from mcp.server.stdio import stdio_server
        from mcp.shared.exceptions import MCPError
    except ImportError:
        raise MissingDependencyError("kzrights mcp", "mcp", "mcp") from None
    from . import __getattr__ as package_attribute

    progress = _Progress(box)
    started = time.perf_counter()

    async def list_tools(ctx: Any, params: Any) -> Any:
        progress.note(started)
        tools = [
            types.Tool(name=name, description=spec["description"], input_schema=dict(spec["inputSchema"]))
            for name, spec in TOOLS.items()
        ]
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: Any) -> Any:
        try:
            answer: Any = box.call(params.name, params.arguments)
        except KzrightsError as exc:
            message = f"error: {exc}"
            failed = True
        except Exception as exc:  # noqa: BLE001 - a bad call answers, it never stops the server
            message = f"internal error (please report it): {type(exc).__name__}: {_cut(str(exc), 200)}"
            failed = True
        else:
            failed = False
        progress.note(started)
        if failed:
            return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)
        return types.CallToolResult(
            content=[types.TextContent(text=_text_block(answer))], structured_content=answer
        )

    async def list_resources(ctx: Any, params: Any) -> Any:
        found = [
            types.Resource(
                uri=r["uri"], name=r["name"], description=r["description"], mime_type=r["mimeType"]
            )
            for r in box.resources()
        ]
        progress.note(started)
        return types.ListResourcesResult(resources=found)

    async def read_resource(ctx: Any, params: Any) -> Any:
        try:
            answer = box.read(params.uri)
        except KzrightsError as exc:
            # MCP's "resource not found" (specification 2025-11-25, server/resources)
            raise MCPError(-32002, f"error: {exc}") from None
        progress.note(started)
        contents = types.TextResourceContents(
            uri=params.uri, mime_type="application/json", text=_text_block(answer)
        )
        return types.ReadResourceResult(contents=[contents])

    server: Any = Server(
        SERVER_NAME,
        version=package_attribute("__version__"),
        instructions=(
            f"The report 'Retreating Rights – Kazakhstan: Conclusions and Recommendations' (Foreign Policy "
            f"Centre, 2021), data release {box.version}. Check every quotation with check_quote before "
            f"writing it, and cite the record it stands in with cite."
        ),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )

    from mcp.shared.message import SessionMessage

    ready = anyio.Event()
    streams: dict[str, Any] = {}

    async def answer(code: int, message: str, ident: int | str | None) -> None:
        await ready.wait()
        error = types.JSONRPCError(jsonrpc="2.0", id=ident, error=types.ErrorData(code=code, message=message))
        await streams["write"].send(SessionMessage(error))

    lines = _StdinLines(sys.stdin.fileno())
    stdin = _CheckedStdin(lines, answer)

    async def run() -> None:
        from anyio.from_thread import BlockingPortal

        async with BlockingPortal() as portal:
            try:
                lines.start(portal)
                async with stdio_server(stdin=stdin) as (read_stream, write_stream):  # type: ignore[arg-type,unused-ignore]
                    counted = _CountingWriter(write_stream, stdin.answers)
                    streams["write"] = counted
                    ready.set()
                    await server.run(read_stream, counted, server.create_initialization_options())
            finally:
                # a line the reader thread is still handing over is dropped, however the server stops
                await portal.stop(cancel_remaining=True)
                lines.close()

    _log(f"serving data release {box.version} on stdio")
    try:
        anyio.run(run)
    except Exception as exc:
        # the SDK's writer fails inside a task group: the error comes wrapped in an exception group
        failed = _write_error(exc)
        if failed is None:
            raise
        if isinstance(failed, BrokenPipeError):
            _log("stdout closed: stopped")
        raise failed from None
    _log("stdin closed: stopped")


def _write_error(exc: BaseException) -> OSError | None:
    """The `OSError` that ``exc`` is or (an exception group) holds, or ``None``."""
    if isinstance(exc, OSError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _write_error(inner)
        if found is not None:
            return found
    return None


class _StdinLines:
    """A file descriptor's lines as bytes (the last may lack its newline), read by a daemon thread.

    The SDK reads stdin in one of anyio's worker threads, which a cancelled
    server waits for: Ctrl-C stopped the server only once a line came or stdin
    closed.  Here a daemon thread of kzrights' own reads the descriptor with
    `os.read` (no lock of a buffered file that interpreter shutdown would
    need) and hands each line over through a blocking portal of the serving
    task (`start`), one at a time as the server takes them (as a line-by-line
    read did: answers keep the order of the lines); the server waits for a
    line in a way that can be cancelled, and the process exits without
    waiting for the thread.
    """

    CHUNK = 65_536

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._send: Any = None
        self._received: Any = None

    def start(self, portal: Any) -> None:
        """Start the reader thread, handing lines over through ``portal`` (stopped by its owner)."""
        import threading

        import anyio

        self._send, self._received = anyio.create_memory_object_stream[bytes](0)
        reader = threading.Thread(
            target=self._pump, args=(portal, self._send), name="kzrights mcp stdin", daemon=True
        )
        reader.start()

    def close(self) -> None:
        """Close both ends of the hand-over, in the event loop's thread (the next hand-over fails)."""
        for stream in (self._send, self._received):
            if stream is not None:
                stream.close()

    def _pump(self, portal: Any, send: Any) -> None:
        """Read the descriptor to its end, handing over each line, then ``b""``."""
        import os

        pending = bytearray()
        try:
            while True:
                try:
                    chunk = os.read(self._fd, self.CHUNK)
                except OSError as exc:  # a terminal hung up: the end of the input
                    _log(f"cannot read stdin further: {exc.strerror or exc}")
                    chunk = b""
                if not chunk:
                    if pending:
                        portal.call(send.send, bytes(pending))
                    portal.call(send.send, b"")
                    return
                start = len(pending)
                pending += chunk
                end = pending.find(b"\n", start)
                while end != -1:
                    portal.call(send.send, bytes(pending[: end + 1]))
                    del pending[: end + 1]
                    end = pending.find(b"\n")
        except Exception:  # noqa: BLE001 - the server stopped (portal or stream closed): nothing to hand over
            return

    def __aiter__(self) -> Any:
        return self._lines()

    async def _lines(self) -> Any:
        try:
            while line := await self._received.receive():
                yield line
        finally:
            self.close()
