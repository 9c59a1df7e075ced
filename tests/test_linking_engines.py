"""The two matcher engines, ``re`` and ``pyahocorasick`` (the ``fast`` extra), link the same mentions.

`kzrights._matcher` finds where names start either with the standard
library's regex engine or with a pyahocorasick automaton; the automaton's
starts are decided by the same trie regex, so every mention (span, entity,
form, evidence) must be the same.  These tests drive `kzrights.Linker` and
`kzrights.annotate` as a user does: on a seeded generated corpus full of the
hard cases (any case, any apostrophe or dash, runs of spaces, CRLF, NFD,
invisible characters, Turkish İ, letters beyond the BMP, names glued to
words), on any text hypothesis makes of those pieces, and on the labelled
set.  They skip if pyahocorasick is not installed.
"""

from __future__ import annotations

import json
import pickle
import random
import sys
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import _matcher
from kzrights.errors import LinkerError, MissingDependencyError

pytest.importorskip("ahocorasick")

LABELS = Path(__file__).resolve().parent / "linking" / "news.jsonl"


@pytest.fixture(scope="module")
def linkers() -> tuple[kzrights.Linker, kzrights.Linker]:
    report = kzrights.load()
    rules = report.linking[0]
    return (
        kzrights.Linker(report.entities, rules, engine="re"),
        kzrights.Linker(report.entities, rules, engine="pyahocorasick"),
    )


def _fields(mentions: list[kzrights.Mention]) -> list[tuple[object, ...]]:
    return [tuple(m) for m in mentions]


_HOSTILE = [
    " ", " ", "  ", "\n", "\r\n", "\n\n", "\t", "\u00a0", "\u2009", ", ", ". ", "'s ", "’s ", "ʼ", "-", "—",
    "İ", "\U0001d400", "😀", "\u00ad", "\u200b", "\u2060", "\u0301", "x", "7", "_", "(", "«", "»", ".",
]  # fmt: skip


def _forms() -> list[str]:
    report = kzrights.load()
    return sorted({form.text for entity in report.entities for form in entity.forms})


def _spelled(rng: random.Random, form: str) -> str:
    """A registry form as a text may write it: any case, any apostrophe or dash, any spaces, NFD."""
    roll = rng.random()
    if roll < 0.15:
        form = form.upper()
    elif roll < 0.3:
        form = form.lower()
    elif roll < 0.35:
        form = form.capitalize()
    if rng.random() < 0.2:
        form = form.replace("'", rng.choice("’ʼ`")).replace("-", rng.choice("‐–−"))
    if rng.random() < 0.15:
        form = form.replace(" ", rng.choice(["  ", "\n", "\u00a0", "\r\n", "\t"]))
    if rng.random() < 0.1:
        form = unicodedata.normalize("NFD", form)
    return form


def _corpus(seed: int, texts: int) -> list[str]:
    """Seeded news-like texts: the registry's forms in their varied spellings among hostile pieces."""
    rng = random.Random(seed)
    forms = _forms()
    words = ["the", "said", "of", "Kazakhstan", "European", "Mr", "tokaev", "kassym-jomart", "hug", "us"]
    corpus = []
    for _ in range(texts):
        pieces = []
        for _ in range(rng.randint(5, 40)):
            roll = rng.random()
            if roll < 0.45:
                pieces.append(_spelled(rng, rng.choice(forms)))
            elif roll < 0.7:
                pieces.append(rng.choice(words))
            gap = rng.random()
            # a name glued to the one before ("U.S.Tokayev"), a hostile piece, or a space
            pieces.append("" if gap < 0.1 else rng.choice(_HOSTILE) if gap < 0.5 else " ")
        corpus.append("".join(pieces))
    return corpus


def test_the_engines_link_the_same_mentions_on_a_generated_corpus(linkers):
    """Mention for mention (span, entity, surface, form, evidence), on 1,500 seeded hostile texts."""
    by_re, by_automaton = linkers
    assert (by_re.engine, by_automaton.engine) == ("re", "pyahocorasick")
    found = 0
    for text in _corpus(2026, 1500):
        expected = _fields(by_re.annotate(text))
        assert _fields(by_automaton.annotate(text)) == expected, text
        found += len(expected)
    assert found > 10_000  # the corpus is full of names, not only of noise


def test_the_engines_agree_on_the_labelled_set(linkers):
    """Every text of tests/linking/news.jsonl, and each one lowercased, in NFD and with CRLF."""
    by_re, by_automaton = linkers
    with LABELS.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    for text in texts:
        for variant in (text, text.lower(), unicodedata.normalize("NFD", text), text.replace(" ", "\r\n")):
            assert _fields(by_automaton.annotate(variant)) == _fields(by_re.annotate(variant)), variant


_PIECES = st.one_of(
    st.sampled_from(_HOSTILE),
    st.sampled_from(_forms()),
    st.sampled_from(["Tokayev", "tokayev", "U.S.", "US", "us", "Nur Otan", "nur  otan", "O'zbekiston"]),
    st.text(max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_the_engines_agree_on_any_text(text):
    """Whatever a user's text holds, the automaton's mentions are the regex engine's."""
    report = kzrights.load()
    by_re = kzrights.Linker.from_release()
    if by_re.engine != "re":
        by_re = kzrights.Linker(report.entities, report.linking[0], engine="re")
    by_automaton = _automaton_linker()
    assert _fields(by_automaton.annotate(text)) == _fields(by_re.annotate(text))
    assert _fields(by_automaton.annotate(text, unambiguous_only=True)) == _fields(
        by_re.annotate(text, unambiguous_only=True)
    )


_CACHE: dict[str, kzrights.Linker] = {}


def _automaton_linker() -> kzrights.Linker:
    if "automaton" not in _CACHE:
        report = kzrights.load()
        _CACHE["automaton"] = kzrights.Linker(report.entities, report.linking[0], engine="pyahocorasick")
    return _CACHE["automaton"]


def test_the_check_catches_a_broken_engine(linkers, monkeypatch):
    """An automaton that took a start after any character (no word start) differs: the check can fail."""
    by_re, _ = linkers
    report = kzrights.load()
    broken = kzrights.Linker(report.entities, report.linking[0], engine="pyahocorasick")
    monkeypatch.setattr(_matcher, "_may_precede", lambda char: True)
    monkeypatch.setattr(_matcher, "_BEFORE", {})
    differs = [t for t in _corpus(2026, 300) if _fields(broken.annotate(t)) != _fields(by_re.annotate(t))]
    assert differs


def test_a_user_linker_keeps_its_engine(linkers):
    """with_aliases, with_entities, without_aliases and pickling keep the engine asked for."""
    by_re, by_automaton = linkers
    for linker in (by_re, by_automaton):
        grown = linker.with_aliases({"KJT": "kassym-jomart-tokayev"}).without_aliases(["Oyan"])
        assert grown.engine == linker.engine
        assert pickle.loads(pickle.dumps(grown)).engine == linker.engine
        assert [m.text for m in grown.annotate("KJT met kjt and Oyan.")] == ["KJT"]


def test_the_environment_variable_forces_an_engine(monkeypatch):
    """KZRIGHTS_MATCHER=re gives the regex engine; a value that names none is a LinkerError."""
    report = kzrights.load()
    monkeypatch.setenv("KZRIGHTS_MATCHER", "re")
    assert kzrights.Linker(report.entities, report.linking[0]).engine == "re"
    monkeypatch.setenv("KZRIGHTS_MATCHER", "pyahocorasick")
    assert kzrights.Linker(report.entities, report.linking[0]).engine == "pyahocorasick"
    monkeypatch.setenv("KZRIGHTS_MATCHER", "hyperscan")
    with pytest.raises(LinkerError, match="KZRIGHTS_MATCHER must be one of 'pyahocorasick', 're'") as error:
        kzrights.Linker(report.entities, report.linking[0])
    assert pickle.loads(pickle.dumps(error.value)).args == error.value.args
    with pytest.raises(LinkerError, match="engine must be one of"):
        kzrights.Linker(report.entities, report.linking[0], engine="RE")


def test_without_pyahocorasick_the_default_is_re_and_asking_for_it_names_the_extra(monkeypatch):
    """The automaton is a choice of speed: the default never needs it; asked for and absent, an error."""
    report = kzrights.load()
    monkeypatch.delenv("KZRIGHTS_MATCHER", raising=False)
    monkeypatch.setitem(sys.modules, "ahocorasick", None)  # import ahocorasick now fails
    linker = kzrights.Linker(report.entities, report.linking[0])
    assert linker.engine == "re"
    assert [m.text for m in linker.annotate("Nur Otan met Tokayev.")] == ["Nur Otan", "Tokayev"]
    with pytest.raises(MissingDependencyError, match=r"pip install 'kzrights\[fast\]'"):
        kzrights.Linker(report.entities, report.linking[0], engine="pyahocorasick")


def test_threads_share_one_automaton_built_on_first_use():
    """Many threads scanning a new linker at once get the same mentions, and the automaton is built once."""
    report = kzrights.load()
    linker = kzrights.Linker(report.entities, report.linking[0], engine="pyahocorasick")
    matcher = linker._engine.matcher
    assert matcher._automaton is None  # not built before the first scan
    text = "Kassym-Jomart Tokayev, NUR OTAN and the U.S. met in Astana; Бокаев agreed."
    results: list[object] = []
    built: list[object] = []

    def work() -> None:
        results.append(_fields(linker.annotate(text)))
        built.append(matcher._automaton)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results) and results[0]
    assert len({id(a) for a in built}) == 1


def test_a_name_with_too_many_spellings_keeps_the_re_engine():
    """A first word whose dashes give more spellings than the automaton takes leaves the linker on re."""
    report = kzrights.load()
    linker = kzrights.Linker(report.entities, report.linking[0], engine="pyahocorasick")
    dashed = linker.with_aliases({"K-J-T-Q-Z": "kassym-jomart-tokayev"})  # 11**4 spellings of the dashes
    assert (linker.engine, dashed.engine) == ("pyahocorasick", "re")
    assert [m.text for m in dashed.annotate("K–J—T-Q‐Z spoke")] == ["K–J—T-Q‐Z"]
