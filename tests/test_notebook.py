"""kzrights in a Jupyter notebook: a real kernel runs the cells a researcher would, and each shows the data.

The notebook runs in an IPython kernel started from this test's own interpreter (a kernel
spec written into a temporary JUPYTER_PATH), so it imports the kzrights under test.  Each
cell's ``text/html`` output is parsed for the text a reader sees.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights

from .conftest import consumer

KERNEL = "kzrights-test"


class _Page(HTMLParser):
    """The visible text of an HTML fragment, the tags it uses, and the text inside each ``<mark>``."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.marked: list[str] = []
        self._in_mark = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_mark += tag == "mark"

    def handle_endtag(self, tag: str) -> None:
        self._in_mark -= tag == "mark"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._in_mark:
            self.marked.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


# what display() may use: anything else in the output came from the data, unescaped
_TAGS = {"table", "caption", "b", "tr", "th", "td", "mark", "br", "p"}

CELLS = {
    "report": 'import kzrights\nreport = kzrights.load("1.1.0")\nreport',
    "record": "max(report.records(), key=lambda r: len(r.text))",
    "hits": 'report.search("kettling")',
    "location": "report.locate(\"a 'listening state'\")",
    "mentions": 'kzrights.annotate("NUR OTAN met Токаев in Astana.")',
    "diff": 'kzrights.diff("1.0.0", "1.1.0")',
    "metadata": "report.metadata",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, _Page]:
    """Run the notebook in a kernel of this interpreter; each cell's HTML output, parsed."""
    nbformat: Any = consumer("nbformat")
    nbclient: Any = consumer("nbclient")
    consumer("ipykernel")
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec = jupyter / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": KERNEL, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(jupyter))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core warns without it
        nbclient.NotebookClient(notebook, kernel_name=KERNEL, timeout=300).execute()
    pages = {}
    for name, cell in zip(CELLS, notebook.cells, strict=True):
        (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert "text/html" in result.data, f"cell {name!r} has no HTML output: {list(result.data)}"
        pages[name] = _Page(result.data["text/html"])
    return pages


@pytest.fixture(scope="module")
def release() -> kzrights.Report:
    """The release the notebook loads, loaded here to say what the cells should show."""
    return kzrights.load("1.1.0")


def test_every_output_uses_only_display_tags(outputs):
    """Every cell's output is HTML made of table markup only."""
    for name, page in outputs.items():
        assert page.tags <= _TAGS, name


def test_report_shows_what_it_is_and_how_to_cite_it(outputs, release):
    """The report cell shows its title, author, release, citation and a readable rights statement."""
    text = outputs["report"].text
    meta = release.metadata
    for shown in (meta.title, "Adam Hug", "1.1.0", meta.citation, meta.rights.report_text, "CC-BY-4.0"):
        assert shown in text
    assert "Rights(" not in text


def test_record_shows_its_full_text(outputs, release):
    """The longest record is shown whole, not cut at a display limit."""
    record = max(release.records(), key=lambda r: len(r.text))
    assert len(record.text) > 1000
    text = outputs["record"].text
    assert record.text in text and record.id in text
    assert "…" not in text.replace(record.text, "")


def test_search_hits_show_as_one_table(outputs, release):
    """A cell showing the hits lists every hit's id and snippet, with the matches marked."""
    page = outputs["hits"]
    hits = release.search("kettling")
    for hit in hits:
        assert hit.record.id in page.text and hit.snippet in page.text
    assert page.marked and all(m.lower().startswith("kettl") for m in page.marked)


def test_location_shows_the_quotation_in_its_record(outputs, release):
    """A located quotation shows the record, the words as the report has them, marked in its text."""
    page = outputs["location"]
    record = release.get("conclusions.p3")
    assert "conclusions.p3" in page.text and record.text in page.text
    assert page.marked == ["a ‘listening state’"]


def test_annotate_output_shows_each_mention(outputs):
    """annotate()'s list shows as a table of entity, surface form and offsets."""
    text = outputs["mentions"].text
    for shown in ("entities.nur-otan", "NUR OTAN", "entities.kassym-jomart-tokayev", "Токаев"):
        assert shown in text


def test_diff_shows_every_change(outputs):
    """The diff shows every id added and every record changed, with the fields."""
    text = outputs["diff"].text
    change = kzrights.diff("1.0.0", "1.1.0")
    assert all(added in text for added in change.added)
    assert all(f"{c.id}: {', '.join(c.fields)}" in text for c in change.changed)
    assert f"{change.mentions[0]} → {change.mentions[1]}" in text


def test_metadata_shows_the_rights_readably(outputs, release):
    """The metadata cell shows the rights statement's fields as text, not a Rights(...) repr."""
    text = outputs["metadata"].text
    rights = release.metadata.rights
    for shown in (release.metadata.citation, rights.report_text, rights.attribution, rights.code_licence):
        assert shown in text
    assert "Rights(" not in text and "datetime" not in text


_REPORT_WORDS = ["kettling", "NUR OTAN", "Bokaev", "NGOs", "Токаев", "tax", "protest"]
_MARKUP = ["<script>", "</td>", "&amp;", "<mark>", '"', "'", "<", ">", "&", "&lt;"]
_TEXT = st.lists(st.sampled_from(_REPORT_WORDS + _MARKUP) | st.text(max_size=8), max_size=12).map(" ".join)


@given(_TEXT)
def test_record_html_shows_any_text_whole_and_escaped(text):
    """Whatever a record's text, its table shows it whole, as text, with no markup of its own."""
    record = kzrights.Paragraph(id="p", section_id="s", number=1, text=text, span=kzrights.Span(0, 1))
    page = _Page(record._repr_html_())
    assert page.tags <= _TAGS
    assert text in page.text


@given(_TEXT)
def test_annotate_html_shows_any_text_escaped(text):
    """Whatever text is annotated, the table shows each mention's words and no markup from the text."""
    mentions = kzrights.annotate(text)
    page = _Page(mentions._repr_html_())
    assert page.tags <= _TAGS
    assert all(mention.text in page.text for mention in mentions)
    # a list of mentions a user builds shows the same way
    mine = type(mentions)([kzrights.Mention("entities.x", text, 0, len(text))])
    assert text in _Page(mine._repr_html_()).text


@given(st.lists(st.sampled_from(_REPORT_WORDS + _MARKUP), min_size=1, max_size=6))
def test_search_html_marks_exactly_the_highlights(pieces):
    """Whatever the query, the hits' table uses display tags only and marks exactly each hit's highlights."""
    query = " ".join(pieces)
    try:
        hits = kzrights.load("1.1.0").search(query)
    except ValueError:  # a query of punctuation only is refused; that has its own tests
        return
    page = _Page(hits._repr_html_())
    assert page.tags <= _TAGS
    expected = [hit.snippet[start:end] for hit in hits for start, end in hit.highlights]
    assert page.marked == expected


def _rows(markup: str) -> list[str]:
    """The visible text of each table row."""
    return [_Page(row).text for row in markup.split("<tr>")[1:]]


@pytest.mark.parametrize("count", [60, 61, 4000])
def test_long_mention_list_shows_its_ends_and_how_many_more(count):
    """Up to 60 mentions show whole; beyond, the first and last 25 and a row "… N more …", as pandas does."""
    text = " ".join(f"Tokayev{i} Nazarbayev" for i in range(count))  # one mention per pair
    mentions = kzrights.annotate(text)
    assert len(mentions) == count
    markup = mentions._repr_html_()
    page = _Page(markup)
    assert page.tags <= _TAGS
    rows = _rows(markup)[1:]  # less the header
    if count <= 60:
        assert rows == [f"{m.entity_id}{m.text}{m.start}{m.end}" for m in mentions]
        return
    assert len(rows) == 25 + 1 + 25
    assert rows[25] == f"\u2026 {count - 50:,} more \u2026"
    expected = [f"{m.entity_id}{m.text}{m.start}{m.end}" for m in [*mentions[:25], *mentions[-25:]]]
    assert rows[:25] + rows[26:] == expected
    assert len(markup) < 20_000


def test_long_hit_list_shows_its_ends():
    """A search with a high limit shows ranks 1–25 and the last 25 ranks, with how many are left out."""
    hits = kzrights.load("1.1.0").search("Kazakhstan", limit=1000)
    assert len(hits) > 60
    rows = _rows(hits._repr_html_())[1:]
    assert len(rows) == 51
    assert rows[25] == f"\u2026 {len(hits) - 50:,} more \u2026"
    assert rows[0].startswith("1") and rows[-1].startswith(str(len(hits)))
