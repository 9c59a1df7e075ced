"""A span a little too wide over padding, hashes recomputed: load() and verify() refuse it (session 17).

The session 17 tester widened spans of a copy of release 1.3.1 by one
character where that character was a space, recomputed the hashes, and
found the copy loaded and verified: the checks folded padding away at both
ends before comparing, so ``report.source_of(figure)`` gave
``'less than one million pounds '`` for a figure whose text has no space.
Every span that reads a record's text (a text record's, a mention's, a
figure's, an explicit link's, a section's heading, the metadata's) is
tampered with here on a real file system, as a user's copy of the data is.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kzrights import DataIntegrityError, _integrity
from kzrights._provenance import MONTH_NAMES, PAD
from kzrights.releases import ReleaseStore
from kzrights_build.release import dump_json

from .conftest import DATA
from .tampering import rehash, release_folder, verify_a_damaged_copy

VERSION = "1.3.1"
_DOCUMENT = json.loads((release_folder(DATA, VERSION) / "report.json").read_bytes())
_SOURCE = (release_folder(DATA, VERSION) / "source.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's data folder on disk, which each edit puts back as it was."""
    target = tmp_path_factory.mktemp("spans") / "data"
    shutil.copytree(DATA, target)
    return target


def _outcomes(data: Path, document: Any) -> list[DataIntegrityError | None]:
    """Write ``document`` as release 1.3.1's report.json (hashes agreeing), then load() and verify() it."""
    release = release_folder(data, VERSION)
    kept = {name: (release / name).read_bytes() for name in ("report.json", "manifest.json")}
    index = (data / "releases.json").read_bytes()
    try:
        (release / "report.json").write_bytes(dump_json(document))
        rehash(data, "report.json", VERSION)
        outcomes: list[DataIntegrityError | None] = []
        for check in (ReleaseStore.load, ReleaseStore.verify):
            try:
                check(ReleaseStore(data), VERSION)
            except DataIntegrityError as error:
                outcomes.append(error)
            else:
                outcomes.append(None)
        return outcomes
    finally:
        for name, content in kept.items():
            (release / name).write_bytes(content)
        (data / "releases.json").write_bytes(index)


def _refused(data: Path, document: Any, message: str) -> None:
    """load() and verify() both raise DataIntegrityError matching ``message``, naming report.json."""
    for error in _outcomes(data, document):
        assert error is not None, f"taken: {message}"
        assert error.file == f"releases/{VERSION}/report.json"
        assert re.search(message, error.reason), error.reason


def _edited(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(_DOCUMENT))
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _json_path(path: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)


def test_the_copy_loads_and_verifies(folder: Path) -> None:
    """The copy, written back unchanged: the edits below are the only fault."""
    assert _outcomes(folder, _DOCUMENT) == [None, None]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("figures", 15, "span"), r"^\$\.figures\[15\]\.span: \[21178, 21207\] starts or ends with padding"),
        (("mentions", 46, "source_span"), r"^\$\.mentions\[46\]\.source_span: \[9754, 9764\] starts or ends"),
    ],
)
def test_the_testers_spans_one_space_too_long(folder: Path, path: tuple[Any, ...], message: str) -> None:
    """The tester's two edits: the span's end moved over the space after its text."""
    start, end = _at(_DOCUMENT, path)
    assert _SOURCE[end] == " "
    _refused(folder, _edited(path, [start, end + 1]), message)


def _spans() -> list[tuple[tuple[Any, ...], str]]:
    """Every span of release 1.3.1 that reads a text, with the field that holds the text."""
    spans: list[tuple[tuple[Any, ...], str]] = []
    for part in ("paragraphs", "items", "recommendations", "footnotes", "figures"):
        spans += [((part, n, "span"), "text") for n in range(len(_DOCUMENT[part]))]
    spans += [(("mentions", n, "source_span"), "text") for n in range(len(_DOCUMENT["mentions"]))]
    for n, recommendation in enumerate(_DOCUMENT["recommendations"]):
        for links in ("theme_links", "evidence_links", "sdg_links"):
            for k, link in enumerate(recommendation[links]):
                if link["basis"] == "explicit":
                    spans.append((("recommendations", n, links, k, "span"), "quote"))
    spans += [
        (("sections", n, "heading_span"), "title")
        for n, section in enumerate(_DOCUMENT["sections"])
        if section["heading_span"] is not None
    ]
    spans += [(("metadata", f"{name}_span"), name) for name in ("title", "authors", "published", "publisher")]
    return spans


def _widenings() -> list[tuple[tuple[Any, ...], str, int]]:
    """Each span, side (0: start, 1: end) and how far its padding reaches there, where there is any."""
    found = []
    for path, _ in _spans():
        start, end = _at(_DOCUMENT, path)
        before = len(_SOURCE[:start]) - len(_SOURCE[:start].rstrip(PAD))
        after = len(_SOURCE[end:]) - len(_SOURCE[end:].lstrip(PAD))
        found += [(path, side, reach) for side, reach in ((0, before), (1, after)) if reach]
    return found


_WIDENINGS = _widenings()


def test_every_kind_of_span_is_next_to_padding_somewhere() -> None:
    """The property below reaches every kind of span that reads a text (so none is left untried).

    But a section's heading, the metadata's title and its date: each is a line of
    its own in release 1.3.1, with line breaks either side, which no check folds;
    their check is the figures' and the mentions' own.
    """
    kinds = {
        path[0] if path[0] != "recommendations" or len(path) == 3 else path[2] for path, _, _ in _WIDENINGS
    }
    assert kinds >= {
        "paragraphs", "items", "recommendations", "footnotes", "figures", "mentions",
        "theme_links", "evidence_links", "sdg_links", "metadata",
    }  # fmt: skip
    assert {path[1] for path, _, _ in _WIDENINGS if path[0] == "metadata"} == {
        "authors_span",
        "publisher_span",
    }


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
@example(data=None)  # the tester's figure, to its first space only
def test_any_span_widened_over_padding_is_refused(folder: Path, data: Any) -> None:
    """Any span that reads a text, widened at either end over one or more of the padding beside it: refused.

    The error names the span's record (or the metadata): the span itself,
    or, where the wider span leaves its record or section first, that.
    """
    if data is None:
        path, side, reach, by = ("figures", 15, "span"), 1, 1, 1
    else:
        path, side, reach = data.draw(st.sampled_from(_WIDENINGS), label="span, side, padding")
        by = data.draw(st.integers(1, reach), label="characters")
    start, end = _at(_DOCUMENT, path)
    widened = [start - by, end] if side == 0 else [start, end + by]
    _refused(folder, _edited(path, widened), _naming(path))


def _naming(path: tuple[Any, ...]) -> str:
    """What an error about the span at ``path`` matches: the path of its record, or its record's id.

    The record's id where a wider span leaves its section (or a mention's,
    its record), which is checked first.
    """
    record = _at(_DOCUMENT, path[:2]) if path[0] != "metadata" else {}
    named = [re.escape(_json_path(path[: 2 if path[0] != "recommendations" or len(path) == 3 else 4]))]
    if "id" in record:
        named.append(re.escape(repr(record["id"])) + r" is not inside")
    return "|".join(named)


_TEXT_WIDENINGS = [
    (path, side, reach)
    for path, side, reach in _WIDENINGS
    if path[0] in ("paragraphs", "items", "recommendations", "footnotes")
    and _SOURCE[slice(*_at(_DOCUMENT, path))] == _at(_DOCUMENT, path[:2])["text"]
]


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_a_text_record_that_takes_in_the_padding_too_is_refused(folder: Path, data: Any) -> None:
    """A text record's span and text both widened over padding: refused, as the build trims both."""
    path, side, reach = data.draw(st.sampled_from(_TEXT_WIDENINGS), label="span, side, padding")
    by = data.draw(st.integers(1, reach), label="characters")
    start, end = _at(_DOCUMENT, path)
    widened = [start - by, end] if side == 0 else [start, end + by]
    document = _edited(path, widened)
    _at(document, path[:2])["text"] = _SOURCE[widened[0] : widened[1]]
    _refused(folder, document, _naming(path))


_EDITORIAL = [
    ("recommendations", n, links, k)
    for n, recommendation in enumerate(_DOCUMENT["recommendations"])
    for links in ("theme_links", "evidence_links", "sdg_links")
    for k, link in enumerate(recommendation[links])
    if link["basis"] == "editorial"
]


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_an_editorial_link_that_quotes_words_is_refused(folder: Path, data: Any) -> None:
    """An editorial link given a record, a span or a quote (which nothing checked) is refused, naming it.

    The annotations export gives such a span as the words the link
    describes; the build gives an editorial link its rationale alone.
    """
    path = data.draw(st.sampled_from(_EDITORIAL), label="editorial link")
    record = data.draw(st.sampled_from(_DOCUMENT["paragraphs"]), label="record")
    start, end = record["span"]
    words = {
        "record_id": record["id"],
        "span": [start, min(end, start + 12)],
        "quote": _SOURCE[start : start + 12],
    }
    given = data.draw(st.sets(st.sampled_from(sorted(words)), min_size=1), label="fields")
    document = json.loads(json.dumps(_DOCUMENT))
    _at(document, path).update({name: words[name] for name in given})
    message = "an editorial link quotes nothing: it gives no record_id, span or quote"
    _refused(folder, document, rf"^{re.escape(_json_path(path))}: {message}$")


@pytest.mark.parametrize("published", ["2021-07-23", "2020-07-22", "2021-06-22"])
def test_a_published_date_that_is_not_the_date_line_is_refused(folder: Path, published: str) -> None:
    """The metadata's date is the date line under published_span ("July 22, 2021"), as the build reads it."""
    message = rf"^\$\.metadata\.published: {published} is not the date under published_span \[\d+, \d+\]"
    _refused(folder, _edited(("metadata", "published"), published), message)


def test_the_checks_know_the_months_the_build_reads() -> None:
    """The checks' own month names (not imported from _provenance, for load()'s cost) are the build's."""
    assert _integrity._MONTH_NAMES == MONTH_NAMES


def test_verify_on_the_command_line_names_the_span(tmp_path: Path) -> None:
    """``kzrights verify`` over a package whose figure's span is a space too long: one line, exit 1."""
    start, end = _DOCUMENT["figures"][15]["span"]

    def damage(data: Path) -> None:
        (release_folder(data, VERSION) / "report.json").write_bytes(
            dump_json(_edited(("figures", 15, "span"), [start, end + 1]))
        )
        rehash(data, "report.json", VERSION)

    done = verify_a_damaged_copy(tmp_path / "site", damage, VERSION)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr == (
        f"kzrights: error: data release {VERSION}: releases/{VERSION}/report.json: "
        f"$.figures[15].span: [{start}, {end + 1}] starts or ends with padding, which its text leaves out\n"
    )


@pytest.mark.parametrize("kind", ["paragraphs", "items", "recommendations", "footnotes"])
def test_a_text_record_that_takes_in_a_line_break_is_refused(folder: Path, kind: str) -> None:
    """A record's span and text both widened over the line break after it (tester 3, session 17): refused.

    Padding was spaces, tabs and no-break spaces only, so a span ending in
    a line break, with the text to match, loaded and verified; the build cuts
    records from lines, so none ends in any white space.
    """
    number = next(
        n
        for n, record in enumerate(_DOCUMENT[kind])
        if _SOURCE[record["span"][1] : record["span"][1] + 1] == "\n"
    )
    start, end = _DOCUMENT[kind][number]["span"]
    document = _edited((kind, number, "span"), [start, end + 1])
    document[kind][number]["text"] = _SOURCE[start : end + 1]
    named = re.escape(f"$.{kind}[{number}].span: [{start}, {end + 1}]")
    _refused(folder, document, named + " starts or ends")


@pytest.mark.parametrize(
    "char",
    ["\u2003", "\u200b", "\ufeff", "\u180e", "\u2060", "\u00ad", "\u200e", "\u034f", "\ufe0f", "\u3164"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_a_span_that_takes_in_a_character_that_does_not_show_is_refused(tmp_path: Path, char: str) -> None:
    """The source's line break after a paragraph made one such character, span and text widened over it.

    With the source's hash made to agree too, a zero-width space, a BOM, a
    soft hyphen, a direction mark, a selector or a filler at a span's edge
    loaded and verified (tester 4, session 17): only white space was refused.
    """
    import hashlib

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    release = release_folder(data, VERSION)
    source = (release / "source.txt").read_text(encoding="utf-8")
    document = json.loads(json.dumps(_DOCUMENT))
    paragraph = document["paragraphs"][12]
    start, end = paragraph["span"]
    assert source[end] == "\n"
    source = source[:end] + char + source[end + 1 :]
    paragraph["span"], paragraph["text"] = [start, end + 1], paragraph["text"] + char
    document["metadata"]["source_sha256"] = hashlib.sha256(source.encode("utf-8")).hexdigest()
    (release / "report.json").write_bytes(dump_json(document))
    (release / "source.txt").write_bytes(source.encode("utf-8"))
    rehash(data, "source.txt", VERSION)
    rehash(data, "report.json", VERSION)
    for check in (ReleaseStore(data).load, ReleaseStore(data).verify):
        with pytest.raises(
            DataIntegrityError, match=re.escape(f"$.paragraphs[12].span: [{start}, {end + 1}]")
        ):
            check(VERSION)
