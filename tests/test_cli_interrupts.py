"""Ctrl-C while a slow reader holds ``kzrights --json annotate``'s output up (issue 11).

The real command in a subprocess, writing to a pipe that the test does not
read until after SIGINT is sent, so that the signal arrives inside a write
blocked on a full pipe; the test then reads everything and parses it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

import kzrights

# ── 5. Ctrl-C while a slow reader holds stdout: the JSON stays whole ──────────


def _blocked_writing(pid: int, pipe: int) -> bool:
    """Whether the process sleeps writing to a full pipe.

    Linux shows where a process sleeps in ``/proc/PID/wchan``; where it does
    not, a full pipe (64 KiB waiting in it) is taken as the sign.
    """
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        waiting = bytearray(4)
        fcntl.ioctl(pipe, termios.FIONREAD, waiting)
        return int.from_bytes(waiting, sys.byteorder) >= 65536


def _wait_until_blocked(process: subprocess.Popen[bytes], pipe: int) -> None:
    """Wait until ``process`` is blocked writing to the full pipe whose read end is ``pipe``."""
    deadline = time.monotonic() + 120
    while not _blocked_writing(process.pid, pipe):
        assert process.poll() is None, "the command ended before its output filled the pipe"
        assert time.monotonic() < deadline, "the command never blocked on its output"
        time.sleep(0.02)


@contextlib.contextmanager
def _blocked_on_a_reader_who_never_reads(
    command: list[str],
) -> Iterator[tuple[subprocess.Popen[bytes], BinaryIO]]:
    """Start ``command`` with its stdout a pipe nobody reads; give it once its write is blocked.

    Yields the process and the pipe's read end, which the test may close
    (a reader that goes away).  On the way out a command still running is
    killed: one that hangs fails its test, not the whole run.
    """
    read, write = os.pipe()
    with open(read, "rb", buffering=0) as reader:
        try:
            with subprocess.Popen(command, stdout=write, stderr=subprocess.PIPE) as process:
                os.close(write)
                write = -1
                try:
                    _wait_until_blocked(process, read)
                    yield process, reader
                finally:
                    if process.poll() is None:
                        process.kill()
        finally:
            if write != -1:
                os.close(write)


@pytest.mark.parametrize("lines", [40_000, 90_000])
def test_ctrl_c_while_the_reader_is_slow_leaves_one_json_array(tmp_path, lines):
    """SIGINT while ``--json annotate`` is blocked on a full pipe: 130, one line, and JSON that parses.

    The pipe is not read until after the signal is sent, so the command is
    inside a write when it arrives; the old command lost the rest of that
    write and closed the array after half an object.
    """
    path = tmp_path / "news.txt"
    path.write_text("President Tokayev met NUR OTAN in Astana.\n" * lines, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "--json", "annotate", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        _wait_until_blocked(process, process.stdout.fileno())
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()  # a command that hangs fails the test, not the whole run
    assert process.returncode == 130
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and text.strip() == "kzrights: interrupted", text
    written = json.loads(stdout)  # the old command: "Expecting ',' delimiter" or an unterminated string
    assert len(written) >= 1000, "the pipe was full: at least that much was written"
    offsets = [(m["start"], m["end"]) for m in written]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    expected = kzrights.annotate(path.read_text(encoding="utf-8"))
    assert [(m["entity_id"], m["start"]) for m in written] == [
        (m.entity_id, m.start) for m in expected[: len(written)]
    ]


def test_a_second_ctrl_c_stops_a_command_whose_reader_never_reads(tmp_path):
    """Held output never hangs: with nobody reading, the second Ctrl-C ends the command (130, one line)."""
    path = tmp_path / "news.txt"
    path.write_text("President Tokayev met NUR OTAN in Astana.\n" * 40_000, encoding="utf-8")
    with _blocked_on_a_reader_who_never_reads(
        [sys.executable, "-m", "kzrights", "--json", "annotate", str(path)]
    ) as (process, _):
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert process.poll() is None, "the first Ctrl-C waits for the reader"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)  # the old command waited for ever on the reader
    assert process.returncode == 130
    assert stderr.decode().strip() == "kzrights: interrupted"


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_ctrl_c_then_the_reader_going_away_is_still_an_interrupt(tmp_path, as_json):
    """Ctrl-C while the output is held, then the reader closes the pipe: 130 and one line, not success.

    The held write fails on the closed pipe; the old command took that for a
    reader that went away by itself (``… | head``) and exited 0, its output
    cut short.
    """
    path = tmp_path / "news.txt"
    path.write_text("President Tokayev met NUR OTAN in Astana.\n" * 40_000, encoding="utf-8")
    command = [sys.executable, "-m", "kzrights", *(["--json"] if as_json else []), "annotate", str(path)]
    with _blocked_on_a_reader_who_never_reads(command) as (process, reader):
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert process.poll() is None, "the first Ctrl-C waits for the reader"
        reader.close()  # the reader goes away without reading on
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().strip() == "kzrights: interrupted"


def test_a_reader_that_goes_away_without_ctrl_c_ends_json_output_quietly(tmp_path):
    """``kzrights --json annotate big.txt | head -c 100``: status 0 and nothing on stderr, as documented.

    The counterpart of the test above: without a Ctrl-C, a closed pipe is a
    reader that had all it wanted (docs/command-line.md, exit codes).
    """
    path = tmp_path / "news.txt"
    path.write_text("President Tokayev met NUR OTAN in Astana.\n" * 40_000, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "kzrights", "--json", "annotate", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100).startswith(b"[")
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == 0
    assert stderr == b""
