"""Search and quotation checking do bounded work, and the lazily built index answers as a full one would.

No test here times anything (benchmarks/ do): the first search builds its
index term by term, so these tests check that every word of every shipped
release is found through it as a full index of the normalised words finds
it, and that the rules the laziness rests on hold for any word.  Hostile
inputs (titlecase digraphs, floods of combining marks, of one-letter words,
of direction marks) are checked by the work they cause, counted: how many
words are normalised, how many cells difflib aligns.
"""

from __future__ import annotations

import difflib
import random
import unicodedata
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _chars
from kzrights.report import MAX_QUERY_LENGTH
from kzrights.search import _text, quotes
from kzrights.search._text import STOPWORDS, first_letter, normalise, word_list
from kzrights.search.index import _doc_text
from kzrights.search.quotes import MAX_CHECK_LENGTH

REPORTS = [kzrights.load(version) for version in ("1.0.0", "1.1.0")]
REPORT = REPORTS[-1]


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.version)
def test_every_word_of_the_release_finds_every_record_that_has_its_term(report):
    """A reference index (every word normalised up front) against search(): the same records per term.

    For each distinct word of the release, the records whose words share its
    search form must all be among the hits of a search for that word.
    """
    documents = [*report.records(), *report.entities]
    having: defaultdict[str, set[str]] = defaultdict(set)
    for document in documents:
        for word in word_list(_doc_text(document)):
            having[normalise(word)].add(document.id)
    checked = 0
    for word in {w for d in documents for w in word_list(_doc_text(d))}:
        term = normalise(word)
        if word.casefold() in STOPWORDS or term in {normalise(s) for s in STOPWORDS}:
            continue
        found = {hit.record.id for hit in report.search(word, limit=len(documents))}
        assert having[term] <= found, word
        checked += 1
    assert checked > 1000


words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).flatmap(
    lambda text: st.just(word_list(text))
)


@settings(max_examples=400)
@given(words)
def test_a_search_form_starts_with_the_foldedfirst_letter(found):
    """What the lazy index rests on: normalising never changes a word's first letter beyond folding it."""
    for word in found:
        form = normalise(word)
        assert form, word  # a word's search form is never empty: it counts in its record's length
        letter = first_letter(word[0])
        assert not letter or form[0] == letter, (word, form)


def test_the_first_letter_rule_holds_on_the_release_and_on_tricky_letters():
    """Every word of the releases, and words that start with letters whose folding is long or odd."""
    tricky = [
        "ǅemal",
        "ǈubljana",
        "ﬁnance",
        "ßtraße",
        "İstanbul",
        "Ⅻth",
        "ŉ",
        "Éléction",
        "sceptics",
        "ies",
        "ied",
    ]
    for word in tricky + [w for r in REPORTS for d in r.records() for w in word_list(d.text)]:
        for piece in word_list(word):
            letter = first_letter(piece[0])
            assert not letter or normalise(piece)[0] == letter, piece


def _counting_normalise(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every word search normalises (both where the index and the query call it)."""
    seen: list[str] = []
    original = _text.normalise

    def counting(word: str) -> str:
        seen.append(word)
        return original(word)

    import kzrights.search.index as index_module

    monkeypatch.setattr(index_module, "normalise", counting)
    return seen


HOSTILE_QUERIES = [
    "ǅ" * MAX_QUERY_LENGTH,
    "ǅ " * (MAX_QUERY_LENGTH // 2),
    "e" + "\u0301" * (MAX_QUERY_LENGTH - 1),
    "e\u0301" * (MAX_QUERY_LENGTH // 2),
    ("e " * MAX_QUERY_LENGTH)[: MAX_QUERY_LENGTH - 1],
    " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(MAX_QUERY_LENGTH // 2)),
    "\u200f" * MAX_QUERY_LENGTH,
    "\u200b" * (MAX_QUERY_LENGTH // 2) + "e" + "\u200b" * (MAX_QUERY_LENGTH // 2 - 1),
    "ب\u200f " * (MAX_QUERY_LENGTH // 3),
    "ﬃ" * MAX_QUERY_LENGTH,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: f"{q[:3]!r}x{len(q)}")
def test_hostile_queries_normalise_each_distinct_word_once(query, monkeypatch):
    """10,000 characters of one-letter words, digraphs, marks or direction marks: bounded normalising.

    A fresh index normalises the release's words for the query's first letters
    (at most the release's distinct words) and the query's distinct words,
    once each: never once per word of the query.
    """
    seen = _counting_normalise(monkeypatch)
    index = kzrights.search.index.SearchIndex(REPORT)
    if not _chars.strip_invisible(query).strip():  # direction marks alone: an empty query, refused at once
        with pytest.raises(kzrights.EmptyInputError):
            index.query(query)
    else:
        assert isinstance(index.query(query), list)
    canonical = _chars.canonical(query)
    distinct_query_words = len({*word_list(canonical), *canonical.split()})
    release_words = len({w for d in index._docs for w in d.words})
    assert len(seen) <= release_words + distinct_query_words


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["ǅ", "ǈ", "e\u0301", "\u0301", "\u200f", "\u200b", "ب", "ﬃ", "İ", "e", " ", "the", "“"]
        ),
        min_size=1,
        max_size=2_000,
    )
)
def test_any_flood_of_odd_characters_gets_hits_or_nothing(pieces):
    """Any mix of digraphs, marks, direction marks and letters, up to the limit, answers with a list."""
    query = "".join(pieces)[:MAX_QUERY_LENGTH]
    if not _chars.strip_invisible(query).strip():  # blank, direction marks included: EmptyInputError
        query += "e"
    assert isinstance(REPORT.search(query), list)


def _difflib_cells(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    cells: list[int] = []
    original = difflib.SequenceMatcher.__init__

    def counting(self, isjunk=None, a="", b="", autojunk=True):  # type: ignore[no-untyped-def]
        cells.append(len(a) * len(b))
        original(self, isjunk, a, b, autojunk)

    monkeypatch.setattr(difflib.SequenceMatcher, "__init__", counting)
    return cells


def _report_words() -> list[str]:
    return " ".join(r.text for r in REPORT.records()).split()


LONG_QUOTES = {
    "shuffled": " ".join(random.Random(16).sample(_report_words(), 3_000))[:MAX_CHECK_LENGTH],
    "ellipses": " … ".join(_report_words()[::3])[:MAX_CHECK_LENGTH],
    "one word repeated": ("the " * MAX_CHECK_LENGTH)[:MAX_CHECK_LENGTH],
    "the report": " ".join(_report_words())[:MAX_CHECK_LENGTH],
}


@pytest.mark.parametrize("name", LONG_QUOTES)
def test_a_long_quotation_is_aligned_within_the_budget(name, monkeypatch):
    """However long or hostile, a quotation makes difflib align at most the documented budget of cells."""
    cells = _difflib_cells(monkeypatch)
    check = REPORT.check_quote(LONG_QUOTES[name])
    assert check.verdict in quotes.Verdict
    assert sum(cells) <= quotes._DIFFLIB_BUDGET


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_report_words()[:400], "…", "...", "[…]", "the", "e\u0301", "\u200f", "ǅ"]),
        min_size=50,
        max_size=2_500,
    )
)
def test_any_long_quotation_ends_with_a_verdict_within_the_budget(words):
    """Report words, ellipses, marks and odd letters in any order, up to the limit: a verdict."""
    quote = " ".join(words)[:MAX_CHECK_LENGTH]
    check = REPORT.check_quote(quote)
    assert check.verdict in quotes.Verdict
    for difference in check.differences:
        assert difference.quote_span.slice(quote) == difference.quote_text


def test_a_verbatim_long_quotation_needs_no_difflib(monkeypatch):
    """A long stretch of the report with words dropped closes most gaps by their common ends, not difflib."""
    words = _report_words()
    quote = " ".join(w for i, w in enumerate(words[:1500]) if i % 10)[:MAX_CHECK_LENGTH]
    cells = _difflib_cells(monkeypatch)
    check = REPORT.check_quote(quote)
    assert check.verdict is quotes.Verdict.ALTERED
    # about 150 words dropped: without the common ends, each gap between anchors
    # would go to difflib (about 450 calls); with them, a few dozen remain
    assert len(cells) < 100 and sum(cells) < 10_000


def test_strip_diacritics_is_the_per_character_rule():
    """The fast strip_diacritics drops exactly the characters with a combining class, however many kinds."""
    marks = "".join(chr(c) for c in range(0x300, 0x370))
    for text in ["Tulesová", "ǅ" * 50, "e" + marks, "x" + marks * 3, "Şıxəliyev", "ﬃ"]:
        reference = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        assert _chars.strip_diacritics(text) == reference


def test_what_queries_leave_in_the_index_is_bounded_by_the_release():
    """Terms and first letters users type, but the report lacks, are never kept by the lazy index."""
    index = kzrights.search.index.SearchIndex(REPORT)
    release_words = {w for d in index._docs for w in d.words}
    for code in range(0x4E00, 0x4E00 + 2_000):  # 2,000 CJK letters, none in the report
        index.query(f"{chr(code)}x protest{chr(code)}")
    assert set(index._forms) <= set(index._by_letter)
    assert len(index._term_postings) <= len({normalise(w) for w in release_words})
    assert all(index._term_postings.values())
