"""Precision and recall of kzrights.annotate on a labelled set of news-style texts.

Usage (from the repository root)::

    python benchmarks/eval_linking.py [--labels tests/linking/news.jsonl] [--version 1.1.0] [--json]

The labelled set (``tests/linking/news.jsonl``, one JSON object a line) was
written for the purpose: short synthetic news texts in English, Russian and
Kazakh, each with

- ``mentions``: every place a reader would link to the registry, as
  ``{"start", "end", "text", "entity_id"}`` (offsets into ``text``; an
  inflected Russian or Kazakh form is one mention of the whole word);
- ``traps``: places where a name of the registry stands for something else
  ("the European Parliament", "Sergei Magnitsky"), as ``{"start", "end",
  "text", "not_entity_id", "kind"}``.

A mention found counts as correct when its span and its entity are both the
gold ones; anything else found is a false positive, and a gold mention not
found is a miss.  A trap is *linked* when a mention found overlaps it with the
entity it must not have.  The script prints Markdown tables (or, with
``--json``, one JSON object) of precision and recall per language and
overall, the traps linked, the misses and the false positives: the yardstick
for the linking rules to come.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import kzrights

DEFAULT_LABELS = Path(__file__).resolve().parent.parent / "tests" / "linking" / "news.jsonl"


def read_labels(path: Path) -> list[dict[str, Any]]:
    """The labelled texts of a JSONL file, in order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def evaluate(texts: Iterable[dict[str, Any]], version: str | None = None) -> dict[str, Any]:
    """Score annotate() on labelled texts: counts, precision and recall per language and overall."""
    tally: dict[str, dict[str, int]] = {}
    misses: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    traps_linked: list[dict[str, Any]] = []
    traps_total = 0
    for labelled in texts:
        found = kzrights.annotate(labelled["text"], version=version)
        got = {(m.start, m.end, m.entity_id) for m in found}
        gold = {(g["start"], g["end"], g["entity_id"]) for g in labelled["mentions"]}
        counts = tally.setdefault(labelled["language"], {"texts": 0, "gold": 0, "found": 0, "correct": 0})
        counts["texts"] += 1
        counts["gold"] += len(gold)
        counts["found"] += len(got)
        counts["correct"] += len(got & gold)
        text = labelled["text"]
        for start, end, entity_id in sorted(gold - got):
            misses.append({"id": labelled["id"], "text": text[start:end], "entity_id": entity_id})
        for start, end, entity_id in sorted(got - gold):
            wrong.append({"id": labelled["id"], "text": text[start:end], "entity_id": entity_id})
        for trap in labelled["traps"]:
            traps_total += 1
            if any(
                entity_id == trap["not_entity_id"] and start < trap["end"] and trap["start"] < end
                for start, end, entity_id in got
            ):
                traps_linked.append({"id": labelled["id"], **trap})
    every = {key: sum(c[key] for c in tally.values()) for key in ("texts", "gold", "found", "correct")}
    scores = {
        language: {
            **counts,
            "precision": _ratio(counts["correct"], counts["found"]),
            "recall": _ratio(counts["correct"], counts["gold"]),
        }
        for language, counts in [*sorted(tally.items()), ("all", every)]
    }
    return {
        "scores": scores,
        "traps": traps_total,
        "traps_linked": traps_linked,
        "misses": misses,
        "false_positives": wrong,
    }


def _markdown(result: dict[str, Any], labels: Sequence[dict[str, Any]], version: str) -> str:
    lines = [
        f"Release {version}; {len(labels)} labelled texts; {result['traps']} traps.\n",
        "| language | texts | gold mentions | found | correct | precision | recall |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for language, s in result["scores"].items():
        lines.append(
            f"| {language} | {s['texts']} | {s['gold']} | {s['found']} | {s['correct']} "
            f"| {s['precision']:.3f} | {s['recall']:.3f} |"
        )
    lines.append(f"\nTraps linked: {len(result['traps_linked'])} of {result['traps']}\n")
    lines += ["| text | trap | linked to | kind |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {t['id']} | {t['text']} | `{t['not_entity_id']}` | {t['kind']} |" for t in result["traps_linked"]
    ]
    lines += ["\nMissed mentions:\n", "| text | surface | entity |", "| --- | --- | --- |"]
    lines += [f"| {m['id']} | {m['text']} | `{m['entity_id']}` |" for m in result["misses"]]
    lines += ["\nFalse positives:\n", "| text | surface | linked to |", "| --- | --- | --- |"]
    lines += [f"| {m['id']} | {m['text']} | `{m['entity_id']}` |" for m in result["false_positives"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Evaluate and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="the labelled set (JSONL)")
    parser.add_argument("--version", default=None, help="the data release to link with (default: newest)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of Markdown")
    args = parser.parse_args(argv)
    labels = read_labels(args.labels)
    version = kzrights.load(args.version).version
    result = evaluate(labels, version)
    if args.json:
        json.dump({"version": version, **result}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(_markdown(result, labels, version))


if __name__ == "__main__":
    main()
