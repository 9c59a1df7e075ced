"""Hand-written algorithms against a well-kept reference implementation of the same thing.

kzrights writes two algorithms itself, for speed: the Porter stemmer behind
search, and the structure hooks that turn a release's JSON into records.
Each is checked here against the reference that users would otherwise reach
for, on inputs large enough to exercise every rule.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import cattrs
import pytest
from cattrs.cols import namedtuple_dict_structure_factory
from cattrs.gen import make_dict_structure_fn
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights._converter import ReleaseDocument, unstructure, with_default_forms
from kzrights._document import FIELDS
from kzrights._structuring import structure_document
from kzrights.records import Entity, Mention, Span
from kzrights.search._text import stem

from .conftest import DATA

# ── the Porter stemmer against NLTK's implementation of Porter's original algorithm ──


@pytest.fixture(scope="module")
def nltk_stem() -> Any:
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)
    return lambda word: stemmer.stem(word, to_lowercase=False)


def _word_list() -> list[str]:
    """Every 8th word of the Webster's Second word list (about 29,000 words), sorted."""
    from english_words import get_english_words_set

    words = sorted(get_english_words_set(["web2"], lower=True, alpha=True))
    return words[::8]


def test_stemmer_matches_nltk_on_a_large_word_list(nltk_stem: Any) -> None:
    """Every word of three letters or more stems as NLTK's original-algorithm Porter stemmer does."""
    words = [w for w in _word_list() if len(w) > 2 and w.isascii()]
    assert len(words) > 25_000
    differ = [(w, stem(w), nltk_stem(w)) for w in words if stem(w) != nltk_stem(w)]
    assert differ == []


def test_stemmer_matches_nltk_on_the_reports_words(nltk_stem: Any) -> None:
    """The words search actually indexes: every lowercase ASCII word of the report."""
    report = kzrights.load()
    words = {word for record in report.records() for word in re.findall(r"[a-z]{3,}", record.text.lower())}
    assert len(words) > 1_000
    assert {w: stem(w) for w in words} == {w: nltk_stem(w) for w in words}


def test_short_words_are_kept_on_purpose(nltk_stem: Any) -> None:
    """The one documented difference: words of one or two letters are not stemmed ("as", not "a")."""
    assert [stem(w) for w in ("as", "is", "us")] == ["as", "is", "us"]
    assert [nltk_stem(w) for w in ("as", "is", "us")] == ["a", "i", "u"]


# ── the release's structure hooks against a stock cattrs converter ──


def _stock_converter() -> cattrs.Converter:
    """Cattrs' own generated hooks, told only how the release stores its three special types."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Span, lambda value, _: Span(*value))
    converter.register_structure_hook(datetime.date, lambda value, _: datetime.date.fromisoformat(value))
    converter.register_structure_hook_factory(
        lambda cls: cls is Mention, lambda cls, conv: namedtuple_dict_structure_factory(cls, conv)
    )
    # the one documented step the loader adds: an entity stored without forms
    # (before release 1.2.0) gets the safe forms its name and aliases give
    entity = make_dict_structure_fn(Entity, converter, _cattrs_forbid_extra_keys=True)
    converter.register_structure_hook(Entity, lambda value, _: with_default_forms(entity(value, Entity)))

    # the release document is not an attrs class: its fields are declared in FIELDS
    def document(value: dict[str, Any], _: Any) -> ReleaseDocument:
        if set(value) - {name for name, _, _ in FIELDS}:
            raise cattrs.ForbiddenExtraKeysError(
                "", ReleaseDocument, set(value) - {name for name, _, _ in FIELDS}
            )
        return ReleaseDocument(
            **{name: converter.structure(value[name], kind) for name, kind, _ in FIELDS if name in value}
        )

    converter.register_structure_hook(ReleaseDocument, document)
    return converter


@pytest.mark.parametrize("version", kzrights.versions())
def test_structure_hooks_match_stock_cattrs(version: str) -> None:
    """Every shipped release structures to equal records with kzrights' hooks and with stock cattrs."""
    data = json.loads((DATA / "releases" / version / "report.json").read_bytes())
    ours = structure_document(data, version=version, file="report.json")
    stock = _stock_converter().structure(data, ReleaseDocument)
    assert type(ours) is type(stock)
    for field in ("metadata", "sections", "paragraphs", "items", "recommendations", "footnotes"):
        assert getattr(ours, field) == getattr(stock, field), field
    assert ours == stock
    # types too: equality alone would take an int 5 from one for a float 5.0 from the other
    assert json.dumps(unstructure(ours)) == json.dumps(unstructure(stock))


@given(st.from_regex(r"[a-z]{3,14}", fullmatch=True) | st.text(alphabet="abesy", min_size=3, max_size=9))
@example("byye")  # two "y"s in a row: the second's kind depends on the first's
@settings(max_examples=1000, deadline=None)
def test_stemmer_matches_nltk_on_any_lowercase_word(word: str) -> None:
    """Made-up words too (with runs of "y", whose kind depends on the letter before) stem as NLTK's do."""
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)
    assert len(word) <= 2 or stem(word) == stemmer.stem(word, to_lowercase=False)
