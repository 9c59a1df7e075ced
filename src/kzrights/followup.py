"""Follow-up assessments: was a recommendation implemented, according to whom, when, on what evidence.

An assessment is kept by its user, never shipped as fact: kzrights gives the
typed model, reads and writes it in the forms analysts keep it in (CSV, an
Excel workbook, JSON), checks it against a pinned data release, and compares
two assessments.  The recommendation ids are the contract: an assessment made
against release 1.1.0 validates against any later release, because ids never
disappear without a new major release that lists them in the data changelog.

The status vocabulary ([`DEFAULT_VOCABULARY`][kzrights.followup.DEFAULT_VOCABULARY]) follows the
implementation categories of UPR Info's mid-term assessments and of the
IMPACT Open Source Software tracker that national mechanisms for
implementation, reporting and follow-up use: *not implemented*, *partially
implemented*, *implemented*, and *no information*.  Users add their own
statuses with [`Vocabulary.extended`][kzrights.followup.Vocabulary.extended].

Examples:
    >>> import datetime
    >>> from kzrights import followup
    >>> tracker = followup.AssessmentSet("1.1.0", (
    ...     followup.Assessment(
    ...         recommendation_id="recommendations.government.6",
    ...         date=datetime.date(2023, 1, 31),
    ...         status="not implemented",
    ...         assessor="Example Monitor",
    ...     ),
    ... ))
    >>> followup.validate(tracker)
    >>> followup.DEFAULT_VOCABULARY.names()
    ('not implemented', 'partially implemented', 'implemented', 'no information')
"""

from __future__ import annotations

import codecs
import csv
import datetime
import enum
import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._locking import FIRST_USE, first_use, whole_first_call
from .errors import (
    AssessmentProblem,
    ExportError,
    InvalidAssessmentError,
    InvalidStatusError,
    MissingDependencyError,
)

if TYPE_CHECKING:
    from .records import Recommendation
    from .report import Report

__all__ = [
    "ASSESSMENT_COLUMNS",
    "COLUMNS",
    "CONTEXT_COLUMNS",
    "DEFAULT_VOCABULARY",
    "FORMATS",
    "MAX_TEXT_LENGTH",
    "Assessment",
    "AssessmentProblem",
    "AssessmentSet",
    "Comparison",
    "Direction",
    "GroupSummary",
    "Status",
    "StatusChange",
    "Vocabulary",
    "compare",
    "read",
    "template",
    "validate",
    "write",
]

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
"""The file formats, by the file name's suffix (lower case): CSV, an Excel workbook, the JSON form."""

CONTEXT_COLUMNS = ("addressee", "text", "themes", "sdg_targets")
"""Columns kzrights writes from the release beside each id, for the reader; reading ignores them."""

ASSESSMENT_COLUMNS = ("date", "status", "assessor", "evidence", "evidence_url", "note")
"""The columns an assessor fills in."""

COLUMNS = ("recommendation_id", *CONTEXT_COLUMNS, *ASSESSMENT_COLUMNS, "data_version")
"""Every column of a tracker (CSV or workbook), in order."""

MAX_TEXT_LENGTH = 32_767
"""The longest text a field may hold, in characters: what one Excel cell holds."""

_REQUIRED = ("recommendation_id", *ASSESSMENT_COLUMNS[:3], "data_version")
_SHEET = "Assessments"
_JSON_FIELDS = ("recommendation_id", *ASSESSMENT_COLUMNS)
# the keys of an entry of the JSON form: what an assessor fills in, and the context kzrights writes
_JSON_KEYS = ("recommendation_id", *CONTEXT_COLUMNS, *ASSESSMENT_COLUMNS)

# what to put in a required field left empty, said in the message that finds it empty
_WHAT_TO_PUT = {
    "recommendation_id": "the id of the recommendation assessed, e.g. 'recommendations.government.6'",
    "date": "the date of the assessment, written YYYY-MM-DD",
    "assessor": "who assessed it: a person or an organisation",
}


@attrs.frozen
class _Uncomputed:
    """A workbook cell that holds a formula and no value computed from it (never opened in a spreadsheet)."""

    formula: str

    def problem(self) -> str:
        return (
            f"holds the formula {_clip(self.formula, 40)!r} with no computed value (the workbook was "
            "saved by a program that does not calculate); open it in a spreadsheet program and save "
            "it, or replace the formula by its value (copy, then paste values)"
        )


# ── the vocabulary ────────────────────────────────────────────────────────────


def _argument_error(argument: str, expected: str, value: object) -> Exception:
    """An `ArgumentTypeError` (a ``TypeError``) for an argument of the wrong type, imported only then."""
    from .errors import ArgumentTypeError

    return ArgumentTypeError(argument, expected, value)


def _is_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise _argument_error(attribute.name, "a str", value)


def _is_rank(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and type(value) is not int:  # True is an int to Python, never a rank
        raise _argument_error(attribute.name, "an int or None", value)


def _check_flag(argument: str, value: object) -> None:
    """Refuse a flag that is not a bool: ``"no"`` or ``0`` would be read as a guess."""
    if value is not True and value is not False:
        raise _argument_error(argument, "True or False", value)


def _is_flag(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_flag(attribute.name, value)


def _records(value: object, kind: type, name: str) -> tuple[Any, ...]:
    """A field that holds ``kind`` records: a tuple (or list) of them, as a tuple."""
    if not isinstance(value, (tuple, list)):
        raise _argument_error(name, f"a tuple of {kind.__name__} records", value)
    for n, member in enumerate(value):
        if not isinstance(member, kind):
            one = ("an " if kind.__name__[0] in "AEIOU" else "a ") + kind.__name__
            raise _argument_error(f"{name}[{n}]", one, member)
    return tuple(value)


def _statuses(value: object) -> tuple[Status, ...]:
    return _records(value, Status, "statuses")


@attrs.frozen
class Status:
    """One status of the vocabulary.

    Each field is checked as the status is made: a field of the wrong type
    is an [`ArgumentTypeError`][kzrights.errors.ArgumentTypeError] naming it.

    Attributes:
        name: The status as written in a tracker, lower case, e.g. ``"implemented"``.
        rank: Its place in the order of progress (higher is further
            implemented), or ``None`` for a status that says nothing of
            progress (``"no information"``); [`compare`][kzrights.followup.compare]
            reads directions from it.
        needs_evidence: Whether an assessment with this status must give an
            evidence URL (a claim of implementation must be checkable).
        description: What the status means.
    """

    name: str = attrs.field(validator=_is_text)
    rank: int | None = attrs.field(default=None, validator=_is_rank)
    needs_evidence: bool = attrs.field(default=False, validator=_is_flag)
    description: str = attrs.field(default="", validator=_is_text)


@attrs.frozen
class Vocabulary:
    """The statuses an assessment may use.

    Statuses match whatever their case and spacing (``"Partially
    Implemented"`` is ``"partially implemented"``); kzrights writes the name
    as the vocabulary has it.

    Attributes:
        statuses: The statuses, in the order they are offered (a list is
            taken as a tuple); anything but `Status` records is an
            [`ArgumentTypeError`][kzrights.errors.ArgumentTypeError].
    """

    statuses: tuple[Status, ...] = attrs.field(converter=_statuses)

    def names(self) -> tuple[str, ...]:
        """Return the statuses' names, in order."""
        return tuple(status.name for status in self.statuses)

    def get(self, name: str) -> Status | None:
        """Return the status ``name`` stands for, or ``None`` if the vocabulary has none.

        Raises:
            ArgumentTypeError: If ``name`` is not a str (a ``TypeError``).
        """
        if not isinstance(name, str):
            raise _argument_error("name", "a str", name)
        key = _status_key(name)
        return next((status for status in self.statuses if status.name == key), None)

    def extended(
        self, name: str, *, rank: int | None = None, needs_evidence: bool = False, description: str = ""
    ) -> Vocabulary:
        """Return a vocabulary with one more status, for validation, reading and comparison.

        Examples:
            >>> from kzrights.followup import DEFAULT_VOCABULARY
            >>> mine = DEFAULT_VOCABULARY.extended(
            ...     "awaiting response", description="asked the ministry; no answer yet"
            ... )
            >>> mine.get("Awaiting Response").name
            'awaiting response'

        Args:
            name: The new status, as it will be written (stored in lower case).
            rank: Its place in the order of progress (not implemented is 0,
                partially implemented 1, implemented 2), or ``None`` if it
                says nothing of progress.
            needs_evidence: Whether it requires an evidence URL.
            description: What it means.

        Raises:
            InvalidStatusError: If the name is empty, is already in the
                vocabulary, or is too long, or the rank is not an int.
            ArgumentTypeError: If ``needs_evidence`` is not a bool or
                ``description`` not a str (a ``TypeError``).
        """
        if not isinstance(name, str) or not _status_key(name):
            raise InvalidStatusError(str(name), "a status needs a name")
        key = _status_key(name)
        if len(key) > 100 or not key.isprintable():
            raise InvalidStatusError(key[:100], "a status is one printable line of at most 100 characters")
        if self.get(key) is not None:
            raise InvalidStatusError(key, "the vocabulary has it already")
        if rank is not None and (type(rank) is not int):
            raise InvalidStatusError(key, f"its rank must be an int or None, not {type(rank).__name__}")
        return Vocabulary((*self.statuses, Status(key, rank, needs_evidence, description)))


def _status_key(name: str) -> str:
    return " ".join(name.split()).casefold()


DEFAULT_VOCABULARY = Vocabulary(
    (
        Status("not implemented", 0, False, "No step has been taken to carry out the recommendation."),
        Status(
            "partially implemented",
            1,
            True,
            "Some steps have been taken, but the recommendation is not carried out in full.",
        ),
        Status("implemented", 2, True, "The recommendation is carried out in full."),
        Status("no information", None, False, "The assessor could not find out."),
    )
)
"""Not implemented, partially implemented, implemented, no information.

The categories of UPR Info's mid-term implementation assessments and of the
IMPACT OSS tracker, in their order of progress (ranks 0, 1 and 2); *no
information* has no rank.  Partially implemented and implemented need an
evidence URL.
"""


# ── the model ─────────────────────────────────────────────────────────────────


def _optional_text(value: str | None) -> str | None:
    r"""A text field as kept: line ends as ``\\n``, and blank (as an empty cell) as ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _argument_error("a text field", "a str or None", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if value.strip() else None


def _optional_url(value: str | None) -> str | None:
    text = _optional_text(value)
    return text.strip() if text is not None else None


def _line_ends(value: str) -> str:
    r"""A required text field as kept: line ends as ``\n``, as the formats give them back."""
    if not isinstance(value, str):
        raise _argument_error("assessor", "a str", value)
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _stripped(value: str) -> str:
    if not isinstance(value, str):
        raise _argument_error("recommendation_id", "a str", value)
    return value.strip()


def _status_name(value: str) -> str:
    if not isinstance(value, str):
        raise _argument_error("status", "a str", value)
    return _status_key(value)


def _is_date(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise _argument_error(attribute.name, "a datetime.date", value)


@attrs.frozen
class Assessment:
    r"""One assessment of one recommendation on one date.

    Text fields hold line breaks as ``"\\n"`` (a ``"\\r\\n"`` or ``"\\r"`` given
    becomes one), and a blank text (nothing but spaces) is ``None``, as an
    empty cell would be.  The fields are checked against a release by
    [`validate`][kzrights.followup.validate], not here.

    Attributes:
        recommendation_id: The recommendation assessed, e.g. ``"recommendations.government.6"``.
        date: When it was assessed (a `datetime.date`).
        status: A status of the vocabulary, e.g. ``"partially implemented"``.
        assessor: Who assessed it (a person or an organisation).
        evidence: What the assessment rests on, in words.
        evidence_url: Where the evidence can be read (an http or https URL).
        note: Anything else.
    """

    recommendation_id: str = attrs.field(converter=_stripped)
    date: datetime.date = attrs.field(validator=_is_date)
    status: str = attrs.field(converter=_status_name)
    assessor: str = attrs.field(converter=_line_ends)
    evidence: str | None = attrs.field(default=None, converter=_optional_text)
    evidence_url: str | None = attrs.field(default=None, converter=_optional_url)
    note: str | None = attrs.field(default=None, converter=_optional_text)


def _assessments(value: object) -> tuple[Assessment, ...]:
    return _records(value, Assessment, "assessments")


@attrs.frozen
class AssessmentSet:
    """A follow-up assessment: its rows, and the data release they were made against.

    [`read`][kzrights.followup.read] gives the rows in a canonical order (the
    recommendations' order in the release, then by date), which is the order
    [`write`][kzrights.followup.write] writes them in.

    Attributes:
        data_version: The data release the assessment was made against, e.g. ``"1.1.0"``.
        assessments: The rows (a list is taken as a tuple).

    Raises:
        ArgumentTypeError: If ``data_version`` is not a str, or
            ``assessments`` not a tuple or list of `Assessment` rows (a
            ``TypeError``), naming the row at fault.
    """

    data_version: str = attrs.field(validator=_is_text)
    assessments: tuple[Assessment, ...] = attrs.field(default=(), converter=_assessments)

    def latest(self) -> dict[str, Assessment]:
        """Return the most recent assessment of each recommendation assessed, by recommendation id."""
        newest: dict[str, Assessment] = {}
        for row in self.assessments:
            if row.recommendation_id not in newest or row.date > newest[row.recommendation_id].date:
                newest[row.recommendation_id] = row
        return newest


# ── validation ────────────────────────────────────────────────────────────────

_Raw = dict[str, Any]

# the key that marks a raw row with no assessment: only its recommendation id is checked
_UNASSESSED = "\x00unassessed"


def _unassessed(raw: Mapping[str, Any]) -> _Raw | None:
    """A row whose assessment fields are all empty, as a raw row to check the id of; None if it has no id.

    A row of the template (or an entry of its JSON form) names a
    recommendation and leaves the rest empty until it is assessed: it is no
    assessment, but its id must still be a recommendation of the release,
    or the row is a problem naming it (a row holding "bogus" alone is not
    skipped as if it were empty).
    """
    if not _filled(raw.get("recommendation_id")):
        return None
    return {"recommendation_id": raw["recommendation_id"], _UNASSESSED: True}


def _check_set(value: object, name: str) -> None:
    """Refuse what is no `AssessmentSet` of `Assessment` rows: an `ArgumentTypeError` naming it.

    An `AssessmentSet` is made without checks, so its rows may be anything;
    each is checked here, before a field of it is read.
    """
    from .errors import ArgumentTypeError

    if not isinstance(value, AssessmentSet):
        raise ArgumentTypeError(name, "an AssessmentSet", value)
    if not isinstance(value.data_version, str):
        raise ArgumentTypeError(f"{name}.data_version", "a str naming a data release", value.data_version)
    rows = value.assessments
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise ArgumentTypeError(f"{name}.assessments", "a tuple of Assessment records", rows)
    for n, row in enumerate(rows):
        if not isinstance(row, Assessment):
            raise ArgumentTypeError(f"{name}.assessments[{n}]", "an Assessment", row)


def _check_options(version: object, vocabulary: object, today: object) -> None:
    """Refuse a ``version``, ``vocabulary`` or ``today`` of the wrong type: an `ArgumentTypeError`."""
    from .errors import ArgumentTypeError
    from .report import Report

    if version is not None and not isinstance(version, (str, Report)):
        raise ArgumentTypeError("version", "a str naming a data release, a Report or None", version)
    if not isinstance(vocabulary, Vocabulary):
        raise ArgumentTypeError("vocabulary", "a Vocabulary", vocabulary)
    if today is not None and (not isinstance(today, datetime.date) or isinstance(today, datetime.datetime)):
        raise ArgumentTypeError("today", "a datetime.date or None", today)


def _release(version: str | Report) -> Report:
    """The release to check against: a shipped one by its version, or a `Report` given as it is."""
    from .releases import load
    from .report import Report

    return version if isinstance(version, Report) else load(version)


def _history(report: Report) -> dict[str, list[str]]:
    """For each recommendation id of any shipped release (and ``report``), the releases that have it."""
    from .releases import versions

    has: dict[str, list[str]] = {}
    shipped = [v for v in versions() if v != report.version]
    for version, release in [*((v, _release(v)) for v in shipped), (report.version, report)]:
        for rec in release.recommendations:
            has.setdefault(rec.id, []).append(version)
    return has


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _id_problem(wanted: str, report: Report, has: Mapping[str, list[str]]) -> str:
    """Why ``wanted`` is not an id of ``report``'s recommendations, in words."""
    import difflib

    known = [rec.id for rec in report.recommendations]
    if wanted in has:
        there = sorted(has[wanted], key=_version_key)
        if _version_key(there[-1]) < _version_key(report.version):
            later = sorted(
                (
                    v
                    for v in [*_shipped_versions(), report.version]
                    if _version_key(v) > _version_key(there[-1])
                ),
                key=_version_key,
            )
            removed_in = later[0] if later else report.version
            return (
                f"recommendation {wanted!r} was removed in data release {removed_in} "
                f"(DATA-CHANGELOG.md, {removed_in}, 'Removed ids'); it is not in {report.version}"
            )
        return (
            f"recommendation {wanted!r} is not in data release {report.version}; it was added in {there[0]}"
        )
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown recommendation {_clip(wanted)!r} in data release {report.version}{hint}"


def _shipped_versions() -> tuple[str, ...]:
    from .releases import versions

    return versions()


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text_problem(value: str) -> str | None:
    if len(value) > MAX_TEXT_LENGTH:
        return f"is {len(value):,} characters long; a cell holds at most {MAX_TEXT_LENGTH:,}"
    for position, char in enumerate(value):
        if char in "\t\n":
            continue
        category = unicodedata.category(char)
        if category == "Cs":  # from a "\ud800" JSON escape, or text decoded with surrogateescape
            what = "an unpaired surrogate (half of a UTF-16 pair, no character on its own)"
        elif char in "\ufffe\uffff":
            what = "a noncharacter (Unicode reserves it never to be a character)"
        elif category == "Cc":
            what = "a control character"
        else:
            continue
        return f"holds {what} U+{ord(char):04X} at {position}, which a cell cannot hold"
    return None


def _url_problem(url: str) -> str | None:
    from urllib.parse import urlsplit

    if any(c.isspace() for c in url) or not url.isprintable():
        return f"{_clip(url)!r} is not a web address: it holds a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        return f"{_clip(url)!r} is not a web address ({error})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{_clip(url)!r} is not a web address: it must start http:// or https:// and name a host"
    return None


def _parse_date(value: Any) -> datetime.date | str:
    """A date from a cell: a date, a midnight datetime, or ISO 8601 text (YYYY-MM-DD); else what is wrong."""
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            return f"{value.isoformat()} has a time of day; give the date alone"
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as error:
            return f"{_clip(text)!r} is not a date ({error})"
    return f"{_clip(text)!r} is not a date written YYYY-MM-DD"


class _Checker:
    """Turns raw rows (a column's name to a cell's value) into assessments, collecting every problem."""

    def __init__(
        self, report: Report, vocabulary: Vocabulary, today: datetime.date, *, numbers_as_text: bool
    ) -> None:
        self.report = report
        self.numbers_as_text = numbers_as_text
        self.vocabulary = vocabulary
        self.today = today
        self.published = report.metadata.published
        self.ids = {rec.id for rec in report.recommendations}
        self._has: dict[str, list[str]] | None = None
        self.problems: list[AssessmentProblem] = []

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(AssessmentProblem(row, column, message))

    def has(self) -> dict[str, list[str]]:
        if self._has is None:
            self._has = _history(self.report)
        return self._has

    def empty(self, row: int, column: str) -> None:
        what = _WHAT_TO_PUT.get(column)
        if column == "status":
            what = "one of " + ", ".join(repr(n) for n in self.vocabulary.names())
        self.problem(row, column, f"is empty; it is required: give {what}")

    def text(self, row: int, column: str, value: Any, required: bool) -> str | None:
        if isinstance(value, _Uncomputed):
            self.problem(row, column, value.problem())
            return None
        if value is not None and not isinstance(value, str):
            typed = isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool)
            if not (typed and self.numbers_as_text):
                self.problem(row, column, f"must be text, not {type(value).__name__}")
                return None
            # a number or date typed into a spreadsheet cell, which the spreadsheet typed
            value = value.isoformat() if isinstance(value, datetime.date) else str(value)
        cleaned = _optional_text(value)
        if cleaned is None:
            if required:
                self.empty(row, column)
            return None
        wrong = _text_problem(cleaned)
        if wrong is not None:
            self.problem(row, column, wrong)
            return None
        return cleaned

    def assessment(self, row: int, raw: _Raw) -> Assessment | None:
        before = len(self.problems)
        rec_id = self.text(row, "recommendation_id", raw.get("recommendation_id"), True)
        if rec_id is not None:
            rec_id = rec_id.strip()
            if rec_id not in self.ids:
                self.problem(row, "recommendation_id", _id_problem(rec_id, self.report, self.has()))
        if raw.get(_UNASSESSED):
            return None  # a row of the template to fill in: its id was all there was to check
        when = self.date(row, raw.get("date"))
        status_text = self.text(row, "status", raw.get("status"), True)
        status = None
        if status_text is not None:
            status = self.vocabulary.get(status_text)
            if status is None:
                self.problem(
                    row,
                    "status",
                    f"unknown status {_clip(status_text)!r}; the statuses are "
                    + ", ".join(repr(n) for n in self.vocabulary.names()),
                )
        assessor = self.text(row, "assessor", raw.get("assessor"), True)
        evidence = self.text(row, "evidence", raw.get("evidence"), False)
        url = self.text(row, "evidence_url", raw.get("evidence_url"), False)
        if url is not None:
            url = url.strip()
            wrong = _url_problem(url)
            if wrong is not None:
                self.problem(row, "evidence_url", wrong)
        elif status is not None and status.needs_evidence:
            self.problem(row, "evidence_url", f"is empty; the status {status.name!r} needs an evidence URL")
        note = self.text(row, "note", raw.get("note"), False)
        if len(self.problems) > before:
            return None
        if rec_id is None or when is None or status is None or assessor is None:  # pragma: no cover
            return None  # each of these has added a problem above
        return Assessment(rec_id, when, status.name, assessor, evidence, url, note)

    def date(self, row: int, value: Any) -> datetime.date | None:
        if isinstance(value, _Uncomputed):
            self.problem(row, "date", value.problem())
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            self.empty(row, "date")
            return None
        parsed = _parse_date(value)
        if isinstance(parsed, str):
            self.problem(row, "date", parsed)
            return None
        if parsed < self.published:
            self.problem(
                row,
                "date",
                f"{parsed.isoformat()} is before the report was published ({self.published.isoformat()})",
            )
            return None
        if parsed > self.today:
            self.problem(
                row, "date", f"{parsed.isoformat()} is in the future (today is {self.today.isoformat()})"
            )
            return None
        return parsed


def _order(report: Report) -> Callable[[Assessment], tuple[int, datetime.date, str]]:
    position = {rec.id: n for n, rec in enumerate(report.recommendations)}
    return lambda a: (position.get(a.recommendation_id, len(position)), a.date, a.recommendation_id)


def _check_rows(
    rows: Iterable[tuple[int, _Raw]],
    report: Report,
    vocabulary: Vocabulary,
    today: datetime.date | None,
    problems: Sequence[AssessmentProblem] = (),
    *,
    numbers_as_text: bool = False,
) -> tuple[tuple[Assessment, ...], list[AssessmentProblem]]:
    checker = _Checker(report, vocabulary, today or datetime.date.today(), numbers_as_text=numbers_as_text)
    checker.problems.extend(problems)
    kept: list[Assessment] = []
    first_row: dict[tuple[str, datetime.date], int] = {}
    for row, raw in rows:
        assessment = checker.assessment(row, raw)
        if assessment is None:
            continue
        key = (assessment.recommendation_id, assessment.date)
        if key in first_row:
            checker.problem(
                row,
                "date",
                f"{assessment.recommendation_id} is assessed twice on {assessment.date.isoformat()} "
                f"(rows {first_row[key]} and {row}); keep one row per recommendation per date",
            )
            continue
        first_row[key] = row
        kept.append(assessment)
    ordered = sorted(checker.problems, key=lambda p: p.row or 0)
    return tuple(sorted(kept, key=_order(report))), ordered


def _give_version() -> str:
    """What to put in an empty ``data_version``, in words."""
    from .releases import versions

    shipped = versions()
    return (
        f"give the data release the tracker was made against, e.g. {shipped[-1]!r} "
        f"(`kzrights versions` lists them: {', '.join(shipped)}); a template from "
        "`kzrights followup template` has it filled in"
    )


def _check_version(value: Any) -> str | None:
    """What is wrong with a tracker's ``data_version`` (None if it names a shipped release)."""
    from .releases import versions

    shipped = versions()
    if isinstance(value, str) and value.strip() in shipped:
        return None
    listed = ", ".join(shipped)
    if isinstance(value, _Uncomputed):
        return value.problem()
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"is empty: {_give_version()}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f"is the number {value!r}: write the release as text of three numbers, e.g. {shipped[-1]!r} "
            f"(the data releases are {listed})"
        )
    if not isinstance(value, str):
        return f"must be text naming a data release, e.g. {shipped[-1]!r}, not {type(value).__name__}"
    return (
        f"{_clip(value.strip())!r} is not a data release this package ships ({listed}; "
        "`kzrights versions` lists them)"
    )


def validate(
    assessments: AssessmentSet,
    version: str | Report | None = None,
    *,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
    today: datetime.date | None = None,
) -> None:
    """Check an assessment against a pinned data release; raise with every problem found.

    The checks, for each row: the recommendation id is one of the release's
    (an id that a later release removed is named with the data changelog
    entry that removed it); the date is neither before the report's
    publication (``Report.metadata.published``) nor after ``today``; the
    status is in ``vocabulary``; the assessor is given; a status that claims
    implementation (partially or in full) has an evidence URL; a URL is an
    http or https address; no text holds a control character (other than tab
    and line break), an unpaired surrogate or a noncharacter, or more than
    `MAX_TEXT_LENGTH` characters; and no recommendation is assessed twice
    on one date.

    Args:
        assessments: The assessment to check.
        version: The data release to check against (default: the one the
            assessment was made against, ``assessments.data_version``), or a
            `Report` (a release built from seeds and not yet shipped).
        vocabulary: The statuses allowed.
        today: The date after which a date is in the future (default: the
            computer's date today).

    Raises:
        InvalidAssessmentError: Listing every problem, each with its row
            (the position in ``assessments.assessments``, from 1) and column.
        UnknownVersionError: If the release is not shipped.
        ArgumentTypeError: If ``assessments`` is not an `AssessmentSet` of
            `Assessment` rows, or ``version``, ``vocabulary`` or ``today``
            is of the wrong type (a ``TypeError``).
    """
    _import_followup()
    _check_set(assessments, "assessments")
    _check_options(version, vocabulary, today)
    report = _release(version if version is not None else assessments.data_version)
    rows = ((n, attrs.asdict(a, recurse=False)) for n, a in enumerate(assessments.assessments, start=1))
    _, problems = _check_rows(rows, report, vocabulary, today)
    if problems:
        raise InvalidAssessmentError("<assessments>", problems)


# ── reading ───────────────────────────────────────────────────────────────────


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidAssessmentError(
            str(path),
            [AssessmentProblem(None, None, f"the file name must end in {', '.join(FORMATS)}")],
        )
    return fmt


def _file_problem(path: Path, message: str) -> InvalidAssessmentError:
    return InvalidAssessmentError(str(path), [AssessmentProblem(None, None, message)])


def _read_bytes(path: Path) -> bytes:
    import stat

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _file_problem(path, "is not a regular file")
        return path.read_bytes()
    except OSError as error:
        raise _file_problem(path, f"cannot be read: {error.strerror or error}") from None


def _table_rows(
    header: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any]]], problems: list[AssessmentProblem]
) -> Iterator[tuple[int, _Raw | None, Any]]:
    """The rows of a CSV file or sheet: each as a raw assessment (``None`` if blank), and its data_version."""
    names = [
        (h.formula if isinstance(h, _Uncomputed) else str(h)).strip() if h is not None else "" for h in header
    ]
    unusable = False  # a required column missing or twice: the rows cannot be read
    for position, name in enumerate(names, start=1):
        if name and name not in COLUMNS:
            hint = (
                "the file seems to be separated by semicolons: save it as CSV with commas"
                if ";" in name and set(name.split(";")) & set(COLUMNS)
                else f"unknown column; the columns are {', '.join(COLUMNS)}"
            )
            problems.append(AssessmentProblem(1, _clip(name), hint))
        elif name and names.index(name) != position - 1:
            problems.append(AssessmentProblem(1, name, "the column is there twice"))
            unusable = True
    for required in _REQUIRED:
        if required not in names:
            what = _give_version() if required == "data_version" else f"give {_WHAT_TO_PUT.get(required)}"
            if required == "status":
                what = "give one of the statuses"
            problems.append(AssessmentProblem(1, required, f"the column is missing: add it and {what}"))
            unusable = True
    if unusable:  # an extra column alone is reported, and the rows are still checked
        return
    index = {name: names.index(name) for name in COLUMNS if name in names}
    for row, cells in rows:
        if len(cells) > len(names) and any(_filled(c) for c in cells[len(names) :]):
            problems.append(AssessmentProblem(row, None, "holds a value beyond the last named column"))
        raw = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        raw = {k: (v if _filled(v) else None) for k, v in raw.items()}
        # a recommendation not (yet) assessed, a row of the template, has no assessment (None)
        blank = all(raw.get(name) is None for name in ASSESSMENT_COLUMNS)
        assessment = (
            _unassessed(raw) if blank else {k: raw.get(k) for k in ("recommendation_id", *ASSESSMENT_COLUMNS)}
        )
        yield row, assessment, raw.get("data_version")


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _csv_rows(path: Path, data: bytes) -> tuple[list[Any], list[tuple[int, list[str]]]]:
    # the offset counts from the file's first byte, the byte-order mark's too (which "utf-8-sig" would not)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise _file_problem(
            path,
            f"is not UTF-8 (at byte offset {bom + error.start:,}); save it as 'CSV UTF-8' from a spreadsheet",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise _file_problem(path, f"is not a valid CSV file (row {reader.line_num}: {error})") from None
    if not records:
        raise _file_problem(path, "is empty; a tracker starts with a header row")
    rows = [(n, [_csv_value(c) for c in r]) for n, r in enumerate(records[1:], start=2)]
    return records[0], [(n, r) for n, r in rows if any(c.strip() for c in r)]


# a workbook's first read or write in a process runs whole under the first-use lock:
# openpyxl imports more, and makes its first temporary file, as it goes
@whole_first_call
def _xlsx_rows(path: Path, data: bytes) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    openpyxl = _openpyxl("kzrights.followup.read(... .xlsx)")

    def cells(data_only: bool) -> tuple[str, list[list[Any]]]:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        try:
            sheet = workbook[_SHEET] if _SHEET in workbook.sheetnames else workbook.worksheets[0]
            return sheet.title, [list(values) for values in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()

    try:
        # the values a spreadsheet program last computed; a formula never computed reads as empty,
        # so the formulas are read too, to tell such a cell from an empty one
        title, rows = cells(data_only=True)
        if any(value is None for row in rows for value in row):
            _, formulas = cells(data_only=False)
            rows = [
                [
                    _Uncomputed(formula)
                    if value is None and isinstance(formula, str) and formula.startswith("=")
                    else value
                    for value, formula in zip(row, formula_row, strict=False)
                ]
                for row, formula_row in zip(rows, formulas, strict=False)
            ]
    except Exception as error:  # noqa: BLE001 - a damaged workbook fails anywhere in openpyxl or the XML parser
        raise _file_problem(
            path,
            f"is not an Excel workbook (.xlsx) ({type(error).__name__}: {_clip(str(error), 80)})",
        ) from None
    if not rows:
        raise _file_problem(path, f"its sheet {title!r} is empty; a tracker starts with a header row")
    return rows[0], [(n, r) for n, r in enumerate(rows[1:], start=2) if any(_filled(c) for c in r)]


class _JsonObject(dict[str, Any]):
    """A JSON object as read, with the keys it gave more than once (JSON parsers keep the last silently)."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    made = _JsonObject(pairs)
    if len(made) < len(pairs):
        from collections import Counter

        made.duplicates = tuple(key for key, times in Counter(k for k, _ in pairs).items() if times > 1)
    return made


def _twice(row: int | None, key: str) -> AssessmentProblem:
    return AssessmentProblem(
        row, _clip(key), "the key is there twice; a JSON reader keeps only the last value: keep one"
    )


def _json_rows(path: Path, data: bytes) -> tuple[str | None, list[tuple[int, _Raw]], list[AssessmentProblem]]:
    """The entries of the JSON form as raw assessments, the release it names (if valid), and its problems."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _file_problem(path, f"is not UTF-8 (at byte offset {error.start:,}), as JSON must be") from None
    try:
        document = json.loads(text, object_pairs_hook=_json_object)
    except (ValueError, RecursionError) as error:
        raise _file_problem(path, f"is not JSON ({_clip(str(error), 80)})") from None
    if not isinstance(document, dict) or not isinstance(document.get("assessments"), list):
        raise _file_problem(path, 'must be a JSON object with "data_version" and an "assessments" array')
    problems = [_twice(None, key) for key in getattr(document, "duplicates", ())]
    problems += [
        AssessmentProblem(None, _clip(str(key)), 'unknown key; the keys are "data_version" and "assessments"')
        for key in document
        if key not in ("data_version", "assessments")
    ]
    declared = document.get("data_version")
    if "data_version" not in document:
        wrong: str | None = f"the key is missing: {_give_version()}"
    else:
        wrong = _check_version(declared)
    if wrong is not None:
        problems.insert(0, AssessmentProblem(None, "data_version", wrong))
    rows: list[tuple[int, _Raw]] = []
    for n, item in enumerate(document["assessments"], start=1):
        if not isinstance(item, dict):
            problems.append(AssessmentProblem(n, None, f"must be a JSON object, not {type(item).__name__}"))
            continue
        problems += [_twice(n, key) for key in getattr(item, "duplicates", ())]
        for key in item:
            if key not in _JSON_KEYS:
                problems.append(
                    AssessmentProblem(
                        n, _clip(str(key)), f"unknown key; the keys are {', '.join(_JSON_KEYS)}"
                    )
                )
        # an entry of the template not (yet) filled in, as a row of a CSV tracker, is no assessment
        if all(not _filled(item.get(key)) for key in ASSESSMENT_COLUMNS):
            unassessed = _unassessed(item)
            if unassessed is not None:
                rows.append((n, unassessed))
            continue
        rows.append((n, {key: item[key] for key in _JSON_FIELDS if key in item}))
    return (str(declared).strip() if wrong is None else None), rows, problems


def read(
    path: str | os.PathLike[str],
    *,
    version: str | Report | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
    today: datetime.date | None = None,
) -> AssessmentSet:
    """Read an assessment from a CSV file, an Excel workbook or the JSON form, and check it.

    The format is the file name's suffix ([`FORMATS`][kzrights.followup.FORMATS]).  A CSV
    file or workbook has a header row naming [`COLUMNS`][kzrights.followup.COLUMNS] (the
    context columns may be left out; their values are ignored); a row whose
    assessment columns are all empty is a recommendation not yet assessed and
    is skipped, as are empty rows (and, in the JSON form, entries whose
    assessment keys are all ``null`` or absent).  Every other row is an
    assessment, checked as [`validate`][kzrights.followup.validate] checks
    one, and nothing is dropped: every problem of the file is reported at
    once.  Beyond those checks: an empty ``data_version`` is named with what
    to put there; a workbook cell holding a formula that was never computed
    (a workbook saved by a program that does not calculate, such as
    openpyxl) is named as such, not read as empty; and a key given twice in
    a JSON object (where JSON readers silently keep the last) is refused.

    Args:
        path: The file.
        version: The data release to check against (default: the one the
            file names in its ``data_version`` column or key), or a `Report`.
        vocabulary: The statuses allowed.
        today: The date after which a date is in the future (default: today).

    Returns:
        The assessments, in the release's order of recommendations, then by date.

    Raises:
        InvalidAssessmentError: Listing every problem, each with its row and
            column; or one problem for a file that cannot be read at all.
        MissingDependencyError: For a workbook, if openpyxl is not installed
            (``pip install 'kzrights[xlsx]'``).
        UnknownVersionError: If ``version`` is not a shipped release.
    """
    _import_followup()
    if not isinstance(path, (str, os.PathLike)):
        raise _argument_error("path", "a str or os.PathLike naming a file", path)
    _check_options(version, vocabulary, today)
    target = Path(path)
    fmt = _format(target)
    data = _read_bytes(target)
    problems: list[AssessmentProblem] = []
    rows: list[tuple[int, _Raw]] = []
    if fmt == "json":
        file_version, rows, problems = _json_rows(target, data)
    else:
        header, cells = _csv_rows(target, data) if fmt == "csv" else _xlsx_rows(target, data)
        versions_seen: dict[str, int] = {}
        for row, raw, row_version in _table_rows(header, cells, problems):
            if raw is not None:
                rows.append((row, raw))
            if row_version is None and (raw is None or raw.get(_UNASSESSED)):
                continue  # a row of the template from which the release was cleared: no version to check
            wrong = _check_version(row_version)
            if wrong is not None:
                problems.append(AssessmentProblem(row, "data_version", wrong))
            else:
                versions_seen.setdefault(row_version.strip(), row)
        if len(versions_seen) > 1:
            (a, first), (b, second) = list(versions_seen.items())[:2]
            problems.append(
                AssessmentProblem(
                    second,
                    "data_version",
                    f"is {b}, but row {first} says {a}: a tracker is made against one release",
                )
            )
        file_version = next(iter(versions_seen), None)
    against = version if version is not None else file_version
    report = _release(against if against is not None else _shipped_versions()[-1])
    assessments, problems = _check_rows(
        rows, report, vocabulary, today, problems, numbers_as_text=fmt == "xlsx"
    )
    if problems:
        raise InvalidAssessmentError(str(target), problems)
    return AssessmentSet(file_version or report.version, assessments)


# ── writing ───────────────────────────────────────────────────────────────────


def _context(report: Report, rec: Recommendation) -> dict[str, Any]:
    """A recommendation's context, for the reader: its addressee, text, theme names and SDG target ids."""
    names = {theme.id: theme.name for theme in report.themes}
    return {
        "addressee": rec.addressee.label,
        "text": rec.text,
        "themes": [names.get(t, t) for t in rec.theme_ids],
        "sdg_targets": list(rec.sdg_target_ids),
    }


def _entries(
    assessments: AssessmentSet, report: Report
) -> Iterator[tuple[Recommendation, Assessment | None]]:
    """For each recommendation of the release, its assessments in order, or ``None``: a row to fill in."""
    by_id: dict[str, list[Assessment]] = {}
    for assessment in sorted(assessments.assessments, key=_order(report)):
        by_id.setdefault(assessment.recommendation_id, []).append(assessment)
    for rec in report.recommendations:
        rows: list[Assessment | None] = [*by_id.get(rec.id, [])] or [None]
        for row in rows:
            yield rec, row


def _assessed(row: Assessment | None) -> list[Any]:
    if row is None:
        return [None] * len(ASSESSMENT_COLUMNS)
    return [row.date, row.status, row.assessor, row.evidence, row.evidence_url, row.note]


def _table(assessments: AssessmentSet, report: Report) -> list[list[Any]]:
    """The rows of a tracker (CSV, workbook): the context's lists joined by ``"; "``."""
    table: list[list[Any]] = []
    for rec, row in _entries(assessments, report):
        context = {k: "; ".join(v) if isinstance(v, list) else v for k, v in _context(report, rec).items()}
        table.append([rec.id, *(context[c] for c in CONTEXT_COLUMNS), *_assessed(row), report.version])
    return table


# Spreadsheet programs run a CSV cell that starts with one of these as a formula (CSV injection,
# OWASP); a tab or CR at the start can hide one.  The writer puts an apostrophe before such a value,
# and before a value of apostrophes followed by one, so that the reader can take exactly one away.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_escaped_in_csv(value: str) -> bool:
    """Whether the CSV writer puts an apostrophe before ``value``: a formula start after its apostrophes."""
    return value.lstrip("'").startswith(_FORMULA_STARTS)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if _is_escaped_in_csv(text) else text


def _csv_value(cell: str) -> str:
    """A CSV cell as read: the one apostrophe the writer put before a formula start taken away."""
    return cell[1:] if cell.startswith("'") and _is_escaped_in_csv(cell[1:]) else cell


def _csv_bytes(table: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table:
        writer.writerow([_csv_cell(v) for v in row])
    # with a byte-order mark: Excel then reads UTF-8 (Cyrillic names) instead of the local code page
    return out.getvalue().encode("utf-8-sig")


def _json_bytes(assessments: AssessmentSet, report: Report) -> bytes:
    """The JSON form: as a tracker, an entry per assessment, an empty one per recommendation unassessed."""
    entries = [
        {
            "recommendation_id": rec.id,
            **_context(report, rec),
            **{
                name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in zip(ASSESSMENT_COLUMNS, _assessed(row), strict=True)
            },
        }
        for rec, row in _entries(assessments, report)
    ]
    document = {"data_version": assessments.data_version, "assessments": entries}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _openpyxl(feature: str) -> Any:
    import importlib

    # openpyxl and the parts of it used here, imported under the first-use lock, which a
    # fork() in another thread waits for (see kzrights._locking)
    with FIRST_USE:
        try:
            openpyxl = importlib.import_module("openpyxl")
        except ImportError:
            raise MissingDependencyError(feature, "openpyxl", "xlsx") from None
        for part in (
            "openpyxl.styles",
            "openpyxl.worksheet.datavalidation",
            "openpyxl.writer.excel",
            "openpyxl.packaging.extended",  # which openpyxl imports as it reads a workbook
        ):
            importlib.import_module(part)
        codecs.lookup("cp437")  # zipfile's codec for member names, an import on its first use
    return openpyxl


@first_use
def _import_followup() -> None:
    """Import what reading, checking, writing and comparing assessments import, once, under the lock.

    Each public function calls it first (see kzrights._locking).
    """
    import collections  # noqa: F401
    import ctypes  # noqa: F401  (exports._staging's atomic rename on Linux)
    import difflib  # noqa: F401
    import html  # noqa: F401
    import stat  # noqa: F401
    import urllib.parse  # noqa: F401
    import zipfile  # noqa: F401

    from . import _display, releases, report  # noqa: F401
    from .exports import _staging, workbooks  # noqa: F401

    codecs.lookup("utf-8-sig")  # how a CSV file is read: a codec's first lookup imports it


@whole_first_call
def _xlsx_bytes(table: list[list[Any]], report: Report, vocabulary: Vocabulary) -> bytes:
    openpyxl = _openpyxl("kzrights.followup.write(... .xlsx)")
    import importlib

    styles = importlib.import_module("openpyxl.styles")
    Alignment, Font, PatternFill = styles.Alignment, styles.Font, styles.PatternFill
    DataValidation = importlib.import_module("openpyxl.worksheet.datavalidation").DataValidation

    from .exports.workbooks import _with_fixed_times

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _SHEET
    sheet.append(list(COLUMNS))
    fill = PatternFill("solid", fgColor="FFF2CC")  # the columns to fill in, as a highlighter marks them
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in ASSESSMENT_COLUMNS:
            cell.fill = fill
    for row in table:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":  # text that starts with "=" stays text, never a formula
                cell.data_type = "s"
            elif cell.is_date:
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"recommendation_id": 30, "text": 60, "evidence": 40, "note": 30, "evidence_url": 30}
    for position, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(position)].width = widths.get(name, 18)
    sheet.freeze_panes = "B2"
    statuses = workbook.create_sheet("Statuses")
    statuses.append(["status", "rank", "needs evidence URL", "description"])
    for status in vocabulary.statuses:
        statuses.append(
            [status.name, status.rank, "yes" if status.needs_evidence else "no", status.description]
        )
    last = len(vocabulary.statuses) + 1
    column = openpyxl.utils.get_column_letter(COLUMNS.index("status") + 1)
    # a warning, not a stop: Excel asks before it keeps a status not on the list, so a user who
    # extends the vocabulary (Vocabulary.extended, --extra-status) can still type theirs
    choice = DataValidation(
        type="list",
        formula1=f"Statuses!$A$2:$A${last}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
    )
    choice.errorTitle = "Not a status of the Statuses sheet"
    choice.error = (
        "Choose a status from the Statuses sheet. Keep this one only if you added it to your "
        "vocabulary (kzrights followup validate --extra-status NAME)."
    )
    sheet.add_data_validation(choice)
    choice.add(f"{column}2:{column}1048576")
    about = workbook.create_sheet("About")
    meta = report.metadata
    for line in (
        [
            "kzrights follow-up tracker",
            "fill in the highlighted columns; one row per recommendation per date",
        ],
        ["data release", report.version],
        ["report", meta.title],
        ["cite as", meta.citation],
        ["dates", f"YYYY-MM-DD, from {meta.published.isoformat()} (the report's publication) to today"],
    ):
        about.append(line)
    # the same content gives the same bytes: fixed document dates and zip timestamps
    published = datetime.datetime.combine(meta.published, datetime.time())
    workbook.properties.created = published
    buffer = io.BytesIO()
    import zipfile

    from .exports.workbooks import save_workbook

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # Workbook.save() would stamp the clock's time as the modification date
        workbook.properties.modified = published
        save_workbook(workbook, archive)  # a failed write is an OSError, not lxml's own error
    return _with_fixed_times(buffer.getvalue(), published)


def write(
    assessments: AssessmentSet,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Path:
    """Write an assessment as a CSV file, an Excel workbook or the JSON form, by the file name's suffix.

    The assessment is checked first ([`validate`][kzrights.followup.validate],
    against the release it was made against).  A CSV file or workbook is a
    tracker: one row per assessment, and one empty row for each
    recommendation not assessed, each beside the recommendation's context
    from the release (addressee, text, themes, SDG targets); a workbook also
    has a Statuses sheet (its status column offers them as a list) and an
    About sheet.  CSV is UTF-8 with a byte-order mark, so Excel shows
    Cyrillic as it is; a value that starts with ``=``, ``+``, ``-``, ``@``
    or a tab (which a spreadsheet would run as a formula), or with
    apostrophes followed by one of these, is written with one more ``'``
    before it, which [`read`][kzrights.followup.read] takes away again.
    The JSON form is the same tracker as an object:
    ``"data_version"``, and ``"assessments"``, an array with an entry per row
    (``recommendation_id``, the context ``addressee``, ``text``, ``themes``
    and ``sdg_targets`` as arrays, then the assessment fields, ``null`` where
    empty).

    A written file reads back to the same assessment, and the same
    assessment always writes the same bytes.  The file is written beside its
    destination and moved into place whole, as an export is: a file it
    replaces passes on its permissions and group, and a Ctrl-C while it
    moves in is held until it is in place, then raised with ``written``
    (``[path]``), as [`export`][kzrights.exports.export]'s is.

    Args:
        assessments: What to write.
        path: The file; its folder must exist.
        overwrite: Replace a file already at ``path``.
        vocabulary: The statuses allowed (and listed in a workbook).

    Returns:
        The path written.

    Raises:
        InvalidAssessmentError: If the assessment does not validate; nothing is written.
        ArgumentTypeError: If ``assessments`` is not an `AssessmentSet` of
            `Assessment` rows, ``vocabulary`` not a `Vocabulary`, or
            ``overwrite`` not a bool (a ``TypeError``).
        OutputExistsError: If something is at ``path`` and ``overwrite`` is false.
        ExportError: If the file cannot be written there.
        MissingDependencyError: For a workbook, if openpyxl is not installed.
    """
    _import_followup()
    from .exports import _staging

    _check_set(assessments, "assessments")
    _check_options(None, vocabulary, None)
    _check_flag("overwrite", overwrite)
    target = _staging.check_name(path, "follow-up")
    fmt = _format(target)
    validate(assessments, vocabulary=vocabulary)
    report = _release(assessments.data_version)
    if fmt == "json":
        data = _json_bytes(AssessmentSet(report.version, assessments.assessments), report)
    elif fmt == "csv":
        data = _csv_bytes(_table(assessments, report))
    else:
        try:
            data = _xlsx_bytes(_table(assessments, report), report, vocabulary)
        except OSError as error:  # openpyxl's temporary files: the file-size limit, a full TMPDIR
            if isinstance(error, ExportError):
                raise
            raise ExportError(str(target), _staging.os_words(error), error.errno) from None
    return _place(data, target, fmt, overwrite)


def _place(data: bytes, target: Path, fmt: str, overwrite: bool) -> Path:
    """Write ``data`` at ``target`` as an export is written: staged beside it, moved into place whole."""
    from .exports import _staging

    _staging.check_destination(target, fmt, folder=False, overwrite=overwrite)
    placed = False
    try:
        with _staging.staged(target) as stage:
            (stage / target.name).write_bytes(data)
            _staging.sync(stage)
            with _staging.uninterrupted():  # Ctrl-C waits until the file is in place
                _staging.place(stage, target, fmt, folder=False, overwrite=overwrite)
                placed = True
                _staging.remove(stage)  # still held: a Ctrl-C now finds the file complete
    except KeyboardInterrupt as interrupt:  # as an export's: once in place, the file is complete
        if placed:
            interrupt.written = [target]  # type: ignore[attr-defined]
        raise
    return target


def template(
    version: str | None,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Path:
    """Write an empty tracker: every recommendation of a release, with its context, ready to fill in.

    The same as [`write`][kzrights.followup.write] with no assessments: a CSV
    file, workbook or JSON form lists each recommendation's id, addressee,
    text, themes and SDG targets, with the assessment fields empty (``null``
    in JSON), ready to fill in.  An entry or row left empty is a
    recommendation not yet assessed; so an untouched template is valid.

    Args:
        version: The data release (``None``: the newest).
        path: The file: ``.xlsx``, ``.csv`` or ``.json``.
        overwrite: Replace a file already at ``path``.
        vocabulary: The statuses a workbook offers in its status column.

    Returns:
        The path written.

    Raises:
        OutputExistsError: If something is at ``path`` and ``overwrite`` is false.
        UnknownVersionError: If the release is not shipped.
        ArgumentTypeError: If ``version`` is neither a str nor ``None``,
            ``vocabulary`` not a `Vocabulary`, or ``overwrite`` not a bool
            (a ``TypeError``).
    """
    _import_followup()
    if version is not None and not isinstance(version, str):
        raise _argument_error("version", "a str naming a data release, or None", version)
    _check_options(None, vocabulary, None)
    _check_flag("overwrite", overwrite)
    report = _release(version) if version is not None else _release(_shipped_versions()[-1])
    return write(AssessmentSet(report.version), path, overwrite=overwrite, vocabulary=vocabulary)


# ── comparing two assessments ─────────────────────────────────────────────────


class Direction(str, enum.Enum):
    """Which way a recommendation's status moved between two assessments.

    Directions follow the statuses' ranks (not implemented 0, partially
    implemented 1, implemented 2): a higher rank is an improvement.
    """

    IMPROVED = "improved"
    """The new status ranks higher than the old."""
    REGRESSED = "regressed"
    """The new status ranks lower than the old."""
    UNCHANGED = "unchanged"
    """The same status (whatever its evidence)."""
    UNRANKED = "not comparable"
    """The status changed to or from one without a rank, such as *no information*."""
    NEWLY_ASSESSED = "newly assessed"
    """Assessed in the new assessment only."""
    NO_LONGER_ASSESSED = "no longer assessed"
    """Assessed in the old assessment only."""


@attrs.frozen
class StatusChange:
    """How one recommendation's status compares between two assessments (the latest row of each).

    Attributes:
        recommendation_id: The recommendation.
        direction: Which way its status moved.
        old: Its latest assessment in the old set, if it has one.
        new: Its latest assessment in the new set, if it has one.
    """

    recommendation_id: str
    direction: Direction
    old: Assessment | None
    new: Assessment | None


@attrs.frozen
class GroupSummary:
    """How many recommendations of a group (an addressee, a theme) moved each way.

    Attributes:
        id: The group: an addressee (``"government"``) or a theme id.
        label: Its name, as the report or the release names it.
        counts: For each direction that occurs in the group, how many
            recommendations moved that way, in the order of `Direction`.
    """

    id: str
    label: str
    counts: tuple[tuple[Direction, int], ...]

    def count(self, direction: Direction) -> int:
        """Return how many recommendations of the group moved in ``direction``."""
        return dict(self.counts).get(direction, 0)


@attrs.frozen
class Comparison:
    """What changed between two assessments, as [`compare`][kzrights.followup.compare] finds it.

    Attributes:
        data_version: The data release the comparison reads addressees and themes from.
        changes: One per recommendation assessed in either set, in the release's order.
        by_addressee: The directions counted per addressee.
        by_theme: The directions counted per theme (a recommendation counts
            once for each of its themes), in the release's order of themes.
    """

    data_version: str
    changes: tuple[StatusChange, ...]
    by_addressee: tuple[GroupSummary, ...]
    by_theme: tuple[GroupSummary, ...]

    def changed(self) -> tuple[StatusChange, ...]:
        """Return the changes whose status moved (every direction but unchanged)."""
        return tuple(c for c in self.changes if c.direction is not Direction.UNCHANGED)

    def __str__(self) -> str:
        lines = [f"follow-up comparison (data release {self.data_version})"]
        for change in self.changes:
            old = change.old.status if change.old else "-"
            new = change.new.status if change.new else "-"
            lines.append(f"  {change.recommendation_id}: {old} -> {new} ({change.direction.value})")
            if change.direction is not Direction.UNCHANGED:
                lines.extend(_evidence_lines(change))
        for title, groups in (("by addressee", self.by_addressee), ("by theme", self.by_theme)):
            lines.append(title + ":")
            for group in groups:
                counts = ", ".join(f"{n} {d.value}" for d, n in group.counts)
                lines.append(f"  {group.label}: {counts}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _comparison_html(self)

    def write_html(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write [`to_html`][kzrights.followup.Comparison.to_html] to a file, as an export is written.

        Raises:
            ArgumentTypeError: If ``overwrite`` is not a bool (a ``TypeError``).
            OutputExistsError: If something is at ``path`` and ``overwrite`` is false.
            ExportError: If the name does not end in ``.html`` or ``.htm`` (in
                any case: a browser shows a page named otherwise as its
                source text), or the file cannot be written there.
        """
        _import_followup()
        from .errors import ExportError
        from .exports import SUFFIXES, _staging

        _check_flag("overwrite", overwrite)
        target = _staging.check_name(path, "html")
        endings = SUFFIXES["html"]
        if not target.name.lower().endswith(endings):
            raise ExportError(
                os.fspath(path),
                f"an HTML page's name must end in {' or '.join(endings)} (a browser shows a page "
                f"named otherwise as its source text): e.g. {target.name}{endings[0]}",
            )
        return _place(self.to_html().encode("utf-8"), target, "html", overwrite)

    def to_html(self) -> str:
        """Return the comparison as an HTML page: the charts, and every change with its evidence."""
        _import_followup()
        title = f"Follow-up comparison (kzrights data release {self.data_version})"
        return (
            "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_escape(title)}</title></head><body><h1>{_escape(title)}</h1>"
            f"{_comparison_html(self)}</body></html>\n"
        )


def _evidence_lines(change: StatusChange) -> list[str]:
    """Each side's evidence of a change, text and URL, each on one line of at most about 100 characters."""
    lines = []
    for side, assessment in (("before", change.old), ("after", change.new)):
        if assessment is None:
            continue
        for what, value in (("evidence", assessment.evidence), ("evidence URL", assessment.evidence_url)):
            if value:
                # a line break or control character in the user's text would break the listing
                flat = " ".join(value.split())
                shown = flat if flat.isprintable() else repr(flat)
                lines.append(f"    {side}, {what}: {_clip(shown, 100)}")
    return lines


def _direction(old: Status | None, new: Status | None, same: bool) -> Direction:
    if same:
        return Direction.UNCHANGED
    if old is None or new is None or old.rank is None or new.rank is None or old.rank == new.rank:
        return Direction.UNRANKED
    return Direction.IMPROVED if new.rank > old.rank else Direction.REGRESSED


def compare(
    old: AssessmentSet,
    new: AssessmentSet,
    *,
    version: str | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Comparison:
    """Compare two assessments: which recommendations changed status, which way, on what evidence.

    Each recommendation's latest assessment in ``old`` is set against its
    latest in ``new``; the direction follows the statuses' ranks
    ([`Direction`][kzrights.followup.Direction]).  The counts per addressee
    and per theme are shown as bar charts in a notebook and in
    [`Comparison.to_html`][kzrights.followup.Comparison.to_html].

    Examples:
        >>> import datetime
        >>> from kzrights.followup import Assessment, AssessmentSet, compare
        >>> def one(day, status, url=None):
        ...     when = datetime.date(2023, 1, day)
        ...     return AssessmentSet("1.1.0", (Assessment(
        ...         "recommendations.government.6", when, status, "Monitor", evidence_url=url
        ...     ),))
        >>> result = compare(one(1, "not implemented"), one(31, "implemented", "https://example.org/law"))
        >>> [(c.recommendation_id, c.direction.value) for c in result.changes]
        [('recommendations.government.6', 'improved')]
        >>> result.by_addressee[0].count(result.changes[0].direction)
        1

    Args:
        old: The earlier assessment.
        new: The later assessment.
        version: The data release to read addressees and themes from, and to
            check both against (default: the newer of the two sets' releases).
        vocabulary: The statuses, with their ranks.

    Raises:
        InvalidAssessmentError: If either set does not validate against the release.
        ArgumentTypeError: If ``old`` or ``new`` is not an `AssessmentSet`
            of `Assessment` rows, or an option is of the wrong type.
    """
    _import_followup()
    _check_set(old, "old")
    _check_set(new, "new")
    _check_options(version, vocabulary, None)
    if version is None:
        version = max(old.data_version, new.data_version, key=_version_key)
    for given in (old, new):
        validate(given, version, vocabulary=vocabulary)
    report = _release(version)
    before, after = old.latest(), new.latest()
    changes: list[StatusChange] = []
    for rec in report.recommendations:
        was, now = before.get(rec.id), after.get(rec.id)
        if was is None and now is None:
            continue
        if was is None:
            direction = Direction.NEWLY_ASSESSED
        elif now is None:
            direction = Direction.NO_LONGER_ASSESSED
        else:
            direction = _direction(
                vocabulary.get(was.status), vocabulary.get(now.status), was.status == now.status
            )
        changes.append(StatusChange(rec.id, direction, was, now))
    recs = {rec.id: rec for rec in report.recommendations}
    addressees: dict[str, tuple[str, list[Direction]]] = {}
    themes: dict[str, tuple[str, list[Direction]]] = {t.id: (t.name, []) for t in report.themes}
    for change in changes:
        rec = recs[change.recommendation_id]
        addressees.setdefault(rec.addressee.value, (rec.addressee.label, []))[1].append(change.direction)
        for theme_id in rec.theme_ids:
            themes.setdefault(theme_id, (theme_id, []))[1].append(change.direction)
    return Comparison(
        report.version,
        tuple(changes),
        _summaries(addressees),
        _summaries(themes),
    )


def _summaries(groups: Mapping[str, tuple[str, list[Direction]]]) -> tuple[GroupSummary, ...]:
    return tuple(
        GroupSummary(key, label, tuple((d, seen.count(d)) for d in Direction if d in seen))
        for key, (label, seen) in groups.items()
        if seen
    )


# ── the comparison as HTML: tables and a bar chart of inline SVG ──────────────

# one colour per direction, told apart without colour too: each bar segment has a title
_COLOURS = {
    Direction.IMPROVED: "#1a9850",
    Direction.REGRESSED: "#d73027",
    Direction.UNCHANGED: "#999999",
    Direction.UNRANKED: "#fdae61",
    Direction.NEWLY_ASSESSED: "#4575b4",
    Direction.NO_LONGER_ASSESSED: "#542788",
}


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def _chart(title: str, groups: Sequence[GroupSummary]) -> str:
    """A horizontal stacked bar per group, one segment per direction; every text escaped."""
    label_width, bar_unit, row_height = 260, 24, 22
    widest = max((sum(n for _, n in g.counts) for g in groups), default=0)
    width = label_width + bar_unit * widest + 40
    height = row_height * (len(groups) + 2)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' font-family='sans-serif' font-size='12'>",
        f"<title>{_escape(title)}</title>",
    ]
    for row, group in enumerate(groups):
        y = row * row_height + 4
        parts.append(f"<text x='0' y='{y + 14}'>{_escape(_clip(group.label, 40))}</text>")
        x = label_width
        for direction, count in group.counts:
            tip = f"{group.label}: {count} {direction.value}"
            parts.append(
                f"<rect x='{x}' y='{y}' width='{bar_unit * count}' height='{row_height - 6}' "
                f"fill='{_COLOURS[direction]}'><title>{_escape(tip)}</title></rect>"
            )
            x += bar_unit * count
        parts.append(f"<text x='{x + 4}' y='{y + 14}'>{sum(n for _, n in group.counts)}</text>")
    legend_y = len(groups) * row_height + 18
    x = 0
    for direction in Direction:
        parts.append(
            f"<rect x='{x}' y='{legend_y - 10}' width='10' height='10' fill='{_COLOURS[direction]}'/>"
        )
        parts.append(f"<text x='{x + 14}' y='{legend_y}'>{_escape(direction.value)}</text>")
        x += 14 + 7 * len(direction.value) + 12
    parts.append("</svg>")
    return "".join(parts)


def _comparison_html(comparison: Comparison) -> str:
    from ._display import _TD, _TH

    def cell(assessment: Assessment | None) -> str:
        if assessment is None:
            return "—"
        shown = (
            f"{_escape(assessment.status)} ({assessment.date.isoformat()}, {_escape(assessment.assessor)})"
        )
        if assessment.evidence:
            shown += f"<br>{_escape(assessment.evidence)}"
        if assessment.evidence_url:
            url = _escape(assessment.evidence_url)
            shown += f"<br><a href='{url}'>{url}</a>"
        return shown

    head = "".join(f"{_TH}{h}</th>" for h in ("recommendation", "direction", "before", "after"))
    rows = "".join(
        f"<tr>{_TD}{_escape(c.recommendation_id)}</td>{_TD}{_escape(c.direction.value)}</td>"
        f"{_TD}{cell(c.old)}</td>{_TD}{cell(c.new)}</td></tr>"
        for c in comparison.changes
    )
    caption = f"follow-up comparison (data release {comparison.data_version})"
    return (
        f"<div><p><b>{_escape(caption)}</b></p>"
        f"<p>By addressee</p>{_chart('directions by addressee', comparison.by_addressee)}"
        f"<p>By theme</p>{_chart('directions by theme', comparison.by_theme)}"
        f"<table><tr>{head}</tr>{rows}</table></div>"
    )
