"""Citations: the report and every source its footnotes cite, as BibTeX and CSL-JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UnknownIdError
from ..records import EntityCategory, Source

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["REPORT_KEY", "bibtex", "csl_json", "write_bibtex", "write_csl_json"]

REPORT_KEY = "hug-2021-retreating-rights-kazakhstan"
"""The citation key of the report itself."""

_CSL_TYPES = {
    "article": "article-newspaper",
    "webpage": "webpage",
    "legislation": "legislation",
    "report": "report",
}


def _is_person(report: Report, name: str) -> bool:
    try:
        return report.entity(name).category is EntityCategory.PERSON
    except UnknownIdError:
        return False


def _report_item(report: Report) -> dict[str, Any]:
    meta = report.metadata
    return {
        "id": REPORT_KEY,
        "type": "report",
        "title": meta.title,
        "author": [_name(report, a) for a in meta.authors],
        "publisher": meta.publisher,
        "collection-title": meta.series,
        "issued": {"date-parts": [[meta.published.year, meta.published.month, meta.published.day]]},
        "language": meta.language,
    }


def _name(report: Report, name: str) -> dict[str, str]:
    if _is_person(report, name) or name in report.metadata.authors:
        given, _, family = name.rpartition(" ")
        return {"family": family, "given": given}
    return {"literal": name}


def _source_item(report: Report, source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source.key,
        "type": _CSL_TYPES[source.type],
        "author": [_name(report, source.author)],
    }
    item["title"] = source.title or source.author
    if source.container:
        item["container-title"] = source.container
    if source.issued:
        item["issued"] = {"date-parts": [[int(part) for part in source.issued.split("-")]]}
    if source.url:
        item["URL"] = source.url
    item["note"] = (
        f"Cited in the report's footnote {', '.join(i.rsplit('.', 1)[1] for i in source.footnote_ids)}"
    )
    return item


def csl_json(report: Report) -> list[dict[str, Any]]:
    """CSL-JSON items: the report first, then every source its footnotes cite."""
    return [_report_item(report), *(_source_item(report, s) for s in report.sources)]


def _braced(value: str) -> str:
    return "{" + value.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}") + "}"


def _field_value(name: str, value: str) -> str:
    if name == "month":
        return value  # a BibTeX macro: jan, feb, …
    if name == "author":
        return "{" + value + "}"  # its own braces keep a body's name whole
    return _braced(value)


def _bib_author(report: Report, name: str) -> str:
    if _is_person(report, name) or name in report.metadata.authors:
        given, _, family = name.rpartition(" ")
        return f"{family}, {given}"
    return "{" + name + "}"  # a body, not a person: keep it whole


def bibtex(report: Report) -> str:
    """BibTeX entries with stable keys: the report, then every cited source."""
    meta = report.metadata
    entries = [
        (
            "techreport",
            REPORT_KEY,
            {
                "author": " and ".join(_bib_author(report, a) for a in meta.authors),
                "title": meta.title,
                "institution": meta.publisher,
                "type": meta.series,
                "year": str(meta.published.year),
                "month": meta.published.strftime("%b").lower(),
                "date": meta.published.isoformat(),
            },
        )
    ]
    kinds = {"article": "article", "webpage": "misc", "legislation": "misc", "report": "techreport"}
    for source in report.sources:
        fields: dict[str, str] = {
            "author": _bib_author(report, source.author),
            "title": source.title or source.author,
        }
        if source.container:
            fields["journal"] = source.container
        if source.type == "report":
            fields["institution"] = source.author
        if source.issued:
            fields["year"] = source.issued[:4]
            fields["date"] = source.issued
        if source.url:
            fields["url"] = source.url
        fields["note"] = (
            f"Cited in footnote {', '.join(i.rsplit('.', 1)[1] for i in source.footnote_ids)} of {REPORT_KEY}"
        )
        entries.append((kinds[source.type], source.key, fields))
    blocks = []
    for kind, key, fields in entries:
        body = ",\n".join(f"  {name} = {_field_value(name, value)}" for name, value in fields.items())
        blocks.append(f"@{kind}{{{key},\n{body}\n}}")
    return "\n\n".join(blocks) + "\n"


def write_bibtex(report: Report, path: Path) -> list[Path]:
    """One ``.bib`` file."""
    path.write_text(bibtex(report), encoding="utf-8")
    return [path]


def write_csl_json(report: Report, path: Path) -> list[Path]:
    """One CSL-JSON file."""
    path.write_text(json.dumps(csl_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [path]
