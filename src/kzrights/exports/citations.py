r"""Citations: the report and every source its footnotes cite, as BibTeX and CSL-JSON.

The entries are built so that the standard styles of the tools people cite
with (BibTeX and pybtex's ``plain``/``unsrt``/``alpha``, CSL processors such
as citeproc-py with APA or Chicago) render every one of them without a
missing-field error:

- the entry type is one whose required fields are all present: a web article
  whose footnote names no journal is ``@misc`` (not ``@article``, which
  requires ``journal``), a report ``@techreport`` with its ``institution``;
- a title word is braced, so that a style that sets titles in sentence case
  keeps its capitals, only if it is a proper noun or an acronym: it has a
  capital after its first letter ("EBRD", "UN", "McCain"); it is a
  capitalised word of the name or an alias of a person, organisation or place
  in the release's entity registry ("Kazakhstan", "Nazarbayev"), function
  words ("of", "the") left out; it names a language ("English", "Russian");
  or the title is itself written in sentence case (a word after its first,
  in brackets or not, that is neither a function word nor capitalised:
  "Criminal Code of the Republic of Kazakhstan (2014, amended 2016)"), and
  the word is capitalised after the title's first word, so its writer meant
  it as a name ("Code", "Republic").  Every other word of a title in title
  case ("Rise", "Decree") may be lower-cased by the style.  Release 1.0.0 has
  no registry: the other rules only;
- LaTeX's special characters (``& % $ # _ { } ~ ^ \``) are escaped in every
  field but ``url``, which BibTeX tools take verbatim, and the typographic
  dashes and quotes are written as LaTeX spells them (``--``, ``---``, `````,
  ``'``, ``````, ``''``) so that a reader of ASCII BibTeX reads the file;
  letters with diacritics and other scripts stay UTF-8.

A source the footnotes give no title is cited without one (its author is
not repeated as a title): in CSL-JSON it is described as a ``"Web page"``
(``genre``, which APA prints as ``[Web page]``), in BibTeX as
``howpublished``.  A law is cited as the footnote cites it, a web page of
its publisher (Legislationline) with ``genre`` ``"Law"``: CSL's
``legislation`` type drops the author in APA, Chicago and MLA.

The captured page carries no date on which its footnotes' links were read,
and none is invented.  What is known is that the report cites them, so they
were read by the day it was published: CSL-JSON gives each source with a URL
``accessed`` as the literal ``"by 22 July 2021"`` (APA prints "Retrieved by
22 July 2021, from <url>" for a page without a date, rather than "Retrieved
<url>"; Chicago and MLA "Accessed by …").  BibTeX gives no ``urldate``, which
takes a date only.  ``note`` says which footnotes of the report cite the
source, naming the report as a reader would ("Hug, Retreating Rights …,
Foreign Policy Centre, 2021"), not by its key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._compat import date
from .._provenance import MONTH_NAMES
from ..errors import UnknownIdError
from ..records import EntityCategory, Source

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["REPORT_KEY", "bibtex", "csl_json", "latex_escape", "write_bibtex", "write_csl_json"]

REPORT_KEY = "hug-2021-retreating-rights-kazakhstan"
"""The citation key of the report itself."""

_CSL_TYPES = {
    "article": "article-newspaper",
    "webpage": "webpage",
    "legislation": "webpage",  # with genre "Law": CSL's "legislation" drops the author
    "report": "report",
}
_GENRES = {"legislation": "Law"}
_UNTITLED = "Web page"  # what APA puts in brackets where a web page has no title

# What each LaTeX special character becomes; braces use text commands because
# BibTeX counts an escaped brace ("\{") as a brace all the same.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Typographic punctuation as LaTeX spells it; a literal "--" is split so it stays two hyphens.
_LATEX_SPECIALS.update(
    {
        "--": "-{}-",
        "\u2013": "--",
        "\u2014": "---",
        "\u2019": "'",
        "\u2018": "`",
        "\u201c": "``",
        "\u201d": "''",
    }
)
_SPECIAL = re.compile("|".join(re.escape(c) for c in sorted(_LATEX_SPECIALS, key=len, reverse=True)))
# Capitalised words of entity names that are not proper nouns themselves
_FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or"}
    | {"over", "the", "to", "up", "via", "with"}
)
# Names of languages, capitalised in English wherever they stand ("(English version)"): those of
# the region and the report's, and the languages a translation of a law or a page is commonly in
_LANGUAGES = frozenset(
    {"Arabic", "Chinese", "English", "French", "German", "Karakalpak", "Kazakh", "Kyrgyz", "Persian"}
    | {"Russian", "Spanish", "Tajik", "Turkish", "Turkmen", "Ukrainian", "Uyghur", "Uzbek"}
)
_NAMED_CATEGORIES = (EntityCategory.PERSON, EntityCategory.ORGANISATION, EntityCategory.PLACE)
_LETTERS = re.compile(r"[^\W\d_]+")
_MONTHS = tuple(name[:3].lower() for name in MONTH_NAMES)  # BibTeX's month macros: jan … dec


def _is_person(report: Report, name: str) -> bool:
    if not report.entities:  # 1.0.0: no registry to ask (entity() says so with UnsupportedReleaseError)
        return False
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


def _csl_type(source: Source) -> str:
    if source.type == "article" and not source.container:
        return "webpage"  # an article read on the web whose footnote names no periodical
    return _CSL_TYPES[source.type]


def _source_item(report: Report, source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source.key,
        "type": _csl_type(source),
        "author": [_name(report, source.author)],
    }
    if source.title:
        item["title"] = source.title
    genre = _GENRES.get(source.type) or (None if source.title else _UNTITLED)
    if genre:
        item["genre"] = genre
    if source.container:
        item["container-title"] = source.container
    if source.issued:
        item["issued"] = {"date-parts": [[int(part) for part in source.issued.split("-")]]}
    if source.url:
        item["URL"] = source.url
        item["accessed"] = {"literal": f"by {_day(report.metadata.published)}"}
    item["note"] = _cited_in(report, source)
    return item


def _day(day: date) -> str:
    """A date as British English writes it, "22 July 2021" (the report's own form)."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _cited_in(report: Report, source: Source) -> str:
    """Which footnotes of the report cite ``source``, naming the report as a reader would."""
    numbers = ", ".join(i.rpartition(".")[2] for i in source.footnote_ids)
    word = "footnote" if len(source.footnote_ids) == 1 else "footnotes"
    meta = report.metadata
    authors = " and ".join(a.rpartition(" ")[2] for a in meta.authors)
    return f"Cited in {word} {numbers} of {authors}, {meta.title}, {meta.publisher}, {meta.published.year}"


def csl_json(report: Report) -> list[dict[str, Any]]:
    """CSL-JSON items: the report first, then every source its footnotes cite.

    Args:
        report: A release from [`kzrights.load`][kzrights.releases.load].

    Returns:
        A list of CSL-JSON item dicts (``id``, ``type``, ``title``,
        ``author``, ``issued`` …), ready for ``json.dump``; the report's
        item has the id `REPORT_KEY`, each source's its ``key``.
        The fields come from the release's metadata and its ``sources``.
    """
    return [_report_item(report), *(_source_item(report, s) for s in report.sources)]


def latex_escape(text: str) -> str:
    r"""Escape LaTeX's special characters, so that BibTeX and LaTeX print ``text`` as it is.

    Args:
        text: Any text.

    Returns:
        The text with ``& % $ # _`` backslashed and ``\ { } ~ ^`` spelled as
        text commands (``\textbackslash{}`` …); other characters, Unicode
        included, are kept.

    Examples:
        >>> latex_escape("Trade & Investment: 50% of GDP")
        'Trade \\& Investment: 50\\% of GDP'
    """
    return _SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group()], text)


def _proper_words(report: Report) -> frozenset[str]:
    """The capitalised words of the names and aliases of the release's people, organisations and places."""
    return frozenset(
        word
        for entity in report.entities
        if entity.category in _NAMED_CATEGORIES
        for name in (entity.name, *entity.aliases)
        for word in _LETTERS.findall(name)
        if len(word) > 1 and word[0].isupper() and word.lower() not in _FUNCTION_WORDS
    )


def _keeps_case(word: str, proper: frozenset[str]) -> bool:
    """Whether a title word has an inner capital ("EU", "McCain"), names a language or is in a known name."""
    letters = [c for c in word if c.isalpha()]
    runs = _LETTERS.findall(word)
    return any(c.isupper() for c in letters[1:]) or any(run in proper or run in _LANGUAGES for run in runs)


def _capitalised(word: str) -> bool:
    """Whether a word's first letter is a capital ("Code", "(English"); False for "2014," or "–"."""
    letters = _LETTERS.findall(word)
    return bool(letters) and letters[0][0].isupper()


def _in_sentence_case(title: str) -> bool:
    """Whether the title's writer set it in sentence case ("Kazakhstan's sovereign wealth funds").

    That is, a word after the first is neither a function word nor
    capitalised; a word in brackets counts too, since title case capitalises
    those as well ("Criminal Code … (2014, amended 2016) (English version)").
    """
    words = _LETTERS.findall(title)
    return any(w[0].islower() and w.lower() not in _FUNCTION_WORDS for w in words[1:])


def _protected_title(title: str, proper: frozenset[str]) -> str:
    """Escape a title and brace its proper nouns and acronyms, so no style lower-cases them."""
    words = re.split(r"(\s+)", title)
    # in a title set in sentence case, a capital after the first word is its writer's: a name
    named = _in_sentence_case(title)
    first = next((i for i, w in enumerate(words) if _LETTERS.search(w)), 0)

    def keep(i: int, w: str) -> bool:
        return _keeps_case(w, proper) or (named and i > first and _capitalised(w))

    return "".join(
        "{" + latex_escape(w) + "}" if keep(i, w) else latex_escape(w) for i, w in enumerate(words)
    )


def _bib_author(report: Report, name: str) -> str:
    if _is_person(report, name) or name in report.metadata.authors:
        given, _, family = name.rpartition(" ")
        return f"{latex_escape(family)}, {latex_escape(given)}"
    return "{" + latex_escape(name) + "}"  # a body, not a person: keep it whole


def _date_fields(issued: str) -> dict[str, str]:
    """BibTeX's ``year`` and ``month`` (a macro) and biblatex's ``date``, from an ISO 8601 date."""
    fields = {"year": issued[:4]}
    if len(issued) >= 7:
        fields["month"] = _MONTHS[int(issued[5:7]) - 1]
    fields["date"] = issued
    return fields


def _source_entry(report: Report, source: Source, proper: frozenset[str]) -> tuple[str, dict[str, str]]:
    """The entry type and fields of one source."""
    fields = {"author": _bib_author(report, source.author)}
    if source.title:
        fields["title"] = _protected_title(source.title, proper)
    if source.type == "article" and source.container:
        kind = "article"  # requires author, title, journal, year
        fields["journal"] = latex_escape(source.container)
    elif source.type == "report":
        kind = "techreport"  # requires author, title, institution, year
        fields["institution"] = latex_escape(source.author)
    else:
        kind = "misc"  # a web page, a law or an article with no journal named: nothing required
        if source.container:
            fields["howpublished"] = latex_escape(source.container)
        elif not source.title:
            fields["howpublished"] = _UNTITLED  # the footnote names the body and links its page
    if source.issued:
        fields.update(_date_fields(source.issued))
    if source.url:
        # verbatim, but a brace (never valid in a URL unencoded) would unbalance the entry
        fields["url"] = source.url.replace("{", "%7B").replace("}", "%7D")
    fields["note"] = latex_escape(_cited_in(report, source))
    if kind in ("article", "techreport") and ("year" not in fields or "title" not in fields):
        kind = "misc"  # their title and year are required: without them, the type that needs nothing
    return kind, fields


def _format_entry(kind: str, key: str, fields: dict[str, str]) -> str:
    """One entry; every value is already escaped (``url`` is verbatim), ``month`` is a macro."""
    lines = [f"  {name} = {v if name == 'month' else '{' + v + '}'}" for name, v in fields.items()]
    return f"@{kind}{{{key},\n" + ",\n".join(lines) + "\n}"


def bibtex(report: Report) -> str:
    """BibTeX entries with stable keys: the report, then every cited source.

    Args:
        report: A release from [`kzrights.load`][kzrights.releases.load].

    Returns:
        The ``.bib`` text (UTF-8; LaTeX specials escaped): a ``@techreport``
        keyed `REPORT_KEY`, then one entry per source, keyed by the
        source's ``key``, of a type whose required fields it all has.  The
        fields come from the release's metadata and its ``sources`` (the
        footnotes' own words); ``note`` says which footnotes cite it.
    """
    meta = report.metadata
    proper = _proper_words(report)
    entries = [
        (
            "techreport",
            REPORT_KEY,
            {
                "author": " and ".join(_bib_author(report, a) for a in meta.authors),
                "title": _protected_title(meta.title, proper),
                "institution": latex_escape(meta.publisher),
                # ``type`` is what kind of report it is (plain prints it before the number);
                # the series name is biblatex's ``series``
                "type": "Report",
                "series": latex_escape(meta.series),
                **_date_fields(meta.published.isoformat()),
            },
        )
    ]
    for source in report.sources:
        kind, fields = _source_entry(report, source, proper)
        entries.append((kind, source.key, fields))
    return "\n\n".join(_format_entry(kind, key, fields) for kind, key, fields in entries) + "\n"


def write_bibtex(report: Report, path: Path) -> list[Path]:
    """Write `bibtex`'s text to one UTF-8 ``.bib`` file at ``path``; return ``[path]``."""
    path.write_text(bibtex(report), encoding="utf-8")
    return [path]


def write_csl_json(report: Report, path: Path) -> list[Path]:
    """Write `csl_json`'s items to one UTF-8 JSON file at ``path``; return ``[path]``."""
    path.write_text(json.dumps(csl_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [path]
