"""The command line at its edges (issues 14 and 16).

Annotate --json on input that breaks off, a release without an entity
registry, show and search --entity on any name, the words that continue a
name across a blank run, and a tracker row holding only an id.

Each is driven the way the user meets it: the real ``kzrights`` command in a
subprocess, or ``kzrights.cli.main`` in-process for the property tests, and
the library's public functions; each test asserts on what the user sees.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.cli import main


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kzrights", *args], capture_output=True, input=stdin, timeout=300
    )


def one_line(stderr: bytes | str) -> str:
    """The single line a failure prints, with no traceback."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


class _Trickle(io.RawIOBase):
    """A pipe that hands over at most ``size`` bytes per read, as ``tail -f | …`` does."""

    def __init__(self, data: bytes, size: int) -> None:
        self._data, self._size, self._at = data, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self._data[self._at : self._at + min(self._size, len(buffer))]
        buffer[: len(piece)] = piece
        self._at += len(piece)
        return len(piece)


def in_process(argv: list[str], stdin: bytes, chunk: int = 1 << 20) -> tuple[int, str, str]:
    """``main(argv)`` with stdin arriving ``chunk`` bytes at a time; the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BufferedReader(_Trickle(stdin, chunk), chunk), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


# ── 1. annotate --json: stdout stays JSON when the input breaks off ───────────


GOOD = b"President Tokayev met NUR OTAN in Astana; the EBRD listened.\n"


def test_invalid_utf8_mid_stream_leaves_a_complete_json_array():
    """The tester's case: a bad byte after the first block; stdout parses, the error is one line, exit 1."""
    good = GOOD * 20_000  # 1.2 MB: the mentions of the 64 KiB blocks before the bad byte are written
    out = run("--json", "annotate", "-", stdin=good + b"\xff and more")
    assert out.returncode == 1
    assert "is not valid UTF-8" in one_line(out.stderr)
    written = json.loads(out.stdout)
    assert written, "the first block's mentions were written"
    expected = [m._asdict() for m in kzrights.annotate(good.decode())]
    assert written == [{k: v for k, v in m.items() if v is not None} for m in expected[: len(written)]]


WORDS = ["President Tokayev", "NUR OTAN", "the EBRD", " ", "\n", "; ", "word", "Astana"]


@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=200).map("".join),
    st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xd0"]),
    st.binary(max_size=20),
    st.integers(min_value=1, max_value=4096),
)
@example("President Tokayev spoke; " * 200, b"\xff", b"", 64)
@settings(max_examples=50)
def test_whatever_annotate_json_writes_before_an_error_parses(text, bad, after, chunk):
    """Any text, a bad byte, any arrival: stdout is empty or one JSON array of the text's first mentions."""
    data = text.encode() + bad + after
    with contextlib.suppress(UnicodeDecodeError):
        data.decode("utf-8")
        assume(False)  # the bytes after made it UTF-8
    code, out, err = in_process(["--json", "annotate", "-"], data, chunk)
    assert code == 1
    assert "is not valid UTF-8" in one_line(err)
    if out:
        written = json.loads(out)
        expected = [m._asdict() for m in kzrights.annotate(text)]
        assert written == [{k: v for k, v in m.items() if v is not None} for m in expected[: len(written)]]


# ── 2. a release without an entity registry says so, everywhere ──────────────

NO_REGISTRY = "data release 1.0.0 has no entity registry (added in release 1.1.0)"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "--entity", "parliament", "--data-version", "1.0.0", "assembly"],
        ["search", "--entity", "Tokayev", "--data-version", "1.0.0", "assembly"],
        ["annotate", "-", "--data-version", "1.0.0"],
        ["show", "parliament", "--data-version", "1.0.0"],
        ["show", "entities.parliament", "--data-version", "1.0.0"],
    ],
    ids=" ".join,
)
def test_every_command_needing_the_registry_gives_the_same_error_on_1_0_0(args):
    """The tester's case: search --entity said 'unknown entity' where annotate named the release."""
    out = run(*args, stdin=b"Tokayev")
    assert out.returncode == 1
    assert one_line(out.stderr) == f"kzrights: error: {NO_REGISTRY}"


@pytest.mark.parametrize(
    ("given_id", "said"),
    [
        ("sdg.16", "no SDG goals or targets"),
        ("figures.x", "unknown id 'figures.x'"),
        ("themes.un-mechanisms", "unknown id 'themes.un-mechanisms'"),
        ("conclusions.p999", "did you mean"),
    ],
)
def test_show_of_another_kind_s_id_on_1_0_0_keeps_its_own_message(given_id, said):
    """Only a name or an entity id is about the registry; ``show sdg.16`` says what 1.0.0 lacks."""
    out = run("show", given_id, "--data-version", "1.0.0")
    assert out.returncode == 1
    line = one_line(out.stderr)
    assert said in line and "entity registry" not in line, line


@given(st.text(max_size=30))
@example("parliament")
@example("entities.ebrd")
@example("")
def test_every_library_entry_point_gives_the_same_error_on_1_0_0(name):
    """entity(), mentions_of(), search(entity=) and the assistant's tools: UnsupportedReleaseError."""
    from kzrights.mcp_server import ToolBox

    old = kzrights.load("1.0.0")
    calls = [
        lambda: old.entity(name),
        lambda: old.mentions_of(name),
        lambda: old.search("assembly", entity=name),
        lambda: kzrights.annotate(name, version="1.0.0"),
    ]
    if name.strip():
        calls.append(lambda: ToolBox("1.0.0").call("search", {"query": "assembly", "entity": name}))
    for call in calls:
        with pytest.raises(kzrights.UnsupportedReleaseError) as caught:
            call()
        assert str(caught.value) == NO_REGISTRY


# ── 3. show takes what search --entity takes ─────────────────────────────────


@pytest.mark.parametrize(
    "given_as", ["parliament", "entities.parliament", "max-bokayev", "Бокаев", "NUR OTAN"]
)
def test_show_takes_a_bare_id_or_a_name_as_search_entity_does(given_as):
    """The tester's case: ``show parliament`` refused what ``search --entity parliament`` took."""
    shown = run("--data-version", "1.1.0", "show", given_as, "--json")
    assert shown.returncode == 0, shown.stderr
    entity_id = json.loads(shown.stdout)["id"]
    searched = run("--data-version", "1.1.0", "search", "--entity", given_as, "--json", "reform rights")
    assert searched.returncode == 0, searched.stderr
    report = kzrights.load("1.1.0")
    assert entity_id == report._entity(given_as)[0].id
    hits = json.loads(searched.stdout)
    assert hits and all(
        h["id"] == entity_id or entity_id in getattr(report.get(h["id"]), "entity_ids", ()) for h in hits
    )


def test_show_of_an_ambiguous_name_is_an_error_naming_the_candidates():
    """A form that needs evidence (or names several entities) is refused with the ids it may name."""
    for name, candidate in (("Parliament", "entities.parliament"), ("Hug", "entities.adam-hug")):
        out = run("--data-version", "1.2.0", "show", name)
        assert out.returncode == 1
        line = one_line(out.stderr)
        assert "ambiguous" in line and candidate in line


@given(st.text(max_size=40))
@example("parliament")
@example("Hug")
@example("conclusions.p99")
def test_show_and_search_entity_agree_on_any_name(name):
    """Whatever the input, show finds the entity search --entity filters by, or both refuse it."""
    report = kzrights.load("1.1.0")
    try:
        wanted = report._entity(name)[0].id
    except kzrights.KzrightsError:
        wanted = None
    code, out, err = in_process(["--data-version", "1.1.0", "show", "--json", "--", name], b"")
    if code == 0:
        shown = json.loads(out)["id"]
        assert shown == wanted or shown == name.strip() or shown in report.ids()
    else:
        assert wanted is None
        assert one_line(err).startswith("kzrights: error: ")


# ── 4. the word before a blank run: one set look-up, the same answer ──────────


def _continues_as_before(word: str, continuing: frozenset[str]) -> bool:
    """The comparison with every continuing word that `_continues` replaces."""
    return any(word == w or (word.endswith(w) and not word[-len(w) - 1].isalnum()) for w in continuing)


PIECES = st.sampled_from(["Kassym", "Jomart", "-", "«", "'", "President", "a", "ä", "1", ".", "Ж"])


@given(
    st.lists(PIECES, min_size=1, max_size=8).map("".join),
    st.frozensets(st.lists(PIECES, min_size=1, max_size=4).map("".join), max_size=8),
)
@example("kassym-jomart", frozenset({"jomart"}))
@example("kassymjomart", frozenset({"jomart"}))
@example("-x", frozenset({"x"}))
def test_continues_answers_as_the_comparison_with_every_word(word, continuing):
    """For any word and set of continuing words, the set look-ups give the old loop's answer."""
    from kzrights.cli import _continues

    assert _continues(word, continuing) == _continues_as_before(word, continuing)


def test_the_continuing_words_of_every_release_after_any_word_of_the_registry():
    """Against the real sets: every word and tail of every form gives the old loop's answer."""
    from kzrights.cli import _continues, _continuing_words, _word_key

    for version in kzrights.versions()[1:]:
        continuing = _continuing_words(version)
        words = {_word_key(w) for e in kzrights.load(version).entities for w in e.name.split()}
        words |= {"x" + w for w in continuing} | {"x-" + w for w in continuing}
        for word in words:
            assert _continues(word, continuing) == _continues_as_before(word, continuing), word


# ── 5. a tracker row holding only an id is checked, not skipped as empty ─────


def _tracker_with(tmp_path: Any, suffix: str, extra: list[dict[str, Any]]) -> Any:
    """The newest release's template, in CSV or JSON, with ``extra`` rows (entries) added at the end."""
    from kzrights import followup

    path = followup.template(None, tmp_path / f"tracker{suffix}", overwrite=True)
    if suffix == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        document["assessments"] += extra
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path, len(document["assessments"])
    import csv

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows += [{k: ("" if v is None else v) for k, v in row.items()} for row in extra]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(followup.COLUMNS), restval="")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, len(rows) + 1  # the header is row 1


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_row_of_a_bogus_id_alone_is_a_problem_naming_the_row(tmp_path, suffix):
    """The tester's case: a row holding only ``bogus`` was skipped as an empty template row."""
    path, row = _tracker_with(tmp_path, suffix, [{"recommendation_id": "bogus"}])
    out = run("followup", "validate", str(path), "--json")
    assert out.returncode == 1, out.stdout
    (problem,) = json.loads(out.stdout)["problems"]
    assert (problem["row"], problem["column"]) == (row, "recommendation_id")
    assert "unknown recommendation 'bogus'" in problem["message"]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_an_untouched_template_and_empty_rows_stay_valid(tmp_path, suffix):
    """Rows of the template (a real id, nothing assessed) and rows with nothing at all are still skipped."""
    from kzrights import followup

    blank = {"recommendation_id": "", "note": ""} if suffix == ".csv" else {"recommendation_id": None}
    path, _ = _tracker_with(tmp_path, suffix, [blank])
    assert followup.read(path).assessments == ()
    assert run("followup", "validate", str(path)).returncode == 0


@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip() and "\x00" not in t))
@example("recommendations.government.99")
@example("recommendations.government.6")
@example(" recommendations.international.2 ")
def test_any_id_alone_in_a_row_is_a_recommendation_or_a_problem(tmp_path_factory, rec_id):
    """Whatever id a row holds alone, it is a template row (a real id) or a problem naming the row."""
    from kzrights import followup
    from kzrights.errors import InvalidAssessmentError

    folder = tmp_path_factory.mktemp("tracker")
    path, row = _tracker_with(folder, ".json", [{"recommendation_id": rec_id}])
    known = {rec.id for rec in kzrights.load().recommendations}
    if rec_id.strip() in known:
        assert followup.read(path).assessments == ()
        return
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(row, "recommendation_id")]
