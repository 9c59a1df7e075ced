"""annotate(): the entity linker for any text."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import annotate
from kzrights._matcher import Matcher


def ids(text: str) -> list[str]:
    return [m.entity_id.removeprefix("entities.") for m in annotate(text)]


def test_longest_match_wins():
    """The longest name wins: "Article 174 of the Criminal Code" is one mention, not two."""
    mentions = annotate("under Article 174 of the Criminal Code today")
    assert [(m.entity_id, m.text, m.start, m.end) for m in mentions] == [
        ("entities.criminal-code-article-174", "Article 174 of the Criminal Code", 6, 38)
    ]


def test_names_with_punctuation_stay_whole():
    """A name with a comma stays whole: "Oyan, Qazaqstan" is one movement, not two things."""
    assert ids("activists of Oyan, Qazaqstan were detained") == ["oyan-qazaqstan"]
    assert ids("Qazaqstan") == ["kazakhstan"]


def test_word_boundaries():
    """Names match only as whole words: no Kazakhstan inside a longer word, no UN in UNDP."""
    assert ids("Kazakhstanis and UNDP and EUROPE and Bokayevs") == []
    assert ids("(Kazakhstan)") == ["kazakhstan"]
    assert ids("Tokayev’s decree") == ["kassym-jomart-tokayev"]


def test_case_rules():
    """Multi-word names in any case; single words and acronyms only capitalised; common words never."""
    assert ids("NUR OTAN") == ["nur-otan"]
    assert ids("nur otan") == ["nur-otan"]
    assert ids("the bank of oyan said ilo hug wood") == []
    assert ids("OYAN and Oyan and ILO") == ["oyan-qazaqstan", "oyan-qazaqstan", "ilo"]
    assert ids("Kettling is used; kettling too") == ["kettling", "kettling"]


def test_cyrillic_and_transliterations():
    """Cyrillic names and the common transliterations are linked."""
    assert ids("Назарбаев и Токаев") == ["nursultan-nazarbayev", "kassym-jomart-tokayev"]
    assert ids("Max Bokaev, Erlan Baltabai") == ["max-bokayev", "erlan-baltabay"]
    assert ids("Нұр Отан") == ["nur-otan"]


def test_offsets_index_the_given_text():
    """Mentions' start and end are offsets into the text the user passed."""
    text = "— 🇰🇿 In Astana, President Tokayev met the EBRD."
    for mention in annotate(text):
        assert text[mention.start : mention.end] == mention.text
        assert mention.record_id is None and mention.source_span is None


def test_bad_input():
    """A non-str is a TypeError; an empty text gives an empty list."""
    assert annotate("") == []
    for bad in (None, b"Tokayev", 5, ["Tokayev"]):
        with pytest.raises(TypeError, match="text must be a str"):
            annotate(bad)  # type: ignore[arg-type]
    with pytest.raises(kzrights.UnknownVersionError):
        annotate("Tokayev", version="0.9.0")


@settings(max_examples=300)
@given(st.text())
def test_any_string_is_safe(text):
    """Any str, however odd, gives mentions whose offsets hold their text."""
    for mention in annotate(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text


@given(
    st.lists(
        st.sampled_from(["Nur Otan", "Tokayev", "oyan", "ILO", "Article 405", " ", ", ", "\n", "x"]),
        max_size=20,
    )
)
def test_found_names_are_found_again_in_isolation(parts):
    """A mention, cut out of its text, is annotated as the same entity on its own."""
    text = "".join(parts)
    for mention in annotate(text):
        again = annotate(mention.text)
        assert [m.entity_id for m in again] == [mention.entity_id]


def test_matcher_pickles():
    """The matcher survives pickling, so a process pool or Spark can ship it."""
    matcher = Matcher([("Nur Otan", "a"), ("ILO", "b")])
    clone = pickle.loads(pickle.dumps(matcher))
    found = [(m.entity_id, m.start, m.end) for m in clone.find("NUR OTAN, ILO")]
    assert clone.find("NUR OTAN, ILO") == matcher.find("NUR OTAN, ILO")
    assert found == [("a", 0, 8), ("b", 10, 13)]


def test_conflicting_aliases_are_refused():
    """One surface form cannot name two entities."""
    with pytest.raises(ValueError, match="names both"):
        Matcher([("ILO", "a"), ("ILO", "b")])


def test_works_in_a_process_pool():
    """The linker is picklable and pure: mapping it over texts in worker processes gives the same answers."""
    texts = ["President Tokayev and NUR OTAN", "nothing here", "Oyan, Qazaqstan and the EBRD"] * 4
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = list(pool.map(annotate, texts))
    assert parallel == [annotate(t) for t in texts]
    assert parallel[0][0].entity_id == "entities.kassym-jomart-tokayev"


ALIASES = [
    ("Nur Otan", "nur"),
    ("Nur-Otan", "nur"),
    ("Oyan, Qazaqstan", "oyan"),
    ("Oyan", "oyan"),
    ("Qazaqstan", "kz"),
    ("Kazakhstan", "kz"),
    ("ILO", "ilo"),
    ("Article 174", "a174"),
    ("Article 174 of the Criminal Code", "a174"),
    ("Criminal Code", "cc"),
    ("kettling", "ket"),
    ("Токаев", "tok"),
    ("UK", "uk"),
    ("U.K.", "uk"),
]


def reference(pairs, text):
    """A slow, obviously right matcher: at each word start, try every form, keep the longest."""
    import re

    forms = []
    for alias, eid in pairs:
        for form in {alias, alias.replace("’", "'"), alias.replace("'", "’")}:
            if " " in form:
                pattern = r"\s+".join(re.escape(w) for w in form.lower().split(" "))
                forms.append((re.compile(pattern + r"(?!\w)"), True, eid))
            else:
                variants = {form, form.upper()} | (
                    {form[0].upper() + form[1:]} if form[0].islower() else set()
                )
                for v in variants:
                    forms.append((re.compile(re.escape(v) + r"(?!\w)"), False, eid))
    low = text.lower()
    found, i = [], 0
    while i < len(text):
        if i and re.match(r"\w", text[i - 1]):
            i += 1
            continue
        best = None
        for pattern, folded, eid in forms:
            m = pattern.match(low if folded else text, i)
            if m and (best is None or m.end() > best[2]):
                best = (eid, i, m.end())
        if best:
            found.append(best)
            i = best[2]
        else:
            i += 1
    return found


@settings(max_examples=400)
@given(
    st.lists(
        st.sampled_from(
            [
                "Nur",
                "nur",
                "NUR",
                " ",
                "  ",
                "\n",
                "-",
                "Otan",
                "otan",
                "Oyan",
                "oyan",
                ", ",
                "Qazaqstan",
                "ILO",
                "ilo",
                "Article",
                "174",
                "of the",
                "Criminal",
                "Code",
                "kettling",
                "Kettling",
                "Токаев",
                "UK",
                "U.K.",
                "x",
                "🙂",
                "é",
                "’",
            ]
        ),
        max_size=25,
    )
)
def test_matcher_agrees_with_a_brute_force_reference(parts):
    """On any mix of names, cases, spaces and punctuation, the trie finds what brute force finds."""
    text = "".join(parts)
    found = [(m.entity_id, m.start, m.end) for m in Matcher(ALIASES).find(text)]
    assert found == reference(ALIASES, text)


def test_names_after_an_emoji_and_odd_lowercase():
    """Names after a character beyond the BMP are found, and in texts whose lowercase has another length."""
    assert ids("🙂Tokayev🙂") == ["kassym-jomart-tokayev"]
    assert ids("İstanbul: Article 405 and Nur Otan") == ["criminal-code-article-405", "nur-otan"]
