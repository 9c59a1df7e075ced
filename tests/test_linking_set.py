"""The labelled set of news texts for entity linking, and the script that scores annotate on it.

``tests/linking/news.jsonl`` is the yardstick of issue 14: synthetic news
texts in English, Russian and Kazakh with every gold mention and the traps
(names of the registry that stand for something else).  These tests check
the set itself, run ``benchmarks/eval_linking.py`` as its users do, and hold
annotate to the precision and recall it reaches today (the issue's targets,
precision 0.98 and recall 0.95 with no trap linked, are met by release
1.2.0: see docs/how-to/link-entities.md).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kzrights

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "linking" / "news.jsonl"
SCRIPT = ROOT / "benchmarks" / "eval_linking.py"
TRAP_KINDS = {"other-parliament", "other-constitution", "other-code-article", "common-word",
              "person-not-policy", "foreign-office"}  # fmt: skip


def _labels() -> list[dict]:
    with LABELS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _problems(texts: list[dict], entity_ids: set[str]) -> list[str]:
    """Everything wrong with a labelled set: spans outside their text, surfaces that differ, unknown ids."""
    problems = []
    seen = set()
    for labelled in texts:
        where = labelled.get("id")
        if set(labelled) != {"id", "language", "text", "mentions", "traps"}:
            problems.append(f"{where}: keys {sorted(labelled)}")
            continue
        if where in seen:
            problems.append(f"{where}: id used twice")
        seen.add(where)
        text = labelled["text"]
        spans = []
        for kind, key in (("mentions", "entity_id"), ("traps", "not_entity_id")):
            for span in labelled[kind]:
                start, end = span["start"], span["end"]
                if not 0 <= start < end <= len(text):
                    problems.append(f"{where}: {kind} span {start}-{end} outside the text")
                elif text[start:end] != span["text"]:
                    problems.append(f"{where}: {text[start:end]!r} at {start}-{end}, not {span['text']!r}")
                elif (start and text[start - 1].isalnum()) or text[end : end + 1].isalnum():
                    problems.append(f"{where}: {span['text']!r} is not a whole word")
                if span[key] not in entity_ids:
                    problems.append(f"{where}: unknown entity {span[key]!r}")
                spans.append((start, end))
        spans.sort()
        problems += [f"{where}: spans overlap at {b[0]}" for a, b in itertools.pairwise(spans) if b[0] < a[1]]
    return problems


def _evaluate(labels: Path, *version: str) -> dict:
    """Run the evaluation script as its users do, and read its JSON."""
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--labels",
            str(labels),
            "--json",
            *(("--version", *version) if version else ()),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


def test_the_set_is_whole():
    """Every gold span and trap lies inside its text, equals its surface form, and names a known entity."""
    ids = {entity.id for entity in kzrights.load().entities}
    assert _problems(_labels(), ids) == []


def test_the_set_has_what_the_issue_asks():
    """At least 40 texts, 12 in Russian, some in Kazakh, and traps of every kind the issue names."""
    texts = _labels()
    languages = [t["language"] for t in texts]
    assert len(texts) >= 40
    assert languages.count("ru") >= 12
    assert languages.count("kk") >= 3
    assert {trap["kind"] for t in texts for trap in t["traps"]} >= TRAP_KINDS
    russian_forms = {m["text"] for t in texts for m in t["mentions"]}
    assert {"Назарбаевым", "Бокаеву", "Аблязову", "Казахстану", "Ерланом Балтабаем"} <= russian_forms


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t["mentions"][0].update(start=t["mentions"][0]["start"] + 1), "not"),
        (lambda t: t["mentions"][0].update(entity_id="entities.nobody"), "unknown entity"),
        (lambda t: t["mentions"][0].update(end=len(t["text"]) + 5), "outside the text"),
        (
            lambda t: t["traps"].append(dict(t["mentions"][0], not_entity_id=t["mentions"][0]["entity_id"])),
            "overlap",
        ),
    ],
)
def test_the_check_catches_a_broken_set(change, problem):
    """The integrity check fails on a shifted span, an unknown id, a span past the end, overlapping spans."""
    texts = _labels()
    change(texts[0])
    ids = {entity.id for entity in kzrights.load().entities}
    assert any(problem in p for p in _problems(texts, ids))


def test_the_script_scores_what_it_is_given(tmp_path):
    """On a set made for the test, the script counts a hit, a miss, a false positive and a trap linked."""
    text = "The European Parliament asked Tokayev to meet Bokayev."
    labelled = {
        "id": "t-1",
        "language": "en",
        "text": text,
        "mentions": [
            {"start": 30, "end": 37, "text": "Tokayev", "entity_id": "entities.kassym-jomart-tokayev"},
            {"start": 46, "end": 53, "text": "Bokayev", "entity_id": "entities.adam-hug"},
        ],
        "traps": [
            {"start": 13, "end": 23, "text": "Parliament", "not_entity_id": "entities.parliament",
             "kind": "other-parliament"},
        ],
    }  # fmt: skip
    labels = tmp_path / "one.jsonl"
    labels.write_text(json.dumps(labelled) + "\n", encoding="utf-8")
    # release 1.1.0 links every form anywhere, "Parliament" of the European one too
    result = _evaluate(labels, "1.1.0")
    scores = result["scores"]["en"]
    # found: Parliament, Tokayev, Bokayev (as Max Bokayev); gold: Tokayev, Bokayev (as Adam Hug)
    assert (scores["found"], scores["gold"], scores["correct"]) == (3, 2, 1)
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert [t["text"] for t in result["traps_linked"]] == ["Parliament"]
    assert [m["text"] for m in result["misses"]] == ["Bokayev"]


# What annotate reaches on the set with the linking rules and the inflected forms of release
# 1.2.0: the issue's targets (precision 0.98, recall 0.95 overall, no trap linked) and the
# figures per language.  The English misses are generic names in texts that never point to
# Kazakhstan, which the rules leave unlinked on purpose.
FLOORS = {
    "en": {"precision": 1.0, "recall": 0.93},
    "ru": {"precision": 1.0, "recall": 1.0},
    "kk": {"precision": 1.0, "recall": 1.0},
    "all": {"precision": 0.98, "recall": 0.95},
}


def test_annotate_keeps_its_current_scores():
    """Per language and overall, precision and recall stay at their level, and no trap is linked."""
    result = _evaluate(LABELS)
    for language, floor in FLOORS.items():
        scores = result["scores"][language]
        assert scores["precision"] >= floor["precision"], (language, scores)
        assert scores["recall"] >= floor["recall"], (language, scores)
    assert result["traps_linked"] == []
