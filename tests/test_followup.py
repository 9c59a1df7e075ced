"""Follow-up assessments (kzrights.followup), used as an analyst uses them.

A tracker is written by ``kzrights followup template``, filled in (by
openpyxl here, as a spreadsheet would), checked with ``kzrights followup
validate`` and compared with ``kzrights followup compare``; the library's
``read``/``write``/``compare`` are driven the same way from Python.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import pickle
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import followup
from kzrights.errors import (
    InvalidAssessmentError,
    InvalidStatusError,
    KzrightsError,
    OutputExistsError,
)
from kzrights.followup import AssessmentProblem

KZRIGHTS = Path(sys.executable).with_name("kzrights")
NEWEST = kzrights.versions()[-1]
REPORT = kzrights.load(NEWEST)
IDS = [rec.id for rec in REPORT.recommendations]
PUBLISHED = REPORT.metadata.published
TODAY = datetime.date.today()
EXAMPLES = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``kzrights`` command, as a user types it."""
    return subprocess.run(
        [str(KZRIGHTS), *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def canonical(assessments: followup.AssessmentSet) -> followup.AssessmentSet:
    """The set in the order read() gives: the release's order of recommendations, then by date."""
    rows = sorted(assessments.assessments, key=lambda a: (IDS.index(a.recommendation_id), a.date))
    return followup.AssessmentSet(assessments.data_version, tuple(rows))


def assessment(rec_id: str, day: datetime.date, status: str, **fields: str | None) -> followup.Assessment:
    return followup.Assessment(
        rec_id, day, status, fields.pop("assessor", None) or "Kazakhstan Monitor", **fields
    )


# ── the template ──────────────────────────────────────────────────────────────


def test_csv_template_lists_every_recommendation_with_its_context(tmp_path):
    """The CSV template has a row per recommendation: id, addressee, text, themes, SDGs, empty assessment."""
    out = run("followup", "template", "--data-version", NEWEST, "--output", tmp_path / "tracker.csv")
    assert out.returncode == 0, out.stderr
    assert "15 recommendations" in out.stdout
    data = (tmp_path / "tracker.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["recommendation_id"] for r in rows] == IDS
    assert list(rows[0]) == list(followup.COLUMNS)
    six = rows[IDS.index("recommendations.government.6")]
    assert six["text"] == "Stop using kettling as a policing tactic for peaceful demonstrations;"
    assert six["addressee"] == "Government of Kazakhstan"
    themes = {t.id: t.name for t in REPORT.themes}
    assert six["themes"] == "; ".join(themes[t] for t in REPORT.get(six["recommendation_id"]).theme_ids)
    assert six["themes"]  # 1.1.0 on: every recommendation has themes
    gender = rows[IDS.index("recommendations.government.12")]["sdg_targets"].split("; ")
    assert gender == ["sdg.5.2", "sdg.5.c", "sdg.5.1"]  # violence, enforceable laws, discrimination
    assert all(r["sdg_targets"] for r in rows)  # 1.3.0 on: every recommendation serves a target
    assert all(not r[c] for r in rows for c in followup.ASSESSMENT_COLUMNS)
    assert {r["data_version"] for r in rows} == {NEWEST}


def test_template_refuses_to_overwrite_without_force(tmp_path):
    """A tracker someone filled in is never replaced by accident: --force is needed."""
    target = tmp_path / "tracker.xlsx"
    target.write_bytes(b"my filled-in tracker")
    out = run("followup", "template", "--output", target)
    assert out.returncode == 1
    assert "use --force" in out.stderr and "Traceback" not in out.stderr
    assert target.read_bytes() == b"my filled-in tracker"
    assert run("followup", "template", "--output", target, "--force").returncode == 0
    assert followup.read(target) == followup.AssessmentSet(NEWEST)


def test_template_reads_back_as_an_empty_assessment_and_writes_the_same_bytes(tmp_path):
    """A template never filled in is an assessment with no rows, which writes the template again."""
    for suffix in followup.FORMATS:
        first = followup.template("1.0.0", tmp_path / f"t{suffix}")
        empty = followup.read(first)
        assert empty == followup.AssessmentSet("1.0.0")
        again = followup.write(empty, tmp_path / f"again{suffix}")
        assert again.read_bytes() == first.read_bytes(), suffix


def _fill(sheet, rec_id: str, **cells: object) -> int:
    """Type values into the row of ``rec_id``, as a user does in a spreadsheet; return the row number."""
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == rec_id:
            for name, value in cells.items():
                row[header.index(name)].value = value
            return row[0].row
    raise AssertionError(rec_id)


def test_xlsx_template_filled_in_by_a_user_validates(tmp_path):
    """The template workbook, filled in with openpyxl as in a spreadsheet, validates and reads back."""
    tracker = tmp_path / "tracker.xlsx"
    assert run("followup", "template", "--output", tracker).returncode == 0
    workbook = openpyxl.load_workbook(tracker)
    assert workbook.sheetnames == ["Assessments", "Statuses", "About"]
    sheet = workbook["Assessments"]
    assert [c.value for c in sheet[1]] == list(followup.COLUMNS)
    assert sheet.data_validations.dataValidation[0].formula1.startswith("Statuses!")
    _fill(
        sheet,
        "recommendations.government.6",
        date=datetime.datetime(2023, 3, 1),  # what a spreadsheet stores for a date typed in
        status="Partially implemented",
        assessor="Kazakhstan Monitor",
        evidence="Police kettled fewer protests in 2022.",
        evidence_url="https://example.org/report-2023",
    )
    _fill(sheet, "recommendations.international.2", date="2022-12-01", status="no information", assessor="Me")
    workbook.save(tracker)
    out = run("followup", "validate", tracker)
    assert out.returncode == 0, out.stderr
    assert "2 assessments of 2 recommendations" in out.stdout
    read = followup.read(tracker)
    assert read.assessments[0] == followup.Assessment(
        "recommendations.government.6",
        datetime.date(2023, 3, 1),
        "partially implemented",
        "Kazakhstan Monitor",
        "Police kettled fewer protests in 2022.",
        "https://example.org/report-2023",
    )


def test_xlsx_errors_name_the_spreadsheet_row_and_column(tmp_path):
    """A wrong status typed into the workbook is reported at the row and column the user sees."""
    tracker = followup.template(None, tmp_path / "tracker.xlsx")
    workbook = openpyxl.load_workbook(tracker)
    row = _fill(
        workbook.active, "recommendations.government.2", date="2023-01-01", status="done", assessor="Me"
    )
    workbook.save(tracker)
    out = run("followup", "validate", tracker)
    assert out.returncode == 1
    assert f"row {row}, column status: unknown status 'done'" in out.stderr
    assert "Traceback" not in out.stderr


# ── round trips ───────────────────────────────────────────────────────────────

# text a cell holds: no control characters but tab and line feed (a CR becomes a line feed)
TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
    | st.sampled_from("\t\n"),
    max_size=40,
)
URLS = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]{1,12}\.(org|kz|com)", fullmatch=True),
    st.text(st.sampled_from("abcxyz0123-_~/%?=&#."), max_size=20),
)


@st.composite
def assessments(draw: st.DrawFn) -> followup.Assessment:
    status = draw(st.sampled_from(followup.DEFAULT_VOCABULARY.statuses))
    url = draw(URLS) if status.needs_evidence else draw(st.none() | URLS)
    return followup.Assessment(
        recommendation_id=draw(st.sampled_from(IDS)),
        date=draw(st.dates(min_value=PUBLISHED, max_value=TODAY)),
        status=draw(st.sampled_from([status.name, status.name.upper(), status.name.title()])),
        assessor=draw(TEXT.filter(str.strip)),
        evidence=draw(st.none() | TEXT),
        evidence_url=url,
        note=draw(st.none() | TEXT),
    )


SETS = st.builds(
    followup.AssessmentSet,
    st.just(NEWEST),
    st.lists(assessments(), max_size=6, unique_by=lambda a: (a.recommendation_id, a.date)).map(tuple),
)


FORMULA_LIKE = followup.AssessmentSet(
    NEWEST,
    (
        assessment(
            IDS[0], PUBLISHED, "no information", assessor="=HYPERLINK(1)", evidence="=1+1", note=" 42 "
        ),
    ),
)


@EXAMPLES
@example(FORMULA_LIKE)  # text that a spreadsheet would take for a formula, or a number
@given(SETS)
def test_any_valid_assessment_round_trips_through_every_format(tmp_path, assessed):
    """Written as CSV, XLSX or JSON, an assessment reads back equal; written again, the bytes are the same."""
    for suffix in followup.FORMATS:
        first = followup.write(assessed, tmp_path / f"a{suffix}", overwrite=True)
        back = followup.read(first)
        assert back == canonical(assessed), suffix
        second = followup.write(back, tmp_path / f"b{suffix}", overwrite=True)
        assert second.read_bytes() == first.read_bytes(), suffix


# ── invalid rows: every one reported, at its row and column ───────────────────

DEFECTS = {
    "recommendation_id": st.sampled_from(["recommendations.government.99", "government.6", "themes.labour"]),
    "date": st.sampled_from(["2021-07-21", "31/12/2022", "2022-02-30", "yesterday", "9999-01-01"]),
    "status": st.sampled_from(["done", "implemented?", "partly"]),
    "assessor": st.just(""),
    "evidence_url": st.sampled_from(["ftp://example.org/x", "example.org", "https://", "http://a b.org", ""]),
    "note": st.just("a bell \x07"),  # not in a workbook, which cannot hold it
}


@st.composite
def defective_rows(draw: st.DrawFn) -> tuple[list[dict[str, str]], set[tuple[int, str]]]:
    """Rows of a tracker, some with defects; the (row index, column) of each defect."""
    rows, expected = [], set()
    for index in range(draw(st.integers(1, 6))):
        row = {
            "recommendation_id": IDS[index],
            "date": (PUBLISHED + datetime.timedelta(days=10 + index)).isoformat(),
            "status": "implemented",
            "assessor": "Monitor",
            "evidence": "",
            "evidence_url": "https://example.org/evidence",
            "note": "",
        }
        columns = draw(st.sets(st.sampled_from(sorted(DEFECTS))))
        for column in columns:
            row[column] = draw(DEFECTS[column])
            expected.add((index, column))
        if row["evidence_url"] == "" and "status" in columns:
            # an empty URL is wrong only where the status claims implementation: unknown here
            expected.discard((index, "evidence_url"))
        rows.append(row)
    return rows, expected


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write a tracker by hand, as another program or a person would."""
    if path.suffix == ".json":
        items = [{k: (v or None) for k, v in row.items()} for row in rows]
        path.write_text(json.dumps({"data_version": NEWEST, "assessments": items}), encoding="utf-8")
        return
    table = [[*row.values(), NEWEST] for row in rows]
    header = [*rows[0], "data_version"]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([header, *table])
    else:
        workbook = openpyxl.Workbook()
        for line in [header, *table]:
            workbook.active.append(line)
        workbook.save(path)


@EXAMPLES
@given(defective_rows(), st.sampled_from(list(followup.FORMATS)))
def test_every_invalid_row_is_reported_none_lost(tmp_path, case, suffix):
    """Each defect planted in a row is reported once, at its row and column, and nothing else is."""
    rows, expected = case
    assume(expected)
    assume(suffix != ".xlsx" or all(column != "note" for _, column in expected))
    path = tmp_path / f"tracker{suffix}"
    _write_rows(path, rows)
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path, today=datetime.date(2030, 1, 1))
    first = 1 if suffix == ".json" else 2  # a spreadsheet's first data row is 2, under the header
    found = [(p.row - first, p.column) for p in caught.value.problems]
    assert sorted(found) == sorted(expected)
    assert caught.value.source == str(path)


def test_a_missing_evidence_url_is_named_where_the_status_claims_implementation(tmp_path):
    """'implemented' and 'partially implemented' need an evidence URL; 'not implemented' does not."""
    rows = [
        {"recommendation_id": IDS[0], "date": "2022-01-01", "status": s, "assessor": "M", "evidence_url": ""}
        for s in ("implemented", "partially implemented", "not implemented", "no information")
    ]
    for n, row in enumerate(rows):
        row["recommendation_id"] = IDS[n]
    path = tmp_path / "t.csv"
    _write_rows(path, rows)
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "evidence_url"), (3, "evidence_url")]
    assert "needs an evidence URL" in str(caught.value)


def test_file_level_problems_are_reported_too(tmp_path):
    """A missing column, an unknown column, two releases in one file, a row twice: each said, none hidden."""
    path = tmp_path / "t.csv"
    path.write_text("recommendation_id,date,status,colour,data_version\n", encoding="utf-8")
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "colour"), (1, "assessor")}
    rows = [
        {"recommendation_id": IDS[0], "date": "2022-01-01", "status": "not implemented", "assessor": "M"},
        {"recommendation_id": IDS[0], "date": "2022-01-01", "status": "not implemented", "assessor": "N"},
    ]
    _write_rows(path, rows)
    path.write_text(path.read_text(encoding="utf-8").replace(f",{NEWEST}\n", ",1.0.0\n", 1), encoding="utf-8")
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("row 3, column data_version" in m and "one release" in m for m in messages), messages
    assert any("row 3, column date" in m and "assessed twice" in m for m in messages), messages


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_extra_column_is_reported_and_the_rows_are_still_checked(tmp_path, suffix):
    """An analyst's own column is named, and a wrong status in a row is still found (a tester's case)."""
    path = tmp_path / f"t{suffix}"
    rows = [
        {
            "recommendation_id": IDS[0],
            "date": "2022-01-01",
            "status": "done",
            "assessor": "M",
            "comments": "x",
        },
        {
            "recommendation_id": IDS[1],
            "date": "2099-01-01",
            "status": "implemented",
            "assessor": "M",
            "comments": "",
        },
    ]
    _write_rows(path, rows)
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(1, "comments"), (2, "status"), (3, "date")} <= found, found


def test_a_csv_separated_by_semicolons_is_named_as_such(tmp_path):
    """Excel in many European locales writes ';' between columns: the message says so."""
    path = tmp_path / "t.csv"
    path.write_text(";".join(followup.COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    assert any("separated by semicolons" in str(p) for p in caught.value.problems)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe not utf-8", "is not UTF-8"),
        (b"", "is empty"),
        (b'"unterminated', "not a valid CSV"),
    ],
)
def test_unreadable_csv_is_one_clear_problem(tmp_path, content, words):
    """A file that is not a tracker at all gets a kzrights error saying why, not a library's exception."""
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidAssessmentError, match=words):
        followup.read(path)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("t.xlsx", b"PK not a zip", "not an Excel workbook"),
        ("t.json", b"[1, 2]", '"assessments" array'),
        ("t.json", b"{", "not JSON"),
        ("t.txt", b"", "must end in"),
        ("missing.csv", None, "cannot be read"),
    ],
)
def test_other_unreadable_files(tmp_path, name, content, words):
    """Workbooks, JSON, an unknown suffix and a missing file: one problem each, through the command too."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidAssessmentError, match=words):
        followup.read(path)
    out = run("followup", "validate", path)
    assert out.returncode == 1 and words in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot be read: No such file or directory"),
        (b"{", "is not JSON"),
        (b"[1]", '"assessments" array'),
    ],
)
def test_a_file_that_is_no_tracker_at_all_is_one_line(tmp_path, content, words):
    """Missing, not JSON, not a tracker: ``kzrights: error: FILE: why``; it was "1 problem" over two lines."""
    if content is not None:
        (tmp_path / "tracker.json").write_bytes(content)
    out = run("followup", "validate", "tracker.json", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("kzrights: error: tracker.json: ")
    assert words in out.stderr
    assert out.stderr.count("\n") == 1, out.stderr


def test_a_long_path_is_cut_on_every_line_of_the_problems(tmp_path):
    """A 3,000-character path is named in about 80 characters on the count line and on each problem line."""
    folder = tmp_path
    for _ in range(15):
        folder = folder / ("g" * 200)
    folder.mkdir(parents=True)
    path = folder / "tracker.csv"
    path.write_text("recommendation_id,status\nrecommendations.r1,bogus\n", encoding="utf-8")
    out = run("followup", "validate", path)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert len(lines) > 2 and "problems" in lines[0], out.stderr
    for line in lines:
        assert "g" * 100 not in line, line
        assert line.count(str(tmp_path)[:40]) == 1, line
    assert run("followup", "validate", folder / "missing.json").stderr.count("\n") == 1


@settings(max_examples=30, deadline=None)
@given(name=st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=600))
def test_a_missing_file_of_any_name_is_one_short_line(name):
    """Whatever the name of a missing file, the error is one line quoting at most ~80 characters of it."""
    from kzrights.cli import main

    path = f"/nonexistent-kzrights-folder/{name}.json"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["followup", "validate", path]) == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kzrights: error: ")
    assert len(lines[0]) < 300, lines[0]


@EXAMPLES
@given(
    st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.sampled_from(list(followup.FORMATS))
)
def test_any_bytes_give_a_tracker_or_kzrights_own_error(tmp_path, data, suffix):
    """Whatever a file holds, read() returns an assessment or raises InvalidAssessmentError, nothing else."""
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    problems: tuple[AssessmentProblem, ...] = ()
    try:
        followup.read(path)
    except InvalidAssessmentError as error:
        problems = error.problems or (None,)  # type: ignore[assignment]
    assert all(isinstance(p, AssessmentProblem) for p in problems)


@EXAMPLES
@given(
    st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]),
    st.binary(max_size=80),
)
def test_a_damaged_workbook_is_one_clear_problem(tmp_path, member, garbage):
    """A workbook with a part overwritten by garbage is 'not an Excel workbook', not openpyxl's exception."""
    import zipfile

    good = followup.template(None, tmp_path / "good.xlsx", overwrite=True)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            target.writestr(info, garbage if info.filename == member else source.read(info))
    with pytest.raises(InvalidAssessmentError, match="not an Excel workbook"):
        followup.read(bad)


@given(st.text(max_size=120))
def test_any_status_name_is_added_or_refused_with_kzrights_error(name):
    """Vocabulary.extended takes any text: a new status found by its name after, or InvalidStatusError."""
    try:
        mine = followup.DEFAULT_VOCABULARY.extended(name)
    except InvalidStatusError:
        return
    assert mine.get(name) is not None and mine.get(name.upper()) == mine.get(name.lower())


def test_json_keys_and_types_are_checked(tmp_path):
    """The JSON form refuses unknown keys and values that are not strings, at their row."""
    path = tmp_path / "t.json"
    item = {"recommendation_id": IDS[0], "date": 20220101, "status": "no information", "assessor": 7, "x": 1}
    path.write_text(json.dumps({"data_version": NEWEST, "assessments": [item, "row"]}), encoding="utf-8")
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (1, "x"),
        (1, "date"),
        (1, "assessor"),
        (2, None),
    ]


def test_dates_are_bounded_by_publication_and_today():
    """The day of publication and today are allowed; the day before and tomorrow are not."""
    ok = followup.AssessmentSet(NEWEST, (assessment(IDS[0], PUBLISHED, "no information"),))
    followup.validate(ok, today=PUBLISHED)
    for day, words in (
        (PUBLISHED - datetime.timedelta(days=1), "before"),
        (TODAY + datetime.timedelta(1), "future"),
    ):
        bad = followup.AssessmentSet(NEWEST, (assessment(IDS[0], day, "no information"),))
        with pytest.raises(InvalidAssessmentError, match=words):
            followup.validate(bad, today=TODAY)
    # by default, today is the computer's: two days on is the future even if midnight passed since
    # TODAY was read (a CI run across midnight saw "tomorrow" become today)
    bad = followup.AssessmentSet(
        NEWEST, (assessment(IDS[0], TODAY + datetime.timedelta(2), "no information"),)
    )
    with pytest.raises(InvalidAssessmentError, match="future"):
        followup.validate(bad)


# ── ids are the contract ──────────────────────────────────────────────────────


def test_a_tracker_made_against_an_older_release_validates_against_the_newest(tmp_path):
    """A tracker started on 1.0.0 checks against the newest release: no id has disappeared."""
    tracker = followup.template("1.0.0", tmp_path / "old.csv")
    text = tracker.read_text(encoding="utf-8-sig")
    row = text.splitlines()[6].split(",")
    assert row[0] == "recommendations.government.6"
    filled = text.replace(
        ",".join(row), ",".join([*row[:5], "2022-05-01", "not implemented", "Monitor", "", "", "", "1.0.0"])
    )
    tracker.write_text(filled, encoding="utf-8-sig")
    out = run("followup", "validate", tracker, "--data-version", NEWEST)
    assert out.returncode == 0, out.stderr
    assert f"valid against data release {NEWEST}" in out.stdout
    assert followup.read(tracker, version=NEWEST).data_version == "1.0.0"


def test_an_id_a_release_removed_is_named_with_its_changelog_entry(tmp_path):
    """Checked against a release without an id, the problem names the release that removed it."""
    tracker = tmp_path / "t.csv"
    kept = REPORT.recommendations[:-1]
    candidate = attrs.evolve(REPORT, version="9.0.0", recommendations=kept)
    gone = REPORT.recommendations[-1].id
    followup.write(followup.AssessmentSet(NEWEST, (assessment(gone, TODAY, "not implemented"),)), tracker)
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(tracker, version=candidate)
    [problem] = caught.value.problems
    assert problem.column == "recommendation_id"
    assert f"{gone!r} was removed in data release 9.0.0" in problem.message
    assert "DATA-CHANGELOG.md, 9.0.0, 'Removed ids'" in problem.message
    # and the other way: an id a newer release added is not in an older one
    newer = attrs.evolve(REPORT, version="9.1.0")
    older = attrs.evolve(REPORT, version="0.9.0", recommendations=kept)
    assert "was removed" in followup._id_problem(gone, candidate, {gone: [NEWEST]})
    assert "added in" in followup._id_problem(gone, older, {gone: [newer.version]})


# ── the vocabulary ────────────────────────────────────────────────────────────


def test_a_user_status_is_allowed_once_registered(tmp_path):
    """'awaiting response' is unknown until added to the vocabulary, in Python or with --extra-status."""
    row = {"recommendation_id": IDS[0], "date": "2022-01-01", "status": "Awaiting response", "assessor": "M"}
    path = tmp_path / "t.csv"
    _write_rows(path, [row])
    with pytest.raises(InvalidAssessmentError, match="unknown status"):
        followup.read(path)
    mine = followup.DEFAULT_VOCABULARY.extended("awaiting response", description="asked; no answer yet")
    assert followup.read(path, vocabulary=mine).assessments[0].status == "awaiting response"
    assert run("followup", "validate", path).returncode == 1
    assert run("followup", "validate", path, "--extra-status", "awaiting response").returncode == 0


@pytest.mark.parametrize("name", ["", "   ", "Implemented", "x" * 101, "a\x00b"])
def test_a_bad_status_cannot_be_registered(name):
    """An empty, duplicate, over-long or multi-line status is refused with kzrights' own error."""
    with pytest.raises(InvalidStatusError):
        followup.DEFAULT_VOCABULARY.extended(name)


def test_a_status_rank_must_be_an_int():
    with pytest.raises(InvalidStatusError, match="rank"):
        followup.DEFAULT_VOCABULARY.extended("planned", rank="1")  # type: ignore[arg-type]


# ── comparing two assessments ─────────────────────────────────────────────────

GOV = [i for i in IDS if ".government." in i]
INTL = [i for i in IDS if ".international." in i]
URL = "https://example.org/evidence"


def _two_rounds() -> tuple[followup.AssessmentSet, followup.AssessmentSet]:
    day1, day2 = datetime.date(2022, 6, 1), datetime.date(2023, 6, 1)
    old = followup.AssessmentSet(
        "1.0.0",
        (
            assessment(GOV[0], day1, "not implemented"),
            assessment(GOV[1], day1, "implemented", evidence_url=URL, evidence="A law <b>passed</b>"),
            assessment(GOV[2], day1, "partially implemented", evidence_url=URL),
            assessment(GOV[3], day1, "not implemented"),
            assessment(INTL[0], day1, "no information"),
        ),
    )
    new = followup.AssessmentSet(
        NEWEST,
        (
            assessment(GOV[0], day2, "partially implemented", evidence_url=URL),
            assessment(GOV[1], day2, "partially implemented", evidence_url=URL),
            assessment(GOV[2], day2, "partially implemented", evidence_url=URL),
            assessment(INTL[0], day2, "implemented", evidence_url=URL, assessor="<script>alert(1)</script>"),
            assessment(INTL[1], day2, "not implemented"),
        ),
    )
    return old, new


def test_compare_says_which_way_each_status_moved():
    """Up the order is improved, down regressed, to or from 'no information' not comparable."""
    result = followup.compare(*_two_rounds())
    directions = {c.recommendation_id: c.direction for c in result.changes}
    assert directions == {
        GOV[0]: followup.Direction.IMPROVED,
        GOV[1]: followup.Direction.REGRESSED,
        GOV[2]: followup.Direction.UNCHANGED,
        GOV[3]: followup.Direction.NO_LONGER_ASSESSED,
        INTL[0]: followup.Direction.UNRANKED,
        INTL[1]: followup.Direction.NEWLY_ASSESSED,
    }
    regressed = next(c for c in result.changes if c.recommendation_id == GOV[1])
    assert regressed.old is not None and regressed.old.evidence == "A law <b>passed</b>"
    [government, international] = result.by_addressee
    assert government.label == "Government of Kazakhstan"
    assert [government.count(d) for d in followup.Direction] == [1, 1, 1, 0, 0, 1]
    assert [international.count(d) for d in followup.Direction] == [0, 0, 0, 1, 1, 0]
    # a theme counts each recommendation that has it
    for summary in result.by_theme:
        members = [c for c in result.changes if summary.id in REPORT.get(c.recommendation_id).theme_ids]
        assert sum(n for _, n in summary.counts) == len(members)
    assert sum(sum(n for _, n in s.counts) for s in result.by_theme) == sum(
        len(REPORT.get(c.recommendation_id).theme_ids) for c in result.changes
    )


def test_the_latest_assessment_of_each_set_is_compared():
    """With several dates in one set, its most recent row stands for the recommendation."""
    early, late = datetime.date(2022, 1, 1), datetime.date(2022, 9, 1)
    old = followup.AssessmentSet(NEWEST, (assessment(GOV[0], early, "not implemented"),))
    new = followup.AssessmentSet(
        NEWEST,
        (
            assessment(GOV[0], late, "implemented", evidence_url=URL),
            assessment(GOV[0], early, "not implemented"),
        ),
    )
    [change] = followup.compare(old, new).changes
    assert (
        change.direction is followup.Direction.IMPROVED and change.new is not None and change.new.date == late
    )


class _Tags(HTMLParser):
    """The tags of an HTML fragment, and its text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_notebook_display_has_escaped_charts_without_jupyter():
    """_repr_html_ holds two SVG bar charts (well-formed XML) and a table; what users typed stays text."""
    result = followup.compare(*_two_rounds())
    markup = result._repr_html_()
    parsed = _Tags(markup)
    assert "script" not in parsed.tags and parsed.tags.count("b") == 1  # the caption's own <b>
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text and "A law <b>passed</b>" in text
    charts = [markup[start : markup.index("</svg>", start) + 6] for start in _starts(markup, "<svg")]
    assert len(charts) == 2
    by_addressee = ET.fromstring(charts[0])
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in by_addressee.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    tips = sorted(r.find(f"{ns}title").text for r in bars)
    assert "Government of Kazakhstan: 1 improved" in tips
    assert "international community: 1 not comparable" in tips
    widths = {r.find(f"{ns}title").text: int(r.get("width")) for r in bars}
    assert (
        widths["Government of Kazakhstan: 1 improved"] * 1
        == widths["international community: 1 newly assessed"]
    )


def _starts(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def test_compare_command_prints_writes_html_and_json(tmp_path):
    """The compare command: the changes in text, as JSON, and as an HTML page written once."""
    old, new = _two_rounds()
    followup.write(old, tmp_path / "2022.xlsx")
    followup.write(new, tmp_path / "2023.csv")
    page = tmp_path / "changes.html"
    out = run("followup", "compare", tmp_path / "2022.xlsx", tmp_path / "2023.csv", "--html", page)
    assert out.returncode == 0, out.stderr
    assert f"{GOV[1]}: implemented -> partially implemented (regressed)" in out.stdout
    assert out.stdout.endswith(f"\nwrote {page}\n")  # the file, as export and template say theirs
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    again = run("followup", "compare", tmp_path / "2022.xlsx", tmp_path / "2023.csv", "--html", page)
    assert again.returncode == 1 and "use --force" in again.stderr
    data = json.loads(
        run("followup", "compare", tmp_path / "2022.xlsx", tmp_path / "2023.csv", "--json").stdout
    )
    assert {c["recommendation_id"]: c["direction"] for c in data["changes"]}[GOV[0]] == "improved"
    assert "html" not in data
    other = tmp_path / "other.html"
    with_page = json.loads(
        run(
            "followup", "compare", tmp_path / "2022.xlsx", tmp_path / "2023.csv", "--json", "--html", other
        ).stdout
    )
    assert with_page == {**data, "html": str(other)} and other.is_file()


def test_compare_command_lists_problems_of_an_invalid_tracker(tmp_path):
    """An invalid tracker given to compare: exit 1 and each problem, with its row, on stderr."""
    good = followup.template(None, tmp_path / "good.csv")
    bad = tmp_path / "bad.csv"
    _write_rows(bad, [{"recommendation_id": "nope", "date": "2022-01-01", "status": "done", "assessor": "M"}])
    out = run("followup", "compare", good, bad)
    assert out.returncode == 1
    assert "row 2, column recommendation_id" in out.stderr and "row 2, column status" in out.stderr
    problems = json.loads(run("followup", "validate", bad, "--json").stdout)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "recommendation_id"), (2, "status")]


# ── errors and the command line's edges ───────────────────────────────────────


def test_errors_pickle_with_their_problems():
    """The follow-up errors cross a process boundary whole (multiprocessing pickles them)."""
    error = InvalidAssessmentError("t.csv", [AssessmentProblem(3, "status", "unknown status 'done'")])
    back = pickle.loads(pickle.dumps(error))
    assert (
        type(back) is InvalidAssessmentError and back.problems == error.problems and str(back) == str(error)
    )
    assert isinstance(back, (KzrightsError, ValueError))
    status = pickle.loads(pickle.dumps(InvalidStatusError("x", "the vocabulary has it already")))
    assert status.status == "x" and "has it already" in str(status)


def test_write_refuses_an_invalid_set_and_overwrites_only_when_asked(tmp_path):
    """write() checks before writing, and never replaces a file unless overwrite=True."""
    bad = followup.AssessmentSet(NEWEST, (assessment("nope", TODAY, "implemented"),))
    with pytest.raises(InvalidAssessmentError):
        followup.write(bad, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()
    followup.template(None, tmp_path / "t.csv")
    with pytest.raises(OutputExistsError):
        followup.template(None, tmp_path / "t.csv")


def test_the_model_refuses_wrong_types():
    """A date given as text, or a number as the id, is a TypeError at once."""
    with pytest.raises(TypeError):
        followup.Assessment(IDS[0], "2022-01-01", "implemented", "M")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        followup.Assessment(6, TODAY, "implemented", "M")  # type: ignore[arg-type]


def test_without_openpyxl_a_workbook_names_the_extra(tmp_path):
    """Without openpyxl, a workbook asks for kzrights[xlsx]; CSV and JSON still work."""
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from kzrights import followup\n"
        f"followup.template(None, {str(tmp_path / 'ok.csv')!r})\n"
        "try:\n"
        f"    followup.template(None, {str(tmp_path / 'no.xlsx')!r})\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "MissingDependencyError" in out.stdout and "kzrights[xlsx]" in out.stdout, out.stderr
    assert (tmp_path / "ok.csv").exists() and not (tmp_path / "no.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["followup"], 2),
        (["followup", "validate"], 2),
        (["followup", "template", "--output", "x.csv", "--data-version", "7.0.0"], 1),
        (["followup", "compare", "a.csv"], 2),
    ],
)
def test_command_line_usage_errors(tmp_path, args, status):
    """Usage errors exit 2, an unknown release 1; one line each, never a traceback."""
    out = run(*args, cwd=tmp_path)
    assert out.returncode == status
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_followup_help_fits_80_columns():
    """The group and each command answer --help within 80 columns."""
    for command in ([], ["template"], ["validate"], ["compare"]):
        out = run("followup", *command, "--help")
        assert out.returncode == 0
        assert max(len(line) for line in out.stdout.splitlines()) <= 80, command


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_an_assessor_with_windows_line_ends_round_trips(tmp_path, suffix):
    """An assessor typed with CR LF is kept as LF, as every format gives it back (a fresh tester's case)."""
    row = followup.Assessment(
        "recommendations.government.1", datetime.date(2023, 1, 1), "not implemented", "Line1\r\nLine2"
    )
    assert row.assessor == "Line1\nLine2"
    written = followup.AssessmentSet(NEWEST, (row,))
    path = tmp_path / f"tracker{suffix}"
    followup.write(written, path)
    assert followup.read(path) == written
