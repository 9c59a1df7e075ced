"""Records moved, reordered or overlapped with every hash and reference agreeing: refused (issue 11, round 2).

A tester tampered copies of release 1.3.1 as a user of the data could
(hashes recomputed, every id renamed so nothing dangles) and found these
loaded and verified.  Each example is his edit, and load() and verify()
must both raise DataIntegrityError naming the JSON path at fault.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzrights import DataIntegrityError

from .conftest import DATA
from .test_integrity_relations import _DOCUMENT, _FILE, VERSION, _refused, _renamed, _store_with


def _record(document: dict, part: str, record_id: str) -> dict:
    return next(record for record in document[part] if record["id"] == record_id)


def _renamed_through(document: dict, names: dict) -> None:
    """Rename ids in one go by way of temporary names, so that a chain of renames does not collide."""
    temporary = {old: f"TMP{number}" for number, old in enumerate(names)}
    staged = _renamed(document, temporary)
    final = _renamed(staged, {temporary[old]: new for old, new in names.items()})
    document.clear()
    document.update(final)


def _recommendation_under_another_lead_in(document: dict) -> None:
    """F1: government.13 re-parented under the international lead-in, as international.1."""
    moved = _record(document, "recommendations", "recommendations.government.13")
    for recommendation in document["recommendations"]:
        if recommendation["addressee"] == "international":
            recommendation["number"] += 1
    moved.update(lead_in_id="recommendations.p2", addressee="international", number=1)
    _renamed_through(
        document,
        {
            "recommendations.international.2": "recommendations.international.3",
            "recommendations.international.1": "recommendations.international.2",
            "recommendations.government.13": "recommendations.international.1",
        },
    )


def _item_under_the_next_paragraph(document: dict) -> None:
    """F2: conclusions.p8.i9 re-parented to conclusions.p9, which comes after it."""
    _record(document, "items", "conclusions.p8.i9").update(paragraph_id="conclusions.p9", number=1)
    _record(document, "paragraphs", "conclusions.p8")["item_ids"].remove("conclusions.p8.i9")
    _record(document, "paragraphs", "conclusions.p9")["item_ids"] = ["conclusions.p8.i9"]
    _renamed_through(document, {"conclusions.p8.i9": "conclusions.p9.i1"})


def _paragraph_before_the_heading(document: dict) -> None:
    """F3: the last conclusions paragraph moved into the recommendations section, before its heading."""
    sections = {section["id"]: section for section in document["sections"]}
    last = _record(document, "paragraphs", "conclusions.p28")
    sections["conclusions"]["record_ids"].remove("conclusions.p28")
    sections["conclusions"]["span"][1] = _record(document, "paragraphs", "conclusions.p27")["span"][1]
    sections["recommendations"]["record_ids"].insert(0, "conclusions.p28")
    sections["recommendations"]["span"][0] = last["span"][0]
    for paragraph in document["paragraphs"]:
        if paragraph["section_id"] == "recommendations":
            paragraph["number"] += 1
    last.update(section_id="recommendations", number=1)
    _renamed_through(
        document,
        {
            "recommendations.p2": "recommendations.p3",
            "recommendations.p1": "recommendations.p2",
            "conclusions.p28": "recommendations.p1",
        },
    )


def _mention_moved_in_its_record(document: dict) -> None:
    """F6: a mention's start/end moved to the next 'Kazakhstan' of its record, its source_span kept."""
    mention = document["mentions"][3]
    text = _record(document, "paragraphs", mention["record_id"])["text"]
    start = text.find(mention["text"], mention["end"])
    assert start > 0
    mention["start"], mention["end"] = start, start + len(mention["text"])


def _footnotes_traded_places(document: dict) -> None:
    """F7: footnotes.2 and footnotes.3 trade places in the list."""
    footnotes = document["footnotes"]
    footnotes[1], footnotes[2] = footnotes[2], footnotes[1]


def _paragraph_over_the_next(document: dict) -> None:
    """F8: conclusions.p1's span and text extended over conclusions.p2."""
    source = (_FILE_SOURCE).read_text(encoding="utf-8")
    first, second = document["paragraphs"][0], document["paragraphs"][1]
    first["span"] = [first["span"][0], second["span"][1]]
    first["text"] = source[first["span"][0] : first["span"][1]]


def _items_reversed(document: dict) -> None:
    """F11b: conclusions.p8's item_ids in reverse."""
    _record(document, "paragraphs", "conclusions.p8")["item_ids"].reverse()


def _paragraphs_reversed(document: dict) -> None:
    """F11a: the list of paragraphs in reverse."""
    document["paragraphs"].reverse()


_FILE_SOURCE = DATA / f"releases/{VERSION}/source.txt"

EXAMPLES = [
    (
        _recommendation_under_another_lead_in,
        r"\$\.recommendations\[12\]\.span: \[24518, 24704\] is not between recommendations\.p2",
    ),
    (_item_under_the_next_paragraph, r"\$\.items\[8\]\.span: \[4919, 5016\] is not between conclusions\.p9"),
    (_paragraph_before_the_heading, r"\$\.sections\[1\]\.span: .* does not start after its heading_span"),
    (_mention_moved_in_its_record, r"\$\.mentions\[3\]\.start: 385 is not where its source_span"),
    (_footnotes_traded_places, r"\$\.footnotes\[2\]\.span: .* comes before footnotes\.3"),
    (_paragraph_over_the_next, r"\$\.paragraphs\[1\]\.span: .* overlaps or comes before conclusions\.p1"),
    (_items_reversed, r"\$\.paragraphs\[7\]\.item_ids: are not in the order of the text"),
    (_paragraphs_reversed, r"\$\.paragraphs\[1\]\.span: .* comes before recommendations\.p2"),
]


@pytest.mark.parametrize(
    ("edit", "message"), EXAMPLES, ids=lambda value: getattr(value, "__name__", "message")
)
def test_the_testers_tampered_releases_are_refused(edit, message: str) -> None:
    """Each of the tester's edits (all loaded and verified before) is a DataIntegrityError from both."""
    document = copy.deepcopy(_DOCUMENT)
    edit(document)
    _refused(document, message)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(part=st.sampled_from(["paragraphs", "items", "recommendations", "footnotes"]), data=st.data())
def test_any_two_text_records_trading_places_in_their_list_are_refused(part: str, data) -> None:
    """Two records of a text list swapped in place (ids, numbers and references untouched): refused.

    Every record is still itself, so only the order of the list is wrong:
    what the exports, the markdown and the SQLite keys take as text order.
    """
    size = len(_DOCUMENT[part])
    first = data.draw(st.integers(0, size - 1), label="first")
    second = data.draw(st.integers(0, size - 1).filter(lambda n: n != first), label="second")
    document = copy.deepcopy(_DOCUMENT)
    records = document[part]
    records[first], records[second] = records[second], records[first]
    store = _store_with(document)
    with pytest.raises(DataIntegrityError, match=rf"\$\.{part}\[\d+\]") as info:
        store.load(VERSION)
    assert info.value.file == _FILE
    with pytest.raises(DataIntegrityError):
        store.verify(VERSION)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_any_mention_moved_off_its_source_span_is_refused(data) -> None:
    """A mention's start/end moved to any other occurrence of its text in its record: refused, naming it."""
    candidates = []
    texts = {
        record["id"]: record["text"]
        for part in ("paragraphs", "items", "recommendations", "footnotes")
        for record in _DOCUMENT[part]
    }
    for position, mention in enumerate(_DOCUMENT["mentions"]):
        text = texts[mention["record_id"]]
        others = [
            n for n in range(len(text)) if text.startswith(mention["text"], n) and n != mention["start"]
        ]
        candidates += [(position, other) for other in others]
    position, start = data.draw(st.sampled_from(candidates), label="mention and start")
    document = copy.deepcopy(_DOCUMENT)
    mention = document["mentions"][position]
    mention["start"], mention["end"] = start, start + len(mention["text"])
    _refused(document, rf"\$\.mentions\[{position}\]\.start: {start} is not where its source_span")


def _link_given_twice(links: str):
    def edit(document: dict) -> None:
        """F5: a recommendation's first link of one kind given twice."""
        recommendation = next(r for r in document["recommendations"] if r[links])
        recommendation[links].append(copy.deepcopy(recommendation[links][0]))

    edit.__name__ = f"_{links}_given_twice"
    return edit


@pytest.mark.parametrize("links", ["theme_links", "evidence_links", "sdg_links"])
def test_a_link_given_twice_is_refused(links: str) -> None:
    """F5: the same theme, paragraph or SDG target linked twice (the SQLite export's key) is refused."""
    document = copy.deepcopy(_DOCUMENT)
    _link_given_twice(links)(document)
    position = next(n for n, r in enumerate(document["recommendations"]) if r[links])
    number = len(document["recommendations"][position][links]) - 1
    _refused(
        document, rf"\$\.recommendations\[{position}\]\.{links}\[{number}\]\.target_id: links to \S+ again"
    )


@pytest.mark.parametrize("goal", [18, 500])
def test_an_sdg_goal_the_un_does_not_have_is_refused(goal: int) -> None:
    """F9: a goal 18 (or 500) with a target of its own, every id and both ends agreeing, is refused."""
    document = copy.deepcopy(_DOCUMENT)
    document["sdg_goals"].append(
        {
            "id": f"sdg.{goal}",
            "number": goal,
            "title": "Fake",
            "short": "Fake",
            "target_ids": [f"sdg.{goal}.1"],
        }
    )
    document["sdg_targets"].append(
        {"id": f"sdg.{goal}.1", "code": f"{goal}.1", "goal_id": f"sdg.{goal}", "text": "Fake"}
    )
    position = len(document["sdg_goals"]) - 1
    _refused(
        document, rf"\$\.sdg_(goals\[{position}\]\.number|targets\[\d+\]\.code): .*(17|SDG target's code)"
    )


def test_an_empty_mention_is_refused() -> None:
    """A mention of no characters (start == end, its text and source_span empty) is refused.

    It loaded and verified, then broke the SQLite export (a fresh tester,
    session 10: NOT NULL constraint failed: record_entities.source_start).
    """
    document = copy.deepcopy(_DOCUMENT)
    mention = document["mentions"][0]
    mention["end"] = mention["start"]
    mention["text"] = ""
    mention["source_span"][1] = mention["source_span"][0]
    _refused(document, r"\$\.mentions\[0\]: \[\d+, \d+\] is empty: no characters of conclusions\.p1")
