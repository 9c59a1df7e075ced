"""The report rendered back as a document (Markdown, one self-contained HTML file) and as W3C annotations."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..records import Addressee, Item, Recommendation
from .iri import IRI_PREFIX, _iri

if TYPE_CHECKING:
    from ..report import Report

__all__ = [
    "ANNOTATION_CONTEXT",
    "render_html",
    "render_markdown",
    "web_annotations",
    "write_annotations",
    "write_html",
    "write_markdown",
]

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The JSON-LD context of the W3C Web Annotation Data Model, which every annotation names."""

_CSS = """
body { font: 16px/1.55 Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; }
.byline { color: #555; } .entity { border-bottom: 1px dotted #7a5; }
.sdg { font-size: .85rem; color: #555; } .sdg a { margin-right: .4rem; }
sup a, a.back { text-decoration: none; } :target { background: #fff3c4; }
footer { margin-top: 3rem; font-size: .85rem; color: #555; }
"""


def _marks(report: Report) -> dict[str, list[tuple[int, int, str]]]:
    """Per record: (start, end, kind) of its entity mentions, never overlapping."""
    marks: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for mention in report.mentions:
        marks[mention.record_id or ""].append((mention.start, mention.end, mention.entity_id))
    return marks


def _attr(value: object) -> str:
    """A value made safe inside a double-quoted HTML attribute."""
    return html.escape(str(value), quote=True)


def _web_url(url: str) -> bool:
    """Whether ``url`` may be a link: only ``http`` and ``https`` ones are (never ``javascript:``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _html_text(
    report: Report, record: Any, marks: dict[str, list[tuple[int, int, str]]], urls: tuple[str, ...] = ()
) -> str:
    """A record's text with its entities marked, its footnote markers and web addresses linked, escaped.

    Every value that goes into the markup (ids, names, addresses) is escaped;
    an address becomes a link only if it is ``http``/``https`` and crosses no
    entity mark or footnote marker, so tags always nest.
    """
    names = {e.id: e.name for e in report.entities}
    events: list[tuple[int, int, str]] = []  # (offset, order, html)
    spans = marks.get(record.id, [])
    for start, end, entity_id in spans:
        title = _attr(names.get(entity_id, entity_id))
        events.append((start, 1, f'<span class="entity" data-entity="{_attr(entity_id)}" title="{title}">'))
        events.append((end, 0, "</span>"))
    refs = getattr(record, "footnote_refs", ())
    for n, ref in enumerate(refs, start=1):
        number = html.escape(ref.footnote_id.rsplit(".", 1)[-1])
        anchor = _attr(f"ref-{record.id}-{n}")
        events.append(
            (ref.offset, 2, f'<sup><a id="{anchor}" href="#{_attr(ref.footnote_id)}">[{number}]</a></sup>')
        )
    for url in urls:
        start = record.text.find(url) if url and _web_url(url) else -1
        end = start + len(url)
        crossed = any(s < end and start < e for s, e, _ in spans) or any(start < r.offset < end for r in refs)
        if start >= 0 and not crossed:
            events.append((start, 1, f'<a href="{_attr(url)}">'))
            events.append((end, 0, "</a>"))
    events.sort()
    out, last = [], 0
    for offset, _, tag in events:
        out.append(html.escape(record.text[last:offset]))
        out.append(tag)
        last = offset
    out.append(html.escape(record.text[last:]))
    return "".join(out)


def _sdg_line(report: Report, recommendation: Recommendation) -> str:
    """The SDG targets a recommendation serves, each linked to the target's text, its basis in the title."""
    if not recommendation.sdg_links:
        return ""
    codes = []
    for link in recommendation.sdg_links:
        code = link.target_id.removeprefix("sdg.")
        why = f"quoting “{link.quote}”" if link.basis.value == "explicit" else link.rationale or ""
        title = f"{link.basis.value}: {why}"
        codes.append(f'<a href="#{_attr(link.target_id)}" title="{_attr(title)}">{html.escape(code)}</a>')
    return f'<br><span class="sdg">SDG targets: {"".join(codes)}</span>'


def _sdg_section(report: Report) -> list[str]:
    """The SDG targets the recommendations serve, in the UN's words, each with an anchor by its id."""
    linked = {link.target_id for r in report.recommendations for link in r.sdg_links}
    if not linked:
        return []
    parts = ['<h2 id="sdg-targets">SDG targets</h2><dl class="sdg">']
    for target in report.sdg_targets:
        if target.id in linked:
            users = " ".join(
                f'<a href="#{_attr(r.id)}">{html.escape(r.id)}</a>'
                for r in report.recommendations_for_sdg(target.id)
            )
            parts.append(
                f'<dt id="{_attr(target.id)}">{html.escape(target.code)}</dt>'
                f"<dd>{html.escape(target.text)} ({users})</dd>"
            )
    parts.append("</dl>")
    vocabulary = next((v for v in report.metadata.vocabularies if v.id == "sdg"), None)
    if vocabulary is not None:
        parts.append(
            f'<p class="sdg">Targets: {html.escape(vocabulary.rights)} Taken from '
            f"{html.escape(vocabulary.repository)} at {html.escape(vocabulary.commit[:12])} "
            f"({html.escape(vocabulary.licence)}).</p>"
        )
    return parts


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML page: an anchor per record id, footnotes both ways.

    Every value from the release is escaped where it is inserted, ids
    included; only ``http`` and ``https`` addresses become links.
    """
    meta = report.metadata
    marks = _marks(report)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(meta.language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(meta.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(meta.title)}</h1>",
        f'<p class="byline">{html.escape(", ".join(meta.authors))} · {html.escape(meta.publisher)} · '
        f"{meta.published:%d %B %Y}</p>",
        '<h2 id="conclusions">Conclusions</h2>',
    ]
    items_by_paragraph: dict[str, list[Item]] = defaultdict(list)
    for item in report.items:
        items_by_paragraph[item.paragraph_id].append(item)
    for paragraph in report.paragraphs:
        if paragraph.section_id != "conclusions":
            continue
        parts.append(f'<p id="{_attr(paragraph.id)}">{_html_text(report, paragraph, marks)}</p>')
        if paragraph.id in items_by_paragraph:
            parts.append("<ul>")
            parts += [
                f'<li id="{_attr(i.id)}">{_html_text(report, i, marks)}</li>'
                for i in items_by_paragraph[paragraph.id]
            ]
            parts.append("</ul>")
    parts.append('<h2 id="recommendations">Recommendations</h2>')
    for addressee in Addressee:
        recommendations: list[Recommendation] = list(report.recommendations_to(addressee))
        lead_in = next(p for p in report.paragraphs if p.id == recommendations[0].lead_in_id)
        parts.append(f'<p id="{_attr(lead_in.id)}">{_html_text(report, lead_in, marks)}</p><ol>')
        parts += [
            f'<li id="{_attr(r.id)}">{_html_text(report, r, marks)}{_sdg_line(report, r)}</li>'
            for r in recommendations
        ]
        parts.append("</ol>")
    parts += _sdg_section(report)
    parts.append('<h2 id="footnotes">Footnotes</h2><ol>')
    for footnote in report.footnotes:
        backs = " ".join(
            f'<a class="back" href="#ref-{_attr(record.id)}-{n}" title="back to {_attr(record.id)}">↩</a>'
            for record in report.records()
            for n, ref in enumerate(getattr(record, "footnote_refs", ()), start=1)
            if ref.footnote_id == footnote.id
        )
        text = _html_text(report, footnote, marks, footnote.urls)
        parts.append(f'<li id="{_attr(footnote.id)}" value="{_attr(footnote.number)}">{text} {backs}</li>')
    parts.append("</ol>")
    parts.append(
        f"<footer><p>{html.escape(meta.rights.report_text)}</p><p>Cite as: {html.escape(meta.citation)}</p>"
        f"<p>Rendered from kzrights data release {html.escape(report.version)}.</p></footer></body></html>"
    )
    return "\n".join(parts) + "\n"


_REFERENCE_START = re.compile(r"&(?=#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
"""An ``&`` that starts a character reference (``&amp;``, ``&#60;``), which Markdown would decode."""


def _md(value: object) -> str:
    """``value`` as Markdown text that a viewer shows as it is, never as HTML.

    Markdown passes inline HTML through, so every ``<`` becomes ``&lt;`` and
    an ``&`` that would start a character reference ``&amp;``; a lone ``&``
    or ``>`` already shows as itself and is left alone, so text without
    markup (every shipped release's) is unchanged.
    """
    return _REFERENCE_START.sub("&amp;", str(value)).replace("<", "&lt;")


def render_markdown(report: Report) -> str:
    """The whole report as Markdown, with an HTML anchor before every record (its id escaped).

    Every value from the release is inserted as text (`_md`): a ``<`` in a
    title, text, footnote or the citation shows as ``<``, never as a tag.
    """
    meta = report.metadata

    def text(record: Any) -> str:
        body: str = record.text
        out, last = [], 0
        for ref in getattr(record, "footnote_refs", ()):
            number = ref.footnote_id.rsplit(".", 1)[1]
            out += [_md(body[last : ref.offset]), f"[^{_md(number)}]"]
            last = ref.offset
        return "".join(out) + _md(body[last:])

    lines = [
        f"# {_md(meta.title)}",
        "",
        f"*{_md(', '.join(meta.authors))}, {_md(meta.publisher)}, {meta.published:%d %B %Y}*",
        "",
    ]
    lines += ['<a id="conclusions"></a>', "## Conclusions", ""]
    for paragraph in report.paragraphs:
        if paragraph.section_id == "conclusions":
            lines += [f'<a id="{_attr(paragraph.id)}"></a>', text(paragraph), ""]
            for item in (i for i in report.items if i.paragraph_id == paragraph.id):
                lines.append(f'- <a id="{_attr(item.id)}"></a>{text(item)}')
            if paragraph.item_ids:
                lines.append("")
    lines += ['<a id="recommendations"></a>', "## Recommendations", ""]
    for addressee in Addressee:
        recommendations = report.recommendations_to(addressee)
        lead_in = next(p for p in report.paragraphs if p.id == recommendations[0].lead_in_id)
        lines += [f'<a id="{_attr(lead_in.id)}"></a>', text(lead_in), ""]
        lines += [f'{r.number}. <a id="{_attr(r.id)}"></a>{text(r)}' for r in recommendations]
        lines.append("")
    lines += ['<a id="footnotes"></a>', "## Footnotes", ""]
    lines += [f"[^{f.number}]: {_md(f.text)}" for f in report.footnotes]
    lines += ["", "---", "", _md(meta.rights.report_text), "", f"Cite as: {_md(meta.citation)}", ""]
    return "\n".join(lines)


def _target(report: Report, record_id: str, start: int, end: int) -> dict[str, Any]:
    """A stretch of a record's text, named by the record's IRI, with offsets into ``record.text``."""
    text: str = getattr(report.get(record_id), "text", "")
    return {
        "type": "SpecificResource",
        "source": _iri(report.version, record_id),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - 32) : start],
                "suffix": text[end : end + 32],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def web_annotations(report: Report) -> dict[str, Any]:
    """Entity mentions, theme and evidence links as a W3C Web Annotation collection (JSON-LD).

    Every target is a ``SpecificResource`` whose ``source`` is the IRI of the
    record it selects from ([`kzrights.exports.record_iri`][kzrights.exports.iri.record_iri]:
    ``urn:kzrights:<version>:<record-id>``), with a ``TextQuoteSelector`` and a
    ``TextPositionSelector`` whose offsets count Unicode code points in the
    record's ``text`` (a mention's place in the source text is its
    ``source_span`` in the release).

    - an entity mention is an ``identifying`` annotation: its body is the
      entity's IRI, its target the mention in its record;
    - a theme link or an SDG link (``classifying``: its body is the theme,
      or the SDG target such as ``urn:kzrights:1.3.0:sdg.16.10``) or an
      evidence link (``linking``) targets the whole recommendation; its
      bodies are the theme, target or paragraph linked to and, for an
      explicit link, the words of the report that make it (``purpose:
      describing``), for an editorial one the curator's rationale (a
      ``TextualBody``).  ``kzrights:basis`` says which.

    Args:
        report: A release from [`kzrights.load`][kzrights.releases.load] (release 1.0.0 has no
            entities or links: its collection is empty).

    Returns:
        An ``AnnotationCollection`` dict whose ``@context`` is the W3C
        annotation context (``http://www.w3.org/ns/anno.jsonld``) plus the
        ``kzrights:`` prefix, with every annotation in ``first.items``.
    """
    version = report.version
    items: list[dict[str, Any]] = []

    def add(motivation: str, body: Any, target: dict[str, Any], **extra: Any) -> None:
        items.append(
            {
                "id": f"{IRI_PREFIX}{version}:export:annotations:{len(items) + 1}",
                "type": "Annotation",
                "motivation": motivation,
                "body": body,
                "target": target,
                **extra,
            }
        )

    names = {e.id: e.name for e in report.entities}
    for mention in report.mentions:
        if mention.record_id is None:
            continue
        body = {
            "type": "SpecificResource",
            "source": _iri(version, mention.entity_id),
            "purpose": "identifying",
            "label": names.get(mention.entity_id, mention.entity_id),
        }
        add("identifying", body, _target(report, mention.record_id, mention.start, mention.end))
    for rec in report.recommendations:
        whole = _target(report, rec.id, 0, len(rec.text))
        linked = (
            ("classifying", rec.theme_links),
            ("classifying", rec.sdg_links),
            ("linking", rec.evidence_links),
        )
        for kind, links in linked:
            for link in links:
                bodies: list[dict[str, Any]] = [
                    {"type": "SpecificResource", "source": _iri(version, link.target_id), "purpose": kind}
                ]
                if link.record_id is not None and link.span is not None:
                    # the quoted words' source span, as offsets into the record's text
                    quoted = report._source_map(link.record_id).to_text(link.span)
                    words = _target(report, link.record_id, quoted.start, quoted.end)
                    bodies.append({**words, "purpose": "describing"})
                else:
                    rationale = link.rationale or ""
                    bodies.append({"type": "TextualBody", "value": rationale, "purpose": "commenting"})
                add(kind, bodies, whole, **{"kzrights:basis": link.basis.value})
    return {
        "@context": [ANNOTATION_CONTEXT, {"kzrights": f"{IRI_PREFIX}vocab:"}],
        "id": f"{IRI_PREFIX}{version}:export:annotations",
        "type": "AnnotationCollection",
        "label": f"kzrights annotations of {report.metadata.title} (data release {version})",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": items},
    }


def write_html(report: Report, path: Path) -> list[Path]:
    """One self-contained HTML file."""
    path.write_text(render_html(report), encoding="utf-8")
    return [path]


def write_markdown(report: Report, path: Path) -> list[Path]:
    """One Markdown file (UTF-8): every value inserted as text, a ``<`` in it escaped (`render_markdown`)."""
    path.write_text(render_markdown(report), encoding="utf-8")
    return [path]


def write_annotations(report: Report, path: Path) -> list[Path]:
    """One JSON-LD file of W3C Web Annotations with TextQuote and TextPosition selectors."""
    path.write_text(
        json.dumps(web_annotations(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return [path]
