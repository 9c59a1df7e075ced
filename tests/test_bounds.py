"""Bounded in time and memory: no recursion that grows with the input, documented limits, bounded caches.

No test here times anything (benchmarks/bench_pathological.py does): they
check that hostile inputs get answers or kzrights' own errors, and measure
memory with tracemalloc.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import sys
import tracemalloc
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.report import MAX_NAME_LENGTH, MAX_QUERY_LENGTH, MAX_QUOTE_LENGTH, MAX_TERM_LENGTH

REPORT = kzrights.load("1.1.0")


def test_long_words_do_not_recurse():
    """search() and concordance() of a thousand y's answer; the stemmer does not recurse per letter."""
    assert REPORT.search("y" * 1000) == []
    assert REPORT.concordance("y" * 1000) == []
    assert REPORT.search("y" * MAX_QUERY_LENGTH) == []


@settings(max_examples=60)
@given(st.text(alphabet="aeiouyblrst", min_size=200, max_size=3000))
def test_any_long_word_is_searchable(word):
    """Any long word of letters is searched and its concordance made, whatever its run of vowels and y's."""
    assert isinstance(REPORT.search(word), list)
    assert isinstance(REPORT.concordance(word[:MAX_TERM_LENGTH]), list)


LOOKUPS = [
    ("query", MAX_QUERY_LENGTH, lambda text: REPORT.search(text)),
    ("term", MAX_TERM_LENGTH, lambda text: REPORT.concordance(text)),
    ("quote", MAX_QUOTE_LENGTH, lambda text: REPORT.locate(text)),
    ("quote", MAX_QUOTE_LENGTH, lambda text: REPORT.locate_all(text)),
    ("name", MAX_NAME_LENGTH, lambda text: REPORT.entity(text)),
    # named as mentions_of names its parameter (session 10; it said "name")
    ("entity", MAX_NAME_LENGTH, lambda text: REPORT.mentions_of(text)),
]


@pytest.mark.parametrize(("argument", "limit", "call"), LOOKUPS)
def test_too_long_input_is_refused_with_a_kzrights_error(argument, limit, call):
    """One character over the documented limit is an InputTooLongError (a ValueError) that pickles."""
    with pytest.raises(kzrights.InputTooLongError) as caught:
        call("e" * (limit + 1))
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, kzrights.KzrightsError)
    assert (error.argument, error.length, error.limit) == (argument, limit + 1, limit)
    assert f"limit is {limit:,}" in str(error)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error) and str(clone) == str(error)
    assert (clone.argument, clone.length, clone.limit) == (argument, limit + 1, limit)


@pytest.mark.parametrize(("argument", "limit", "call"), LOOKUPS)
def test_input_at_the_limit_is_answered(argument, limit, call):
    """An input exactly as long as the limit is answered (or not found), never refused for its length."""
    try:
        call(("Tokayev " * limit)[:limit])
    except kzrights.UnknownIdError:
        assert argument in ("name", "entity")  # the entity look-ups: entity() and mentions_of()


hostile = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["y", "“", '"', "'", "-", "e ", "\u200b", "e\u0301"]),
        st.integers(1, 1000),
    ),
)


@settings(max_examples=150)
@given(hostile)
def test_any_text_gets_an_answer_or_a_kzrights_error(text):
    """Every look-up answers any text within its limit, or raises one of kzrights' errors.

    The one plain ValueError is an empty (blank) input, as the methods document.
    """
    for _, _, call in LOOKUPS:
        refused = None
        try:
            call(text)
        except kzrights.KzrightsError:
            continue
        except ValueError as error:
            refused = str(error)
        assert refused is None or not text.strip()


def _retained(call, count: int) -> int:
    """Bytes still allocated after ``count`` distinct calls (one warm-up call first)."""

    def quietly(number: int) -> None:
        with contextlib.suppress(kzrights.UnknownIdError):
            call(number)

    quietly(-1)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(count):
            quietly(number)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_caches_keep_no_long_inputs():
    """200 searches, entity look-ups and concordances with distinct long words keep under 300 kB alive.

    Cached, the inputs alone would keep about 4 MB (each query word is cached
    with its key and its normalised form).
    """
    long_word = "b" * (MAX_QUERY_LENGTH - 10)
    assert _retained(lambda n: REPORT.search(f"{long_word}{n}"), 200) < 300_000
    name = "b" * (MAX_NAME_LENGTH - 10)
    assert _retained(lambda n: REPORT.entity(f"{name}{n}"), 200) < 300_000
    term = "b" * (MAX_TERM_LENGTH - 10)
    assert _retained(lambda n: REPORT.concordance(f"{term}{n}"), 200) < 300_000


def test_the_surface_forms_a_linker_shares_are_bounded():
    """A linker shares at most SURFACES_KEPT surface forms, of at most SURFACE_KEPT_LENGTH characters.

    60,000 texts, each naming the Foreign Policy Centre in a case of its own
    (the name matches in any case), would keep about 5 MB if every surface
    were kept; the bound keeps well under 1 MB.  Whitespace runs make long
    surfaces, which are never kept.  Every mention still gives its text's
    own characters.
    """
    from kzrights._matcher import SURFACE_KEPT_LENGTH, SURFACES_KEPT
    from kzrights.linker import Linker

    assert SURFACES_KEPT * (SURFACE_KEPT_LENGTH * 4 + 200) < 1_500_000
    name = "foreign policy centre"

    def cased(number: int) -> str:
        # one case of the name's letters per number, in binary
        bits = iter(f"{number:021b}")
        return "".join(c.upper() if c != " " and next(bits) == "1" else c for c in name)

    def annotate_one(number: int) -> None:
        spaced = f"Foreign{' ' * (1 + number % 200)}Policy Centre"
        text = f"at the {cased(number) if number % 3 else spaced} today"
        mentions = linker.annotate(text)
        assert [m.text for m in mentions] == [text[7:-6]]

    linker = Linker(kzrights.load().entities)
    assert _retained(annotate_one, 60_000) < 1_000_000


def test_annotate_peaks_near_its_input():
    """annotate() on 4 MB of ASCII text peaks under 1.5x the text (one lowercase copy), mentions aside."""
    text = "the quick brown fox jumps over the lazy dog; " * 90_000
    assert _annotate_peak(text, "warm up") < 1.5 * len(text)


def _annotate_peak(text: str, warm_up: str) -> int:
    """The bytes annotate(text) allocates at its peak (tracemalloc), once ``warm_up`` compiled its patterns.

    The text has no names: the mentions take nothing.
    """
    kzrights.annotate(warm_up)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert kzrights.annotate(text) == []
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("sentence", "bound"),
    [
        # a Cyrillic text is two bytes a character: str.lower of it all at once peaked at 7x
        ("Полиция задержала протестующих в столице. ", 2.5),
        # composed a slice at a time (it peaked at 16.7x, the split clusters of the whole text)
        (unicodedata.normalize("NFD", "Les cafés étaient fermés à cause des grèves. "), 3.0),
        # invisible characters read a slice at a time, the way back in 4-byte arrays (26.5x)
        ("The po\u00adlice de\u00adtained pro\u00adtesters. ", 5.5),
        (unicodedata.normalize("NFD", "caf\u00ade résumé ne\u200bws. "), 6.0),
        # no whitespace to cut a slice at (tester, session 27): the whole text was one slice,
        # split into a string per cluster (92x for Kelvin signs, 46x to 55x for the others); a
        # slice is now cut before a letter, and a character rewritten as one other is no cluster
        # (a million characters: sixteen slices, half the time)
        ("\u212a", 10.0),
        ("e\u0301", 10.0),
        ("a\u200b", 11.0),
        ("ab\u00ad", 13.0),
    ],
    ids=[
        "Russian",
        "French in NFD",
        "soft hyphens",
        "NFD and zero-width spaces",
        "Kelvin signs",
        "NFD, no space",
        "zero-width spaces, no space",
        "soft hyphens, no space",
    ],
)
def test_annotate_peaks_a_few_copies_of_any_text(sentence, bound):
    """annotate() on 2 million characters that are not ASCII (tester, session 17), mentions aside."""
    length = 2_000_000 if " " in sentence else 1_000_000
    text = (sentence * (length // len(sentence) + 1))[:length]
    size = sys.getsizeof(text)
    peak = _annotate_peak(text, sentence)
    assert peak < bound * size, peak / size


def test_caches_keep_no_words_that_unfold_to_many():
    """Short words of a compatibility character that unfolds to 18 (U+FDFA) are not kept by any cache.

    A session 18 tester filled the word caches with 64-character words of
    "ﷺ", each normalised to over a thousand characters: 202 MB kept by
    searches within the query limit, 56 MB by check_quote, 25 MB by entity().
    Here 1,000 distinct such words through each must keep under 1 MB (cached,
    they would keep over 2 MB each way).
    """
    word = "\ufdfa" * 60
    assert _retained(lambda n: REPORT.search(f"{word}{n:04d}"), 1000) < 1_000_000
    assert _retained(lambda n: REPORT.entity(f"{word}{n:04d}"), 1000) < 1_000_000
    assert _retained(lambda n: REPORT.check_quote(f"freedom {word}{n:04d}"), 1000) < 1_000_000


@given(st.text(min_size=1, max_size=64))
def test_what_is_not_cached_is_normalised_alike(word):
    """A word kept out of the caches gets the very forms it would get cached."""
    from kzrights._names import _name_key, name_key
    from kzrights.search._text import _normalise, normalise

    assert normalise(word) == _normalise(word)
    assert name_key(word) == _name_key(word)


def test_the_word_caches_together_keep_a_few_megabytes_whatever_the_words():
    """Every cache keyed by users' words, filled with the costliest words it keeps: about 32 MB in all.

    A session 19 tester searched 70,000 distinct 64-character CJK words and
    56 MB stayed alive in the search form cache (65,536 entries, each word
    kept with its search form, both four bytes a character for astral
    ones).  Each cache now keeps at most 16,384 words, of at most 64 ASCII
    characters or 32 others (`_chars.cacheable`).  The words here are the
    longest each cache keeps, of astral characters (the widest Python
    stores), one more batch than the caches hold; the caches are called as
    search, check_quote and entity() call them.
    """
    import random

    from kzrights import _chars, _names
    from kzrights.search import _text, quotes

    caches = {
        "search forms": (_text.normalise, _text._cached_normalise, _text._CACHED_LENGTH),
        "quotation words": (quotes._word_forms, quotes._word_forms, quotes._CACHED_LENGTH),
        "name keys": (_names.name_key, _names._cached_name_key, _names._CACHED_LENGTH),
    }
    rng = random.Random(19)
    kept = 0
    for name, (call, cache, longest) in caches.items():
        size = cache.cache_info().maxsize
        assert size is not None and size <= 16_384, name
        length = max(n for n in range(1, longest + 1) if _chars.cacheable("\U00020000" * n, longest))
        cache.cache_clear()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(size + 500):
                # each word made here, as a user's text is: what stays alive is what the cache keeps
                call("".join(chr(0x20000 + rng.randrange(40_000)) for _ in range(length)))
            gc.collect()
            kept += tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert cache.cache_info().currsize == size, name  # the cache was filled: the bound was reached
    # about 8 MB of search forms, 13 of quotation words (with their search forms), 10 of name keys
    # on CPython 3.11; the search forms alone kept 56 MB before
    assert kept < 36_000_000, f"{kept / 1e6:.1f} MB"
