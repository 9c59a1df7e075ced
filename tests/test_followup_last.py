"""The last findings of a fresh tester of issue 15, each checked through the user's path.

The compare command's text output, the names the followup commands write to,
formula characters in a CSV tracker, the workbook's status drop-down, and the
messages of the follow-up reader and the SDG lookup.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import followup

KZRIGHTS = Path(sys.executable).with_name("kzrights")
NEWEST = kzrights.versions()[-1]
REPORT = kzrights.load(NEWEST)
IDS = [rec.id for rec in REPORT.recommendations]
URL = "https://example.org/evidence"
EXAMPLES = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed ``kzrights`` command, as a user types it."""
    return subprocess.run([str(KZRIGHTS), *map(str, args)], capture_output=True, text=True, timeout=120)


def assessment(rec_id: str, status: str, day: int = 2022, **fields: str | None) -> followup.Assessment:
    """One row of a tracker, assessed (by an example monitor, unless given) on 1 June of ``day``."""
    fields.setdefault("assessor", "Example Monitor")
    return followup.Assessment(
        recommendation_id=rec_id,
        date=datetime.date(day, 6, 1),
        status=status,
        **fields,  # type: ignore[arg-type]
    )


def two_trackers(tmp_path: Path) -> tuple[Path, Path]:
    """Two CSV trackers a year apart: one recommendation improved with evidence, one regressed."""
    old = followup.AssessmentSet(
        NEWEST,
        (
            assessment(IDS[0], "not implemented", evidence="No draft law yet."),
            assessment(
                IDS[1], "implemented", evidence="The code was\namended " + "x" * 200, evidence_url=URL
            ),
            assessment(IDS[2], "not implemented"),
        ),
    )
    new = followup.AssessmentSet(
        NEWEST,
        (
            assessment(IDS[0], "implemented", 2023, evidence="Law 123 passed.", evidence_url=URL + "/law"),
            assessment(IDS[1], "partially implemented", 2023, evidence_url=URL + "/rollback"),
            assessment(IDS[2], "not implemented", 2023, evidence="Still nothing."),
        ),
    )
    return followup.write(old, tmp_path / "a2022.csv"), followup.write(new, tmp_path / "a2023.csv")


# ── 1. compare shows the evidence in text too ────────────────────────────────


def test_compare_text_shows_each_changed_recommendations_evidence_on_one_line(tmp_path):
    """The plain-text comparison gives the evidence text and URL of each changed recommendation."""
    old, new = two_trackers(tmp_path)
    out = run("followup", "compare", old, new)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "    before, evidence: No draft law yet." in lines
    assert "    after, evidence: Law 123 passed." in lines
    assert f"    after, evidence URL: {URL}/law" in lines
    assert f"    after, evidence URL: {URL}/rollback" in lines
    # a long, multi-line evidence is one shortened line
    [long] = [line for line in lines if line.startswith("    before, evidence: The code was amended")]
    assert long.endswith("...") and len(long) < 130
    # an unchanged recommendation's evidence is not listed
    assert "Still nothing." not in out.stdout


# ── 2. the names the followup commands write to ──────────────────────────────


@pytest.mark.parametrize("name", ["c.txt", "c.csv", "page", "c.html.txt"])
def test_compare_html_must_be_named_html(tmp_path, name):
    """`--html` takes only a name a browser opens as a page; nothing is written otherwise."""
    old, new = two_trackers(tmp_path)
    out = run("followup", "compare", old, new, "--html", tmp_path / name)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "must end in .html or .htm" in out.stderr
    assert not (tmp_path / name).exists()
    assert run("followup", "compare", old, new, "--html", tmp_path / "C.HTM").returncode == 0
    assert (tmp_path / "C.HTM").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("alias", ["itself", "relative", "symlink", "hardlink"])
def test_compare_never_writes_over_an_input_even_with_force(tmp_path, which, alias):
    """An --html path that is one of the trackers read is refused with --force; the tracker is intact."""
    trackers = two_trackers(tmp_path)
    tracker = trackers[which]
    before = tracker.read_bytes()
    if alias == "itself":
        output = str(tracker)
    elif alias == "relative":
        output = str(tmp_path / "nowhere" / ".." / tracker.name)
    else:
        output = str(tmp_path / f"{alias}.html")
        if alias == "symlink":
            Path(output).symlink_to(tracker)
        else:
            os.link(tracker, output)
    out = run("followup", "compare", *trackers, "--html", output, "--force")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "this command reads" in out.stderr and "--force never replaces an input" in out.stderr
    assert tracker.read_bytes() == before


def test_the_library_refuses_an_html_comparison_not_named_html(tmp_path):
    """`Comparison.write_html` refuses another ending with kzrights' ExportError, and writes nothing."""
    from kzrights.errors import ExportError

    old, new = two_trackers(tmp_path)
    result = followup.compare(followup.read(old), followup.read(new))
    with pytest.raises(ExportError, match=r"must end in \.html or \.htm"):
        result.write_html(tmp_path / "page.csv")
    assert not (tmp_path / "page.csv").exists()


def test_template_output_must_be_a_tracker_format(tmp_path):
    """`followup template --output` takes only the tracker formats' endings."""
    out = run("followup", "template", "--output", tmp_path / "t.txt")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "must end in .csv, .xlsx, .json" in out.stderr and not (tmp_path / "t.txt").exists()


# ── 3. formula characters in a CSV tracker ───────────────────────────────────

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# text a cell holds (no control characters but tab and line feed), often starting like a formula
CELL_TEXT = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["", "=", "+", "-", "@", "\t", "'", "''", "'=", "''+", "'\t", "=cmd|' /C calc'!A0"]),
    st.text(
        st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
        | st.sampled_from("\t\n'=+-@"),
        max_size=20,
    ),
)


def csv_cells(path: Path) -> list[list[str]]:
    """Every cell of a CSV file, as a spreadsheet program or any CSV reader sees it."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@EXAMPLES
@example(assessor="=1+1", evidence='=cmd|" /C calc"!A0', note="'=already quoted")
@example(assessor="@SUM(A1:A2)", evidence="-2+3", note="+cmd")
@example(assessor="'", evidence="''-x", note="\tTabbed")
@given(assessor=CELL_TEXT.filter(str.strip), evidence=CELL_TEXT, note=CELL_TEXT)
def test_any_text_round_trips_through_csv_and_no_cell_starts_a_formula(tmp_path, assessor, evidence, note):
    """A CSV tracker reads back exactly, and none of its cells starts with a character Excel runs."""
    assessed = followup.AssessmentSet(
        NEWEST, (assessment(IDS[5], "no information", assessor=assessor, evidence=evidence, note=note),)
    )
    path = followup.write(assessed, tmp_path / "tracker.csv", overwrite=True)
    for row in csv_cells(path):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    assert followup.read(path) == followup.read(followup.write(assessed, tmp_path / "t.json", overwrite=True))
    [back] = followup.read(path).assessments
    assert (back.assessor, back.evidence, back.note) == (
        assessed.assessments[0].assessor,
        assessed.assessments[0].evidence,
        assessed.assessments[0].note,
    )


def test_the_csv_rule_as_the_how_to_gives_it(tmp_path):
    """One apostrophe before a formula start, one more before apostrophes and a formula start."""
    assessed = followup.AssessmentSet(
        NEWEST, (assessment(IDS[5], "no information", assessor="=1+1", evidence="'=x", note="it's -1"),)
    )
    path = followup.write(assessed, tmp_path / "tracker.csv")
    row = dict(zip(followup.COLUMNS, csv_cells(path)[6], strict=True))
    assert (row["assessor"], row["evidence"], row["note"]) == ("'=1+1", "''=x", "it's -1")
    out = run("followup", "validate", path)
    assert out.returncode == 0, out.stderr


# ── 4. the workbook's status drop-down ───────────────────────────────────────


def test_the_workbook_warns_of_a_status_not_on_its_list(tmp_path):
    """The status column's drop-down shows a warning for a typed status, yet lets an extended one stay."""
    out = run("followup", "template", "--output", tmp_path / "tracker.xlsx")
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(tmp_path / "tracker.xlsx")["Assessments"]
    [choice] = sheet.data_validations.dataValidation
    status_column = openpyxl.utils.get_column_letter(followup.COLUMNS.index("status") + 1)
    assert str(choice.sqref) == f"{status_column}2:{status_column}1048576"
    assert choice.type == "list" and choice.formula1.startswith("Statuses!")
    assert choice.showErrorMessage is True and choice.errorStyle == "warning"
    assert "Statuses sheet" in choice.error and "--extra-status" in choice.error


# ── 6. what the messages and the how-to say ──────────────────────────────────


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_file_not_in_utf8_is_named_with_its_byte_offset(tmp_path, bom, suffix):
    """The first byte not UTF-8 is named by its offset from the file's start, a byte-order mark too."""
    path = tmp_path / f"tracker{suffix}"
    good = b"recommendation_id,date\n" if suffix == ".csv" else b'{"data_version": "'
    path.write_bytes(bom + good + b"\x88")
    out = run("followup", "validate", path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"is not UTF-8 (at byte offset {len(bom) + len(good)})" in out.stderr


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\ud800", "an unpaired surrogate (half of a UTF-16 pair, no character on its own) U+D800 at 4"),
        ("\udfff", "an unpaired surrogate (half of a UTF-16 pair, no character on its own) U+DFFF at 4"),
        ("\ufffe", "a noncharacter (Unicode reserves it never to be a character) U+FFFE at 4"),
        ("\x07", "a control character U+0007 at 4"),
    ],
)
def test_a_character_a_cell_cannot_hold_is_named_as_what_it_is(tmp_path, char, named):
    """A JSON tracker whose note holds a lone surrogate, a noncharacter or a control character: each named."""
    document = followup.template(NEWEST, tmp_path / "t.json").read_text(encoding="utf-8")
    entry = '"recommendation_id": "' + IDS[5] + '"'
    escaped = "\\u" + f"{ord(char):04x}"
    filled = document.replace(
        entry,
        entry + ', "date": "2023-01-31", "status": "no information", "assessor": "M", '
        '"note": "note' + escaped + '"',
        1,
    )
    # the rest of the entry's keys are null: take the later "date" etc. away so no key is there twice
    start = filled.index(entry)
    end = filled.index("}", start)
    head, entry_text, tail = filled[:start], filled[start:end], filled[end:]
    for key in ("date", "status", "assessor", "note"):
        entry_text = entry_text.replace(f',\n      "{key}": null', "")
    path = tmp_path / "t.json"
    path.write_text(head + entry_text + tail, encoding="utf-8")
    out = run("followup", "validate", path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"column note: holds {named}, which a cell cannot hold" in out.stderr


def test_a_template_of_a_release_before_sdg_links_leaves_their_column_empty(tmp_path):
    """As the how-to says: a 1.1.0 template has the sdg_targets column, empty; a 1.3.0 one fills it."""
    for version, filled in (("1.1.0", False), ("1.3.0", True)):
        out = run("followup", "template", "--data-version", version, "--output", tmp_path / f"{version}.csv")
        assert out.returncode == 0, out.stderr
        rows = list(csv.DictReader(io.StringIO((tmp_path / f"{version}.csv").read_text("utf-8-sig"))))
        assert len(rows) == 15 and any(row["sdg_targets"] for row in rows) is filled
