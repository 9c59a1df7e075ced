"""Exports into a folder that stays, what a replaced output keeps, and Ctrl-C once an output is in place.

A folder export into an existing empty folder, a mount point (a tmpfs, a
bind mount, as a Docker volume is) or what such an export left when it was
killed, is moved into that folder file by file: the folder itself is never
renamed, so a mount point takes it, and its permissions, its group and a
shell working in it stay.  A replaced file or folder keeps the permission
bits and group of the one it replaces.  And a Ctrl-C that lands once an
output is in place, until the command has listed it, is reported as such,
for every command that writes a file.  Each test drives the command line
in its own process, on a real file system, with real signals.
"""

from __future__ import annotations

import functools
import grp
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import console_command, one_line_error, run_kzrights

import kzrights
from kzrights.errors import OutputExistsError
from kzrights.exports import export

MARKER = ".kzrights-export.json"

run = functools.partial(run_kzrights, text=True, timeout=120)
"""The command line, in its own process, its output as str (killed after 120 s)."""


def _as_root() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting needs root")


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An empty tmpfs mounted at a folder: a mount point, which cannot be renamed (needs root)."""
    _as_root()
    point = tmp_path / "mp"
    point.mkdir()
    _mount("-t", "tmpfs", "tmpfs", str(point))
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[Path]:
    """An empty folder bound over another with ``mount --bind``, on the same file system (a Docker volume)."""
    _as_root()
    (tmp_path / "hostdir").mkdir()
    volume = tmp_path / "vol"
    volume.mkdir()
    _mount("--bind", str(tmp_path / "hostdir"), str(volume))
    try:
        yield volume
    finally:
        subprocess.run(["umount", "-l", str(volume)], check=False)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file directly in ``folder`` but the marker and staging folders, with its bytes."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.name != MARKER and not p.name.startswith(".kzrights-tmp-")
    }


_references: dict[tuple[str, str], dict[str, bytes]] = {}


def reference(format: str, version: str | None = None) -> dict[str, bytes]:
    """The files of a clean folder export of ``format`` (of the newest release, or ``version``)."""
    report = kzrights.load(version)
    key = (report.version, format)
    if key not in _references:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            export(report, format, Path(folder) / "out")
            _references[key] = _files(Path(folder) / "out")
    return _references[key]


def _marker(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    return data


# ── a folder that stays: mount points, empty folders ──────────────────────────


@pytest.mark.parametrize("format", ["csv", "jsonl"])
@pytest.mark.parametrize("mount", ["tmpfs", "bound"])
def test_a_mount_point_is_exported_into_and_replaced_with_force(mount, format, request):
    """``--output /data`` on a volume: written into it, refused again, then replaced in it with --force.

    The mount point could not be renamed ("device or resource busy"): the
    export now moves its files into it, and so does ``--force`` over a
    previous export there (an older release, with other files, replaced).
    """
    point: Path = request.getfixturevalue(mount)
    done = run("export", "--format", format, "--output", str(point), "--data-version", "1.0.0")
    assert done.returncode == 0, done.stderr
    assert _files(point) == reference(format, "1.0.0")
    assert "use --force" in one_line_error(run("export", "--format", format, "--output", str(point) + "/"))
    done = run("export", "--format", format, "--output", str(point) + "/", "--force")
    assert done.returncode == 0, done.stderr
    assert _files(point) == reference(format)
    assert sorted(_marker(point)["files"]) == sorted(reference(format))
    assert "complete" not in _marker(point)
    assert [p.name for p in point.iterdir() if p.name.startswith(".")] == [MARKER]


def test_a_bind_mounted_file_with_force_is_a_one_line_error_saying_why(tmp_path):
    """A file bound over the destination cannot be renamed over: one line saying it is a mount point."""
    _as_root()
    (tmp_path / "host.json").write_text("the host's file\n", encoding="utf-8")
    target = tmp_path / "target.json"
    target.write_text("the mount point\n", encoding="utf-8")
    _mount("--bind", str(tmp_path / "host.json"), str(target))
    try:
        line = one_line_error(run("export", "--format", "json", "--output", str(target), "--force"))
        assert "mount point" in line, line
        assert target.read_text(encoding="utf-8") == "the host's file\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["host.json", "target.json"]
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _nogroup() -> int:
    try:
        return grp.getgrnam("nogroup").gr_gid
    except KeyError:
        pytest.skip("no group 'nogroup' to give a folder")


def _shared_folder(path: Path, mode: int) -> int:
    """A folder as a team shares it: another group, passed on to what is made in it (setgid)."""
    _as_root()  # giving a file a group one is not in needs root
    gid = _nogroup()
    path.mkdir()
    os.chown(path, -1, gid)
    os.chmod(path, mode)
    return gid


@pytest.mark.parametrize("force", [False, True], ids=["empty", "previous-export"])
def test_a_shared_folder_keeps_its_mode_group_and_setgid(force, tmp_path):
    """``drwxrws--- root:nogroup`` exported into, or replaced (--force), stays so; files take its group."""
    shared = tmp_path / "shared"
    gid = _shared_folder(shared, 0o2770)
    if force:
        assert run("export", "--format", "csv", "--output", str(shared)).returncode == 0
        os.chmod(shared, 0o2750)  # changed by hand since: the replacement keeps what it is now
    expected = 0o2750 if force else 0o2770
    done = run("export", "--format", "csv", "--output", str(shared), *(["--force"] if force else []))
    assert done.returncode == 0, done.stderr
    info = os.stat(shared)
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (expected, gid)
    assert {os.stat(p).st_gid for p in shared.iterdir()} == {gid}


def test_a_previous_export_in_a_shared_folder_keeps_its_settings_when_replaced(tmp_path):
    """A previous export (no mount point) is swapped whole: the new folder takes the old mode and group."""
    team = tmp_path / "team"
    gid = _shared_folder(team, 0o2775)
    out = team / "csv"
    assert run("export", "--format", "csv", "--output", str(out)).returncode == 0
    os.chmod(out, 0o2750)
    done = run("export", "--format", "csv", "--output", str(out), "--force")
    assert done.returncode == 0, done.stderr
    info = os.stat(out)
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o2750, gid)
    assert {os.stat(p).st_gid for p in out.iterdir()} == {gid}
    assert _files(out) == reference("csv")


@pytest.mark.parametrize("format", ["json", "sqlite"])
def test_force_over_a_file_keeps_its_mode_and_group_and_a_new_file_gets_the_umask(format, tmp_path):
    """``--force`` over a 0640 file of group nogroup keeps both; a new file is made as the umask says."""
    _as_root()
    gid = _nogroup()
    target = tmp_path / "out"
    target.write_text("a previous export\n", encoding="utf-8")
    os.chown(target, -1, gid)
    os.chmod(target, 0o640)
    done = run("export", "--format", format, "--output", str(target), "--force")
    assert done.returncode == 0, done.stderr
    info = os.stat(target)
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o640, gid)
    fresh = tmp_path / "fresh"
    umask = "import os, runpy, sys; os.umask(0o027); sys.argv[0] = 'kzrights'; runpy.run_module('kzrights')"
    done = subprocess.run(
        [sys.executable, "-c", umask, "export", "--format", format, "--output", str(fresh)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o640


def test_a_shell_in_the_folder_still_sees_the_export(tmp_path):
    """``cd cw; kzrights export --output ../cw``: the shell's folder is the one written, not a deleted one."""
    cw = tmp_path / "cw"
    cw.mkdir()
    script = f"{sys.executable} -m kzrights export --format csv --output ../cw >/dev/null && ls -A"
    done = subprocess.run(["sh", "-c", script], cwd=cw, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted([*reference("csv"), MARKER])


# ── killed while moving into a folder that stays ─────────────────────────────

# For each n, a fresh copy of the folder, and an export into it that sends itself SIGKILL at its
# n-th rename, replace or unlink while moving into place (the moves of _staging._place_inside)
_KILLED_AT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import kzrights
    from kzrights.exports import _staging

    folder, limit, force = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "force"
    here = _staging.__file__
    seen = []

    def hook(frame, event, arg):
        # os.replace and os.unlink, and _take (whose renameat2, through ctypes, is no builtin's call)
        if event == "c_call" and frame.f_code.co_filename == here:
            name = getattr(arg, "__name__", "")
        elif event == "call" and frame.f_code.co_filename == here:
            name = frame.f_code.co_name
        else:
            return
        if name in ("rename", "replace", "unlink", "_take"):
            seen.append(name)
            if len(seen) == limit:
                os.kill(os.getpid(), signal.SIGKILL)

    inside = _staging._place_inside

    def place_inside(*args, **options):
        sys.setprofile(hook)
        try:
            return inside(*args, **options)
        finally:
            sys.setprofile(None)

    _staging._place_inside = place_inside
    kzrights.export(kzrights.load(), "csv", folder, overwrite=force)
    print(len(seen))
    """
)


@pytest.mark.parametrize("previous", ["empty", "an older export"])
def test_killed_while_moving_into_a_folder_the_next_export_knows_it(previous, tmp_path):
    """SIGKILL at each move into a folder that stays: its marker says it is incomplete; --force completes it.

    Each state left is the previous export, the new one whole, or files of
    both under a marker that says ``"complete": false`` and lists them all:
    the next export refuses it without --force (naming the interruption)
    and replaces it with --force, never touching anything else.
    """
    folder = tmp_path / "dry" / "csv"
    folder.parent.mkdir()
    if previous == "empty":
        folder.mkdir()
    else:
        export(kzrights.load("1.0.0"), "csv", folder)
        (folder / ".kzrights-tmp-stale").mkdir()  # a killed export's staging: kzrights' own, kept
    force = "force" if previous != "empty" else "no"
    pristine = tmp_path / "pristine"
    subprocess.run(["cp", "-a", str(folder), str(pristine)], check=True)
    dry = subprocess.run(
        [sys.executable, "-c", _KILLED_AT, str(folder), "0", force],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dry.returncode == 0, dry.stderr
    total = int(dry.stdout)
    assert total >= len(reference("csv")) + 2  # each file, and the two markers
    seen = set()
    for n in range(1, total + 1):
        left = tmp_path / f"killed-{n}" / "csv"
        left.parent.mkdir()
        subprocess.run(["cp", "-a", str(pristine), str(left)], check=True)
        inode = os.stat(left).st_ino
        done = subprocess.run(
            [sys.executable, "-c", _KILLED_AT, str(left), str(n), force], capture_output=True, timeout=120
        )
        assert done.returncode == -signal.SIGKILL, done.stderr
        assert os.stat(left).st_ino == inode  # the folder itself is never replaced
        marker = _marker(left) if (left / MARKER).exists() else None
        files = _files(left)
        if marker is not None and marker.get("complete") is False:
            assert set(files) <= set(marker["files"]), n
            seen.add("incomplete")
            with pytest.raises(OutputExistsError, match="interrupted"):
                export(kzrights.load(), "csv", left)
            export(kzrights.load(), "csv", left, overwrite=True)
            assert _files(left) == reference("csv") and "complete" not in _marker(left)
        else:
            seen.add("whole")
            expected = {} if previous == "empty" else reference("csv", "1.0.0")
            assert files in (expected, reference("csv")), n
        if previous != "empty":
            assert (left / ".kzrights-tmp-stale").is_dir()
    assert seen == {"incomplete", "whole"}


# ── Ctrl-C once the output is in place ────────────────────────────────────────

# A SIGINT sent from inside the removal of the staging folder (shutil.rmtree), just after the
# output was moved into place: the moment the tester's random Ctrl-C hit twice in forty runs
_INTERRUPTED_IN_CLEANUP = textwrap.dedent(
    """
    import os, shutil, signal, sys
    real = shutil.rmtree

    def rmtree(path, *args, **options):
        if ".kzrights-tmp-" in os.fspath(path):
            os.kill(os.getpid(), signal.SIGINT)
        return real(path, *args, **options)

    shutil.rmtree = rmtree
    from kzrights.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)

# A SIGINT sent as the command starts to list what it wrote, after the library returned
_INTERRUPTED_IN_REPORT = textwrap.dedent(
    """
    import os, signal, sys
    from kzrights import cli
    emit = cli._emit

    def interrupted_emit(*args, **options):
        os.kill(os.getpid(), signal.SIGINT)
        return emit(*args, **options)

    cli._emit = interrupted_emit
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def _writer(command: str, folder: Path) -> tuple[list[str], Path, str]:
    """A command that writes a file: its arguments, the file, and what its message calls it."""
    if command == "followup compare --html":
        old, new = folder / "old.csv", folder / "new.csv"
        for path in (old, new):
            assert run("followup", "template", "--output", str(path)).returncode == 0
        return ["followup", "compare", str(old), str(new), "--html"], folder / "page.html", "HTML page"
    return {
        "export sqlite": (["export", "--format", "sqlite", "--output"], folder / "kz.sqlite", "export"),
        "export csv": (["export", "--format", "csv", "--output"], folder / "tables", "export"),
        "export json": (["export", "--format", "json", "--output"], folder / "kz.json", "export"),
        "followup template": (["followup", "template", "--output"], folder / "t.json", "tracker"),
    }[command]


@pytest.mark.parametrize("where", ["cleanup", "report"])
@pytest.mark.parametrize(
    "command", ["export sqlite", "export csv", "followup template", "followup compare --html"]
)
def test_ctrl_c_once_the_output_is_in_place_says_it_is_complete(command, where, tmp_path):
    """Ctrl-C after the move, until the command has said what it wrote: 130, listed, "after ... complete".

    It was "kzrights: interrupted" with nothing listed, and the user who ran
    the command again met "a file is there; use --force".  The staging
    folder is still removed.
    """
    arguments, output, what = _writer(command, tmp_path)
    script = _INTERRUPTED_IN_CLEANUP if where == "cleanup" else _INTERRUPTED_IN_REPORT
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments, str(output)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == f"kzrights: interrupted, after the {what} was complete\n"
    assert str(output) in done.stdout or command.endswith("--html")
    assert done.stdout.strip()
    assert output.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kzrights-tmp-")]
    again = run(*arguments, str(output))
    assert "use --force" in one_line_error(again)  # what is there is the complete output


# Ctrl-C at the n-th call the command makes once its output is written and synced (the profile
# hook counts every call from then on): before, during and after the moves, while reporting,
# and as the console command returns
_INTERRUPTED_AT = textwrap.dedent(
    """
    import os, signal, sys
    from kzrights.exports import _staging
    limit = int(sys.argv[1])
    sync, count = _staging.sync, [0]

    def hook(frame, event, arg):
        if event in ("call", "c_call"):
            count[0] += 1
            if count[0] == limit:
                os.kill(os.getpid(), signal.SIGINT)

    def synced(stage):
        sync(stage)
        sys.setprofile(hook)

    _staging.sync = synced
    from kzrights_entry import run  # the console command, which catches what main() cannot
    sys.argv[1:] = sys.argv[2:]
    status = run()
    sys.setprofile(None)
    sys.stderr.write(f"calls {count[0]}\\n")
    sys.exit(status)
    """
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.floats(0, 1), command=st.sampled_from(["export sqlite", "export json", "followup template"]))
def test_what_an_interrupted_command_says_matches_what_it_left(at, command, tmp_path_factory):
    """Ctrl-C at any moment once the output is written: "interrupted" only if nothing new is in place.

    Either the command was interrupted before its output moved in (the
    destination as it was, status 130, "kzrights: interrupted"), or the
    output is complete and the command lists it and says so, or it was
    never interrupted at all.
    """
    folder = tmp_path_factory.mktemp("interrupted")
    arguments, output, what = _writer(command, folder)
    output.write_text("the previous output\n", encoding="utf-8")

    def command_run(limit: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _INTERRUPTED_AT, str(limit), *arguments, str(output), "--force"],
            capture_output=True,
            text=True,
            timeout=120,
        )

    total = _totals.get(command)
    if total is None:
        dry = command_run(0)
        assert dry.returncode == 0, dry.stderr
        total = _totals[command] = int(dry.stderr.split()[-1])
        output.write_text("the previous output\n", encoding="utf-8")
    done = command_run(max(1, min(round(at * total), total - 1)))  # the last: the script's own
    stderr = [line for line in done.stderr.splitlines() if not line.startswith("calls ")]
    replaced = output.read_bytes() != b"the previous output\n"
    if done.returncode == 0:
        assert replaced and stderr == [], done.stderr
    else:
        assert done.returncode == 130, done.stderr
        if replaced:
            assert stderr == [f"kzrights: interrupted, after the {what} was complete"], done.stderr
            assert done.stdout.strip()
        else:
            assert stderr == ["kzrights: interrupted"], done.stderr


_totals: dict[str, int] = {}


@pytest.mark.parametrize("delay", [0, 0.002, 0.005, 0.01, 0.02, 0.05])
def test_ctrl_c_after_the_command_said_what_it_wrote_never_kills_it_silently(delay, tmp_path):
    """Ctrl-C once "wrote …" was out could end the process by the signal (exit -2, no line).

    From then on the output is complete: the status is 130 with the line that
    says so (the command had not returned yet) or 0 (it had: a Ctrl-C while
    the process exits is ignored), never a death by the signal, never a traceback.
    """
    output = tmp_path / "out.json"
    with subprocess.Popen(
        [*console_command(), "export", "--format", "json", "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    assert first.startswith(b"wrote "), (first, stderr)
    assert output.exists() and json.loads(output.read_bytes())
    assert process.returncode in (0, 130), (process.returncode, stderr)
    expected = b"" if process.returncode == 0 else b"kzrights: interrupted, after the export was complete\n"
    assert stderr == expected


@pytest.mark.parametrize("spelling", [".", "./", "../data/."])
def test_a_folder_export_to_the_current_folder_writes_into_it(spelling, tmp_path):
    """``cd /data && kzrights export --format csv --output .`` was refused: "must end in a … folder name".

    The current folder is written into, empty or holding a previous export
    (with ``--force``), and stays the folder the shell is in.
    """
    here = tmp_path / "data"
    here.mkdir()
    before = os.stat(here).st_ino
    for force in ([], ["--force"]):
        done = subprocess.run(
            [sys.executable, "-m", "kzrights", "export", "--format", "csv", "--output", spelling, *force],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert os.stat(here).st_ino == before  # the same folder, not a new one in its place
        assert (here / "recommendations.csv").is_file()


def test_a_replaced_file_never_takes_the_setuid_bit(tmp_path):
    """--force over a file with the setuid or setgid bit set: the new output keeps its mode without them."""
    output = tmp_path / "out.json"
    output.write_text("{}", encoding="utf-8")
    os.chmod(output, 0o6750)
    export(kzrights.load(), "json", output, overwrite=True)
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o750
