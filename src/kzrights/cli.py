"""The command line: ``kzrights`` and ``python -m kzrights``.

``import kzrights`` never imports this module.  Every subcommand takes
``--data-version`` to pin a release; those that print data take ``--json``.
Human output fits an 80-column terminal.  Bad input (an unknown id or
version, a missing file) exits with status 1 and a one-line message on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KzrightsError

if TYPE_CHECKING:
    from .report import Report

__all__ = ["main"]

WIDTH = 80


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(
        text, WIDTH - 1, initial_indent=first if first is not None else indent, subsequent_indent=indent
    )


def _emit(args: argparse.Namespace, data: Any, human: Callable[[], str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human())


def _load(args: argparse.Namespace) -> Report:
    from .releases import load

    return load(args.data_version)


def _record_json(record: Any) -> dict[str, Any]:
    from ._converter import unstructure

    data: dict[str, Any] = unstructure(record)
    return {"kind": record.kind, **data}


# ── subcommands ───────────────────────────────────────────────────────────────


def _recommendations(args: argparse.Namespace) -> None:
    from .records import Addressee

    report = _load(args)
    meta = report.metadata
    data = [_record_json(r) for r in report.recommendations]

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
    counts = {
        "paragraphs": len(report.paragraphs),
        "items": len(report.items),
        "recommendations": len(report.recommendations),
        "footnotes": len(report.footnotes),
        "entities": len(report.entities),
        "mentions": len(report.mentions),
        "themes": len(report.themes),
        "figures": len(report.figures),
    }
    data = {
        "package_version": package_attribute("__version__"),
        "data_version": report.version,
        "title": meta.title,
        "authors": list(meta.authors),
        "published": meta.published.isoformat(),
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
    report = _load(args)
    record = report.get(args.id)

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
        return "\n".join(lines)

    _emit(args, _record_json(record), human)


def _search(args: argparse.Namespace) -> None:
    report = _load(args)
    hits = report.search(
        " ".join(args.query),
        kinds=args.kind or None,
        limit=args.limit,
        addressee=args.addressee,
        theme=args.theme,
        entity=args.entity,
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


def _annotate(args: argparse.Namespace) -> None:
    from .annotation import annotate

    if args.file == "-":
        text = sys.stdin.read()
    else:
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _CliError(f"no such file: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise _CliError(f"cannot read {path}: {exc}") from None
    mentions = annotate(text, version=args.data_version)
    data = [m._asdict() for m in mentions]
    _emit(
        args,
        [{k: v for k, v in d.items() if v is not None} for d in data],
        lambda: (
            "\n".join(f"{m.start:>7}-{m.end:<7} {m.entity_id:<40} {m.text}" for m in mentions)
            or "no entities"
        ),
    )


def _export(args: argparse.Namespace) -> None:
    from .errors import ExportError, OutputExistsError
    from .exports import export

    report = _load(args)
    try:
        written = export(report, args.format, args.output, overwrite=args.force)
    except OutputExistsError as exc:
        raise _CliError(f"{ExportError(exc.path, exc.reason)}; use --force to replace it") from None
    except OSError as exc:  # the library's are ExportErrors; anything else still gets one line
        raise _CliError(str(exc) if isinstance(exc, ExportError) else f"cannot export: {exc}") from None
    shown = [str(p) if str(p).isprintable() else repr(str(p)) for p in written]
    _emit(args, shown, lambda: "\n".join(f"wrote {p}" for p in shown))


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


def _check_quote(args: argparse.Namespace) -> int:
    """``kzrights check-quote``: the verdict, where the quotation stands, and a word diff."""
    try:
        quote = sys.stdin.read() if args.quote == "-" else args.quote
        check = _load(args).check_quote(quote)
    except (KzrightsError, ValueError, TypeError, OSError) as exc:
        # 1 and 2 are verdicts here: a quotation that cannot be checked is 3
        print(f"kzrights: error: {exc}", file=sys.stderr)
        return 3
    data = {
        "verdict": check.verdict.value,
        "similarity": check.similarity,
        "locations": [
            {
                "id": place.record.id,
                "span": [place.span.start, place.span.end],
                "source_span": [place.source_span.start, place.source_span.end],
                "text": place.text,
            }
            for place in check.locations
        ],
        "differences": [
            {
                "kind": d.kind.value,
                "quote_span": [d.quote_span.start, d.quote_span.end],
                "quote_text": d.quote_text,
                "id": d.record_id,
                "span": [d.span.start, d.span.end],
                "text": d.text,
            }
            for d in check.differences
        ],
        "closest": [
            {"ids": [place.record.id for place in p.locations], "similarity": p.similarity, "text": p.text}
            for p in check.closest
        ],
    }
    colour = not args.json and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    _emit(args, data, lambda: _quote_report(check, colour))
    return check.verdict.exit_status


def _quote_report(check: Any, colour: bool) -> str:
    """A quotation check for people: the verdict, the places, the report's words with the changes marked."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour and text else text

    lines = [f"{check.verdict.value} ({check.similarity:.2f})"]
    for place in check.locations:
        lines.append(f"  {place.record.id} [{place.span.start}:{place.span.end}]")
    if check.locations:
        lines += ["", _wrap(_word_diff(check, paint), "    ")]
        for d in check.differences:
            said = d.quote_text or "(nothing)"
            lines.append(_wrap(f"{d.kind.value}: {d.text or '(nothing)'!s} -> {said}", "      ", "  - "))
    for passage in check.closest:
        ids = ", ".join(place.record.id for place in passage.locations)
        lines.append(_wrap(passage.text, "    ", f"  closest ({passage.similarity:.2f}) {ids}: "))
    return "\n".join(lines)


def _word_diff(check: Any, paint: Callable[[str, str], str]) -> str:
    """The report's words at the location: those the quotation lacks in [-…-], those it adds in {+…+}."""
    pieces: list[str] = []
    for place in check.locations:
        text, cursor = place.record.text, place.span.start
        out: list[str] = []
        mine = [d for d in check.differences if d.record_id == place.record.id]
        for d in sorted(mine, key=lambda d: (d.span.start, d.span.end)):
            if d.span.start < cursor:
                continue
            out.append(text[cursor : d.span.start])
            if d.text:
                style = "2" if d.kind.value == "marked omission" else "31"
                out.append(paint(f"[-{d.text}-]", style))
            if d.quote_text and d.kind.value != "marked omission":
                out.append(paint(f"{{+{d.quote_text}+}}", "32"))
            cursor = d.span.end
        out.append(text[cursor : place.span.end])
        pieces.append("".join(out))
    return " ".join(pieces)


def _verify(args: argparse.Namespace) -> None:
    from .releases import verify, versions

    targets = [args.data_version] if args.data_version else list(versions())
    checked = {version: list(verify(version)) for version in targets}
    _emit(args, checked, lambda: "\n".join(f"{v}: ok ({len(files)} files)" for v, files in checked.items()))


def _diff(args: argparse.Namespace) -> None:
    from .compare import diff

    change = diff(args.old, args.new)
    data = {
        "old": change.old,
        "new": change.new,
        "added": list(change.added),
        "removed": list(change.removed),
        "changed": [{"id": c.id, "fields": list(c.fields)} for c in change.changed],
        "metadata": list(change.metadata),
        "mentions": list(change.mentions),
    }
    _emit(args, data, lambda: str(change))


def _schema(args: argparse.Namespace) -> None:
    from .exports.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))


class _CliError(Exception):
    """A user error that the command line reports in one line."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog.split()[0]} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from . import __getattr__ as package_attribute
    from .releases import latest

    parser = _Parser(
        prog="kzrights",
        description="The report “Retreating Rights – Kazakhstan: Conclusions and Recommendations” as data.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"kzrights {package_attribute('__version__')} (newest data release {latest()})",
    )
    version_help = "the data release to use (default: the newest)"
    parser.add_argument("--data-version", metavar="VERSION", help=version_help)
    common = _Parser(add_help=False)
    # after the command too; SUPPRESS keeps a value given before the command
    common.add_argument("--data-version", metavar="VERSION", help=version_help, default=argparse.SUPPRESS)
    printing = _Parser(add_help=False, parents=[common])
    printing.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, run: Callable[[argparse.Namespace], Any], help: str, data: bool = True) -> Any:
        sub = commands.add_parser(name, help=help, description=help, parents=[printing if data else common])
        sub.set_defaults(run=run)
        return sub

    add("recommendations", _recommendations, "print the 15 recommendations (the default command)")
    add("info", _info, "what the release holds, and how to cite it")
    add("versions", _versions, "the data releases this package ships")
    add("show", _show, "one record, entity, theme or figure by id").add_argument("id")
    search = add("search", _search, "ranked full-text search")
    search.add_argument("query", nargs="+", help="words, and phrases in double quotes")
    search.add_argument("--kind", action="append", help="keep only this kind (repeatable)")
    search.add_argument("--limit", type=int, default=10, help="at most this many hits (default: 10)")
    search.add_argument("--addressee", choices=["government", "international"])
    search.add_argument("--theme", help="keep only records linked to this theme")
    search.add_argument("--entity", help="keep only records that mention this entity")
    search.add_argument("--section", choices=["conclusions", "recommendations", "footnotes"])
    add("annotate", _annotate, "find the report's entities in a text file, or - for stdin").add_argument(
        "file"
    )
    from .exports import FOLDER_FORMATS, FORMATS

    export = add("export", _export, "write the report as " + ", ".join(FORMATS))
    export.add_argument("--format", required=True, choices=list(FORMATS))
    export.add_argument(
        "--output",
        required=True,
        help="a folder for " + ", ".join(sorted(FOLDER_FORMATS)) + "; a file for the others",
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
        "check a quotation: exit 0 exact or equivalent, 1 altered, 2 not found",
    )
    check.add_argument("quote", help="the quotation, or - to read it from stdin")
    add("verify", _verify, "re-hash the installed data releases against their manifests")
    diff = add("diff", _diff, "what changed between two data releases")
    diff.add_argument("old")
    diff.add_argument("new")
    add("schema", _schema, "print the JSON Schema of the json export", data=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["recommendations", *(argv if argv is not None else sys.argv[1:])])
    try:
        status = args.run(args)
    except (KzrightsError, _CliError, ValueError, TypeError) as exc:
        print(f"kzrights: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
    return status if isinstance(status, int) else 0
