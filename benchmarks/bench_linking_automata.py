r"""Would a compiled automaton (ahocorasick-rs) make the matcher's scan fast enough? (issue 14, session 10).

Usage (from the repository root, with the benchmark extra installed)::

    python -m pip install -e '.[bench]'
    python benchmarks/bench_linking_automata.py [--rounds 15]

On the first text (about 1 MB) of ``bench_linking_throughput.py``'s mixed
English and Russian news, each step below is timed in every round, the
steps interleaved, and the best CPU time of the rounds is shown:

- (a) today's ``Matcher.scan`` (every form found, before the linking
  rules), and its parts: the trie regex scan over the lowercase, the
  lowercase copy, the check for invisible word characters, the NFC check;
- (b) ahocorasick-rs over the lowercase with the keys of session 7's
  engine (every name's first word, each apostrophe and dash spelled every
  way, a name of several words followed by each character ``\s`` takes),
  each start after a character that may precede a name decided by the
  matcher's own trie regex anchored there, then today's loop over the
  names: the same mentions as ``Matcher.scan`` (the script checks);
- (c) ahocorasick-rs over the lowercase with the whole names,
  leftmost-longest, a word-boundary filter and a mention per name kept: a
  lower bound, since it leaves out what the matcher must also do (runs of
  spaces inside a name, the names a leftmost-longest hit inside a word
  hides, combining marks, invisible characters);
- (d) the peer, pyahocorasick with a Python word-boundary filter, as in
  ``bench_linking_throughput.py``.

Issue 14's target (at least 1.2x pyahocorasick + filter for all of
``annotate``) needs the scan at about 15 ms per MB where the peer takes
38 ms; the last line says whether (b) or (c) comes within that share of the
peer's time in this run, whatever the machine's load.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_linking_throughput as corpus
import kzrights
from kzrights import _chars, _matcher
from kzrights.linker import Linker
from kzrights.records import Mention

# the scan's share of the peer's time that issue 14's target leaves it (docs/benchmarks.md, session 6)
BAR = 15 / 38
# every character the regex engine's \s takes (none is above U+3000)
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _spellings(word: str) -> Iterator[str]:
    """Every spelling of a folded word: each apostrophe any of `APOSTROPHES`, each dash any of `DASHES`."""
    choices = [_chars.APOSTROPHES if c == "'" else _chars.DASHES if c == "-" else c for c in word]
    return map("".join, itertools.product(*choices))


def _first_word_keys(words: Iterable[str]) -> list[str]:
    """Session 7's keys: each name's first word in every spelling, with any space after it."""
    keys: set[str] = set()
    for word in words:
        first, space, _ = word.partition(" ")
        for spelled in _spellings(first):
            if space:
                keys.update(spelled + blank for blank in _SPACES)
            else:
                keys.add(spelled)
    return sorted(keys)


class _Scans:
    """The automaton scans (b) and (c), over one matcher's names."""

    def __init__(self, matcher: _matcher.Matcher) -> None:
        import ahocorasick_rs

        self.matcher = matcher
        words = set(matcher._folded) | {_chars.same_length_lower(form) for form in matcher._exact}
        dfa = ahocorasick_rs.Implementation.DFA
        self.first_keys = _first_word_keys(words)
        self.first_words = ahocorasick_rs.AhoCorasick(self.first_keys, implementation=dfa)
        self.names = sorted({spelled for word in words for spelled in _spellings(word)})
        self.whole_names = ahocorasick_rs.AhoCorasick(
            self.names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=dfa
        )
        self.name_utf8 = ahocorasick_rs.BytesAhoCorasick(
            [name.encode() for name in self.names],
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=dfa,
        )
        exact, folded = matcher._exact, matcher._folded
        self.senses = [folded.get(name) or exact.get(name) for name in self.names]
        # a key no text holds: a search with it costs what the wrapper adds to any search of a str
        self.nothing = ahocorasick_rs.AhoCorasick(["\x00\x01\x02"])
        self._before: dict[str, bool] = {}

    def may_precede(self, char: str) -> bool:
        """Whether a name may start after ``char``: the class before the trie regex, in Python."""
        known = self._before.get(char)
        if known is None:
            known = self._before[char] = char >= "\U00010000" or not _chars.is_word_char(char)
        return known

    @staticmethod
    def prepared(text: str) -> tuple[str, str]:
        """The text in NFC and its lowercase, after the checks `Matcher.scan` makes first."""
        if text.isascii():
            return text, text.lower()
        if _chars.has_invisible_word_char(text):
            raise SystemExit("the corpus has an invisible word character: this benchmark does not handle it")
        normal = _chars.nfc(text)[0]
        return normal, _chars.same_length_lower(normal)

    def starts(self, low: str) -> list[int]:
        """(b)'s candidate starts: every first word the automaton finds after a character before a name."""
        starts = set()
        may_precede = self.may_precede
        for _, start, _ in self.first_words.find_matches_as_indexes(low, overlapping=True):
            if start == 0 or may_precede(low[start - 1]):
                starts.add(start)
        return sorted(starts)

    def first_word_scan(self, text: str) -> list[Mention]:
        """(b): the automaton's starts, each decided by the trie regex anchored there, then today's loop."""
        normal, low = self.prepared(text)
        matcher = self.matcher
        head = matcher._head.match
        exact_get, folded_get = matcher._exact.get, matcher._folded.get
        new = tuple.__new__
        is_mark = _chars.is_mark
        found: list[Mention] = []
        pending: _matcher.Pending = []
        reach = 0  # the next name starts after a character after the last one
        for at in self.starts(low):
            if at < reach:
                continue
            match = head(low, at)
            if match is None:
                continue
            reach = match.end() + 1
            key = match.group(1)
            start, end = match.span(1)
            surface = normal[start:end]
            sense = folded_get(key) or exact_get(surface)
            if sense is not None:
                if low[end : end + 1] > "\u02ff" and is_mark(low[end]):
                    raise SystemExit("a name runs into a combining mark: this benchmark does not handle it")
                entity_id, form, candidates = sense
                if candidates is not None:
                    pending.append((len(found), candidates))
                found.append(new(Mention, (entity_id, surface, start, end, None, None, form, None)))
            elif not matcher._keep(match, normal, low, found, pending):
                raise SystemExit("a name runs into a combining mark: this benchmark does not handle it")
        return found

    def whole_name_scan(self, text: str) -> int:
        """(c): leftmost-longest whole names, the word-boundary filter, a mention per name kept."""
        normal, low = self.prepared(text)
        exact_get, senses = self.matcher._exact.get, self.senses
        may_precede = self.may_precede
        new = tuple.__new__
        found = []
        last = len(low) - 1
        for index, start, end in self.whole_names.find_matches_as_indexes(low):
            if start and not may_precede(low[start - 1]):
                continue
            if end <= last and low[end].isalnum():
                continue
            surface = normal[start:end]
            sense = exact_get(surface) or senses[index]
            if sense is not None:
                found.append(new(Mention, (sense[0], surface, start, end, None, None, sense[1], None)))
        return len(found)


def main() -> None:
    """Time the steps, interleaved, and print a Markdown table and the verdict."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds; the best is shown")
    args = parser.parse_args()
    try:
        import ahocorasick_rs  # noqa: F401
    except ImportError:
        sys.exit("ahocorasick-rs is not installed: python -m pip install -e '.[bench]'")
    text = next(corpus.chunks(corpus.documents(1)))
    engine = Linker.from_release()._engine
    matcher = engine._matcher
    scans = _Scans(matcher)
    low = _chars.same_length_lower(text)
    utf8 = low.encode()
    report = kzrights.load()
    peer = corpus._aho_corasick([(form, e.id) for e in report.entities for form in (e.name, *e.aliases)])

    today = [tuple(m) for m in matcher.scan(text)[0]]
    by_first_words = [tuple(m) for m in scans.first_word_scan(text)]
    if by_first_words != today:
        sys.exit("(b) does not find Matcher.scan's mentions: the comparison would be unfair")

    steps: dict[str, Callable[[], object]] = {
        "(a) `Matcher.scan` (every form, before the rules)": lambda: matcher.scan(text),
        "(a) the trie regex scan alone, over the lowercase": lambda: sum(
            1 for _ in matcher._anywhere.finditer(low)
        ),
        "the lowercase copy": lambda: _chars.same_length_lower(text),
        "the check for invisible word characters": lambda: _chars.has_invisible_word_char(text),
        "the NFC check": lambda: _chars.nfc(text),
        "(b) the automaton alone, first words, overlapping (a new str: its UTF-8 made again)": lambda: (
            scans.first_words.find_matches_as_indexes(low + " ", overlapping=True)
        ),
        "(b) whole scan: automaton, starts, anchored regex, mentions": lambda: scans.first_word_scan(text),
        "(c) the automaton alone, whole names, leftmost-longest (a new str)": lambda: (
            scans.whole_names.find_matches_as_indexes(low + " ")
        ),
        "(c) the same automaton over UTF-8 bytes made beforehand (its walk alone)": lambda: (
            scans.name_utf8.find_matches_as_indexes(utf8)
        ),
        "the wrapper's own cost for a new str (its UTF-8, an offset per byte; a key never found)": lambda: (
            scans.nothing.find_matches_as_indexes(low + " ")
        ),
        "(c) whole scan, a lower bound: automaton, filter, mentions": lambda: scans.whole_name_scan(text),
        "(d) pyahocorasick + filter (the peer)": lambda: peer(text),
    }
    load = os.getloadavg()[0]
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(args.rounds):
        for name, step in steps.items():
            start = time.process_time()
            step()
            best[name] = min(best[name], time.process_time() - start)
    print(
        f"Python {sys.version.split()[0]}; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end; the first text: {len(text):,} characters; "
        f"best of {args.rounds} interleaved rounds, CPU time.\n"
    )
    print(
        f"Keys: (b) {len(scans.first_keys):,} first words, (c) {len(scans.names):,} whole names. "
        f"Mentions: Matcher.scan {len(today):,}, (b) the same {len(by_first_words):,}, "
        f"(c) {scans.whole_name_scan(text):,}, the peer {peer(text):,}.\n"
    )
    print("| step | time |")
    print("| --- | --- |")
    for name, took in best.items():
        print(f"| {name} | {took * 1e3:.1f} ms |")
    peer_took = best["(d) pyahocorasick + filter (the peer)"]
    bar = BAR * peer_took
    print(
        f"\nThe bar in this run: {bar * 1e3:.1f} ms ({BAR:.2f} of the peer's {peer_took * 1e3:.1f} ms, "
        "as 15 ms is of 38)."
    )
    for name in (
        "(b) whole scan: automaton, starts, anchored regex, mentions",
        "(c) whole scan, a lower bound: automaton, filter, mentions",
    ):
        took = best[name]
        verdict = "within" if took <= bar else "above"
        print(f"- {name[:3]} {took * 1e3:.1f} ms, {took / peer_took:.2f}x the peer's time: {verdict} the bar")


if __name__ == "__main__":
    main()
