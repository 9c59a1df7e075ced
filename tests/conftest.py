"""Shared fixtures: the shipped release, and paths into the repository."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import kzrights

# The first example of a property test may build an index (search, quotations, the
# entity matcher) on a shared, noisy machine: a per-example deadline would be flaky.
settings.register_profile("kzrights", deadline=None)
# CI (.ci/run sets KZRIGHTS_HYPOTHESIS_PROFILE=ci) draws the same examples on every run, so
# that its verdict on a commit can be reproduced by running the suite with the same profile;
# every other run draws new examples, which is where new failures are found (each one then
# becomes an @example).
settings.register_profile(
    "ci", settings.get_profile("kzrights"), derandomize=True, database=None, print_blob=True
)
settings.load_profile(os.environ.get("KZRIGHTS_HYPOTHESIS_PROFILE", "kzrights"))

# A suite started in the background of a non-interactive shell ("command &" in a script, as CI's
# lanes are) starts with Ctrl-C ignored, and every process it starts would inherit that: the tests
# that press Ctrl-C in a child kzrights would wait for it forever. A handler, unlike an ignored
# signal, is reset by exec, so each child starts as it would from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "src" / "kzrights" / "data"
SEED_TEXT = SEEDS / "retreating-rights-kazakhstan-conclusions-and-recommendations.txt"


# the variables that switch coverage's measuring on in a new Python process: CI's own
# ``.pth`` hook reads the first, pyproject's ``patch = ["subprocess"]`` sets the second
COVERAGE_SWITCHES = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")


def unmeasured_environment() -> dict[str, str]:
    """``os.environ`` without coverage's switches, for a child run under a file-size limit.

    CI measures the coverage of every Python process the tests start. A child whose
    ``ulimit -f`` is a few KB cannot write its coverage data when it exits, and
    coverage then prints an "Exception ignored" traceback into the very stderr the
    test reads. Such a child is left unmeasured; the code it runs is measured by the
    other export tests.
    """
    return {name: value for name, value in os.environ.items() if name not in COVERAGE_SWITCHES}


def console_command() -> list[str]:
    """The installed ``kzrights`` console command, or what its generated wrapper runs."""
    script = Path(sys.executable).with_name("kzrights")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from kzrights_entry import run; sys.exit(run())"]


def run_kzrights(*args: str | bytes, **options: Any) -> subprocess.CompletedProcess[Any]:
    """``kzrights ARGS`` in its own process: output captured (bytes, or str with ``text=True``).

    ``options`` go to ``subprocess.run``; the child is killed after 180 s
    unless ``timeout`` says otherwise.
    """
    options = {"capture_output": True, "timeout": 180, "check": False, **options}
    return subprocess.run([sys.executable, "-m", "kzrights", *args], **options)


def out_name(format: str) -> str:
    """The name ``out``, with the ending the format's readers need (``out.xlsx``), if any."""
    from kzrights.exports import SUFFIXES

    return "out" + SUFFIXES.get(format, ("",))[0]


def one_line_error(done: subprocess.CompletedProcess[Any]) -> str:
    """The one line a refused command prints; assert it exits 1, prints nothing else and no traceback."""
    stdout, stderr = (
        (done.stdout, done.stderr)
        if isinstance(done.stderr, str)
        else (done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
    )
    assert done.returncode == 1, (done.returncode, stderr)
    assert stdout == "", stdout
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kzrights: error: "), lines
    return lines[0]


def run_kzrights_with_file_size_limit(
    limit: int, *args: str, **options: Any
) -> subprocess.CompletedProcess[Any]:
    """``(ulimit -f ...; kzrights ARGS)``: the command line, able to write files of ``limit`` bytes at most.

    ``options`` go to ``subprocess.run`` (output is captured; the child times out
    after 180 s); the child is not measured for coverage (``unmeasured_environment``).
    """
    import resource  # POSIX only, as preexec_fn is

    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    return run_kzrights(*args, env=unmeasured_environment(), preexec_fn=set_limit, **options)


@pytest.fixture(scope="session")
def report() -> kzrights.Report:
    """Release 1.0.0, as users load it."""
    return kzrights.load("1.0.0")


# Heavy consumers (Datasette, a Jupyter kernel, DuckDB, Chromium, spaCy, the MCP SDK) are
# installed by the ``consumers`` extra, which .ci/run installs on one Python only. Their tests
# call ``consumer()``: without the package they skip, unless KZRIGHTS_REQUIRE_CONSUMERS=1
# (set by .ci/run on that Python), where a missing consumer fails the run instead of hiding.
def consumer(module: str) -> object:
    """Import a consumer package for a test, or skip (fail where consumers are required)."""
    import importlib
    import os

    try:
        return importlib.import_module(module)
    except ImportError as error:
        message = f"{module} is not installed (pip install -e '.[consumers]')"
        if os.environ.get("KZRIGHTS_REQUIRE_CONSUMERS") == "1":
            pytest.fail(f"{message}: {error}")
        pytest.skip(message)


@pytest.fixture(scope="session")
def seeds_and_records() -> tuple[object, list[object]]:
    """The seeds, and the records their annotations refer to (see annotation_seeds.py)."""
    from kzrights_build import read_seeds
    from kzrights_build.parse import parse

    seeds = read_seeds(SEEDS)
    parsed = parse(seeds.source_text, seeds.capture)
    return seeds, [*parsed.paragraphs, *parsed.items, *parsed.recommendations, *parsed.footnotes]


def read_workbook(path: object) -> object:
    """Read an .xlsx file as a spreadsheet user's tool does, fully, with the file closed after.

    openpyxl's ``read_only=True`` keeps the file open until ``close()`` is
    called; a workbook left to the garbage collector then warns
    (``ResourceWarning``) in whichever test happens to be running, which
    failed CI once.  Reading the whole workbook closes the file before
    returning.
    """
    import openpyxl

    return openpyxl.load_workbook(path)


def nested_payload(opening: bytes, closing: bytes, middle: bytes = b""):  # type: ignore[no-untyped-def]
    """A payload nested deeper than Python's JSON reader can follow, the header's sha256 made to agree."""
    from kzrights._compat import sha256_hex

    def change(path: Path, _: Path) -> None:
        header, _, _ = path.read_bytes().partition(b"\n")
        body = opening * 100_000 + middle + closing * 100_000
        fields = {**json.loads(header), "payload_sha256": sha256_hex(body)}
        path.write_bytes(json.dumps(fields).encode() + b"\n" + body)

    return change
