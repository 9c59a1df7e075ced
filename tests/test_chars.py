"""One set of character rules: annotate, search, locate, concordance and entity() agree on every text.

Canonically equivalent texts (NFC, NFD) give the same answers; an unrelated
character anywhere (a Turkish İ, an emoji, a lone surrogate, an invisible
character) never changes what is found elsewhere; any apostrophe stands for
any other in every tool.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _chars
from kzrights._linking import is_essay

REPORT = kzrights.load("1.1.0")
# an essay is never linked by its name, so entity() finds it by id only
NAMES = sorted({form for e in REPORT.entities if not is_essay(e) for form in (e.name, *e.aliases)})
FILLERS = ["and", "the", "met", "in", "said", "x", "Astana", "of", "(", ")", ",", "."]
# "İZMİR": a Turkish capital İ in a word of no name ("İSTANBUL" was, until hypothesis put it before
# "Convention on preventing and combating violence…": "İSTANBUL Convention" is a name of its own)
JUNK = ["İ", "🙂", "\ud800", "\u200b", "\u00ad", "\u200f", "İZMİR", "e\u0301"]
INVISIBLE = ["\u200b", "\u00ad", "\u200e", "\u200f", "\u2060", "\ufeff", "\u202c"]
# the rest of Unicode's Default_Ignorable_Code_Point set: a variation selector (the emoji one),
# Hangul fillers (letters to Unicode), a tag character, a Mongolian variation selector
INVISIBLE += ["\ufe0f", "\u3164", "\u115f", "\U000e0041", "\u180b"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# word characters glued to the piece before them: combining marks that compose
# with nothing (or with it), a Turkish İ, a modifier letter
GLUED = ["\u0334", "\u0301", "\u0308", "İ", "ʰ"]
piece = st.one_of(
    st.tuples(st.just("name"), st.sampled_from(NAMES)),
    st.tuples(st.just("word"), st.sampled_from(FILLERS)),
    st.tuples(st.just("junk"), st.sampled_from(JUNK)),
    st.tuples(st.just("glued"), st.sampled_from(GLUED)),
)


def _join(parts: list[tuple[str, str]]) -> str:
    """Pieces with a space between them, except before a glued one."""
    text = ""
    for kind, part in parts:
        text += part if kind == "glued" or not text else " " + part
    return text


@settings(max_examples=150)
@given(st.lists(st.tuples(piece, st.booleans()), max_size=12))
def test_annotate_gives_the_same_entities_whatever_the_normal_form_and_the_junk(pieces):
    """NFD names, and unrelated characters between them, change no mention; offsets index the text given.

    The plain text has every piece in NFC and a neutral word where the junk is
    (a letter where a word character is glued on); the text given has names
    decomposed at random and the junk itself.
    """
    # an invisible character means nothing: the plain text leaves it out (its spaces stay)
    plain = _join(
        [
            (kind, "" if text in _chars.INVISIBLE else "x" if kind in ("junk", "glued") else nfc(text))
            for (kind, text), _ in pieces
        ]
    )
    given_text = _join(
        [(kind, nfd(text) if decompose and kind == "name" else text) for (kind, text), decompose in pieces]
    )
    # release 1.1.0's forms are all safe: the character rules alone decide (from 1.2.0 a
    # capitalised neighbour such as "İZMİR" is evidence too, by design: "İ Magnitsky")
    expected = [(m.entity_id, m.text) for m in kzrights.annotate(plain, version="1.1.0")]
    found = kzrights.annotate(given_text, version="1.1.0")
    assert [(m.entity_id, nfc(m.text)) for m in found] == expected
    for mention in found:
        assert given_text[mention.start : mention.end] == mention.text
        # a mention never starts on a mark or ends between a letter and its mark
        assert not _chars.is_mark(mention.text[0])
        assert mention.end == len(given_text) or not _chars.is_mark(given_text[mention.end])


def test_nfd_names_are_whole_and_found():
    """A decomposed accent is part of its word: "Tulesova" plus an acute is not "Tulesova"."""
    decomposed = nfd("Köshe and Tulesová and Нұр Отан and Ёлка")
    found = kzrights.annotate(decomposed)
    assert [(m.entity_id, m.text) for m in found] == [
        ("entities.koshe", nfd("Köshe")),
        ("entities.nur-otan", nfd("Нұр Отан")),
    ]
    assert [decomposed[m.start : m.end] for m in found] == [m.text for m in found]
    assert kzrights.annotate(nfd("Tulesová")) == []
    # a mark that composes with nothing still belongs to its letter's word
    assert [m.text for m in kzrights.annotate("Tokayev\u0334 and Oyan")] == ["Oyan"]
    assert [m.text for m in kzrights.annotate("said Tokayev\u0334 and Oyan\u0334, Nur Otan\u20dd")] == []


@pytest.mark.parametrize("junk", JUNK + INVISIBLE)
def test_one_unrelated_character_changes_nothing_elsewhere(junk):
    """An İ, an emoji, a lone surrogate or an invisible character before a text leaves its mentions alone."""
    text = "President Tokayev met NUR OTAN, the EBRD and Oyan, Qazaqstan in Astana; Бокаев agreed."
    expected = [(m.entity_id, m.text, m.start, m.end) for m in kzrights.annotate(text)]
    shift = len(junk) + 1
    found = [
        (m.entity_id, m.text, m.start - shift, m.end - shift) for m in kzrights.annotate(f"{junk} {text}")
    ]
    assert found == expected
    assert len(expected) == 5


@pytest.mark.parametrize("apostrophe", _chars.APOSTROPHES)
def test_every_tool_takes_every_apostrophe(apostrophe):
    """annotate, entity() and search agree on a name with any apostrophe in it."""
    name = f"Kazakhstan{apostrophe}s Government"
    assert [m.entity_id for m in kzrights.annotate(f"said {name} today")] == [
        "entities.government-of-kazakhstan"
    ]
    assert REPORT.entity(name).id == "entities.government-of-kazakhstan"
    assert REPORT.entity(f"President{apostrophe}s Decree").id == "entities.human-rights-decree"
    hits = [(h.record.id, h.score) for h in REPORT.search(f"Kazakhstan{apostrophe}s oil")]
    assert hits == [(h.record.id, h.score) for h in REPORT.search("Kazakhstan's oil")]
    assert [m.entity_id for m in kzrights.annotate(f"Tokayev{apostrophe}s decree")] == [
        "entities.kassym-jomart-tokayev"
    ]


@pytest.mark.parametrize("name", NAMES)
def test_entity_takes_any_normal_form_and_invisible_characters(name):
    """entity() finds the same entity for a name in NFC, NFD, and with invisible characters in it."""
    entity = REPORT.entity(name)
    assert REPORT.entity(nfd(name)) is entity
    middle = len(name) // 2
    assert REPORT.entity(name[:middle] + "\u200b\u00ad" + name[middle:] + "\u200f") is entity


words = [
    *sorted({w for r in REPORT.records() for w in r.text.split() if not w.isascii()})[:80],
    "Tulesová",
    "protesters’",
    "Kazakhstan’s",
    "Köshe",
    "kettling",
    "Бокаев",
]


@settings(max_examples=100)
@given(st.lists(st.sampled_from(words), min_size=1, max_size=6), st.sampled_from(INVISIBLE))
def test_search_gives_the_same_hits_whatever_the_normal_form(query_words, invisible):
    """A query in NFD, or with an invisible character inside a word, gives the hits of the NFC query."""
    query = " ".join(query_words)
    expected = [(h.record.id, h.score, h.snippet, h.highlights) for h in REPORT.search(query)]
    first = query_words[0]
    spoiled = nfd(first[:1] + invisible + first[1:] + query[len(first) :])
    assert [(h.record.id, h.score, h.snippet, h.highlights) for h in REPORT.search(spoiled)] == expected
    lines = REPORT.concordance(first)
    assert REPORT.concordance(nfd(first[:1] + invisible + first[1:])) == lines


quotations = st.sampled_from(REPORT.records()).flatmap(
    lambda record: st.tuples(
        st.just(record),
        st.integers(0, max(0, len(record.text) - 40)),
        st.integers(15, 40),
    )
)


@settings(max_examples=150)
@given(
    quotations, st.lists(st.tuples(st.integers(0, 40), st.sampled_from(INVISIBLE)), max_size=5), st.booleans()
)
def test_invisible_characters_inside_a_quotation_do_not_hide_it(where, insertions, decompose):
    """locate() finds a quotation with invisible characters anywhere in it, in NFC or NFD, where it stands."""
    record, start, length = where
    quote = record.text[start : start + length].strip()
    assume(quote and len(REPORT.locate_all(quote)) >= 1)
    expected = REPORT.locate(quote)
    spoiled = quote
    for at, char in sorted(insertions, reverse=True):
        spoiled = spoiled[:at] + char + spoiled[at:]
    if decompose:
        spoiled = nfd(spoiled)
    found = REPORT.locate(spoiled)
    assert found is not None
    assert [(p.record.id, p.span) for p in REPORT.locate_all(spoiled)] == [
        (p.record.id, p.span) for p in REPORT.locate_all(quote)
    ]
    assert found.text == expected.text
    # the place is the same, but a quotation with an invisible character added is not the
    # report's characters: exact only where the clean quotation is and nothing was inserted
    # (an NFD quotation is canonically the same text, so it stays exact)
    assert found.exact == (expected.exact and not insertions)
    assert [p.exact and not insertions for p in REPORT.locate_all(quote)] == [
        p.exact for p in REPORT.locate_all(spoiled)
    ]


def test_the_lowercase_table_is_complete():
    """Every character whose lowercase is longer than one character is in _chars' table."""
    long_lower = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF and len(chr(code).lower()) != 1
    }
    assert long_lower == set(_chars._LONG_LOWER)


def test_combining_marks_are_all_in_the_mark_class():
    """The mark class covers every combining mark of this Python's Unicode, whatever its plane."""
    import re

    marks = re.compile(_chars.mark_class())
    missing = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code))[0] == "M" and not marks.match(chr(code))
    ]
    assert missing == []


NON_WORD_JUNK = ["🙂", "\ud800", "\u200b", "\u00ad", "\u200f"]


@settings(max_examples=100)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("name"), st.sampled_from(NAMES)),
            st.tuples(st.just("word"), st.sampled_from(FILLERS)),
            st.tuples(st.just("junk"), st.sampled_from(NON_WORD_JUNK)),
        ),
        max_size=12,
    )
)
def test_junk_that_is_no_word_changes_no_link_of_the_newest_release(pieces):
    """Under the newest release's linking rules an emoji or invisible mark between words is no evidence."""
    plain = _join(
        [(kind, "" if text in _chars.INVISIBLE else "x" if kind == "junk" else text) for kind, text in pieces]
    )
    given_text = _join(pieces)
    expected = [(m.entity_id, m.text, m.resolved_by is None) for m in kzrights.annotate(plain)]
    assert [(m.entity_id, m.text, m.resolved_by is None) for m in kzrights.annotate(given_text)] == expected


NEWEST = kzrights.load()
NEWEST_NAMES = sorted({form.text for e in NEWEST.entities for form in e.forms if not form.generated})
NEWEST_NAMES += sorted({form.text for e in NEWEST.entities for form in e.forms if form.generated})[::40]
NEWS_WORDS = [*FILLERS, "Kazakhstan", "Mr", "European", "of the United States", "по", "с", "Mazhilis"]
EVERY_INVISIBLE = list(_chars.INVISIBLE)


def _visible_offset(text: str, offset: int) -> int:
    """Where ``offset`` of ``text`` falls once its invisible characters are left out."""
    return len(_chars.strip_invisible(text[:offset]))


def _seen_as_visible(text: str, mention: kzrights.Mention) -> tuple[object, ...]:
    """A mention of ``text`` as it would be in ``text`` without its invisible characters."""
    why = mention.resolved_by
    if why is not None and " at " in why:
        head, _, at = why.rpartition(" at ")
        why = f"{head} at {_visible_offset(text, int(at))}"
    return (
        mention.entity_id,
        _chars.strip_invisible(mention.text),
        _visible_offset(text, mention.start),
        _visible_offset(text, mention.end),
        mention.form,
        why,
    )


@settings(max_examples=200)
@given(
    st.lists(st.one_of(st.sampled_from(NEWEST_NAMES), st.sampled_from(NEWS_WORDS)), min_size=1, max_size=10),
    st.lists(st.tuples(st.integers(0, 400), st.sampled_from(EVERY_INVISIBLE)), min_size=1, max_size=6),
)
def test_invisible_characters_anywhere_change_no_mention(words, insertions):
    """Invisible characters anywhere, inside names or around them, change no entity, form or evidence.

    Each mention is a span of the text as given that covers the whole visible
    name and never starts or ends on an invisible character; left out, the
    invisible characters leave exactly the mentions of the clean text.
    """
    clean = " ".join(words)
    spoiled = clean
    for at, char in sorted(insertions, reverse=True):
        at %= len(clean) + 1
        spoiled = spoiled[:at] + char + spoiled[at:]
    expected = [
        (m.entity_id, m.text, m.start, m.end, m.form, m.resolved_by) for m in kzrights.annotate(clean)
    ]
    found = kzrights.annotate(spoiled)
    assert [_seen_as_visible(spoiled, m) for m in found] == expected
    for mention in found:
        assert spoiled[mention.start : mention.end] == mention.text
        assert not _chars.is_invisible(mention.text[0])
        assert not _chars.is_invisible(mention.text[-1])
    only_safe = [(m.entity_id, m.text) for m in kzrights.annotate(clean, unambiguous_only=True)]
    found_safe = kzrights.annotate(spoiled, unambiguous_only=True)
    assert [(m.entity_id, _chars.strip_invisible(m.text)) for m in found_safe] == only_safe


@pytest.mark.parametrize(
    ("spoiled", "name"),
    [
        ("Toka\u00adyev said", "Toka\u00adyev"),  # a soft hyphen, as a PDF or a word processor leaves it
        ("To\u200bka\u200dyev said", "To\u200bka\u200dyev"),  # zero-width space and joiner
        ("\u200fTokayev\u200e said", "Tokayev"),  # direction marks around the name stay out of it
        ("Ток\u00adаев заявил", "Ток\u00adаев"),
        ("Kassym-\u2060Jomart Toka\u00adyev said", "Kassym-\u2060Jomart Toka\u00adyev"),
    ],
)
def test_a_name_with_invisible_characters_is_found_whole(spoiled, name):
    """annotate(), entity() and mentions_of() find the name as they do clean; the span is all of it."""
    found = kzrights.annotate(spoiled)
    assert [(m.entity_id, m.text) for m in found] == [("entities.kassym-jomart-tokayev", name)]
    assert spoiled[found[0].start : found[0].end] == name
    assert NEWEST.entity(name).id == "entities.kassym-jomart-tokayev"
    assert NEWEST.mentions_of(name) == NEWEST.mentions_of("Tokayev")


def test_the_invisible_set_is_unicodes_default_ignorable_code_points():
    """`INVISIBLE` is Unicode's Default_Ignorable_Code_Point set, and no visible character.

    DerivedCoreProperties.txt: format controls, variation selectors, fillers, reserved code points.

    The standard library has no such property; the table's categories are checked instead: each
    code point is a format control (Cf), a nonspacing mark (Mn, the variation selectors), a filler
    letter (Lo) or unassigned (Cn), and the well-known ones are all there.
    """
    categories = {unicodedata.category(char) for char in _chars.INVISIBLE}
    assert categories <= {"Cf", "Mn", "Lo", "Cn"}, categories
    fillers = {char for char in _chars.INVISIBLE if unicodedata.category(char) == "Lo"}
    assert {unicodedata.name(char) for char in fillers} == {
        "HANGUL CHOSEONG FILLER",
        "HANGUL JUNGSEONG FILLER",
        "HANGUL FILLER",
        "HALFWIDTH HANGUL FILLER",
    }
    tags = "".join(map(chr, range(0xE0020, 0xE0080)))
    for char in ["\ufe0f", "\ufe00", "\u3164", "\u180e", "\u2065", "\U000e0001", *tags]:
        assert _chars.is_invisible(char), hex(ord(char))
        assert _chars.strip_invisible(f"a{char}b") == "ab"
    # every format control of the BMP but the few that shape text is invisible
    visible_controls = {"\u0600", "\u0601", "\u0602", "\u0603", "\u0604", "\u0605", "\u06dd", "\u070f"}
    visible_controls |= {"\u0890", "\u0891", "\u08e2", "\u110bd", "\u110cd", "\ufff9", "\ufffa", "\ufffb"}
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Cf" and char not in visible_controls:
            assert _chars.is_invisible(char), hex(code)
    assert set(_chars.BIDI_CONTROLS) <= set(_chars.INVISIBLE)


def test_invisible_characters_keep_offsets_into_the_text_as_given():
    """Locate and annotate read past a tag character or a variation selector; offsets are as given."""
    spoiled = "Kassym-Jomart Toka\U000e0041yev\ufe0f said"
    found = kzrights.annotate(spoiled)
    assert [(m.entity_id, m.text) for m in found] == [
        ("entities.kassym-jomart-tokayev", "Kassym-Jomart Toka\U000e0041yev")
    ]
    assert spoiled[found[0].start : found[0].end] == found[0].text
    assert NEWEST.entity("Toka\u3164yev") == NEWEST.entity("Tokayev")
    place = REPORT.locate("Stop target\U000e0041ing NGOs\ufe0f")
    assert place is not None and place.text == "Stop targeting NGOs"


def test_the_invisible_class_of_ranges_is_exactly_the_invisible_set():
    """`INVISIBLE_CLASS` (ranges, for regular expressions) matches each `INVISIBLE` character, no other."""
    import re as _re

    from kzrights import _chars

    pattern = _re.compile("[" + _chars.INVISIBLE_CLASS + "]")
    assert all(pattern.fullmatch(char) for char in _chars.INVISIBLE)
    others = (chr(code) for code in range(0x110000) if chr(code) not in _chars._INVISIBLE_SET)
    assert not any(pattern.fullmatch(char) for char in others)
    assert _chars.INVISIBLE_CLASS.count("-") < 40  # ranges, not 4,174 characters one by one


# release 1.3.1's rules read the words around a form that needs evidence: a
# capitalised word before it (or after a Cyrillic one) makes it part of a longer
# name.  Words that decompose in NFD, and every horizontal space between words.
LATEST = kzrights.load("1.3.1")
LATEST_NAMES = sorted({form for e in LATEST.entities if not is_essay(e) for form in (e.name, *e.aliases)})
ACCENTED = ["José", "Алёна", "Йемен", "Ömer", "Mäjilis", "Qazaqstan", "Tulesová", "ёлка", "café"]
SPACES = [" ", "\t", "\u00a0", "\u2009", "\u202f", "\u3000", "  "]
# the forms the rules decide on the words around them (the others are safe)
DECIDED = sorted(
    {
        form.text
        for e in LATEST.entities
        for form in e.forms
        if form.ambiguity in (kzrights.records.Ambiguity.CONTEXT, kzrights.records.Ambiguity.NAME_PART)
    }
)
around = st.one_of(
    st.sampled_from(LATEST_NAMES),
    st.sampled_from(ACCENTED),
    st.sampled_from([*FILLERS, "Tokayev", "Hug"]),
    # an accented word right before a form the rules decide, the case that differed
    st.tuples(st.sampled_from(ACCENTED), st.sampled_from(SPACES), st.sampled_from(DECIDED)).map("".join),
)


@settings(max_examples=300)
@given(st.lists(st.tuples(around, st.sampled_from(SPACES)), min_size=1, max_size=8), st.randoms())
def test_the_rules_around_a_form_read_nfd_and_nfc_alike(words, random):
    """The latest release's rules give the same mentions for a text and its NFD form, part by part.

    A capitalised "José" before "Constitution" makes one longer name, so
    "Constitution" is not linked; decomposed, the rules did not see the word
    and linked it (tester, session 16).  Here any mix of names, accented
    words and fillers, each decomposed or not at random.
    """
    text = "".join(word + space for word, space in words).strip()
    decomposed = [(nfd(word) if random.random() < 0.5 else word, space) for word, space in words]
    given_text = "".join(word + space for word, space in decomposed).strip()
    expected = [(m.entity_id, m.text) for m in kzrights.annotate(text, version="1.3.1")]
    found = kzrights.annotate(given_text, version="1.3.1")
    assert [(m.entity_id, nfc(m.text)) for m in found] == expected
    assert [given_text[m.start : m.end] for m in found] == [m.text for m in found]


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Tokayev José Constitution", ["Tokayev"]),
        ("Tokayev Алёна Constitution", ["Tokayev"]),
        ("Tokayev Mäjilis Democratic Party", ["Tokayev"]),
        ("Tokayev X National Oil Fund", ["Tokayev"]),
        ("Tokayev said National Oil Fund", ["Tokayev", "National Oil Fund"]),
    ],
)
@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("form", [nfc, nfd])
def test_a_capitalised_word_before_a_form_is_seen_in_any_form_and_after_any_space(text, linked, space, form):
    """The word before a form blocks it whatever its normal form and the horizontal space after it.

    A decomposed "José", and a no-break, thin, narrow no-break or ideographic
    space where a space was, let "Constitution" and "National Oil Fund" be
    linked (tester, session 16).
    """
    given_text = form(text.replace(" ", space))
    assert [nfc(m.text).replace(space, " ") for m in kzrights.annotate(given_text, version="1.3.1")] == linked


# characters that NFC replaces on their own, with the letters they stand for
SINGLETONS = {"K": "\u212a", "Å": "\u212b", "Ω": "\u2126", ";": "\u037e", "\u2002": "\u2000"}


@pytest.mark.parametrize("version", ["1.1.0", "1.3.1"])
def test_a_character_that_nfc_replaces_alone_reads_as_what_replaces_it(version):
    """The Kelvin sign is canonically a K: "\u212aazakhstan" is Kazakhstan to annotate and entity().

    NFC (and NFD) turn U+212A into "K"; annotate() composed only a letter
    followed by marks, so it missed the name, while search found it and
    entity() refused it, suggesting the very name (third tester, session 16).
    """
    text = "Tokayev visited \u212aazakhstan; \u212aassym-Jomart Tokayev said so\u037e"
    found = kzrights.annotate(text, version=version)
    assert [(m.entity_id, m.text) for m in found] == [
        (m.entity_id, text[m.start : m.end]) for m in kzrights.annotate(nfc(text), version=version)
    ]
    assert [m.text for m in found] == ["Tokayev", "\u212aazakhstan", "\u212aassym-Jomart Tokayev"]
    assert kzrights.load(version).entity("\u212aazakhstan").id == "entities.kazakhstan"


@settings(max_examples=100)
@given(st.lists(st.sampled_from(LATEST_NAMES), min_size=1, max_size=6), st.randoms())
def test_names_with_characters_that_nfc_replaces_are_found_as_in_nfc(names, random):
    """The latest release's names, with K, Å and Ω written as the signs NFC replaces, are found as in NFC."""
    text = " and ".join(names)
    given_text = "".join(
        SINGLETONS[char] if char in SINGLETONS and random.random() < 0.7 else char for char in text
    )
    expected = [(m.entity_id, m.start, m.end) for m in kzrights.annotate(text, version="1.3.1")]
    found = kzrights.annotate(given_text, version="1.3.1")
    assert [(m.entity_id, m.start, m.end) for m in found] == expected
    assert [m.text for m in found] == [given_text[m.start : m.end] for m in found]


@pytest.mark.parametrize(
    ("way", "unit"),
    [(_chars.nfc, "e\u0301"), (_chars.visible, "e\u200b")],
    ids=["decomposed letters (nfc)", "zero-width spaces (visible)"],
)
def test_the_way_back_keeps_a_few_bytes_a_cluster(way, unit):
    """A text that is all clusters kept ~210 bytes a cluster (a tuple and four ints each): now 16."""
    import gc
    import tracemalloc

    clusters = 100_000
    text = unit * clusters
    way(unit)  # the patterns are compiled once, outside the measure
    gc.collect()
    tracemalloc.start()
    try:
        shown, back = way(text)
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert back is not None and len(shown) == clusters
    # the rewritten text (one byte a character here) and the way back, with room for the arrays' slack
    assert kept - len(shown) < 24 * clusters


_CLUSTER_PIECES = [
    "e", "E", "K", " ", "й", "x",
    "\u0301", "\u0306", "\u0308", "\u0323",  # combining marks
    "\u212a", "\u2126", "\uf900",  # NFC replaces them alone: Kelvin, Ohm, a CJK compatibility ideograph
    "\u200b", "\u00ad", "\u200e", "\ufe0f",  # invisible
    "\U0001f600",
]  # fmt: skip


@given(st.lists(st.sampled_from(_CLUSTER_PIECES), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_way_back_gives_spans_that_read_the_same(text):
    """nfc(), visible(): any span of the new text maps back to a span of the given text that reads the same.

    The new text is the given text with each cluster rewritten; a span mapped
    back never splits a cluster (it widens to the cluster's edges), so
    rewriting the given text's span gives the new text's span, or a text
    that holds it when the span started or ended inside a cluster.
    """
    for way, canonical in ((_chars.nfc, unicodedata.normalize), (_chars.visible, None)):
        shown, back = way(text)
        if back is None:
            assert shown == text
            continue
        if canonical is not None:
            assert shown == canonical("NFC", text)  # these pieces compose nothing across clusters
        else:
            assert shown == _chars.strip_invisible(text)
        starts = [back.start(i) for i in range(len(shown) + 1)]
        ends = [back.end(i) for i in range(len(shown) + 1)]
        assert starts == sorted(starts) and ends == sorted(ends)
        assert ends[-1] <= len(text) and starts[0] >= 0
        for i in range(len(shown) + 1):
            for j in range(i, len(shown) + 1):
                given = text[starts[i] : ends[j]]
                assert starts[i] <= ends[j] or i == j
                assert shown[i:j] in way(given)[0], (i, j, given)


_SLICE_PIECES = [
    "e", "Σ", "ΑΣ", "İ", "ß", "й", "\u0301", "\u0308", "\u212a", "\u2000", "\u200b", "\u00ad",
    " ", "\n", "\t", "\u3000", "\u3002", ".", "'", "\U0001f600", "ᄀ", "ᅡ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_SLICE_PIECES), max_size=40).map("".join), st.integers(1, 9))
@settings(max_examples=300, deadline=None)
def test_a_long_text_read_a_slice_at_a_time_reads_as_a_whole(text, size):
    """Lowercase, the NFC check and the rewrites go a slice at a time on a long text: never another answer.

    Slices end only before white space or an ideographic comma or full stop,
    where no rule reads across (a final sigma, a composition, a run of marks
    or of invisible characters); with slices of a few characters, every
    such place in these texts is a cut.
    """
    whole = (_chars.same_length_lower(text), _chars.nfc(text), _chars.visible(text))
    saved = _chars._SLICE
    _chars._SLICE = size
    try:
        sliced = (_chars.same_length_lower(text), _chars.nfc(text), _chars.visible(text))
    finally:
        _chars._SLICE = saved
    assert sliced[0] == whole[0]
    for (shown, back), (whole_shown, whole_back) in zip(sliced[1:], whole[1:], strict=True):
        assert shown == whole_shown
        assert (back is None) == (whole_back is None)
        if back is not None and whole_back is not None:
            ends = range(len(shown) + 1)
            assert [back.start(i) for i in ends] == [whole_back.start(i) for i in ends]
            assert [back.end(i) for i in ends] == [whole_back.end(i) for i in ends]


# invisible characters that are also combining marks: NFC composes them with nothing
INVISIBLE_MARKS = [c for c in (*INVISIBLE, "\u034f", "\ufe00", "\U000e0100") if _chars.is_mark(c)]


@settings(max_examples=100)
# found by this test (session 26): the mention rightly ends at the name's own breve, which the
# check of its last character looked for in the composed name
@example(name="Ерлан Балтабай", after="\ufe0f", before="e\u0301 ", decompose=True)
@given(
    name=st.sampled_from(NAMES),
    after=st.lists(st.sampled_from(INVISIBLE_MARKS), min_size=1, max_size=3).map("".join),
    before=st.sampled_from(["e\u0301 ", "Тулесова\u0301 ", "Ё\u0308 and ", "\u212a "]),
    decompose=st.booleans(),
)
def test_a_decomposed_letter_elsewhere_changes_no_span(name, after, before, decompose):
    """A name followed by an invisible mark has the span it has when nothing needs normalising.

    A combining grapheme joiner or a variation selector after "Tokayev" was
    left out of the mention, unless an accent decomposed anywhere in the
    text made annotate() read it in NFC: then the mention took it in
    (tester 4, session 24), since every letter with a mark was a cluster,
    changed by NFC or not; and so too when the name's own last letter was
    decomposed ("Балтабаи\u0306\u034f", tester 5): the mark that ends a
    cluster NFC changes is no part of it.
    """
    written = nfd(name) if decompose else name
    text = f"{written}{after} said"
    expected = [(m.entity_id, m.start, m.end) for m in kzrights.annotate(text, version="1.1.0")]
    assert expected and expected[0][2] <= len(written)
    found = kzrights.annotate(before + text, version="1.1.0")
    assert [(m.entity_id, m.start - len(before), m.end - len(before)) for m in found] == expected
    for mention in found:
        # a mark may end the mention only if it is the name's own, as written ("Балтабаи\u0306")
        assert not _chars.is_mark((before + text)[mention.end - 1]) or mention.text[-1] in written


# the names whose last letter decomposes (Балтабай, Китай: "й" is "и" and a breve)
ENDING_IN_A_MARK = [name for name in NAMES if _chars.is_mark(nfd(name)[-1])]


@pytest.mark.parametrize("name", ENDING_IN_A_MARK)
@pytest.mark.parametrize("mark", INVISIBLE_MARKS)
def test_a_name_whose_last_letter_is_decomposed_ends_before_an_invisible_mark(name, mark):
    r"""A name's last letter decomposed, "Балтабаи\u0306\u034f": the mention ends before the joiner.

    It took the joiner in (tester 5, session 24).
    """
    assert ENDING_IN_A_MARK
    text = f"{nfd(name)}{mark} said"
    found = kzrights.annotate(text, version="1.1.0")
    assert [(m.start, m.end) for m in found] == [(0, len(nfd(name)))]


# every titlecase letter (category Lt): the first letter of a digraph capitalised, "ǅ" of "ǅemal"
TITLECASE = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Lt"]


@pytest.mark.parametrize("letter", TITLECASE, ids=lambda letter: f"U+{ord(letter):04X}")
@pytest.mark.parametrize("text", ["{}emal Magnitsky", "Magnitsky {}emal", "the {}emal Magnitsky Act"])
def test_a_titlecase_letter_starts_a_capitalised_word_as_an_uppercase_one_does(letter, text):
    """A word starting with a titlecase letter is capitalised, as one with its uppercase is (session 27).

    The rules that read the word before or after a name ("Sergei Magnitsky"
    is a person, not the Magnitsky sanctions) asked `str.isupper`, which is
    false for "ǅ": "ǅemal Magnitsky" linked the sanctions where "Ǆemal
    Magnitsky" and "Džemal Magnitsky" link nothing.
    """
    upper = letter.upper()
    assert upper[0].isupper()  # the letter as a capital: what the text must read as
    given = [m.entity_id for m in kzrights.annotate(text.format(letter))]
    assert given == [m.entity_id for m in kzrights.annotate(text.format(upper))]


def test_the_marks_and_nfc_replacements_a_text_holds_are_read_off_its_characters():
    """`marks_in` and `_replaced_in` ask each character, and agree with a scan of every code point."""
    every = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    assert _chars.marks_in(every) == "".join(c for c in every if unicodedata.category(c)[0] == "M")
    replaced = "".join(
        c
        for c in every
        if (mapping := unicodedata.decomposition(c))
        and not mapping.startswith("<")
        and unicodedata.category(c)[0] != "M"
        and unicodedata.normalize("NFC", c) != c
    )
    assert _chars._replaced_in(every) == replaced
    assert "\u212a" in replaced and "\u2126" in replaced  # the Kelvin and Ohm signs


def test_the_first_text_with_an_accent_builds_no_table_of_every_mark():
    """A fresh process normalises, annotates and looks up accented text without scanning Unicode.

    The table of every combining mark took 25 ms to build on an idle
    machine and 40 to 60 on a busy one, paid by the first call that met an
    accent (an NFD "Tulesová" given to `entity()`; tester, session 27). It is still
    there for `check_quote`, whose tokens of an accented quotation take one
    pattern of every mark (built once, after the checker's own first-use
    index, which costs ten times as much).
    """
    script = (
        "import kzrights\n"
        "from kzrights import _chars\n"
        "report = kzrights.load()\n"
        "assert report.entity('Ko\\u0308she').id == 'entities.koshe'\n"
        "assert [m.start for m in kzrights.annotate('Ko\\u0308she met Tokayev \\u212a')] == [0, 11]\n"
        "assert report.search('Ko\\u0308she')\n"
        "print(_chars._marks.cache_info().misses)\n"
        "assert report.check_quote('Ko\\u0308she x\\u0308 \\U0001d167').verdict\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0"]
