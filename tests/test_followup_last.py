"""The last findings of a fresh tester of issue 15, each checked through the user's path.

The compare command's text output, the names the followup commands write to,
formula characters in a CSV tracker, the workbook's status drop-down, and the
messages of the follow-up reader and the SDG lookup.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

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
    """One row of a tracker, assessed by an example monitor on 1 June of ``day``."""
    return followup.Assessment(
        recommendation_id=rec_id,
        date=datetime.date(day, 6, 1),
        status=status,
        assessor="Example Monitor",
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
