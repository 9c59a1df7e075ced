"""The matcher's regex checks where a name ends once per first letter, and matches as before.

`kzrights._matcher._trie_regex` used to put the end-of-name check (no letter
or digit may follow) at the end of every name in the trie; that copy of a
character class per name made a linker's regexes slow to compile (about
0.4 s for the release's forms, paid again by every `Linker.with_aliases`).
The check now follows each top-level branch of the trie (one per first
character).  The regex engine tries the trie's paths in the same order and
backtracks into a branch when the check fails,
so the match must be the same at every place of every text: these tests hold
the new regex to the old construction, kept here as the reference.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _chars, _matcher

from .conftest import SEED_TEXT
from .test_linking_differential import _corpus

# ── the old construction, kept here as the reference ─────────────────────────


def _old_node(node: dict, end: str, top: bool = False, last: str | None = None) -> str:  # type: ignore[type-arg]
    chars = sorted(k for k in node if k != _matcher._END)
    far = [c for c in chars if top and ord(c) >= 0x0400]
    branches = [_matcher._edge(c) + _old_node(node[c], end) for c in chars if c not in far]
    if len(far) > 1:
        inner = "|".join(_matcher._edge(c) + _old_node(node[c], end) for c in far)
        branches.append("(?=[" + "".join(_matcher._edge(c) for c in far) + "])(?:" + inner + ")")
    elif far:
        branches.append(_matcher._edge(far[0]) + _old_node(node[far[0]], end))
    if _matcher._END in node:
        branches.append(end)  # the check, at the end of each name
    if last is not None:
        branches.append(last)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _old_trie_regex(words: set[str], last: str | None = None) -> str:
    trie: dict = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_matcher._END] = {}
    return _old_node(trie, _matcher._END_OF_NAME, top=True, last=last)


def _spans(pattern: str, text: str) -> list[tuple[int, int] | None]:
    """The span of the name matched at each place of ``text`` (None where none is)."""
    compiled = re.compile("(" + pattern + ")")
    spans: list[tuple[int, int] | None] = []
    for at in range(len(text) + 1):
        found = compiled.match(text, at)
        spans.append(None if found is None else found.span(1))
    return spans


# names as the matcher keeps them (lowercase, one space between words), from pieces that
# make prefixes of one another, marks that match a class, and letters beyond Latin
PIECES = ["a", "ab", "b", "o", "'", "-", " ", "ш", "шы", "к", "z", "1"]
NAMES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join).map(str.strip)
TEXT_PIECES = [*PIECES, "A", "’", "—", "  ", "\t", ".", ",", "é", "\u0301", "\u00ad", "x", "ʼ"]
TEXTS = st.lists(st.sampled_from(TEXT_PIECES), max_size=24).map("".join)


@settings(max_examples=400)
@given(st.sets(NAMES.filter(bool), min_size=1, max_size=8), TEXTS, st.booleans())
@example({"ab", "ab ab", "ab'"}, "ab abx ab' ab ab", False)
@example({"ш", "шы", "шы к"}, "шы кz шы к шык", True)
def test_the_regex_matches_at_every_place_as_the_old_one(words, text, with_last):
    """Any names, any text, with or without the branch tried last: the same span at every place."""
    last = _matcher._AFTER_INVISIBLE if with_last else None
    assert _spans(_matcher._trie_regex(words, last), text) == _spans(_old_trie_regex(words, last), text)


def test_the_release_s_regexes_match_as_the_old_ones_on_the_report_and_news():
    """The release's own forms, on the report's text and on news-style sentences in two languages."""
    report = kzrights.load()
    matcher = _matcher.entity_matcher(report.entities)
    words = set(matcher._folded) | {_chars.same_length_lower(form) for form in matcher._exact}
    new = re.compile("(" + _matcher._trie_regex(words, _matcher._AFTER_INVISIBLE) + ")")
    old = re.compile("(" + _old_trie_regex(words, _matcher._AFTER_INVISIBLE) + ")")
    sentences = _corpus(2026, 600)
    text = _chars.same_length_lower(SEED_TEXT.read_text(encoding="utf-8") + " ".join(sentences))
    checked = 0
    for at in range(len(text)):
        if at == 0 or not text[at - 1].isalnum():  # where a name may start
            a, b = new.match(text, at), old.match(text, at)
            assert (a and a.span(1)) == (b and b.span(1)), (at, text[at : at + 40])
            checked += a is not None
    assert checked > 200


def test_the_check_can_fail():
    """A regex without the end-of-name check differs from the old one: the comparison sees it."""
    words = {"ab", "ab ab"}
    no_check = _matcher._trie_regex(words).replace(_matcher._END_OF_NAME, "")
    assert no_check != _matcher._trie_regex(words)
    assert _spans(no_check, "abx ab abc") != _spans(_old_trie_regex(words), "abx ab abc")


def test_a_linker_with_an_alias_compiles_its_regexes_quickly():
    """Not a timing: the number of end-of-name checks in the linker's patterns, which is what cost.

    One per first character of a name (the names beyond Latin share one),
    where there was one per name.
    """
    linker = kzrights.Linker.from_release().with_aliases({"Quux Zed": "nur-otan"})
    matcher = linker._engine._matcher
    words = set(matcher._folded) | {_chars.same_length_lower(form) for form in matcher._exact}
    checks = matcher._anywhere.pattern.count(_matcher._END_OF_NAME)
    assert checks <= len({word[0] for word in words if word[0] < "\u0400"}) + 1
    assert len(words) > 5 * checks
    assert linker.annotate("Quux Zed met.")[0].entity_id == "entities.nur-otan"
