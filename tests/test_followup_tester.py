"""The faults a fresh tester of issue 15 found in follow-up trackers, each fixed for its whole kind.

Every case goes through the user's path: a tracker from ``kzrights followup
template``, filled in with openpyxl (as a spreadsheet program would save it,
or as a script that never computes formulas does), a CSV file edited as
text, or a JSON file written by hand; then ``kzrights followup validate``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import followup
from kzrights.errors import InvalidAssessmentError

KZRIGHTS = Path(sys.executable).with_name("kzrights")
NEWEST = kzrights.versions()[-1]
REPORT = kzrights.load(NEWEST)
IDS = [rec.id for rec in REPORT.recommendations]
EXAMPLES = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed ``kzrights`` command, as a user types it."""
    return subprocess.run([str(KZRIGHTS), *map(str, args)], capture_output=True, text=True, timeout=120)


def problems(path: Path) -> list[dict[str, object]]:
    """What ``kzrights followup validate --json`` says is wrong with ``path`` (it must be invalid)."""
    out = run("followup", "validate", path, "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    found: list[dict[str, object]] = json.loads(out.stdout)["problems"]
    return found


def filled_csv(tmp_path: Path, **cells: str) -> Path:
    """A CSV template with the sixth recommendation's row given ``cells``, edited as text would be."""
    path = followup.template(NEWEST, tmp_path / "tracker.csv", overwrite=True)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows[5].update(cells)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(followup.COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


ONE = {"date": "2023-01-31", "status": "not implemented", "assessor": "Kazakhstan Monitor"}


# ── 2. a blank data_version says what to put there ───────────────────────────


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_data_version_in_a_csv_tracker_says_what_to_put_there(tmp_path, blank):
    """A row with an assessment and no release is told to name the release, and where to find them."""
    path = filled_csv(tmp_path, **ONE, data_version=blank)
    [problem] = problems(path)
    assert (problem["row"], problem["column"]) == (7, "data_version")
    message = str(problem["message"])
    assert message.startswith("is empty: give the data release the tracker was made against")
    assert "kzrights versions" in message and repr(NEWEST) in message
    assert "'nothing'" not in message


def test_a_data_version_typed_as_a_number_in_a_workbook_is_named_as_such(tmp_path):
    """A spreadsheet that turned '1.1' into a number is told to write the release as text."""
    path = followup.template(NEWEST, tmp_path / "tracker.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assessments"]
    for name, value in {**ONE, "data_version": 1.1}.items():
        sheet.cell(7, followup.COLUMNS.index(name) + 1, value)
    workbook.save(path)
    [problem] = problems(path)
    assert problem["column"] == "data_version"
    assert str(problem["message"]).startswith("is the number 1.1: write the release as text")


@pytest.mark.parametrize(
    ("document", "start"),
    [
        ({"assessments": []}, "the key is missing: give the data release"),
        ({"data_version": "", "assessments": []}, "is empty: give the data release"),
        ({"data_version": None, "assessments": []}, "is empty: give the data release"),
        ({"data_version": 1.3, "assessments": []}, "is the number 1.3"),
        ({"data_version": "9.9.9", "assessments": []}, "'9.9.9' is not a data release this package ships"),
    ],
)
def test_a_json_file_without_a_usable_data_version_says_what_to_put_there(tmp_path, document, start):
    """The JSON form's data_version, missing, blank, a number or unknown, gets a message that helps."""
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    [problem] = problems(path)
    assert (problem["row"], problem["column"]) == (None, "data_version")
    assert str(problem["message"]).startswith(start), problem


def test_an_empty_required_field_says_what_to_put_there(tmp_path):
    """The other required fields left blank say what they want: a date, a status of the list, an assessor."""
    path = filled_csv(tmp_path, date="", status="", assessor="", evidence="asked the ministry")
    messages = {p["column"]: str(p["message"]) for p in problems(path)}
    assert messages["date"] == "is empty; it is required: give the date of the assessment, written YYYY-MM-DD"
    assert messages["status"].startswith("is empty; it is required: give one of 'not implemented'")
    assert messages["assessor"].endswith("who assessed it: a person or an organisation")


# ── 3. a formula with no computed value is named, with the way out ──────────


@pytest.mark.parametrize(
    ("column", "formula"),
    [
        ("date", "=TODAY()"),
        ("status", "=Statuses!A2"),
        ("assessor", '="Monitor"'),
        ("data_version", '="1.3.0"'),
    ],
)
def test_a_formula_never_computed_is_named_not_called_empty(tmp_path, column, formula):
    """A formula saved by openpyxl has no value; kzrights says so and how to fix it, at its cell."""
    path = followup.template(NEWEST, tmp_path / "tracker.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assessments"]
    for name, value in {**ONE, column: formula}.items():
        sheet.cell(7, followup.COLUMNS.index(name) + 1, value)
    workbook.save(path)  # openpyxl never computes a formula: the cell has no cached value
    [problem] = problems(path)
    assert (problem["row"], problem["column"]) == (7, column)
    message = str(problem["message"])
    assert f"holds the formula {formula!r} with no computed value" in message
    assert "open it in a spreadsheet program and save it" in message and "paste values" in message
    assert "is empty" not in message


def test_a_formula_with_its_computed_value_is_read_as_that_value(tmp_path):
    """A workbook a spreadsheet program saved carries each formula's value, which is what counts."""
    import zipfile

    path = followup.template(NEWEST, tmp_path / "tracker.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assessments"]
    for name, value in {**ONE, "assessor": '="Kazakhstan Monitor"'}.items():
        sheet.cell(7, followup.COLUMNS.index(name) + 1, value)
    workbook.save(path)
    # what a spreadsheet program writes once it has computed the formula: its value beside it
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    member = "xl/worksheets/sheet1.xml"
    computed = parts[member].replace(
        b'<f>"Kazakhstan Monitor"</f><v></v></c>',
        b'<f>"Kazakhstan Monitor"</f><v>Kazakhstan Monitor</v></c>',
    )
    assert computed != parts[member]
    parts[member] = computed.replace(b'<c r="H7" s=', b'<c r="H7" t="str" s=')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert followup.read(path).assessments[0].assessor == "Kazakhstan Monitor"


# ── 4. the JSON template is as useful as the others ──────────────────────────


def test_the_json_template_lists_every_recommendation_with_its_context(tmp_path):
    """``--output tracker.json`` lists every recommendation: id, text, addressee, themes, SDGs, blanks."""
    out = run("followup", "template", "--output", tmp_path / "tracker.json")
    assert out.returncode == 0, out.stderr
    document = json.loads((tmp_path / "tracker.json").read_text(encoding="utf-8"))
    assert document["data_version"] == NEWEST
    entries = document["assessments"]
    assert [e["recommendation_id"] for e in entries] == IDS
    themes = {t.id: t.name for t in REPORT.themes}
    for entry, rec in zip(entries, REPORT.recommendations, strict=True):
        assert entry["text"] == rec.text and entry["addressee"] == rec.addressee.label
        assert entry["themes"] == [themes[t] for t in rec.theme_ids] and entry["themes"]
        assert entry["sdg_targets"] == list(rec.sdg_target_ids) and entry["sdg_targets"]
        assert all(entry[c] is None for c in followup.ASSESSMENT_COLUMNS)
    assert run("followup", "validate", tmp_path / "tracker.json").returncode == 0


def _template_with_blank_status(tmp_path: Path, suffix: str) -> Path:
    """The template of ``suffix``, the sixth recommendation given a date and assessor but no status."""
    path = followup.template(NEWEST, tmp_path / f"tracker{suffix}")
    values = {"date": "2023-01-31", "assessor": "Kazakhstan Monitor"}
    if suffix == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        document["assessments"][5].update(values)
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    elif suffix == ".csv":
        return filled_csv(tmp_path, **values)
    else:
        workbook = openpyxl.load_workbook(path)
        for name, value in values.items():
            workbook["Assessments"].cell(7, followup.COLUMNS.index(name) + 1, value)
        workbook.save(path)
    return path


def test_an_untouched_template_and_a_blank_status_read_alike_in_every_format(tmp_path):
    """Every format: an untouched template is valid, and a blank status gets the same message."""
    seen = {}
    for suffix in followup.FORMATS:
        untouched = followup.template(NEWEST, tmp_path / f"untouched{suffix}")
        assert run("followup", "validate", untouched).returncode == 0, suffix
        [problem] = problems(_template_with_blank_status(tmp_path, suffix))
        assert problem["column"] == "status"
        seen[suffix] = problem["message"]
    assert len(set(seen.values())) == 1, seen


# ── 6. a key given twice in the JSON form ────────────────────────────────────


def test_a_json_key_given_twice_is_refused_at_its_row(tmp_path):
    """JSON written by hand with "status" twice is refused, naming the key and the entry; not last-wins."""
    path = tmp_path / "t.json"
    path.write_text(
        f'{{"data_version": "{NEWEST}", "assessments": [\n'
        f' {{"recommendation_id": "{IDS[0]}", "date": "2023-01-31", "status": "implemented",\n'
        '  "assessor": "Monitor", "status": "not implemented"}]}',
        encoding="utf-8",
    )
    [problem] = problems(path)
    assert (problem["row"], problem["column"]) == (1, "status")
    assert "the key is there twice" in str(problem["message"])


def test_a_top_level_json_key_given_twice_is_refused(tmp_path):
    """Two "data_version" keys (one tracker pasted over another) are a problem of the file."""
    path = tmp_path / "t.json"
    path.write_text(
        f'{{"data_version": "1.1.0", "assessments": [], "data_version": "{NEWEST}"}}', encoding="utf-8"
    )
    [problem] = problems(path)
    assert (problem["row"], problem["column"]) == (None, "data_version")
    assert "the key is there twice" in str(problem["message"])


@EXAMPLES
@given(
    key=st.sampled_from(["recommendation_id", "date", "status", "assessor", "evidence", "note", "text"]),
    position=st.integers(0, 3),
)
def test_any_key_given_twice_in_any_entry_is_reported(tmp_path, key, position):
    """Whatever key is doubled in whichever entry, the problem names that key at that row."""
    entries = []
    for n in range(4):
        fields = {
            "recommendation_id": IDS[n],
            "date": f"2023-01-1{n}",
            "status": "no information",
            "assessor": "M",
        }
        pairs = [json.dumps(k) + ": " + json.dumps(v) for k, v in fields.items() if k != key]
        pairs += [f'"{key}": "x"'] + ([f'"{key}": "y"'] if n == position else [])
        entries.append("{" + ", ".join(pairs) + "}")
    path = tmp_path / "t.json"
    path.write_text(
        f'{{"data_version": "{NEWEST}", "assessments": [{", ".join(entries)}]}}', encoding="utf-8"
    )
    with pytest.raises(InvalidAssessmentError) as caught:
        followup.read(path)
    twice = [p for p in caught.value.problems if "there twice" in p.message]
    assert [(p.row, p.column) for p in twice] == [(position + 1, key)]


def test_a_missing_column_says_what_it_should_hold(tmp_path):
    """A CSV tracker whose data_version and assessor columns were deleted says what to add."""
    path = filled_csv(tmp_path, **ONE)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    keep = [n for n, name in enumerate(rows[0]) if name not in ("data_version", "assessor")]
    path.write_text("\n".join(",".join(f'"{row[n]}"' for n in keep) for row in rows) + "\n", encoding="utf-8")
    messages = {p["column"]: str(p["message"]) for p in problems(path)}
    assert messages["data_version"].startswith("the column is missing: add it and give the data release")
    assert "kzrights versions" in messages["data_version"]
    assert messages["assessor"] == (
        "the column is missing: add it and give who assessed it: a person or an organisation"
    )
