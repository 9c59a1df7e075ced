"""The report rendered back (Markdown, HTML), W3C annotations, DataFrames and notebook display."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

import kzrights
from kzrights.exports.documents import render_html, render_markdown


@pytest.fixture(scope="module")
def report() -> kzrights.Report:
    """The newest release."""
    return kzrights.load()


class _Links(HTMLParser):
    """Collects ids, link targets and entity marks of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.entities: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        href = a.get("href") or ""
        if href.startswith("#"):
            self.hrefs.append(href[1:])
        elif href:
            self.external.append(href)
        if a.get("class") == "entity":
            self.entities.append(a.get("data-entity") or "")
        assert tag not in ("script", "link", "img"), "the page must be self-contained"


def test_html_has_an_anchor_per_record_and_footnotes_both_ways(report):
    """Every record id is an anchor; every footnote marker links to its footnote and back."""
    page = _Links()
    page.feed(render_html(report))
    assert {r.id for r in report.records()} <= page.ids
    assert {s.id for s in report.sections} <= page.ids
    assert set(page.hrefs) <= page.ids, set(page.hrefs) - page.ids
    assert sum(1 for h in page.hrefs if h.startswith("footnotes.")) == len(report.footnotes)
    assert sum(1 for h in page.hrefs if h.startswith("ref-")) == len(report.footnotes)
    assert set(page.entities) == {m.entity_id for m in report.mentions}
    assert all(url in page.external for f in report.footnotes for url in f.urls)


def test_html_keeps_the_reports_words(report):
    """With the tags taken out, each record's text is on the page."""
    text = re.sub(r"<[^>]+>", "", render_html(report))
    import html

    text = html.unescape(text)
    for record in report.records():
        plain = record.text
        assert plain[:60] in text, record.id


def test_markdown(report):
    """The Markdown has an anchor per record and footnote references that resolve."""
    markdown = render_markdown(report)
    for record in report.records():
        if record.kind != "footnote":
            assert f'<a id="{record.id}"></a>' in markdown
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", markdown))
    definitions = set(re.findall(r"(?m)^\[\^(\d+)\]:", markdown))
    assert refs == definitions == {str(f.number) for f in report.footnotes}


def test_markdown_renders_with_python_markdown(report):
    """Python-Markdown (with footnotes) renders it: anchors kept, every footnote defined and referenced."""
    import markdown

    page = _Links()
    page.feed(markdown.markdown(render_markdown(report), extensions=["footnotes"]))
    assert {r.id for r in report.records() if r.kind != "footnote"} <= page.ids
    assert {f"fn:{f.number}" for f in report.footnotes} <= page.ids
    assert {h for h in page.hrefs if h.startswith("fn:")} == {f"fn:{f.number}" for f in report.footnotes}


def test_html_in_headless_chromium(report, tmp_path):
    """Chromium renders the page: the title and a recommendation are in its DOM, and a screenshot is made."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    (page,) = kzrights.export(report, "html", tmp_path / "report.html")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "Retreating Rights – Kazakhstan" in dom
    assert "Raise systemic problems and individual cases of abuse" in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_to_dataframes(report):
    """DataFrames keyed by the CSV tables' names, with the same rows."""
    frames = report.to_dataframes()
    from kzrights.exports.tables import tables

    assert set(frames) == {t.name for t in tables(report)}
    assert list(frames["recommendations"]["id"]) == [r.id for r in report.recommendations]
    assert str(frames["recommendations"]["number"].dtype) == "Int64"


def test_to_dataframes_without_pandas_names_the_extra():
    """Without pandas, the error says which extra to install."""
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import kzrights\n"
        "try:\n    kzrights.load().to_dataframes()\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "kzrights[pandas]" in out.stdout


def test_notebook_display(report):
    """Records, hits and the report show as HTML tables, and still read well as plain repr."""
    rec = report.get("recommendations.government.6")
    assert rec._repr_html_().startswith("<table>") and "kettling" in rec._repr_html_()
    assert "<mark>kettling</mark>" in report.search("kettling")[0]._repr_html_()
    assert "recommendations" in report._repr_html_()
    assert report.mentions[0]._repr_html_().startswith("<table>")
    assert repr(report).startswith("<Report ") and "recommendations.government.6" in repr(rec)
    assert "<script" not in report.get("footnotes.1")._repr_html_()


def test_sources_are_the_footnotes_words(report):
    """Each source's stated fields occur in every footnote that cites it; Ibid. and repeats share one."""
    assert len(report.sources) >= 9
    cited = {fid for s in report.sources for fid in s.footnote_ids}
    assert cited == {f.id for f in report.footnotes} - {"footnotes.9"}  # footnote 9 is a note
    for source in report.sources:
        for fid in source.footnote_ids:
            footnote = report.get(fid)
            text = report.get(footnote.ibid_of).text if footnote.ibid_of else footnote.text
            for value in (source.author, source.title, source.container, source.date_text, source.url):
                assert value is None or value in text
    assert report.get("sources.legislationline-criminal-code").footnote_ids == ("footnotes.4", "footnotes.6")


def test_bibtex_reads_back_with_bibtexparser(report, tmp_path):
    """Bibtexparser reads every entry, with its stable key, and keeps a body's name whole."""
    import bibtexparser

    (path,) = kzrights.export(report, "bibtex", tmp_path / "kz.bib")
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    keys = [entry.key for entry in library.entries]
    assert keys == ["hug-2021-retreating-rights-kazakhstan", *(s.key for s in report.sources)]
    entries = {entry.key: entry for entry in library.entries}
    assert entries["michel-2016"]["author"] == "Michel, Casey"
    assert entries["president-of-kazakhstan-2021"]["author"] == "{President of Kazakhstan}"
    assert entries["bhutia-2020"]["journal"] == "Eurasianet"


def test_csl_json_renders_with_citeproc(report, tmp_path):
    """citeproc-py loads the CSL-JSON and formats a bibliography with every source in it."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    (path,) = kzrights.export(report, "csl-json", tmp_path / "kz.json")
    items = json.loads(path.read_text(encoding="utf-8"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items) == len(report.sources) + 1
    text = "\n".join(rendered)
    assert "Hug, A." in text and "Retreating Rights – Kazakhstan" in text
    assert "Bhutia" in text and "2020" in text
