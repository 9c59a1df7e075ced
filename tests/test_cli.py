"""The command line, run as users run it: a separate process, text and JSON output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import kzrights


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzrights", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


def test_default_prints_the_recommendations_in_80_columns():
    """With no command it prints the 15 recommendations, no line over 80 characters."""
    out = run()
    assert out.returncode == 0
    assert "Stop targeting NGOs" in out.stdout and "Raise systemic problems" in out.stdout
    assert max(len(line) for line in out.stdout.splitlines()) <= 80


def test_version():
    """--version names the package version and the newest data release."""
    out = run("--version")
    assert out.returncode == 0
    assert kzrights.__version__ in out.stdout and kzrights.DATA_VERSION in out.stdout


@pytest.mark.parametrize(
    "command",
    ["info", "versions", "show conclusions.p8", "search kettling", "cite recommendations.government.6",
     "verify", "diff 1.0.0 1.1.0", "recommendations"],
)  # fmt: skip
def test_every_command_has_help_and_fits_80_columns(command):
    """Each command runs, answers --help, and its text fits an 80-column terminal."""
    name = command.split()[0]
    assert run(name, "--help").returncode == 0
    out = run(*command.split())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
    assert max(len(line) for line in out.stdout.splitlines()) <= 80, command


@pytest.mark.parametrize(
    ("command", "check"),
    [
        ("info", lambda d: d["counts"]["recommendations"] == 15),
        ("versions", lambda d: d["versions"] == list(kzrights.versions())),
        ("show footnotes.3", lambda d: d["ibid_of"] == "footnotes.2"),
        ("search golden visas --kind paragraph", lambda d: d[0]["id"] == "conclusions.p27"),
        ("cite conclusions.p8", lambda d: d["anchor"] == "#conclusions.p8"),
        ("verify", lambda d: set(d) == set(kzrights.versions())),
        ("diff 1.0.0 1.1.0", lambda d: d["removed"] == [] and d["added"]),
        ("recommendations", lambda d: len(d) == 15),
    ],
)
def test_json_output(command, check):
    """--json prints machine-readable JSON."""
    out = run(*command.split(), "--json")
    assert out.returncode == 0, out.stderr
    assert check(json.loads(out.stdout))


def test_data_version_pins_a_release():
    """--data-version works before or after the command."""
    assert json.loads(run("--data-version", "1.0.0", "info", "--json").stdout)["data_version"] == "1.0.0"
    assert json.loads(run("info", "--json", "--data-version", "1.0.0").stdout)["counts"]["entities"] == 0


def test_annotate_from_stdin_and_file(tmp_path):
    """Annotate reads a file or stdin."""
    out = run("annotate", "-", "--json", stdin="Activists of NUR OTAN met Бокаев.")
    assert [m["entity_id"] for m in json.loads(out.stdout)] == ["entities.nur-otan", "entities.max-bokayev"]
    path = tmp_path / "news.txt"
    path.write_text("The EBRD and the World Bank.", encoding="utf-8")
    assert "entities.world-bank" in run("annotate", str(path)).stdout


def test_export_and_schema(tmp_path):
    """Export writes the files it names; schema prints the JSON Schema the json export meets."""
    import jsonschema

    out = run("export", "--format", "json", "--output", str(tmp_path / "r.json"))
    assert out.returncode == 0 and "r.json" in out.stdout
    schema = json.loads(run("schema").stdout)
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    "command",
    [
        "show conclusions.p99",
        "--data-version 9.9.9 info",
        "annotate /no/such/file.txt",
        "export --format json --output /no/such/folder/x.json",
        "cite themes.freedom-of-expression",
        "diff 1.0.0 7.0.0",
        "search --limit 0 freedom",
        "search freedom --theme happiness",
        "bogus-command",
    ],
)
def test_bad_input_is_one_line_without_traceback(command):
    """Errors exit non-zero with a one-line message on stderr and no traceback."""
    out = run(*command.split())
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("kzrights")
    assert "Traceback" not in out.stderr
