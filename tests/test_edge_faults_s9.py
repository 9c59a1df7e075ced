"""Faults a fresh tester found at the edges of the command line and the library (issues 14 and 16).

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
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
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


# ── 2. annotate --json: stdout stays JSON when the input breaks off ───────────


GOOD = b"President Tokayev met NUR OTAN in Astana; the EBRD listened.\n"


def test_invalid_utf8_mid_stream_leaves_a_complete_json_array():
    """The tester's case: a bad byte after the first block; stdout parses, the error is one line, exit 1."""
    good = GOOD * 20_000  # 1.2 MB: the first 1 MiB block's mentions are written before the bad byte
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


# ── 3. a release without an entity registry says so, everywhere ──────────────

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


# ── 4. show takes what search --entity takes ─────────────────────────────────


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


# ── 7. the word before a blank run: one set look-up, the same answer ──────────


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


# ── 6. a tracker row holding only an id is checked, not skipped as empty ─────


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


# ── 5. wrong-type arguments get kzrights' own errors ──────────────────────────

TYPE_CASES = [(1.5, 2), (True, 2), (0, 2.0), (0, False), ("1", 2), (None, 2), (1, [2])]


@pytest.mark.parametrize(("start", "end"), TYPE_CASES)
def test_a_span_of_offsets_that_are_no_int_is_refused(start, end):
    """The tester's ``Span(1.5, 2)`` and ``Span(True, 2)`` constructed; they are RecordTypeErrors now."""
    import pickle

    from kzrights.errors import InvalidRecordError, RecordTypeError
    from kzrights.records import Span

    with pytest.raises(RecordTypeError) as caught:
        Span(start, end)
    error = caught.value
    assert isinstance(error, TypeError) and isinstance(error, InvalidRecordError)
    field = "start" if type(start) is not int else "end"
    assert error.field == field and "must be an int" in str(error)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def _the_set() -> Any:
    import datetime

    from kzrights import followup

    row = followup.Assessment(
        "recommendations.government.6", datetime.date(2023, 1, 31), "not implemented", "Monitor"
    )
    return followup.AssessmentSet("1.3.1", (row,))


class _OnePair(Mapping[Any, Any]):
    """A mapping of one key to one value, the key hashable or not (as a user's own mapping may be)."""

    def __init__(self, key: object, value: object) -> None:
        self._key, self._value = key, value

    def __getitem__(self, key: object) -> object:
        if key is self._key:
            return self._value
        raise KeyError(key)

    def __iter__(self) -> Any:
        return iter([self._key])

    def __len__(self) -> int:
        return 1


def _calls() -> dict[str, Any]:
    """Each public call of the linker, the span and the follow-up tracker, with one argument left open."""
    import datetime

    import attrs

    from kzrights import Linker, followup
    from kzrights.exports.iri import parse_record_iri, record_iri
    from kzrights.records import Alias, LinkingRules, Span

    linker = Linker.from_release("1.3.1")
    entities = linker.entities
    ok = _the_set()
    day = datetime.date(2023, 1, 31)
    return {
        "Span start": lambda x: Span(x, 2),
        "Span end": lambda x: Span(0, x),
        "Linker entities": lambda x: Linker(x),
        "Linker rules": lambda x: Linker(entities, rules=x),
        "Linker entity in entities": lambda x: Linker([*entities[:2], x]),
        "with_aliases": lambda x: linker.with_aliases(x),
        "with_aliases id": lambda x: linker.with_aliases({"KJT": x}),
        "with_aliases alias": lambda x: linker.with_aliases(_OnePair(x, "entities.kassym-jomart-tokayev")),
        "with_aliases ambiguity": lambda x: linker.with_aliases({"KJT": "entities.ebrd"}, ambiguity=x),
        "without_aliases": lambda x: linker.without_aliases(x),
        "with_entities": lambda x: linker.with_entities(x),
        "Linker.annotate": lambda x: linker.annotate(x),
        "annotate": lambda x: kzrights.annotate(x),
        "validate": lambda x: followup.validate(x),
        "validate row": lambda x: followup.validate(followup.AssessmentSet("1.3.1", (x,))),
        "validate rows": lambda x: followup.validate(followup.AssessmentSet("1.3.1", x)),
        "validate data_version": lambda x: followup.validate(followup.AssessmentSet(x, ok.assessments)),
        "validate version": lambda x: followup.validate(ok, x),
        "validate vocabulary": lambda x: followup.validate(ok, vocabulary=x),
        "validate today": lambda x: followup.validate(ok, today=x),
        "compare": lambda x: followup.compare(ok, x),
        "Assessment id": lambda x: followup.Assessment(x, day, "not implemented", "Monitor"),
        "Assessment date": lambda x: followup.Assessment("recommendations.government.6", x, "x", "M"),
        "Assessment status": lambda x: followup.Assessment("recommendations.government.6", day, x, "M"),
        "Assessment assessor": lambda x: followup.Assessment("recommendations.government.6", day, "x", x),
        "Assessment note": lambda x: followup.Assessment("r", day, "x", "M", note=x),
        "read": lambda x: followup.read(x),
        # the report's own calls: each type check is kzrights' ArgumentTypeError
        "load": lambda x: kzrights.load(x),
        "get": lambda x: REPORT.get(x),
        "search query": lambda x: REPORT.search(x),
        "search limit": lambda x: REPORT.search("press", limit=x),
        "search kinds": lambda x: REPORT.search("press", kinds=x),
        "search theme": lambda x: REPORT.search("press", theme=x),
        "concordance width": lambda x: REPORT.concordance("press", width=x),
        "recommendation number": lambda x: REPORT.recommendation("government", x),
        "footnote number": lambda x: REPORT.footnote(x),
        "recommendations_for_sdg": lambda x: REPORT.recommendations_for_sdg(x),
        "export report": lambda x: kzrights.export(x, "json", "out.json"),
        "record_iri": lambda x: record_iri(x, "conclusions.p1"),
        "parse_record_iri": lambda x: parse_record_iri(x),
        # session 10: every public flag, the records a linker takes, the tracker's own types
        "annotate unambiguous_only": lambda x: kzrights.annotate("Tokayev", unambiguous_only=x),
        "Linker.annotate unambiguous_only": lambda x: linker.annotate("Tokayev", unambiguous_only=x),
        "entity unambiguous_only": lambda x: REPORT.entity("Tokayev", unambiguous_only=x),
        "export overwrite": lambda x: kzrights.export(REPORT, "json", _NOWHERE / "o.json", overwrite=x),
        "followup.write overwrite": lambda x: followup.write(ok, _NOWHERE / "t.csv", overwrite=x),
        "template overwrite": lambda x: followup.template(None, _NOWHERE / "t.csv", overwrite=x),
        "write_html overwrite": lambda x: followup.compare(ok, ok).write_html(
            _NOWHERE / "c.html", overwrite=x
        ),
        "extended needs_evidence": lambda x: followup.DEFAULT_VOCABULARY.extended("new", needs_evidence=x),
        "extended description": lambda x: followup.DEFAULT_VOCABULARY.extended("new", description=x),
        "Status name": lambda x: followup.validate(ok, vocabulary=followup.Vocabulary((followup.Status(x),))),
        "Status rank": lambda x: followup.Status("new", rank=x),
        "Status needs_evidence": lambda x: followup.Status("new", needs_evidence=x),
        "Status description": lambda x: followup.Status("new", description=x),
        "Vocabulary.get": lambda x: followup.DEFAULT_VOCABULARY.get(x),
        "Vocabulary statuses": lambda x: followup.validate(ok, vocabulary=followup.Vocabulary(x)),
        "AssessmentSet data_version": lambda x: followup.AssessmentSet(x),
        "AssessmentSet assessments": lambda x: followup.AssessmentSet("1.3.1", x),
        "recommendations_on": lambda x: REPORT.recommendations_on(x),
        "mentions_of": lambda x: REPORT.mentions_of(x),
        "search entity": lambda x: REPORT.search("press", entity=x),
        "Entity id": lambda x: Linker([attrs.evolve(entities[0], id=x)]).annotate("Tokayev"),
        "Entity category": lambda x: Linker([attrs.evolve(entities[0], category=x)]).annotate("Tokayev"),
        "Entity name": lambda x: Linker([attrs.evolve(entities[0], name=x, forms=())]).annotate("Tokayev"),
        "Entity aliases": lambda x: Linker([attrs.evolve(entities[0], aliases=x, forms=())]).annotate("T"),
        "Entity forms": lambda x: Linker([attrs.evolve(entities[0], forms=x)]).annotate("Tokayev"),
        "Alias text": lambda x: Linker([attrs.evolve(entities[0], forms=(Alias(x),))]).annotate("Tokayev"),
        "Alias ambiguity": lambda x: Linker([attrs.evolve(entities[0], forms=(Alias("T", ambiguity=x),))]),
        "LinkingRules context_words": lambda x: Linker(entities, LinkingRules(context_words=x)),
        "LinkingRules titles": lambda x: Linker(entities, LinkingRules(titles=(x,))),
    }


REPORT = kzrights.load("1.3.1")
# a folder that does not exist: the calls that write stop there, whatever else they are given
_NOWHERE = Path(tempfile.gettempdir()) / f"kzrights-no-such-folder-{uuid.uuid4().hex}"
CALLS = _calls()

# values of every kind a caller might pass by mistake
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.tuples(st.text(max_size=2)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
    st.builds(object),
    st.from_type(type).filter(lambda t: t is not type),
    st.sampled_from([_the_set(), frozenset({1}), range(2), b"", bytearray(b"x"), 1j]),
)


@pytest.mark.parametrize("name", sorted(CALLS))
@given(value=ANY_VALUE)
@example(value="x")
@example(value=1.5)
@example(value=True)
@example(value=object())
def test_any_value_in_any_argument_is_accepted_or_a_kzrights_error(name, value):
    """Every public call here, any value in one argument: it works, or raises kzrights' own error."""
    import pickle

    from kzrights.errors import KzrightsError

    refused: KzrightsError | None = None
    try:
        CALLS[name](value)
    except KzrightsError as error:
        refused = error
    except Exception as error:  # noqa: BLE001 - what the test is for: name the escape
        pytest.fail(f"{name}({value!r}) raised {type(error).__name__}: {error}")
    if refused is not None:
        assert str(refused)
        assert type(pickle.loads(pickle.dumps(refused))) is type(refused)


def test_the_tester_s_cases_are_kzrights_type_errors():
    """``Linker(entities, rules="x")`` and ``validate(object())`` were AttributeError and attrs' error."""
    from kzrights import Linker, followup
    from kzrights.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match="rules must be a LinkingRules or None, not str"):
        Linker(Linker.from_release().entities, rules="x")
    # refused as the set is made since session 10, so named as AssessmentSet's own field
    with pytest.raises(ArgumentTypeError, match=r"assessments\[0\] must be an Assessment"):
        followup.validate(followup.AssessmentSet("1.3.1", (object(),)))
    with pytest.raises(TypeError):  # still a TypeError for ``except TypeError``
        followup.validate(object())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.search("press", limit=True), "limit must be an int, not bool"),
        (lambda r: r.concordance("press", width=1.5), "width must be an int, not float"),
        (lambda r: r.recommendation("government", 1.5), "number must be an int, not float"),
        (lambda r: r.footnote(True), "number must be an int, not bool"),
        (lambda r: r.get(5), "id must be a str, not int"),
        (lambda r: kzrights.load(5), "version must be a str or None, not int"),
        (
            lambda r: kzrights.export(5, "json", "out.json"),
            "report must be a kzrights.Report, not int",
        ),
        (lambda r: kzrights.export(r, "json", 5), "path must be a str or a pathlib.Path, not int"),
    ],
)
def test_the_report_s_type_checks_are_kzrights_type_errors(call, message, tmp_path, monkeypatch):
    """The tester's plain TypeErrors: each an ``ArgumentTypeError`` naming the argument, and it pickles."""
    import pickle

    from kzrights.errors import ArgumentTypeError

    monkeypatch.chdir(tmp_path)  # nothing may be written, but never into the checkout
    with pytest.raises(kzrights.ArgumentTypeError, match=message) as caught:
        call(REPORT)
    assert kzrights.ArgumentTypeError is ArgumentTypeError
    assert isinstance(caught.value, TypeError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.argument, copy.expected, copy.got) == (
        caught.value.argument,
        caught.value.expected,
        caught.value.got,
    )
    assert list(tmp_path.iterdir()) == []
