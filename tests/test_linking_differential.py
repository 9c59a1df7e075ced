"""The linking rules, rewritten for speed, give exactly what the straightforward version gave.

`kzrights._linking` finds the word before a form once, by matching its
window backwards, where it used to search the window forwards twice (for a
title within 40 characters, for a longer name within 60).  The tests hold
the new code to the old: the helper against the old regular expression on
any input (hypothesis), and the whole linker against a linker with the old
methods, mention for mention, on a generated corpus of news-style sentences
full of the forms that need evidence.
"""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _linking

# the old code, kept here as the reference (with the spaces every rule now takes,
# `_linking._HSPACE`, where it had spaces and tabs)
_OLD_WORD_BEFORE = re.compile(r"([^\W_][\w'’.\-]*)" + _linking._HSPACE + r"+\Z")


class _OldRules(_linking.Engine):
    """The engine with the word before a form found as before this change."""

    __slots__ = ()

    def _title_before(self, text, start, before):
        found = _OLD_WORD_BEFORE.search(text, max(0, start - 40), start)
        if found is not None and found.group(1).casefold() in self._titles:
            return found.group(1)
        return None

    def _in_longer_name(self, text, mention, kazakh, before):
        found = _OLD_WORD_BEFORE.search(text, max(0, mention.start - 60), mention.start)
        old = None if found is None else (found.group(1), found.start(1), found.end(1))
        return super()._in_longer_name(text, mention, kazakh, old)


_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "ж",
        "7",
        "_",
        ".",
        "-",
        "'",
        "’",
        " ",
        "\t",
        "\n",
        "Mr",
        "Dr.",
        "é",
        "\u0301",
        "\u00a0",
        "\u2029",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.integers(0, 60), st.sampled_from([40, 60, 3]))
def test_the_word_before_is_what_the_old_search_found(text, cut, reach):
    """`_word_before` gives the span and word the old forward search gave, for any text, place and reach."""
    start = min(cut, len(text))
    old = _OLD_WORD_BEFORE.search(text, max(0, start - reach), start)
    expected = None if old is None else (old.group(1), old.start(1), old.end(1))
    assert _linking._word_before(text, start, reach) == expected


def _corpus(seed: int, sentences: int) -> list[str]:
    """News-style texts built from the registry's forms, titles, function words and longer names."""
    rng = random.Random(seed)
    report = kzrights.load()
    forms = [form.text for entity in report.entities for form in entity.forms]
    rules = report.linking[0]
    words = [*rules.titles, *rules.function_words, *rules.blocking_names, *rules.context_words]
    words += ["European", "Croatian", "Sweden's", "of the United States", "of Sweden", "said", "the", "a",
              "x" * 45, "Mr.", "(", ")", "—", "Грузии", "США", "U.S.", "Tax", "Code"]  # fmt: skip
    gaps = [" ", " ", " ", "  ", "\t", ", ", ". ", "\n", " — "]
    texts = []
    for _ in range(sentences // 10):
        pieces = []
        for _ in range(10):
            for _ in range(rng.randint(3, 12)):
                pieces.append(rng.choice(forms) if rng.random() < 0.4 else rng.choice(words))
                pieces.append(rng.choice(gaps))
            pieces.append(". ")
        texts.append("".join(pieces))
    return texts


def test_the_linker_links_as_it_did_on_a_generated_corpus():
    """Mention for mention (span, entity, form, evidence), the rules give what the old code gave."""
    report = kzrights.load()
    new = _linking.Engine(report.entities, report.linking[0])
    old = _OldRules(report.entities, report.linking[0])
    texts = _corpus(2026, 3000)
    decided = 0
    for text in texts:
        found = new.link(text)
        assert found == old.link(text)
        decided += sum(m.resolved_by is not None for m in found)
    assert decided > 300  # the corpus exercises the rules, not only safe forms


def test_the_check_catches_a_difference():
    """A reference reading a title within 3 characters, not 40, differs on the corpus: the check can fail."""

    class Narrower(_OldRules):
        __slots__ = ()

        def _title_before(self, text, start, before):
            found = _OLD_WORD_BEFORE.search(text, max(0, start - 3), start)
            if found is not None and found.group(1).casefold() in self._titles:
                return found.group(1)
            return None

    report = kzrights.load()
    new = _linking.Engine(report.entities, report.linking[0])
    other = Narrower(report.entities, report.linking[0])
    assert any(new.link(text) != other.link(text) for text in _corpus(2026, 3000))
