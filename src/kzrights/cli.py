r"""The command line: ``kzrights`` and ``python -m kzrights``.

``import kzrights`` never imports this module.  Every subcommand that reads
a release takes ``--data-version`` to pin it; those that print data take
``--json``.  Human output fits an 80-column terminal.

Nothing the user does gives a traceback: bad input (an unknown id or
version, a missing file, invalid UTF-8, an option a command does not use)
exits with status 1 (2 for a usage error; 3 and 64 for ``check-quote``,
whose 1 and 2 are verdicts) and one line on stderr, which
quotes at most about 80 characters of what it was given; Ctrl-C exits with
status 130 and one line.  Output is never lost to the terminal's encoding:
JSON is ASCII (``\uXXXX`` escapes) on a stdout that is not UTF-8, so any
JSON reader reads it, and text falls back to backslash escapes where the
encoding cannot show a character.

``kzrights annotate`` streams: it reads the file (or stdin) in blocks, so
its memory does not grow with the file, and writes each mention as soon as
it is settled.  A form that needs evidence is decided on the whole text (up
to 8 MiB as a str holds it, and 65,536 mentions), so from the first one the
mentions are held back until the input ends.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KzrightsError
from .errors import _shortened as _one_line

if TYPE_CHECKING:
    from .records import Mention
    from .report import Report

__all__ = ["main"]

WIDTH = 80


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(
        text, WIDTH - 1, initial_indent=first if first is not None else indent, subsequent_indent=indent
    )


def _json(data: Any, indent: int | None = 2) -> str:
    r"""``data`` (records, reports' parts, plain values) as JSON that any reader of stdout reads alike.

    Objects become JSON one way, through the unstructuring converter that
    writes the releases (``kzrights._converter``): a record prints as the
    release stores it.  Characters as they are on a UTF-8 stdout, every
    character past ASCII as a ``\uXXXX`` escape on any other (`_ascii_json`).
    """
    from ._converter import unstructure

    return json.dumps(unstructure(data), ensure_ascii=_ascii_json(sys.stdout), indent=indent)


def _ascii_json(stream: Any) -> bool:
    r"""Whether JSON written to ``stream`` must be ASCII: its encoding is not UTF-8 (or is unknown).

    JSON is UTF-8 to its readers (``json.loads`` of bytes, jq, Node), so JSON
    written in a code page such as cp1252 (a redirected stdout on Windows) is
    not JSON to them, even where the code page has every character.  Escaped
    as ``\uXXXX`` it is ASCII, the same bytes in every encoding that
    extends ASCII; on a UTF-8 stream it is written as it is.  Every JSON
    writer of the command line asks this: ``--json``, ``annotate --json``
    and ``export --output -``.
    """
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name != "utf-8"
    except LookupError:
        return True


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _ascii_escaped(data: bytes) -> bytes:
    r"""UTF-8 JSON ``data`` with every character past ASCII written as a ``\uXXXX`` escape, all else kept.

    Such characters stand only inside JSON strings, where the escape means
    the same character, so the value is unchanged and so is the layout.
    """
    from json.encoder import encode_basestring_ascii

    text = _NOT_ASCII.sub(lambda match: encode_basestring_ascii(match.group())[1:-1], data.decode("utf-8"))
    return text.encode("ascii")


def _emit(args: argparse.Namespace, data: Any, human: Callable[[], str]) -> None:
    """Print ``data`` as JSON under ``--json``, else ``human()``.

    ``data`` may be a `_Lazy`: it is then computed only on the ``--json``
    path, so that a human answer never imports the converter (cattrs).
    """
    if getattr(args, "json", False):
        print(_json(data.compute() if isinstance(data, _Lazy) else data))
    else:
        print(human())


class _Lazy:
    """JSON data for `_emit` computed only when it is printed."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


def _load(args: argparse.Namespace) -> Report:
    from .releases import load

    return load(args.data_version)


def _record_json(record: Any) -> dict[str, Any]:
    """A record as the release stores it, after its kind (which the release leaves to the class)."""
    from ._converter import unstructure

    data: dict[str, Any] = unstructure(record)
    return {"kind": record.kind, **data}


# ── subcommands ───────────────────────────────────────────────────────────────


def _recommendations(args: argparse.Namespace) -> None:
    from .records import Addressee

    report = _load(args)
    meta = report.metadata
    data = _Lazy(lambda: [_record_json(r) for r in report.recommendations])

    def human() -> str:
        lines = [meta.title, f"{', '.join(meta.authors)}, {meta.publisher}, {meta.published:%d %B %Y} "
                 f"(data release {report.version})", ""]  # fmt: skip
        for addressee in Addressee:
            recommendations = report.recommendations_to(addressee)
            lead_in = next(p for p in report.paragraphs if p.id == recommendations[0].lead_in_id)
            lines.append(_wrap(lead_in.text))
            for rec in recommendations:
                lines.append(_wrap(rec.text, "     ", f"{rec.number:>3}. "))
            lines.append("")
        return "\n".join(lines).rstrip("\n")

    _emit(args, data, human)


def _info(args: argparse.Namespace) -> None:
    from . import __getattr__ as package_attribute

    report = _load(args)
    meta = report.metadata
    from ._document import PARTS

    counts = {name: len(getattr(report, name)) for name in PARTS}
    data = {
        "package_version": package_attribute("__version__"),
        "data_version": report.version,
        "title": meta.title,
        "authors": list(meta.authors),
        "published": meta.published,
        "publisher": meta.publisher,
        "citation": meta.citation,
        "rights": meta.rights.report_text,
        "counts": counts,
    }

    def human() -> str:
        lines = [
            _wrap(meta.title),
            f"by {', '.join(meta.authors)}, {meta.publisher}, {meta.published:%d %B %Y}",
            f"data release {report.version} (kzrights {data['package_version']})",
            "",
            *(f"  {name:<16}{count:>5}" for name, count in counts.items()),
            "",
            _wrap("Cite as: " + meta.citation),
            _wrap("Rights: " + meta.rights.report_text),
        ]
        return "\n".join(lines)

    _emit(args, data, human)


def _versions(args: argparse.Namespace) -> None:
    from .releases import latest, versions

    shipped = versions()
    _emit(
        args,
        {"versions": list(shipped), "latest": latest()},
        lambda: "\n".join(f"{v}{'  (newest)' if v == latest() else ''}" for v in shipped),
    )


def _show(args: argparse.Namespace) -> None:
    if not args.id.strip():
        raise _CliError(
            "show needs an id, e.g. recommendations.government.6 or sdg.16.10 "
            "(kzrights recommendations --json lists the recommendations with theirs)"
        )
    report = _load(args)
    record = _record_or_entity(report, args.id)

    def human() -> str:
        lines = [f"{record.id}  ({record.kind})"]
        text = (
            getattr(record, "text", None)
            or getattr(record, "description", "")
            or getattr(record, "title", "")
        )
        name = getattr(record, "name", None)
        if name:
            lines.append(name)
        if text:
            lines += ["", _wrap(text)]
        for label in (
            "footnote_ids",
            "entity_ids",
            "theme_ids",
            "evidence_ids",
            "cited_by",
            "urls",
            "aliases",
        ):
            values = getattr(record, label, ())
            if values:
                lines += ["", _wrap(", ".join(values), "  ", f"{label.replace('_', ' ')}: ")]
        return "\n".join([*lines, *_sdg_lines(report, record)])

    _emit(args, _Lazy(lambda: _record_json(record)), human)


def _record_or_entity(report: Report, given: str) -> Any:
    """The record ``show`` shows: by its full id, else the entity ``search --entity`` takes for ``given``.

    So a name ("Tokayev") and a bare entity id ("parliament") show that
    entity, as they filter a search; a name of several entities is the
    look-up's `AmbiguousNameError`, naming them.  On a release without an
    entity registry, anything that is no record id there is that release's
    `UnsupportedReleaseError`, as ``annotate`` and ``search --entity`` say.
    """
    from .errors import UnknownIdError, UnsupportedReleaseError

    try:
        return report.get(given)
    except UnknownIdError as unknown:
        try:
            return report._entity(given)[0]  # a bare id is taken this release, with no warning
        except UnknownIdError:
            raise unknown from None  # the record ids closest to it
        except UnsupportedReleaseError:
            # an id of a kind other than an entity (this release's kinds, or one a later
            # release added: sdg., figures., themes.) keeps get()'s own message, which
            # says what is missing; only a name or an entity id is about the registry
            from .releases import load

            prefixes = {record_id.partition(".")[0] for record_id in (*report.ids(), *load().ids())}
            prefix = given.strip().partition(".")[0]
            if prefix in prefixes and prefix != "entities":
                raise unknown from None
            raise


def _clipped(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, ending in an ellipsis if cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _sdg_lines(report: Report, record: Any) -> list[str]:
    """What ``show`` adds about SDGs: a recommendation's targets, a target's or goal's recommendations."""
    from .records import Recommendation, SdgGoal, SdgTarget

    if isinstance(record, Recommendation) and record.sdg_links:
        lines = ["", "SDG targets (basis of the link, then the target in the UN's words):"]
        for link in record.sdg_links:
            target = report.get(link.target_id)
            code = link.target_id.removeprefix("sdg.")
            text = getattr(target, "text", "")
            lines.append(f"  {code:<6} {link.basis.value:<9} {_clipped(text, WIDTH - 20)}")
        return lines
    if isinstance(record, (SdgGoal, SdgTarget)):
        if isinstance(record, SdgTarget):
            goal = report.get(record.goal_id)
            lines = ["", f"goal {getattr(goal, 'number', '')}: {getattr(goal, 'short', '')}"]
        else:
            lines = ["", f"short label: {record.short}", f"targets: {len(record.target_ids)}"]
        linked = report.recommendations_for_sdg(record.id)
        if not linked:
            return [*lines, "", "no recommendation of the report is linked to it"]
        lines += ["", f"recommendations linked to it ({len(linked)}):"]
        for rec in linked:
            codes = ", ".join(
                link.target_id.removeprefix("sdg.")
                for link in rec.sdg_links
                if isinstance(record, SdgGoal) and link.target_id in record.target_ids
            )
            via = f" (via {codes})" if codes else ""
            lines.append(f"  {rec.id}{via}")
            lines.append(_wrap(rec.text, "      "))
        return lines
    return []


def _search(args: argparse.Namespace) -> None:
    report = _load(args)
    # --entity takes a bare id ("ebrd") this release too, with no deprecation warning on stderr
    entity = report._entity(args.entity)[0].id if args.entity is not None else None
    hits = report.search(
        " ".join(args.query),
        kinds=args.kind or None,
        limit=args.limit,
        addressee=args.addressee,
        theme=args.theme,
        entity=entity,
        section=args.section,
    )
    data = [{"id": h.record.id, "kind": h.kind, "score": h.score, "snippet": h.snippet} for h in hits]

    def human() -> str:
        if not hits:
            return "no matches"
        blocks = [
            f"{h.record.id}  ({h.kind}, {h.score:.2f})\n" + _wrap(_marked(h.snippet, h.highlights), "    ")
            for h in hits
        ]
        return "\n\n".join(blocks)

    _emit(args, data, human)


def _marked(snippet: str, highlights: Sequence[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in highlights:
        out += [snippet[last:start], "*", snippet[start:end], "*"]
        last = end
    return "".join(out) + snippet[last:]


# ── annotate, streaming ───────────────────────────────────────────────────────

# Bytes read at once: the text held in memory is about this much, plus the
# short tail carried from one block to the next.  Each block's mentions are
# built at once: 64 KiB of "Hug " is 16,384 of them, about 8 MB.
_READ_SIZE = 1 << 16


def _decoded(read: Callable[[int], bytes], name: str, size: int = _READ_SIZE) -> Iterator[str]:
    """The text of a byte stream, decoded as UTF-8 block by block, exactly as stored.

    No newline translation (a CRLF stays two characters) and a byte order
    mark stays a character (U+FEFF), so offsets count code points of the
    bytes as stored, as ``data.decode("utf-8")`` would.

    Raises:
        _CliError: At the first byte that is not valid UTF-8, naming its offset.
    """
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    fed = 0  # bytes given to the decoder so far
    while True:
        chunk = read(size)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # exc.object is the bytes the decoder held back from earlier blocks, then chunk
            held = len(exc.object) - len(chunk)
            raise _CliError(
                f"{name} is not valid UTF-8 (byte {fed - held + exc.start:,}: {exc.reason})"
            ) from None
        fed += len(chunk)
        if text:
            yield text
        if not chunk:
            return


# The most text held while waiting for a place to cut it: past this, a text
# with neither whitespace nor a character that no name contains is refused.
_LONGEST_RUN = 1 << 22


def _longest_name(version: str | None) -> int:
    """An upper bound on the characters, whitespace aside, of any text a name can match."""
    from .releases import load

    report = load(version)
    forms = [form for entity in report.entities for form in (entity.name, *entity.aliases)]
    longest = max((len("".join(form.split())) for form in forms), default=0)
    # twice, and some, for case forms that grow ("ß" → "SS") and whatever a
    # future character rule lets a name absorb
    return 2 * longest + 64


def _separators(version: str | None) -> re.Pattern[str]:
    """A class of ASCII characters that no name of the release can contain, derived from its registry.

    A text can be cut just before any of them without changing what
    [`annotate`][kzrights.annotation.annotate] finds: the character is in
    no alias (in any case form), is no letter, digit, mark, space,
    apostrophe or dash (so a name before it ends there and one after it
    starts there in the whole text as in the piece), is no second half of
    a composition (so NFC cannot join it to what precedes it) and is not
    case-ignorable (so the lowercase of what precedes it, a final sigma,
    does not depend on what follows it).
    """
    import unicodedata

    from . import _chars
    from .releases import load

    used: set[str] = set()
    for entity in load(version).entities:
        for form in (entity.name, *entity.aliases):
            used.update(form, form.lower(), form.upper(), _chars.nfc(form)[0])
    safe = []
    for code in range(128):
        char = chr(code)
        if (
            char in used
            or char.isspace()
            or _chars.is_word_char(char)
            or char in _chars.APOSTROPHES
            or char in _chars.DASHES
            or unicodedata.combining(char)
            or unicodedata.normalize("NFC", "a" + char) != "a" + char
            or ("\u0391\u03a3" + char + "\u0392").lower()[1] != "\u03c2"  # case-ignorable
        ):
            continue
        safe.append(char)
    # greedy: matched from the start, the engine backs off from the end to the last one
    return re.compile("(?s:.*)([" + re.escape("".join(safe)) + "])" if safe else "(?!)")


def _word_key(word: str) -> str:
    """A word as `_continuing_words` compares it: case, marks, invisibles, apostrophes and dashes folded."""
    from . import _chars

    plain = _chars.strip_diacritics(_chars.canonical(_chars.strip_invisible(word).casefold()))
    return _chars.fold_apostrophes(plain).translate({ord(dash): "-" for dash in _chars.DASHES})


def _continuing_words(version: str | None) -> frozenset[str]:
    """The words after which a name can go on across whitespace, of a release's registry (see `_word_key`).

    Every word of every form but its last (a given name, "Kassym-Jomart"
    of "Kassym-Jomart Tokayev"), and every title: a whitespace run after
    any other word is spanned by no name, however long it is.
    """
    from .releases import load

    report = load(version)
    words = {
        _word_key(word)
        for entity in report.entities
        for form in (*(f.text for f in entity.forms), entity.name, *entity.aliases)
        for word in form.split()[:-1]
    }
    for rules in report.linking:
        words.update(_word_key(title) for title in rules.titles)
    words.discard("")
    return frozenset(words)


@functools.cache
def _gap_run() -> re.Pattern[str]:
    """Runs of whitespace and invisible characters (`kzrights._chars.INVISIBLE_CLASS`), compiled once."""
    from ._chars import INVISIBLE_CLASS

    return re.compile(f"[\\s{INVISIBLE_CLASS}]+")


# the last whitespace in text[pos:endpos]: the greedy .* jumps to endpos at once and backs off
# from there, so the cost is the distance back, in C
_LAST_SPACE = re.compile(r"(?s:.*)(\s)")
_NON_SPACE = re.compile(r"\S")


@functools.lru_cache(maxsize=8)
def _longest(words: frozenset[str]) -> int:
    """The length of the longest of ``words`` (0 if none); a frozenset keeps its hash: one look-up."""
    return max(map(len, words), default=0)


def _continues(word: str, continuing: frozenset[str]) -> bool:
    """Whether a name can go on after ``word``: it, or a tail of it after a non-alphanumeric, is continuing.

    The tails ("Jomart" of "Kassym-Jomart", "Tokayev" of "«Tokayev") are
    looked up in the set, one look-up each, and only those no longer than
    the longest continuing word: a long word costs what a short one does.
    """
    if word in continuing:
        return True
    for at in range(max(1, len(word) - _longest(continuing)), len(word)):
        if not word[at - 1].isalnum() and word[at:] in continuing:
            return True
    return False


def _space_cut(text: str, end: int, continuing: frozenset[str]) -> int:
    """The last cut in a run of whitespace and invisible characters that no name spans; 0 if none.

    A name goes on across such a run only after one of its own words
    (`_continuing_words`): after any other word, or at the start of the
    text, a run, however long, ends every name before it.  The cut is just
    before the run's last whitespace character (or, in a run at the start
    of the text, before its last character), so that what follows it
    starts with whitespace (or, invisible characters aside, at the text's
    start), as in the whole text.  Invisible characters with no whitespace
    around them join the words on either side, so they are no cut.

    The runs are found by regular expressions, never walked a character at
    a time: `_settled` calls this on texts of long blank runs and a few
    hundred other characters at most.
    """
    runs = [(found.start(), found.end()) for found in _gap_run().finditer(text, 0, end)]
    for at in range(len(runs) - 1, -1, -1):
        cut, run_end = runs[at]
        word = _word_key(text[runs[at - 1][1] if at else 0 : cut])
        if word and _continues(word, continuing):
            continue  # a name may go on across this run
        # the rest starts with a whitespace character: a name after it starts as in the whole text
        space = _LAST_SPACE.match(text, cut, run_end)
        if space is not None and space.start(1):
            return space.start(1)
        if cut == 0 and run_end - 1 > 0:
            return run_end - 1
    return 0


def _nth_non_space_back(text: str, count: int) -> int:
    """The index of the ``count``-th non-whitespace character from the end of ``text``; -1 if it has fewer.

    Read backwards in windows that double, each reversed and searched by a
    regular expression, so a long run of whitespace costs what a C loop does.
    """
    seen, high, size = 0, len(text), 2 * count + 64
    while high > 0:
        low = max(0, high - size)
        for found in _NON_SPACE.finditer(text[low:high][::-1]):
            seen += 1
            if seen == count:
                return high - 1 - found.start()
        high, size = low, 2 * size
    return -1


def _settled(
    text: str,
    mentions: Sequence[Mention],
    longest: int,
    separators: re.Pattern[str] | None = None,
    continuing: frozenset[str] | None = None,
) -> int:
    """Where ``text`` can be cut with every mention before the cut final; 0 if nowhere yet.

    ``text`` is a prefix of a longer text.  A name that starts more than
    ``longest`` non-space characters before the end cannot reach past it, so
    the mentions that start there are the ones the whole text has; the cut is
    the last whitespace before that point that no such mention spans, so the
    rest of the text starts at a word boundary, as it does in the whole.
    Failing that, the cut is just before the last of ``separators`` (see
    `_separators`) before that point, which no name can span.  When the
    text ends in fewer non-space characters than that (long runs of
    whitespace), the cut is inside the last whitespace run that no name
    can span (see `_space_cut`, given the ``continuing`` words).
    """
    position = _nth_non_space_back(text, longest + 1)
    if position < 0:
        return _space_cut(text, len(text), continuing) if continuing is not None else 0
    from bisect import bisect_left

    starts = [m.start for m in mentions]
    cut = position
    while cut > 0:
        # just after the last whitespace before the cut (a run of invisible characters is no whitespace)
        space = _LAST_SPACE.match(text, 0, cut)
        if space is None:
            break
        cut = space.start(1) + 1
        # mentions do not overlap: only the last one that starts before the cut can span it
        last = bisect_left(starts, cut) - 1
        if last < 0 or mentions[last].end <= cut:
            return cut
        cut = mentions[last].start
    if separators is not None:
        # no whitespace to cut at: the last separator before position, which no mention contains
        found = separators.match(text, 0, position)
        if found is not None:
            return found.start(1)
    return _space_cut(text, len(text), continuing) if continuing is not None else 0


# The most text held whole so that a form needing evidence ("Parliament",
# "Hug") is decided on the whole text, as `kzrights.annotate` decides it, in
# bytes as Python holds a str: one per character while every one is Latin-1
# (8 Mi characters), two while every one is in the BMP (4 Mi), four else (2 Mi) ...
_WHOLE_TEXT = 1 << 23
# ... and the most mentions it may hold: deciding a text builds every mention
# of it at once (some hundreds of bytes each), and a text dense in names ("Hug
# Hug Hug …") holds one every four characters, so the characters alone do not
# bound the memory.  65,536 mentions is a long book's worth, or more.
_WHOLE_MENTIONS = 1 << 16
# the mentions of the text held whole are given (and written) this many at a time
_BATCH = 1 << 12

_AT_OFFSET = re.compile(r" at (\d+)\Z")


def _stream_mentions(
    blocks: Iterable[str], version: str | None, *, unambiguous_only: bool = False
) -> Iterator[tuple[int, list[Mention]]]:
    """The mentions `kzrights.annotate` finds in the text ``blocks`` make up, as it goes.

    Yields ``(offset, mentions)`` as each block settles: the mentions of a
    piece of the text, with offsets into that piece, and the code points of
    the text before it.  Each block is annotated together with the tail of
    the one before that is not yet settled (see `_settled`), so the
    mentions of the forms safe anywhere are those of the whole text, while
    only about one block is held in memory.

    A form that needs evidence depends on the whole text (a Kazakh name
    anywhere in it, a full name earlier, a longer name around it): from the
    first such form the mentions are held back, and the text is kept whole
    while it is within `_WHOLE_TEXT` bytes (as a str holds it) and
    `_WHOLE_MENTIONS` mentions and forms needing evidence (counted block by
    block as it arrives); at its end the whole
    text is annotated and the mentions not yet written are given,
    `_BATCH` at a time, so the answer is ``annotate(text)``'s.  Past
    either bound, what was held back is decided on the text from where the
    last mentions were written to the last cut, and the command goes on
    block by block, a form needing evidence decided on its block and the
    unsettled tail around it (documented in docs/command-line.md).

    Raises:
        _CliError: If more than `_LONGEST_RUN` characters go by with no
            whitespace and no separator (see `_separators`) to cut at.
    """
    from bisect import bisect_left

    from .linker import Linker

    engine = Linker.from_release(version)._engine
    longest = _longest_name(version)
    separators = _separators(version)
    continuing = _continuing_words(version)
    pending, base, wait_for = "", 0, 0
    # the text so far, while it is within _WHOLE_TEXT and _WHOLE_MENTIONS (no form
    # needs evidence with --unambiguous-only: nothing is ever held back)
    whole: list[str] | None = None if unambiguous_only else []
    held = 0  # the characters in ``whole``
    width = 1  # the bytes each of them takes in a str made of them: 1, 2 or 4
    counted = 0  # the mentions found in it, up to the last cut
    holding = False  # a form needing evidence was seen: nothing more is written until the end
    written = 0  # the offset up to which mentions were given
    interrupted = False

    def link(text: str) -> tuple[list[Mention], list[int]]:
        return engine.link_and_tell(text, unambiguous_only=unambiguous_only)

    def moved(mentions: list[Mention], offset: int) -> list[Mention]:
        # resolved_by's "at N" counts from the piece: give it the whole text's offset
        if not offset:
            return mentions
        return [
            m._replace(
                resolved_by=_AT_OFFSET.sub(lambda at: f" at {int(at.group(1)) + offset}", m.resolved_by)
            )
            if m.resolved_by
            else m
            for m in mentions
        ]

    def batches(mentions: list[Mention], offset: int) -> Iterator[tuple[int, list[Mention]]]:
        for at in range(0, len(mentions), _BATCH):
            yield offset, moved(mentions[at : at + _BATCH], offset)

    try:
        for block in blocks:
            pending += block
            if whole is not None:
                whole.append(block)
                held += len(block)
                if not block.isascii():
                    widest = ord(max(block))
                    width = max(width, 1 if widest < 0x100 else 2 if widest < 0x10000 else 4)
            if len(pending) < wait_for:
                continue
            if (
                _LAST_SPACE.match(pending) is None
                and separators.match(pending) is None
                and _gap_run().match(pending) is None
            ):
                # no whitespace, no separator and no run of invisible characters at the start
                # (`_space_cut`'s one cut without whitespace): nowhere to cut, whatever the
                # mentions (a text of names joined by zero-width spaces is not linked again
                # and again until it is refused)
                mentions: list[Mention] = []
                undecided: list[int] = []
                cut = 0
            else:
                mentions, undecided = link(pending)
                cut = _settled(pending, mentions, longest, separators, continuing)
            if not cut:
                if len(pending) > _LONGEST_RUN:
                    raise _CliError(
                        f"cannot stream this text: {len(pending):,} characters from offset {base:,} "
                        "hold no place to cut the text that no name can span (whitespace after a word "
                        "that ends every name, or punctuation that no name contains)"
                    )
                # nowhere to cut yet (too short): try again once it has doubled
                wait_for = min(2 * len(pending), _LONGEST_RUN + 1)
                continue
            settled = [m for m in mentions if m.start < cut]
            del mentions
            piece, pending, base, wait_for = base, pending[cut:], base + cut, 0
            if whole is not None:
                # what deciding the whole text will build: its mentions, and each form
                # that needs evidence, linked or not (those no evidence links count too)
                counted += len(settled) + bisect_left(undecided, cut)
                if held * width > _WHOLE_TEXT or counted > _WHOLE_MENTIONS:
                    # too much to hold: from here on block by block, what was held back
                    # decided on the text from where the last mentions were written
                    if holding:
                        # decided before anything changes: a Ctrl-C meanwhile leaves the
                        # whole text to be decided at the end, as if no bound were passed
                        found = link("".join(whole)[written:base])[0]
                        whole, holding, settled = None, False, []
                        yield from batches(found, written)
                        del found
                        written = base
                        continue
                    whole = None
                elif undecided:
                    holding = True
            if holding:
                continue
            yield piece, moved(settled, piece)
            written = base
    except KeyboardInterrupt:
        # Ctrl-C ends the input: what has arrived is the text, and its mentions are given
        interrupted = True
    if whole is not None and holding:
        # the whole text decides: the mentions from where the last ones were written
        text = "".join(whole)
        whole = None
        found = link(text)[0]
        del text
        yield from batches([m for m in found if m.start >= written], 0)
    else:
        yield from batches(link(pending)[0], base)
    if interrupted:
        raise KeyboardInterrupt


def _open_input(name: str) -> tuple[Callable[[int], bytes], Callable[[], None]]:
    """A function reading up to n bytes (as they arrive) from the file ``name`` or stdin (``-``)."""
    if name == "-":
        stdin = sys.stdin
        binary = getattr(stdin, "buffer", None)
        if binary is None:
            raise _CliError("stdin is closed; give a file name or pipe text in")
        return getattr(binary, "read1", binary.read), lambda: None
    path = Path(name)
    try:
        stream = path.open("rb", buffering=0)  # each read is one system call: what has arrived
    except FileNotFoundError:
        raise _CliError(f"no such file: {path}") from None
    except OSError as exc:
        raise _CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    return stream.read, stream.close


_SPACES = re.compile(r"\s+")


def _annotate(args: argparse.Namespace) -> None:
    read, close = _open_input(args.file)
    name = "stdin" if args.file == "-" else args.file

    def reading(size: int) -> bytes:
        try:
            return read(size)
        except OSError as exc:
            raise _CliError(f"cannot read {name}: {exc.strerror or exc}") from None

    out = sys.stdout
    as_json = getattr(args, "json", False)
    plain: Callable[[Mention], dict[str, Any]] | None = None
    if as_json:
        from . import records
        from ._converter import unstructure_hook  # only here: cattrs is for --json alone

        plain = unstructure_hook(records.Mention)  # the converter's own function, called once per mention
    ascii_only = _ascii_json(out)
    write = _whole_writer(out)
    count = 0
    interrupts = _HeldOutput()
    with interrupts.installed():
        try:
            unambiguous_only = getattr(args, "unambiguous_only", False)
            stream = _stream_mentions(
                _decoded(reading, name), args.data_version, unambiguous_only=unambiguous_only
            )
            for base, mentions in stream:
                if plain is not None:
                    lines = [_mention_json(plain(m), base, ascii_only) for m in mentions]
                    piece = (("[\n" if not count else ",\n") + ",\n".join(lines)) if lines else ""
                else:
                    lines = [
                        # one line per mention, even for a name that runs over a line break
                        f"{m.start + base:>7}-{m.end + base:<7} {m.entity_id:<40} "
                        f"{m.text if m.text.isprintable() else _SPACES.sub(' ', m.text)}\n"
                        for m in mentions
                    ]
                    piece = "".join(lines)
                # each block's mentions as soon as they are settled, and whole (see _HeldOutput)
                with interrupts.writing():
                    write(piece)
                    count += len(lines)
        except _Abandoned:
            raise  # nothing more is written: the reader is not reading
        except BaseException:
            if as_json and count:
                # what stdout holds stays one JSON array: the mentions before the error
                with interrupts.writing():
                    _close_array(write)
            raise
        finally:
            close()
        with interrupts.writing():
            if as_json:
                write("\n]\n" if count else "[]\n")
            elif not count:
                write("no entities\n")


class _Abandoned(KeyboardInterrupt):
    """A second Ctrl-C while the output waits for its reader: stop now, write nothing more."""


class _HeldOutput:
    """Ctrl-C for a command that writes as it goes: a piece of output is never cut by the first one.

    A write blocked on a full pipe (a reader slower than the command) and
    broken off by Ctrl-C loses what it had not yet handed to the system,
    part of a line or of a JSON object, in the middle of the output.  While
    a piece is written (`writing`, with `_whole_writer`), the first Ctrl-C
    is held: the write goes on (Python retries a write the signal cut off
    when the handler returns, PEP 475, and `_whole_writer` writes the rest
    of one it cut short), and ``KeyboardInterrupt`` is raised once the
    piece is out, where a JSON array can still be closed.  Elsewhere it is raised at once, as Python's
    own handler does.  Unlike an export's ``_staging.uninterrupted`` (moves
    that end by themselves), a write may wait for ever on a reader that never
    reads: a second Ctrl-C, wherever it comes, raises `_Abandoned`, and
    nothing more is written (the output may then end mid-piece).

    Only Python's own handler in the main thread is replaced (a SIGINT
    ignored stays ignored); anywhere else nothing is held.
    """

    def __init__(self) -> None:
        self._count = 0  # the Ctrl-Cs so far
        self._writing = False
        self._held = False

    def __call__(self, number: int, frame: object) -> None:
        self._count += 1
        if self._count > 1:
            raise _Abandoned
        if self._writing:
            self._held = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """This handler for SIGINT while the block runs, where Python's own is in force."""
        import signal
        import threading

        if (
            threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            yield
            return
        previous = signal.signal(signal.SIGINT, self)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Write a piece whole: a first Ctrl-C meanwhile is raised when the block is done.

        Raised even when the write then fails (the reader closes the pipe
        after the Ctrl-C, a full disk): the command was interrupted, and a
        closed pipe after that is no success.
        """
        self._writing = True
        try:
            yield
        except Exception as exc:
            if self._held:
                self._held = False
                raise KeyboardInterrupt from exc
            raise
        finally:
            self._writing = False
        if self._held:
            self._held = False
            raise KeyboardInterrupt


def _whole_writer(out: Any) -> Callable[[str], None]:
    """A function that writes a text to ``out`` whole, and flushes it: every byte, or an error.

    A write to a pipe that a signal interrupts after some bytes went through
    returns the count written (write(2)), and Python's text and buffered
    layers may pass that short count up and drop the rest (CPython 3.11 does:
    ``sys.stdout.write`` of 7 MB to a full pipe, with a SIGINT handler that
    returns, wrote 128 KiB and returned the full length).  So a stream with a
    file descriptor is written past those layers: encoded as ``out`` would
    encode it (its encoding and error handler, one incremental encoder for
    the whole output), then ``os.write`` until every byte is out.  A stream
    without one (a ``StringIO``), and a terminal (no pipe to fill; on
    Windows the console takes text through its own layer, not bytes), is
    written as usual.
    """
    import codecs

    try:
        descriptor = out.fileno()
        encoder = codecs.getincrementalencoder(out.encoding or "utf-8")(out.errors or "strict")
        if os.isatty(descriptor):
            raise ValueError("a terminal")
    except (AttributeError, OSError, ValueError, LookupError):  # no descriptor: io.UnsupportedOperation

        def write(text: str) -> None:
            out.write(text)
            out.flush()

        return write

    def write_whole(text: str) -> None:
        out.flush()  # what the text layer holds goes first
        data = memoryview(encoder.encode(text))
        while data:
            data = data[os.write(descriptor, data) :]

    return write_whole


def _close_array(write: Callable[[str], None]) -> None:
    """End the JSON array ``annotate --json`` has begun, if the output can still be written."""
    # a closed or broken stdout: the error that stopped the stream is the one to report
    with contextlib.suppress(OSError, ValueError):
        write("\n]\n")


def _mention_json(fields: dict[str, Any], offset: int, ascii_only: bool) -> str:
    """A mention, unstructured, as one element of an indented JSON array (as ``json.dumps(..., indent=2)``).

    ``fields`` comes from the converter; its offsets are moved by ``offset``
    and the fields without a value are left out.
    """
    from json.encoder import encode_basestring, encode_basestring_ascii  # C, where json has its speedups

    string = encode_basestring_ascii if ascii_only else encode_basestring
    fields["start"] += offset
    fields["end"] += offset
    members = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, str):
            shown = string(value)
        elif type(value) is int:
            shown = str(value)
        else:
            shown = json.dumps(value, ensure_ascii=ascii_only)
        members.append(f'    "{key}": {shown}')
    return "  {\n" + ",\n".join(members) + "\n  }"


# the formats ``--output -`` writes to stdout: text, one file, nothing beside it
_STDOUT_FORMATS = ("json", "bibtex", "csl-json", "markdown", "html", "annotations")
# those of them that are JSON: ASCII-escaped on a stdout that is not UTF-8, as --json is
_JSON_FORMATS = ("json", "csl-json", "annotations")


def _export_to_stdout(args: argparse.Namespace) -> int:
    """``kzrights export --output -``: the export's bytes (UTF-8) on stdout, for a text format.

    A JSON format on a stdout that is not UTF-8 is ASCII-escaped, as ``--json`` is (`_ascii_json`).
    """
    import tempfile

    from .errors import ExportError
    from .exports import FOLDER_FORMATS, SUFFIXES, export

    if args.format not in _STDOUT_FORMATS:
        what = "a folder of files" if args.format in FOLDER_FORMATS else "binary"
        raise _CliError(
            f"--output - (standard output) takes a text format ({', '.join(_STDOUT_FORMATS)}); "
            f"the {args.format} export is {what}: name a file or folder"
        )
    report = _load(args)
    where = "cannot export to standard output"
    try:
        with tempfile.TemporaryDirectory(prefix="kzrights-") as folder:
            name = "export" + SUFFIXES.get(args.format, ("",))[0]
            try:
                (path,) = export(report, args.format, Path(folder) / name)
                data = path.read_bytes()
            except OSError as exc:
                # staged in a temporary folder the user never named: the message names stdout
                reason = exc.reason if isinstance(exc, ExportError) else (exc.strerror or str(exc))
                reason = reason.replace(str(Path(folder) / name), "the staged copy")
                reason = reason.replace(folder, "the temporary folder")
                raise _CliError(f"{where}: {reason}") from None
    except OSError as exc:  # the temporary folder itself (TMPDIR) cannot be made or removed
        raise _CliError(f"{where}: no temporary folder to stage it in ({exc.strerror or exc})") from None
    if args.format in _JSON_FORMATS and _ascii_json(sys.stdout):
        data = _ascii_escaped(data)  # as --json writes it on this stdout
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    return 0


def _export(args: argparse.Namespace) -> int:
    from .errors import ExportError, OutputExistsError
    from .exports import _staging, export

    if args.output == "-":
        return _export_to_stdout(args)
    report = _load(args)
    with _staging.held() as hold:
        try:
            written = export(report, args.format, args.output, overwrite=args.force)
        except KeyboardInterrupt as exc:  # Ctrl-C was held until the export was in place: say so
            hold = _held(exc)
            written = exc.written  # type: ignore[attr-defined]
        except OutputExistsError as exc:
            raise _CliError(f"{ExportError(exc.path, exc.reason)}; use --force to replace it") from None
        except OSError as exc:  # the library's are ExportErrors; anything else still gets one line
            raise _CliError(str(exc) if isinstance(exc, ExportError) else f"cannot export: {exc}") from None
        shown = [str(p) if str(p).isprintable() else repr(str(p)) for p in written]
        return _written(
            hold, "export", lambda: _emit(args, shown, lambda: "\n".join(f"wrote {p}" for p in shown))
        )


def _held(exc: KeyboardInterrupt) -> Any:
    """A `_staging.Hold` that saw Ctrl-C, for one the library held until its output was in place.

    The library marks such a ``KeyboardInterrupt`` with the paths it
    ``written``; any other ``exc`` is raised again.
    """
    from .exports import _staging

    if getattr(exc, "written", None) is None:
        raise exc
    hold = _staging.Hold(holding=True)
    hold.arrived = True
    return hold


_COMPLETE: list[str] = []
"""What the command wrote and reported (``"export"``), once it has: a Ctrl-C after that says so too."""


def _interrupted() -> str:
    """The line for a Ctrl-C: after a command's output was complete, it says so."""
    return f"interrupted, after the {_COMPLETE[-1]} was complete" if _COMPLETE else "interrupted"


def _written(hold: Any, what: str, report: Callable[[], None]) -> int:
    """Run ``report`` (what a command wrote, on stdout); 130 if Ctrl-C came once the output was in place.

    ``hold`` is the `_staging.Hold` the command ran under (None where Python's
    own handler was not in force): from the moment the output started to
    move into place, a Ctrl-C is held, so the output is complete, and the
    user is told so rather than a plain "interrupted" (which would send them
    to run the command again, into "a file is there; use --force").
    """
    if hold is not None:
        hold.reporting = True
    try:
        report()
    except KeyboardInterrupt:  # a second Ctrl-C while the report waited on its reader
        if hold is None or not hold.arrived:
            raise
    _COMPLETE.append(what)  # once the hold ends (Python's handler again), main and kzrights_entry say so
    if hold is not None and hold.arrived:
        _say(f"interrupted, after the {what} was complete")
        return 130
    return 0


def _cite(args: argparse.Namespace) -> None:
    report = _load(args)
    record = report.get(args.id)
    meta = report.metadata
    where: Callable[[Any], str] | None = {
        "paragraph": lambda r: f"paragraph {r.number} of the {r.section_id}",
        "item": lambda r: f"item {r.number} of {r.paragraph_id}",
        "recommendation": lambda r: f"recommendation {r.number} to the {r.addressee.label}",
        "footnote": lambda r: f"footnote {r.number}",
    }.get(getattr(record, "kind", "section"))
    if where is None:
        raise _CliError(f"{record.id} is not a paragraph, item, recommendation or footnote")
    locator = where(record)
    citation = f"{meta.citation.rstrip('.')}, {locator}. [kzrights data {report.version}, #{record.id}]"
    data = {"citation": citation, "id": record.id, "anchor": f"#{record.id}", "data_version": report.version}
    _emit(args, data, lambda: _wrap(citation))


# ``check-quote`` exits with its verdict (0, 1, 2), 3 for a quotation it cannot check and
# this (EX_USAGE of sysexits.h) for a usage error, since 2 is "not found" there
_CHECK_QUOTE_USAGE = 64


def _check_quote(args: argparse.Namespace) -> int:
    """``kzrights check-quote``: the verdict, where the quotation stands, and a word diff."""
    try:
        quote = _read_quote("-") if args.quote == "-" else _argument_text(args.quote, "the quotation")
        report = _load(args)
        check = report.check_quote(quote)
    except (KzrightsError, _CliError, ValueError, TypeError, OSError) as exc:
        # 1 and 2 are verdicts here: a quotation that cannot be checked is 3
        _say(f"error: {exc}")
        return 3
    from .search.quotes import quote_check_json

    data = {**quote_check_json(check), "data_version": report.version}
    colour = (
        not args.json
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") != "dumb"
    )
    try:
        _emit(args, data, lambda: _quote_report(check, colour))
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (| head -n1): the verdict stands, and the status is the verdict
        _discard_stdout()
    except OSError as exc:
        # a closed or full stdout: 1 would say "altered", and 0 "exact"; 3 is "cannot check"
        _discard_stdout()
        _say(f"error: cannot write the output: {exc.strerror or exc}")
        return 3
    return check.verdict.exit_status


def _argument_text(value: str, name: str) -> str:
    """A command-line argument as UTF-8 text, refused if its bytes are not valid UTF-8.

    Python decodes ``argv`` with the locale's encoding and keeps the bytes it
    cannot decode as surrogates: under ``LC_ALL=C`` (ASCII), ``Токаев``
    arrives as twelve of them.  Such an argument is taken back to the bytes
    it was given as (`os.fsencode`) and decoded as UTF-8; only bytes that
    are not UTF-8 are refused, at the character where they start.
    """
    if _SURROGATE.search(value) is None:
        return value
    try:
        raw = os.fsencode(value)
    except UnicodeError:  # a surrogate the file system encoding cannot give back: no bytes behind it
        raw = value.encode("utf-8", "surrogatepass")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = len(raw[: exc.start].decode("utf-8"))
        raise _CliError(f"{name} is not valid UTF-8 (character {at:,} of the argument)") from None


_SURROGATE = re.compile("[\ud800-\udfff]")

# the arguments that name files, which may hold any bytes the file system allows
_PATH_ARGUMENTS = frozenset({"file", "output", "html"})
_ARGUMENT_NAMES = {"quote": "the quotation", "query": "the query", "id": "the id"}


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Take every text argument as UTF-8, whatever the locale, and refuse one that is not, before it runs.

    Python keeps undecodable bytes of ``argv`` as lone surrogates; searched
    for, looked up or checked, such text gave each command its own answer
    (``search`` "no matches" and exit 0, ``check-quote`` exit 3).  File
    names are left alone: a file system may hold names of any bytes.

    Raises:
        _CliError: Naming the argument and where its first undecodable byte is.
    """
    paths = _PATH_ARGUMENTS | ({"old", "new"} if args.command == "followup" else set())
    for name, value in list(vars(args).items()):
        if name in paths:
            continue
        shown = _ARGUMENT_NAMES.get(name, f"--{name.replace('_', '-')}")
        if isinstance(value, str):
            setattr(args, name, _argument_text(value, shown))
        elif isinstance(value, list):
            setattr(args, name, [_argument_text(v, shown) if isinstance(v, str) else v for v in value])


def _read_quote(name: str) -> str:
    """The quotation on stdin, decoded as strict UTF-8 (as ``annotate`` reads it).

    Reading stops as soon as the text is longer than check_quote's limit
    (`kzrights.search.quotes.MAX_CHECK_LENGTH` characters): an endless
    stdin (``yes | kzrights check-quote -``) is refused at once, in bounded
    memory, with the error a long quotation gets.
    """
    from .search.quotes import _WHY_LIMIT, MAX_CHECK_LENGTH

    read, close = _open_input(name)
    pieces: list[str] = []
    held = 0
    try:
        # a character is at most 4 bytes: small blocks, so that little more than the limit is read
        for text in _decoded(read, "stdin", 4 * MAX_CHECK_LENGTH + 4):
            pieces.append(text)
            held += len(text)
            if held > MAX_CHECK_LENGTH:
                raise _CliError(
                    f"the quote is more than {MAX_CHECK_LENGTH:,} characters long; "
                    f"the limit is {MAX_CHECK_LENGTH:,}: {_WHY_LIMIT}"
                )
        return "".join(pieces)
    finally:
        close()


# C0 and C1 control characters (ESC, BEL, CR...) but the line feed, and the bidirectional
# controls: what a quotation or a record could use to rewrite the terminal
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``), never sent to the terminal."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


# ANSI colours of the word diff on a terminal: dim for a marked omission (no alteration)
_DIFF_COLOURS = {"omitted": "31", "marked omission": "2", "added": "32"}


def _quote_report(check: Any, colour: bool) -> str:
    """A quotation check for people: the verdict, the places, the report's words with the changes marked."""
    from .search.quotes import word_diff

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour and text else text

    # each piece is wrapped first, whole words only, and shown with its control characters
    # escaped; only then coloured, so that colour codes neither count as width nor get escaped
    pieces: list[tuple[str, str]] = []

    def mark_role(text: str, role: str) -> str:
        pieces.append((_visible(text), _DIFF_COLOURS[role]))
        return f"\x00{len(pieces) - 1}\x00"

    lines = [f"{check.verdict.value} ({check.similarity:.2f})"]
    for place in check.locations:
        lines.append(f"  {place.record.id} [{place.span.start}:{place.span.end}]")
    if check.locations:
        marked = _PLACEHOLDER.split(word_diff(check, mark_role))
        # the diff's text with each marked piece in place, wrapped, then the pieces painted
        plain = "".join(pieces[int(part)][0] if odd else _visible(part) for odd, part in _alternate(marked))
        wrapped = _wrap(plain, "    ")
        if colour:  # each piece where it stands, in order (one wrapped across lines stays plain)
            out, cursor = [], 0
            for text, code in pieces:
                at = wrapped.find(text, cursor)
                if at >= 0:
                    out += [wrapped[cursor:at], paint(text, code)]
                    cursor = at + len(text)
            wrapped = "".join(out) + wrapped[cursor:]
        lines += ["", wrapped]
        for d in check.differences:
            said = _visible(d.quote_text) or "(nothing)"
            lines.append(
                _wrap(f"{d.kind.value}: {_visible(d.text) or '(nothing)'} -> {said}", "      ", "  - ")
            )
    for passage in check.closest:
        ids = ", ".join(place.record.id for place in passage.locations)
        lines.append(f"  closest ({passage.similarity:.2f}) {ids}:")
        lines.append(_wrap(_visible(passage.text), "    "))
    return "\n".join(lines)


_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _alternate(parts: list[str]) -> Iterator[tuple[bool, str]]:
    """``re.split``'s parts with a capturing group, each with whether it is a captured one."""
    return ((bool(index % 2), part) for index, part in enumerate(parts))


def _mcp(args: argparse.Namespace) -> None:
    """``kzrights mcp``: serve the pinned release to an MCP client on stdin and stdout, until stdin closes."""
    if sys.stdin is None:
        raise _CliError("stdin is closed: the MCP server reads its client's messages there")
    from .mcp_server import serve

    serve(args.data_version)


def _verify(args: argparse.Namespace) -> None:
    from .releases import verify, versions

    # "" is a version like any other (and no release has it), not "every release"
    targets = [args.data_version] if args.data_version is not None else list(versions())
    checked = {version: list(verify(version)) for version in targets}
    _emit(args, checked, lambda: "\n".join(f"{v}: ok ({len(files)} files)" for v, files in checked.items()))


def _diff(args: argparse.Namespace) -> None:
    from .compare import diff

    change = diff(args.old, args.new)
    _emit(args, change, lambda: str(change))


def _schema(args: argparse.Namespace) -> None:
    from .exports.schema import json_schema

    print(_json(json_schema()))


# ── followup: follow-up assessments (kzrights.followup) ───────────────────────


def _followup_vocabulary(args: argparse.Namespace) -> Any:
    from .followup import DEFAULT_VOCABULARY

    vocabulary = DEFAULT_VOCABULARY
    for name in args.extra_status or ():
        vocabulary = vocabulary.extended(name)
    return vocabulary


def _followup_problems(args: argparse.Namespace, error: Any) -> int:
    """Every problem of an invalid assessment, one line each (on stderr, or as JSON on stdout); status 1.

    The file is named as every other message names a path, cut to about 80
    characters (`_shown`); a problem of the whole file (missing, unreadable,
    not JSON), alone, is the one line of the error.
    """
    from .errors import _shown

    if getattr(args, "json", False):
        problems = [{"row": p.row, "column": p.column, "message": p.message} for p in error.problems]
        print(_json({"valid": False, "file": error.source, "problems": problems}))
        return 1
    source = _shown(error.source)
    count = len(error.problems)
    if count == 1 and error.problems[0].row is None and error.problems[0].column is None:
        _say(f"error: {source}: {error.problems[0]}")
        return 1
    _say(f"error: {source}: {count} problem{'s' if count != 1 else ''}")
    for problem in error.problems:
        print(_shortened(f"{source}: {problem}"), file=sys.stderr)
    return 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _followup_template(args: argparse.Namespace) -> int:
    from .errors import ExportError, OutputExistsError
    from .exports import _staging
    from .followup import template

    report = _load(args)
    vocabulary = _followup_vocabulary(args)
    with _staging.held() as hold:
        try:
            written = template(report.version, args.output, overwrite=args.force, vocabulary=vocabulary)
        except KeyboardInterrupt as exc:  # held until the tracker was in place: say so
            hold = _held(exc)
            (written,) = exc.written  # type: ignore[attr-defined]
        except OutputExistsError as exc:
            raise _CliError(f"{ExportError(exc.path, exc.reason)}; use --force to replace it") from None
        shown = str(written) if str(written).isprintable() else repr(str(written))
        count = len(report.recommendations)
        return _written(
            hold,
            "tracker",
            lambda: _emit(
                args,
                {"output": shown, "data_version": report.version, "recommendations": count},
                lambda: f"wrote {shown}: {count} recommendations of data release {report.version} to assess",
            ),
        )


def _followup_validate(args: argparse.Namespace) -> int:
    from .errors import InvalidAssessmentError
    from .followup import read

    try:
        assessed = read(args.file, version=args.data_version, vocabulary=_followup_vocabulary(args))
    except InvalidAssessmentError as error:
        return _followup_problems(args, error)
    against = args.data_version or assessed.data_version
    ids = {a.recommendation_id for a in assessed.assessments}
    data = {
        "valid": True,
        "file": args.file,
        "data_version": assessed.data_version,
        "checked_against": against,
        "assessments": len(assessed.assessments),
        "recommendations": len(ids),
    }
    _emit(
        args,
        data,
        lambda: (
            f"{args.file}: valid against data release {against}: "
            f"{_count(len(assessed.assessments), 'assessment')} of {_count(len(ids), 'recommendation')}"
        ),
    )
    return 0


def _not_an_input(output: str, inputs: Sequence[str]) -> None:
    """Refuse, even with --force, to write over one of the files the command reads."""
    for given in inputs:
        try:
            same = os.path.samefile(output, given)
        except (OSError, ValueError):  # either is missing, unreadable, or no name a path can hold
            same = os.path.abspath(output) == os.path.abspath(given)
        if same:
            raise _CliError(
                f"{_shortened(repr(output))} is the tracker {_shortened(repr(given))} this command reads; "
                "name another file for the output (--force never replaces an input)"
            )


def _followup_compare(args: argparse.Namespace) -> int:
    from .errors import ExportError, InvalidAssessmentError, OutputExistsError
    from .exports import _staging
    from .followup import compare, read

    vocabulary = _followup_vocabulary(args)
    if args.html is not None:
        _not_an_input(args.html, (args.old, args.new))
    try:
        old = read(args.old, version=args.data_version, vocabulary=vocabulary)
        new = read(args.new, version=args.data_version, vocabulary=vocabulary)
        result = compare(old, new, version=args.data_version, vocabulary=vocabulary)
    except InvalidAssessmentError as error:
        return _followup_problems(args, error)
    if args.html is None:
        _emit(args, result, lambda: str(result))
        return 0
    with _staging.held() as hold:
        try:
            written = result.write_html(args.html, overwrite=args.force)
        except KeyboardInterrupt as exc:  # held until the page was in place: say so
            hold = _held(exc)
            (written,) = exc.written  # type: ignore[attr-defined]
        except OutputExistsError as exc:
            raise _CliError(f"{ExportError(exc.path, exc.reason)}; use --force to replace it") from None
        # the file written, as export and followup template say it: last in the text, a key in JSON
        shown = str(written) if str(written).isprintable() else repr(str(written))

        def comparison_and_page() -> dict[str, Any]:
            from ._converter import unstructure

            return {**unstructure(result), "html": shown}

        return _written(
            hold,
            "HTML page",
            lambda: _emit(args, _Lazy(comparison_and_page), lambda: f"{result}\nwrote {shown}"),
        )


def _add_followup(
    commands: Any, parents: Sequence[argparse.ArgumentParser], printing: argparse.ArgumentParser
) -> None:
    """The ``followup`` command group: template, validate, compare (``printing`` holds ``--json``)."""
    group = commands.add_parser(
        "followup",
        help="follow-up assessments: a tracker to fill in, checked and compared",
        description="Follow-up assessments of the recommendations (docs/how-to/follow-up.md).",
        # --json before the group's command too, as before any command; not --data-version,
        # which its command's own would silently override (argparse copies a command's values over)
        parents=[printing],
    )
    group.set_defaults(
        run=lambda args: group.error("choose template, validate or compare"), reads_release=True
    )
    sub = group.add_subparsers(dest="followup_command", metavar="COMMAND", parser_class=_Parser)
    statuses = _Parser(add_help=False)
    statuses.add_argument(
        "--extra-status",
        action="append",
        metavar="NAME",
        help="allow one more status (no rank, no evidence URL needed); repeatable",
    )

    def add(name: str, run: Callable[[argparse.Namespace], int], help: str) -> Any:
        parser = sub.add_parser(name, help=help, description=help, parents=[*parents, statuses])
        parser.set_defaults(run=run, reads_release=True)
        return parser

    template = add(
        "template", _followup_template, "write a tracker to fill in: every recommendation, its context"
    )
    template.add_argument("--output", required=True, help="the file: .xlsx, .csv or .json")
    template.add_argument("--force", action="store_true", help="replace a file already at --output")
    validate = add(
        "validate",
        _followup_validate,
        "check a tracker (.csv, .xlsx, .json): exit 0 if valid, 1 listing every problem",
    )
    validate.add_argument("file")
    compare = add("compare", _followup_compare, "which recommendations changed status between two trackers")
    compare.add_argument("old")
    compare.add_argument("new")
    compare.add_argument("--html", metavar="FILE", help="also write the comparison, with charts, as HTML")
    compare.add_argument("--force", action="store_true", help="replace a file already at --html")


class _CliError(Exception):
    """A user error that the command line reports in one line."""


def _shortened(message: str) -> str:
    """``message`` on one line, quoting at most about 80 characters of anything it quotes (`shortened`)."""
    return _one_line(message, limit=1000)  # a usage error may list every command


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {_shortened(message)} (see {self.prog.split()[0]} --help)\n")


class _OneValue(argparse.Action):
    """An option that may be given more than once only with one value: two values are a usage error.

    argparse keeps the last of them silently, so ``--data-version 1.0.0 ...
    --data-version 1.3.1`` ran on 1.3.1 as if the first were not there.
    """

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option_string: Any = None
    ) -> None:
        given = getattr(namespace, self.dest, None)
        if given is not None and given != values:
            parser.error(f"{option_string} is given twice, as {given!r} and as {values!r}: give one value")
        setattr(namespace, self.dest, values)


def _one_data_version(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Merge ``--data-version`` given before the command and after it; two values are a usage error."""
    after = vars(args).pop("data_version_after", None)
    if after is None:
        return
    if args.data_version is not None and args.data_version != after:
        parser.error(
            f"--data-version is given twice, as {args.data_version!r} before the command and as "
            f"{after!r} after it: give one value"
        )
    args.data_version = after


class _Version(argparse.Action):
    """``--version``, which reads the release index only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the package version and the newest data release")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from . import __getattr__ as package_attribute
        from .releases import latest

        version = package_attribute("__version__")
        try:
            newest = latest()
        except (KzrightsError, OSError) as exc:
            # the package's version is what a bug report needs most: it is printed all the same
            print(_shortened(f"kzrights {version} (the data releases cannot be read: {exc})"))
            parser.exit(1)
        print(f"kzrights {version} (newest data release {newest})")
        parser.exit()


_ANNOTATE_HELP = """\
Find the entities of the report's registry in a UTF-8 text file, or in
stdin with -.  The file is read in blocks, so any size works in bounded
memory, and each mention is written as soon as it is found.

Offsets (start, end) count Unicode code points of the text as stored: a
CRLF line end is two characters and a byte order mark one, as in Python's
open(FILE, encoding="utf-8", newline="").read()[start:end].  A file and the
same bytes on stdin give the same offsets.  --json prints a JSON array of
objects with entity_id, text, start, end, form and (for a form decided on
evidence) resolved_by.

A form that needs evidence ("Parliament", "Hug") is decided on the whole
text, as kzrights.annotate decides it: from the first one, the mentions are
held back until the input ends (texts up to 8 Mi characters, fewer beyond
Latin-1, and 65,536 mentions; longer or denser ones go on block by block, a
form that needs evidence decided on its block).  --unambiguous-only links
only the forms safe anywhere.
"""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kzrights",
        description="The report “Retreating Rights – Kazakhstan: Conclusions and Recommendations” as data.",
    )
    parser.add_argument("--version", action=_Version)
    version_help = "the data release to use (default: the newest)"
    parser.add_argument("--data-version", metavar="VERSION", help=version_help, action=_OneValue)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    # the same options after the command; SUPPRESS keeps a value given before it
    printing = _Parser(add_help=False)
    printing.add_argument(
        "--json", action="store_true", help="print JSON instead of text", default=argparse.SUPPRESS
    )
    release = _Parser(add_help=False)
    # its own name, so that a value before the command and one after it are both seen (_one_data_version)
    release.add_argument(
        "--data-version",
        metavar="VERSION",
        help=version_help,
        default=argparse.SUPPRESS,
        dest="data_version_after",
        action=_OneValue,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(
        name: str, run: Callable[[argparse.Namespace], Any], help: str, data: bool = True, **kwargs: Any
    ) -> Any:
        """A subcommand; ``data=False`` for those that read no one release, and take no --data-version."""
        parents = [printing, release] if data else [printing]
        sub = commands.add_parser(name, help=help, parents=parents, **{"description": help, **kwargs})
        sub.set_defaults(run=run, reads_release=data)
        return sub

    add("recommendations", _recommendations, "print the 15 recommendations (the default command)")
    add("info", _info, "what the release holds, and how to cite it")
    add("versions", _versions, "the data releases this package ships", data=False)
    add("show", _show, "one record, entity, theme or figure by id").add_argument("id")
    search = add("search", _search, "ranked full-text search")
    search.add_argument("query", nargs="+", help="words, and phrases in double quotes")
    search.add_argument("--kind", action="append", help="keep only this kind (repeatable)")
    search.add_argument("--limit", type=int, default=10, help="at most this many hits (default: 10)")
    search.add_argument("--addressee", choices=["government", "international"])
    search.add_argument("--theme", help="keep only records linked to this theme")
    search.add_argument("--entity", help="keep only records that mention this entity")
    search.add_argument("--section", choices=["conclusions", "recommendations", "footnotes"])
    annotate = add(
        "annotate",
        _annotate,
        "find the report's entities in a text file, or - for stdin",
        description=_ANNOTATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    annotate.add_argument("file", help="a UTF-8 text file, or - for stdin")
    annotate.add_argument(
        "--unambiguous-only",
        action="store_true",
        help="link only the forms safe anywhere, none that needs evidence from the text",
    )
    from .exports import FOLDER_FORMATS, FORMATS

    export = add("export", _export, "write the report as " + ", ".join(FORMATS))
    export.add_argument("--format", required=True, choices=list(FORMATS))
    export.add_argument(
        "--output",
        required=True,
        help="a folder for "
        + ", ".join(sorted(FOLDER_FORMATS))
        + "; a file for the others (.xlsx, .bib, .html for those formats); - writes "
        + ", ".join(_STDOUT_FORMATS)
        + " to stdout",
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace a previous export at --output (a folder only if kzrights wrote it)",
    )
    add("cite", _cite, "a citation of the report pinned to a paragraph or recommendation").add_argument("id")
    check = add(
        "check-quote",
        _check_quote,
        "check a quotation: exit 0 exact or equivalent, 1 altered, 2 not found, 3 if it cannot be "
        "checked, 64 for a usage error",
    )
    check.add_argument(
        "quote",
        help="the quotation (at most 4,000 characters), or - to read it from stdin; "
        "one that starts with - goes after --",
    )
    add(
        "mcp",
        _mcp,
        "serve the release to an AI assistant over stdio (Model Context Protocol; needs kzrights[mcp])",
    )
    add(
        "verify",
        _verify,
        "re-hash the installed data releases against their manifests, and check their derived "
        "files' content (all by default)",
    )
    diff = add("diff", _diff, "what changed between two data releases", data=False)
    diff.add_argument("old")
    diff.add_argument("new")
    _add_followup(commands, [printing, release], printing)
    add(
        "schema",
        _schema,
        "print the JSON Schema of the json export (JSON with or without --json)",
        data=False,
    )
    return parser


def _say(message: str) -> None:
    """One line on stderr, if there is a stderr that can be written.

    A full or closed stderr (``2>&1`` onto a full disk) is pointed at the null
    device: Python's own flush of it at exit would fail again and turn the
    exit status into 1, which is a verdict of ``check-quote`` ("altered").
    """
    if sys.stderr is None:
        return
    try:
        print(f"kzrights: {_shortened(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # ValueError: a stderr closed by the program that embeds this
        _discard(sys.stderr)


def _command_of(argv: list[str]) -> str | None:
    """The subcommand ``argv`` names, if any (the first argument that is no option or option value)."""
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--data-version":
            next(arguments, None)
        elif argument == "--":
            return next(arguments, None)
        elif not argument.startswith("-"):
            return argument
    return None


def _run(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["recommendations", *argv])
        _one_data_version(parser, args)
    except SystemExit as exit:
        if exit.code == 2 and _command_of(argv) == "check-quote":
            raise SystemExit(_CHECK_QUOTE_USAGE) from None  # 2 is a verdict there
        raise
    if args.data_version is not None and not args.reads_release:
        parser.error(f"{args.command} takes no --data-version: it does not read one release")
    _refuse_ignored_options(parser, args)
    if sys.stdout is None:
        if args.command == "check-quote":
            _say("error: stdout is closed: nowhere to write the output")
            return 3  # 1 is a verdict there ("altered")
        raise _CliError("stdout is closed: nowhere to write the output")
    try:
        _check_text_arguments(args)
    except _CliError as exc:
        if args.command != "check-quote":
            raise
        _say(f"error: {exc}")
        return 3  # check-quote's status for a quotation it cannot check
    status = args.run(args)
    sys.stdout.flush()  # here, so that an error in writing is reported like any other
    return status if isinstance(status, int) else 0  # check-quote's status is its verdict


def _refuse_ignored_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A usage error (exit 2) for an option the command would ignore, as for ``versions --data-version``."""
    if args.command == "mcp" and getattr(args, "json", False):
        parser.error("mcp takes no --json: it always speaks JSON-RPC on stdout")
    if getattr(args, "followup_command", None) == "compare" and args.force and args.html is None:
        parser.error("followup compare takes --force only with --html: without it, it writes no file")
    if args.command == "export" and args.output == "-":
        if args.json:
            parser.error("--json and --output - would both write to standard output: leave out --json")
        if args.force:
            parser.error("--force replaces a file, and --output - writes none: leave out --force")


def _tolerant_stdout() -> Callable[[], None]:
    """Make stdout escape what its encoding cannot show; return how to undo it."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    errors = getattr(sys.stdout, "errors", None)
    if reconfigure is None or errors is None:
        return lambda: None
    reconfigure(errors="backslashreplace")
    return lambda: reconfigure(errors=errors)


def _discard_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit does not fail again."""
    _discard(sys.stdout)


def _discard(stream: Any) -> None:
    """Point ``stream``'s descriptor at the null device, where what its buffer still holds then goes."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, AttributeError, ValueError):
        pass


def _flush_stdout() -> None:
    """Write out what stdout holds, if it can be written; a second Ctrl-C or a closed pipe gives up."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, KeyboardInterrupt):
        _discard_stdout()  # what the buffer still holds would fail again at exit, with a traceback
    except ValueError:  # stdout is closed
        pass


def _blocking_streams() -> Callable[[], None]:
    """Make stdin, stdout and stderr block while the command runs; return how to undo it.

    A program that starts kzrights may leave a pipe non-blocking (Node's
    libuv does). Python then takes "no data yet" on stdin for the end of the
    input, and a full pipe on stdout for a short write that its buffered
    layer may report as complete: the command would annotate nothing, or cut
    an export at 64 KiB, and still exit 0. Every read and write of the
    command waits, as on a blocking stream; the flag is put back at the end
    (it belongs to the pipe, which the program that made it shares).
    """
    restored: list[int] = []
    for descriptor in (0, 1, 2):
        try:
            if not os.get_blocking(descriptor):
                os.set_blocking(descriptor, True)
                restored.append(descriptor)
        except (OSError, AttributeError):  # closed; or a Windows console, which has no such flag
            continue

    def restore() -> None:
        for descriptor in restored:
            with contextlib.suppress(OSError):
                os.set_blocking(descriptor, False)

    return restore


def _wraps_an_interrupt(error: BaseException) -> bool:
    """Whether ``error`` is Python's wrapping of a Ctrl-C (``kzrights_entry`` has its own copy).

    Before 3.12 an exception raised in a ``__set_name__`` (a class made
    while a module imports) comes out as a ``RuntimeError`` caused by it.
    """
    cause, hops = error.__cause__, 0
    while cause is not None and hops < 8:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause, hops = cause.__cause__, hops + 1
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    0 on success, 1 for an error in the input or the data, 2 for a usage
    error, 130 when interrupted (Ctrl-C); each failure is one line on stderr.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    unblock = _blocking_streams()
    restore = _tolerant_stdout()
    _COMPLETE.clear()
    try:
        status = _run(arguments)
    except _Abandoned:  # a second Ctrl-C while the output waited for its reader
        _discard_stdout()  # what stdout's buffer holds would wait for the reader again at exit
        _say(_interrupted())
        return 130
    except KeyboardInterrupt:
        _flush_stdout()  # what was found before Ctrl-C is not lost in stdout's buffer
        _say(_interrupted())
        return 130
    except BrokenPipeError:  # the reader went away, e.g. piped into head
        _discard_stdout()
        return 0
    except (KzrightsError, _CliError, ValueError, TypeError) as exc:
        _say(f"error: {exc}")
        return 1
    except OSError as exc:  # writing the output: a full disk, a closed pipe
        _say(f"error: cannot write the output: {exc.strerror or exc}")
        return 1
    except MemoryError:  # a memory limit (ulimit -v, a container's): the machine's, not kzrights' fault
        _say("error: out of memory")
        return 1
    except RuntimeError as exc:
        if not _wraps_an_interrupt(exc):
            _say(f"internal error (please report it): {type(exc).__name__}: {exc}")
            return 70
        # Ctrl-C in a __set_name__ while a command imports what it needs (before Python 3.12)
        _flush_stdout()
        _say(_interrupted())
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        _say(f"internal error (please report it): {type(exc).__name__}: {exc}")
        return 70
    finally:
        restore()
        unblock()
    return status
