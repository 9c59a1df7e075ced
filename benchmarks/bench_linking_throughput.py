"""Throughput of kzrights.annotate on mixed English and Russian news, against flashtext and pyahocorasick.

Usage (from the repository root, with the benchmark extra installed)::

    python -m pip install -e '.[bench]'
    python benchmarks/bench_linking_throughput.py [--megabytes 10] [--rounds 5] [--big 100] [--where]

The corpus is generated deterministically (fixed seeds): news-style
documents of English and Russian sentences from Faker's ``en_US`` and
``ru_RU`` locales (its lorem text, people's, companies' and cities' names),
the report's own sentences among them, and sentences that name the
registry's entities in their varied forms (aliases, capitals, lowercase, any
apostrophe, Cyrillic).  About 60% of the characters are English.  It is never
the report repeated.

Three tools get the same aliases (every name and alias of the newest
release's registry) and the same documents, about 1 MB at a time:

- ``kzrights.annotate``;
- flashtext's ``extract_keywords(span_info=True)``, case-insensitive, with
  Cyrillic letters added to its word characters (otherwise "Казахстан"
  would be found inside "Казахстану");
- pyahocorasick's automaton over the lowercased text, each hit kept only if
  no letter or digit touches it (a Python filter), then the leftmost longest
  hits.

Each round times the three tools one after the other on the same text
(interleaved, so that a change in the machine's load hits all three), and
the medians are reported with the load average.  ``--big 100`` also writes
a 100 MB corpus to a temporary file and times each tool over it, 1 MB at a
time, to show the cost per MB at that size against the cost at 1 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import kzrights

CHUNK = 1_000_000  # characters handed to a tool at a time (about 1 MB of text)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"


# --- the corpus ---------------------------------------------------------------------------


def _name_forms(rng: random.Random, pairs: Sequence[tuple[str, str]]) -> Callable[[], str]:
    """A function giving a registry name in one of the forms a news text may use."""
    apostrophes = "'’ʼ"

    def form() -> str:
        name = rng.choice(pairs)[0]
        roll = rng.random()
        if roll < 0.1:
            name = name.upper()
        elif roll < 0.2 and " " in name:
            name = name.lower()
        if roll > 0.85 and name[-1:].isalpha() and name.isascii():
            name += rng.choice(apostrophes) + "s"
        return name

    return form


def _sentence_pools(seed: int) -> tuple[list[str], list[str], list[str]]:
    """English and Russian sentences from Faker, and the report's sentences."""
    try:
        from faker import Faker
    except ImportError:
        sys.exit("Faker is not installed: python -m pip install -e '.[bench]'")
    english, russian = Faker("en_US"), Faker("ru_RU")
    english.seed_instance(seed)
    russian.seed_instance(seed + 1)
    report = kzrights.load()
    ours = [s for r in report.records() for s in _SENTENCE_END.split(r.text) if len(s) > 20]
    en = [
        f"{english.name()} of {english.company()} said in {english.city()} that {english.sentence(12)}"
        if n % 3 == 0
        else english.sentence(nb_words=16)
        for n in range(6000)
    ]
    ru = [
        f"{russian.name()}, {russian.job().lower()} {russian.company()}, сообщил, что {russian.sentence(10)}"
        if n % 3 == 0
        else russian.sentence(nb_words=14)
        for n in range(6000)
    ]
    return en, ru, ours


def documents(megabytes: float, seed: int = 2021) -> Iterator[str]:
    """Yield news-style documents (a headline and a few paragraphs) until ``megabytes`` million characters."""
    rng = random.Random(seed)
    en, ru, ours = _sentence_pools(seed)
    report = kzrights.load()
    pairs = [(form, e.id) for e in report.entities for form in (e.name, *e.aliases)]
    latin = [p for p in pairs if p[0].isascii()]
    cyrillic = [p for p in pairs if not p[0].isascii()]
    latin_name, cyrillic_name = _name_forms(rng, latin), _name_forms(rng, cyrillic)
    templates_en = [
        "{} said on {} that the talks would continue.",
        "Critics of {} pointed to the case of {}.",
        "A statement from {} was welcomed by {}.",
    ]
    templates_ru = [
        "{} заявил, что {} продолжит диалог.",
        "Представители {} встретились с {}.",
        "Эксперты считают, что {} и {} разошлись во мнениях.",
    ]
    total = 0
    limit = int(megabytes * 1_000_000)
    while total < limit:
        russian_document = rng.random() < 0.4
        pool, names, templates = (
            (ru, cyrillic_name, templates_ru) if russian_document else (en, latin_name, templates_en)
        )
        paragraphs = []
        for _ in range(rng.randint(3, 7)):
            sentences = []
            for _ in range(rng.randint(2, 6)):
                roll = rng.random()
                if roll < 0.2:
                    sentences.append(rng.choice(templates).format(names(), names()))
                elif roll < 0.25 and not russian_document:
                    sentences.append(rng.choice(ours))
                else:
                    sentences.append(rng.choice(pool))
            paragraphs.append(" ".join(sentences))
        document = rng.choice(pool).rstrip(".") + "\n\n" + "\n\n".join(paragraphs) + "\n"
        total += len(document)
        yield document


def chunks(docs: Iterator[str]) -> Iterator[str]:
    """Join documents into texts of about `CHUNK` characters (a name never spans two documents)."""
    batch: list[str] = []
    size = 0
    for document in docs:
        batch.append(document)
        size += len(document)
        if size >= CHUNK:
            yield "\n".join(batch)
            batch, size = [], 0
    if batch:
        yield "\n".join(batch)


# --- the tools ---------------------------------------------------------------------------


def _flashtext(pairs: Sequence[tuple[str, str]]) -> Callable[[str], int]:
    from flashtext import KeywordProcessor

    processor = KeywordProcessor(case_sensitive=False)
    for letter in _CYRILLIC_LETTERS:
        processor.add_non_word_boundary(letter)
        processor.add_non_word_boundary(letter.upper())
    for form, entity_id in pairs:
        processor.add_keyword(form, entity_id)
    return lambda text: len(processor.extract_keywords(text, span_info=True))


def _aho_corasick(pairs: Sequence[tuple[str, str]]) -> Callable[[str], int]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for form, entity_id in pairs:
        key = form.lower()
        automaton.add_word(key, (len(key), entity_id))
    automaton.make_automaton()

    def find(text: str) -> int:
        low = text.lower()
        last = len(low) - 1
        hits = []
        for end, (length, entity_id) in automaton.iter(low):
            start = end - length + 1
            if (start and low[start - 1].isalnum()) or (end < last and low[end + 1].isalnum()):
                continue
            hits.append((start, -length, entity_id))
        hits.sort()
        kept = []
        reached = 0
        for start, minus_length, entity_id in hits:
            if start >= reached:
                kept.append((start, start - minus_length, entity_id))
                reached = start - minus_length
        return len(kept)

    return find


def _tools() -> dict[str, Callable[[str], int]]:
    report = kzrights.load()
    pairs = [(form, e.id) for e in report.entities for form in (e.name, *e.aliases)]
    try:
        tools = {
            "`kzrights.annotate`": lambda text: len(kzrights.annotate(text)),
            "flashtext (case-insensitive)": _flashtext(pairs),
            "pyahocorasick + word-boundary filter": _aho_corasick(pairs),
        }
    except ImportError as error:
        sys.exit(f"{error.name} is not installed: python -m pip install -e '.[bench]'")
    kzrights.annotate("warm up")  # the matcher is built once per process, like the others above
    return tools


# --- timing ------------------------------------------------------------------------------


def _timed(
    tool: Callable[[str], int], texts: Sequence[str] | Callable[[], Iterator[str]]
) -> tuple[float, int]:
    """CPU seconds one tool takes over the texts, and the mentions it found."""
    found = 0
    took = 0.0
    for text in texts() if callable(texts) else texts:
        start = time.process_time()
        found += tool(text)
        took += time.process_time() - start
    return took, found


def _rounds(
    tools: dict[str, Callable[[str], int]],
    texts: Sequence[str] | Callable[[], Iterator[str]],
    rounds: int,
) -> dict[str, tuple[float, int]]:
    """Median CPU seconds of each tool, the tools interleaved within every round."""
    times: dict[str, list[float]] = {name: [] for name in tools}
    found: dict[str, int] = {}
    for _ in range(rounds):
        for name, tool in tools.items():
            took, found[name] = _timed(tool, texts)
            times[name].append(took)
    return {name: (statistics.median(times[name]), found[name]) for name in tools}


def _table(results: dict[str, tuple[float, int]], chars: int) -> None:
    ours = results["`kzrights.annotate`"][0]
    print("| tool | median time | throughput | kzrights' speed-up | mentions found |")
    print("| --- | --- | --- | --- | --- |")
    for name, (took, found) in results.items():
        print(
            f"| {name} | {took * 1e3:,.0f} ms | {chars / 1e6 / took:.1f} MB/s | {took / ours:.2f}x "
            f"| {found:,} |"
        )


def _where(text: str, rounds: int) -> None:
    """Where annotate's time goes on one text, and what two other scans would cost (``--where``).

    Each step is timed in every round, the steps interleaved, and the best
    CPU time is shown.  The two extra scans are lower bounds for a matcher
    built on them, since they leave out work the real one must do: the
    case-sensitive scan of the capitalised forms checks neither the word
    start nor the any-case rest of a name of several words, and the scan of
    the lowercase names of several words does not look them up.
    """
    import re

    from kzrights import _chars, _matcher
    from kzrights.linker import Linker

    engine = Linker.from_release()._engine
    matcher = engine._matcher
    low = _chars.same_length_lower(text)
    found, pending = matcher.scan(text)
    decided = engine._decide(text, found, pending, False, None, frozenset())
    bmp = _chars.nonword_bmp_class()

    def flat(words: set[str]) -> str:
        trie: dict[str, dict] = {}  # type: ignore[type-arg]
        for word in words:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[_matcher._END] = {}
        return _matcher._node_regex(trie, _matcher._END_OF_NAME)

    exact, folded = set(matcher._exact), set(matcher._folded)
    capitalised = {w for w in exact if not w[:1].islower()} | {k[:1].upper() + k[1:] for k in folded}
    capitals = re.compile(
        flat(capitalised)
    )  # a top branch of literals: sre skips to their first letters in C
    lowercase = re.compile(bmp + "(" + flat(folded) + ")")
    nothing = re.compile(bmp + "(\x00\x01)")
    pattern = matcher._anywhere
    steps: dict[str, Callable[[], object]] = {
        "annotate": lambda: kzrights.annotate(text),
        "Matcher.scan (all the forms, before the rules)": lambda: matcher.scan(text),
        "  the trie scan alone, over the lowercase": lambda: sum(1 for _ in pattern.finditer(low)),
        "  the lowercase copy": lambda: _chars.same_length_lower(text),
        "the rules (forms that need evidence)": lambda: engine._decide(
            text, found, pending, False, None, frozenset()
        ),
        "whole names (rule 6)": lambda: engine._whole_names(text, list(decided)),
        "entering the engine at every word start, nothing more": lambda: sum(
            1 for _ in nothing.finditer(low)
        ),
        "scan of the capitalised forms only, case-sensitive (a lower bound)": lambda: sum(
            1 for _ in capitals.finditer(text)
        ),
        "scan of the names of several words at every word start": lambda: sum(
            1 for _ in lowercase.finditer(low)
        ),
    }
    try:
        steps["pyahocorasick + filter (the peer)"] = lambda: _aho_corasick(
            [(form, e.id) for e in kzrights.load().entities for form in (e.name, *e.aliases)]
        )
        peer = steps.pop("pyahocorasick + filter (the peer)")()
        steps["pyahocorasick + filter (the peer)"] = lambda: peer(text)  # type: ignore[operator]
    except ImportError:
        pass
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.process_time()
            step()
            best[name] = min(best[name], time.process_time() - start)
    print(
        f"\nWhere the time goes on the first text ({len(text):,} characters; best of {rounds}, CPU time):\n"
    )
    print("| step | time |")
    print("| --- | --- |")
    for name, took in best.items():
        print(f"| {name} | {took * 1e3:.1f} ms |")
    print(f"\n{len(found):,} forms found, {len(pending):,} of them needing evidence.")


def main() -> None:
    """Generate the corpus, run the comparison and print Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=10, help="size of the in-memory corpus")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; medians are shown")
    parser.add_argument(
        "--big", type=float, default=0, help="also time a corpus of this many MB, from a file"
    )
    parser.add_argument(
        "--where", action="store_true", help="also show where annotate's time goes on the first text"
    )
    args = parser.parse_args()
    tools = _tools()
    corpus = list(chunks(documents(args.megabytes)))
    chars = sum(map(len, corpus))
    russian = sum(len(re.findall("[а-яё]", text)) for text in corpus)
    print(
        f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} at the start; "
        f"corpus: {chars:,} characters in {len(corpus)} texts of about 1 MB "
        f"({russian / chars:.0%} Cyrillic letters); medians of {args.rounds} interleaved rounds, CPU time.\n"
    )
    print("At 1 MB (the first text):\n")
    first = len(corpus[0])
    one = _rounds(tools, corpus[:1], args.rounds * 3)
    _table(one, first)
    if args.where:
        _where(corpus[0], args.rounds * 3)
    print(f"\nAt {chars / 1e6:.0f} MB:\n")
    _table(_rounds(tools, corpus, args.rounds), chars)
    del corpus
    if args.big:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "corpus.txt"
            with path.open("w", encoding="utf-8") as out:
                for text in chunks(documents(args.big)):
                    out.write(text.replace("\x00", "") + "\x00")
            big_chars = 0
            for text in _read(path):
                big_chars += len(text)

            def texts() -> Iterator[str]:
                return _read(path)

            print(f"\nAt {big_chars / 1e6:.0f} MB (read from a file, 1 MB at a time; reading not timed):\n")
            big = _rounds(tools, texts, max(1, args.rounds // 2))
            _table(big, big_chars)
            print("\nCost per MB at this size against the cost at 1 MB:\n")
            print("| tool | at 1 MB | at this size | ratio |")
            print("| --- | --- | --- | --- |")
            for name in tools:
                small = one[name][0] / (first / 1e6)
                large = big[name][0] / (big_chars / 1e6)
                print(f"| {name} | {small * 1e3:.1f} ms | {large * 1e3:.1f} ms | {large / small:.2f}x |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")


def _read(path: Path) -> Iterator[str]:
    """The texts of a corpus file, one at a time (they are separated by NUL characters)."""
    with path.open(encoding="utf-8", newline="") as source:
        rest = ""
        while block := source.read(CHUNK):
            rest += block
            *whole, rest = rest.split("\x00")
            yield from whole
        if rest:
            yield rest


if __name__ == "__main__":
    main()
