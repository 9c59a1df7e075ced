"""How an export reaches its destination: staged beside it, then moved into place whole.

Every writer writes into a fresh staging folder (``.kzrights-tmp-XXXXXXXX``)
created in the destination's own folder, under the destination's own name,
so that the sidecar files it derives from that name (the SQLite export's
``NAME.metadata.json``) come out right.  Only when the writer has finished
and the files are synced does `place` move each staged entry into
place with one ``rename`` each (same file system, so each move is atomic):

- a path that is free is taken without replacing anything that appeared
  there meanwhile (``renameat2(RENAME_NOREPLACE)`` on Linux);
- a path that holds a previous output (``overwrite=True``) is swapped with
  the new one in one step (``renameat2(RENAME_EXCHANGE)`` on Linux, so the
  destination is never missing), and the previous output, now in the
  staging folder, is deleted with it, only once it is checked to hold
  nothing kzrights did not write.

Sidecars are moved before the main file, so a main file from the new export
means its sidecars are new too.  Exports moving into one folder at the same
moment are not ordered: a lock on the folder (``flock``) was tried and
dropped, since a ``fork()`` in another thread copies it into the child,
which then holds it for its whole life.  A process killed at any moment
leaves each destination path either as it was or complete, plus at worst a
stale ``.kzrights-tmp-*`` folder beside it.  Where ``renameat2`` is missing
(other systems, some network file systems) files are replaced with
``os.replace`` (still atomic) and a previous folder is first moved into the
staging folder as ``NAME.previous``, then the new one moved in: a crash
between those two steps leaves the previous folder whole at
``.kzrights-tmp-XXXXXXXX/NAME.previous``.

A folder export into a folder that must stay (an empty one, which keeps its
permissions, group and any shell working in it; a mount point, which cannot
be renamed) is staged inside that folder and moved in file by file, under a
marker that says ``"complete": false`` until the last move (`writes_into`,
`_place_inside`).  A replaced file or folder passes its permission bits and
group on to the new one (`_adopt`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from ..errors import ExportError, OutputExistsError, OutputFolderMissingError

# imported with this module, which kzrights imports under its first-use lock (a fork() in
# another thread waits for it: see kzrights._locking), not on an export's first use of them
try:
    import resource
except ImportError:  # pragma: no cover - not on POSIX: no file-size limit
    resource = None  # type: ignore[assignment]

__all__ = [
    "MARKER",
    "SIDECAR_ENDING",
    "STAGING_PREFIX",
    "Hold",
    "check_destination",
    "check_name",
    "check_sidecars",
    "held",
    "mark",
    "os_words",
    "place",
    "remove",
    "staged",
    "sync",
    "uninterrupted",
    "writes_into",
]

MARKER = ".kzrights-export.json"
"""The file a folder export writes into itself: its format and the files it wrote."""

STAGING_PREFIX = ".kzrights-tmp-"
"""The name of a staging folder starts with this (it sits beside the destination)."""

_MARKER_LIMIT = 1 << 20
"""The most bytes a marker is read to (1 MiB); a real one lists a few dozen files in a few KiB."""

_AT_FDCWD = -100  # <fcntl.h>: paths relative to the current folder
_RENAME_NOREPLACE = 1  # <linux/fs.h>
_RENAME_EXCHANGE = 2


def _fail(path: Path, reason: str, number: int | None = None) -> ExportError:
    return ExportError(str(path), reason, number)


def _show(text: object) -> str:
    """A name or path for a one-line message: quoted if it holds a line break or another control."""
    shown = str(text)
    return shown if shown.isprintable() else repr(shown)


def os_words(error: OSError) -> str:
    """The operating system's message for an error, as the tail of a sentence."""
    text = error.strerror or str(error)
    return text[:1].lower() + text[1:]


_words = os_words


def check_name(path: str | os.PathLike[str], file_format: str | None = None) -> Path:
    """Return ``path`` as a `Path` if it can name an export, else raise `ExportError`.

    An empty string is an error, not the current folder; so is a path that
    is only whitespace (``" "``, a file no listing shows), or whose last
    name is (``"out/ "``), paths that end in no name (``/``, ``.``,
    ``..``), and names the file system cannot encode or that hold a NUL
    character.  With ``file_format`` (the name of
    a format whose export is one file), a path that ends in a separator or
    in ``/.`` is an error too: it names a folder, and `Path` would
    quietly drop that ending and write a file.
    """
    raw = os.fspath(path)
    if raw == "":
        raise ExportError("", "the output path is empty")
    if raw.isspace():  # a slip (a quoted space, a stray newline), never a name anyone means
        raise ExportError(raw, "the output path is only whitespace")
    if "\0" in raw:
        raise _fail(Path(raw.replace("\0", "\\0")), "a path cannot hold a NUL character")
    try:
        os.fsencode(raw)
    except UnicodeEncodeError:
        raise ExportError(raw, "the file system cannot encode this name") from None
    target = Path(raw)
    if target.name in ("", ".", "..") and file_format is None and raw.rstrip("/" + os.sep) not in ("", "/"):
        # a folder format given the folder it is in ("." in a Docker volume, "../out/.."): the
        # folder by its own name, which is what the checks and the move below read
        try:
            target = Path(os.path.abspath(raw))
        except OSError as error:  # the current folder was deleted
            raise _fail(target, f"cannot find the current folder: {_words(error)}", error.errno) from None
    if target.name in ("", ".", ".."):
        raise _fail(target, "the path must end in a file or folder name")
    if target.name.isspace():
        raise _fail(target, "the path must end in a file or folder name, not only whitespace")
    if file_format is not None and _names_folder(raw):
        raise ExportError(
            raw,
            f"the path names a folder (it ends in {raw[-1]!r}), and the {file_format} export is a file",
            errno.EISDIR,
        )
    return target


SIDECAR_ENDING = ".metadata.json"
"""How the SQLite export names its Datasette sidecar: ``NAME.sqlite`` gets ``NAME.metadata.json``."""

_SQLITE_HEADER = b"SQLite format 3\0"


def check_sidecars(target: Path, format: str, raw: str) -> None:
    """Refuse an output path that is, or would pass for, the SQLite export's Datasette sidecar.

    Raised for any ``overwrite``: a ``sqlite`` export named ``*.metadata.json``
    (it would pass for another database's sidecar, and name its own
    ``*.metadata.metadata.json``), and an export of any file format over a
    ``NAME.metadata.json`` that is the sidecar of a SQLite database beside
    it (``NAME.sqlite``, ``NAME.db``, ``NAME``), which would leave that
    database with another export in place of its sidecar; and a ``sqlite``
    export whose own sidecar is that of another database beside it
    (``kz.db`` beside ``kz.sqlite`` and its ``kz.metadata.json``).

    Raises:
        ExportError: Naming the path and why (``errno`` ``EEXIST`` for an
            existing sidecar).
    """
    name = target.name
    if not name.lower().endswith(SIDECAR_ENDING):
        if format == "sqlite":  # its own sidecar may be another database's: kz.db beside kz.sqlite
            sidecar = target.with_name(target.stem + SIDECAR_ENDING)
            database = _database_of(sidecar, target.stem, besides=name)
            if database is not None:
                raise _fail(
                    target,
                    f"its Datasette sidecar {_show(sidecar.name)} is that of the SQLite export"
                    f" {_show(database)} beside it, which another export never replaces:"
                    " give the database a name of its own",
                    errno.EEXIST,
                )
        return
    stem = name[: -len(SIDECAR_ENDING)]
    if format == "sqlite":
        raise ExportError(
            raw,
            f"the SQLite export names a database's Datasette sidecar NAME{SIDECAR_ENDING},"
            f" so this name would pass for the sidecar of {_show(stem + '.sqlite')}:"
            f" name the database e.g. {_show(stem + '.sqlite')}",
        )
    database = _database_of(target, stem)
    if database is not None:
        raise _fail(
            target,
            f"it is the Datasette sidecar of the SQLite export {_show(database)} beside it,"
            " which another export never replaces",
            errno.EEXIST,
        )


def _database_of(sidecar: Path, stem: str, besides: str = "") -> str | None:
    """The name of a SQLite database beside ``sidecar`` whose sidecar it is, if it exists and there is one.

    ``besides`` names a database left out (the export's own destination).
    """
    if not os.path.lexists(sidecar):
        return None
    try:
        with os.scandir(sidecar.parent) as scan:
            names = sorted(entry.name for entry in scan if entry.name not in (sidecar.name, besides))
    except OSError:
        return None
    for candidate in names:
        if Path(candidate).stem == stem and _starts_with(sidecar.parent / candidate, _SQLITE_HEADER):
            return candidate
    return None


def _open_regular(path: Path) -> int | None:
    """A read-only descriptor of ``path`` if it is a regular file (links not followed), else None.

    Opened non-blocking, so that a FIFO put there meanwhile cannot hang the
    open, and checked again once open; the caller closes the descriptor.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            return descriptor
    except OSError:
        pass
    os.close(descriptor)
    return None


def _starts_with(path: Path, header: bytes) -> bool:
    """Whether ``path`` is a regular file (links not followed) whose first bytes are ``header``."""
    descriptor = _open_regular(path)
    if descriptor is None:
        return False
    try:
        return os.read(descriptor, len(header)) == header
    except OSError:
        return False
    finally:
        os.close(descriptor)


def _names_folder(raw: str) -> bool:
    """Whether ``raw`` ends in a separator, or in a separator and ``.``: the user named a folder."""
    separators = tuple(s for s in (os.sep, os.altsep) if s)
    return raw.endswith(separators) or raw.endswith(tuple(s + "." for s in separators))


def _kind(mode: int) -> str | None:
    """What an entry with this ``st_mode`` is, in words, unless it is a file, a folder or a link (then None).

    An export replaces only those three: a device, a FIFO or a socket is
    never replaced nor deleted, whatever ``overwrite`` says.
    """
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
        return None
    if stat.S_ISCHR(mode):
        return "a device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"  # pragma: no cover - doors, whiteouts: not on Linux


def _open_file_link(target: Path) -> str | None:
    """What the link ``target`` stands for, in words, if it is no place of its own (else None).

    ``/dev/stdout``, ``/dev/fd/1`` and ``/proc/self/fd/1`` are links to a
    file the process has open (a terminal, a pipe, or the file the shell
    redirected to), and a link to a device, a FIFO or a socket names no
    file to write: replacing such a link, even with ``overwrite``, would
    delete a piece of the system, never write where the user meant.
    """
    try:
        pointed = _kind(os.stat(target).st_mode)
    except (OSError, ValueError):  # a dangling link, or one in a loop: the link alone counts
        return None
    # every link of the chain, not the first alone: "/dev/stdout" is itself a link to
    # /proc/self/fd/1, and a link of the user's may lead to either through others
    hop = os.fspath(target)
    for _ in range(40):  # the kernel follows at most 40 links: a longer chain did not stat
        try:
            text = os.readlink(hop)
            parent = os.path.realpath(os.path.dirname(hop) or ".")
        except (OSError, ValueError):  # not a link: the end of the chain
            break
        if parent == "/proc" or parent.startswith("/proc/") or text.startswith(("/proc/", "/dev/fd/")):
            return "a file the process has open"
        hop = os.path.join(parent, text)  # a relative link is read from its own folder
    return pointed


def _mount_point(path: Path) -> bool:
    """Whether a file system, or a file or folder bound with ``mount --bind``, is mounted at ``path``.

    Such a path cannot be renamed over or away (``EBUSY``).  A bind mount
    on the same file system has the device and inode numbers of any other
    entry, so on Linux the system's own list of mounts decides.
    """
    try:
        if os.path.ismount(path):
            return True
        real = os.fsencode(os.path.realpath(path))
        with open("/proc/self/mountinfo", "rb") as mounts:
            listed = [line.split(b" ")[4] for line in mounts if line.count(b" ") >= 4]
    except (OSError, ValueError):  # no such list (not Linux): the rename says EBUSY, and `_move` says why
        return False
    # a space, tab, line break or backslash in a mount point is written as an octal escape
    return any(_MOUNT_ESCAPE.sub(lambda m: bytes([int(m[1], 8)]), point) == real for point in listed)


_MOUNT_ESCAPE = re.compile(rb"\\([0-7]{3})")


def _mounted(target: Path) -> ExportError:
    return _fail(
        target,
        "it is a mount point (something is mounted there), which cannot be replaced in one step:"
        " export to another name and copy it over, or unmount it",
        errno.EBUSY,
    )


def _special(target: Path, kind: str) -> ExportError:
    return _fail(target, f"it is {kind}, which an export never replaces", errno.EEXIST)


def _folder_exists(target: Path) -> None:
    parent = target.parent
    if not parent.is_dir():
        if os.path.lexists(parent):
            raise _fail(target, f"{_show(parent)} is not a folder", errno.ENOTDIR)
        raise OutputFolderMissingError(
            str(target), f"the folder {_show(parent)} does not exist", errno.ENOENT
        )


def _entries(folder: Path, special: set[str] | None = None) -> set[str]:
    """Every file, link and empty folder under ``folder``, as relative POSIX paths (links not followed).

    Devices, FIFOs and sockets are listed too, and also added to ``special``
    when it is given: kzrights never writes one, so such an entry is never
    its own.
    """
    found: set[str] = set()

    def walk(at: Path, prefix: str) -> None:
        with os.scandir(at) as scan:
            names = list(scan)
        if not names and prefix:
            found.add(prefix)
        for entry in names:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                walk(Path(entry.path), relative + "/")
            else:
                found.add(relative)
                if special is not None and _kind(entry.stat(follow_symlinks=False).st_mode):
                    special.add(relative)

    walk(folder, "")
    return found


_FOLDER_FILES = {
    # a folder format: (the ending of each table's file, the other files it writes)
    "csv": (".csv", ("datapackage.json",)),
    "jsonl": (".jsonl", ("datapackage.json", "metadata.json")),
    "parquet": (".parquet", ()),
}


def own_names(format: str) -> frozenset[str]:
    """The names of the files a folder export of ``format`` writes in its folder, for any release.

    A table's file (``entities.csv``) and the format's descriptors
    (``datapackage.json``), all directly in the folder; the marker is not
    among them.  Empty for a format that writes no folder.  Only these names
    are ever deleted from a previous export, and only as regular files.
    """
    from .tables import TABLE_NAMES

    ending, others = _FOLDER_FILES.get(format, ("", ()))
    if not ending:
        return frozenset()
    return frozenset({*(name + ending for name in TABLE_NAMES), *others})


def _previous(target: Path, format: str) -> dict[str, Any]:
    """Return the marker of the folder ``target``; raise unless it is a kzrights ``format`` export of its own.

    It must hold only what it wrote: what it wrote is what its marker lists, among the names the format itself
    writes (`own_names`), each a regular file directly in the folder: a
    name added to the marker by hand, a folder, a link (even under a table's
    name) or anything else makes the folder not kzrights' own.  Staging
    folders directly in it (``.kzrights-tmp-*``, left by an export into the
    folder that was killed) are kzrights' own too, and are never deleted.
    """
    data = _read_marker(target / MARKER)
    if not (
        isinstance(data, dict)
        and isinstance(data.get("format"), str)
        and isinstance(data.get("files"), list)
        and all(isinstance(f, str) for f in data["files"])
    ):
        raise _fail(target, f"the folder is not empty and is not a kzrights {format} export", errno.ENOTEMPTY)
    if data["format"] != format:
        raise _fail(
            target, f"the folder holds a kzrights {_show(data['format'])} export, not {format}", errno.EEXIST
        )
    special: set[str] = set()
    own = own_names(format)
    ours = {MARKER} | {name for name in data["files"] if name in own and _plain_file(target / name)}
    foreign = sorted(
        name for name in (_entries(target, special) - ours) | special if not name.startswith(STAGING_PREFIX)
    )
    if foreign:
        shown = ", ".join(map(_show, foreign[:3])) + (", ..." if len(foreign) > 3 else "")
        raise _fail(target, f"the folder holds files kzrights did not write ({shown})", errno.ENOTEMPTY)
    return data


def _plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (a link to one is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _read_marker(marker: Path) -> Any:
    """The JSON in a folder's marker, or None unless it is a regular file of at most 1 MiB holding JSON.

    Anything else (a link, a FIFO, which would block the read for ever, a
    device, a huge file, bytes that are not UTF-8, JSON nested so deep that
    parsing it overflows the stack) means the folder is not a kzrights export.
    """
    descriptor = _open_regular(marker)
    if descriptor is None:
        return None
    try:
        chunks: list[bytes] = []
        size = 0
        while size <= _MARKER_LIMIT and (chunk := os.read(descriptor, _MARKER_LIMIT + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    if size > _MARKER_LIMIT:
        return None
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def _exists(target: Path, reason: str) -> OutputExistsError:
    return OutputExistsError(str(target), reason, errno.EEXIST)


def check_destination(target: Path, format: str, *, folder: bool, overwrite: bool) -> None:
    """Raise if an export of ``format`` may not be written at ``target`` (checked before and while placing).

    Raises:
        OutputFolderMissingError: The folder ``target`` would be in does not exist.
        OutputExistsError: Something is at ``target`` and ``overwrite`` is false.
        ExportError: ``target`` is the wrong kind of thing (a folder for a
            file format, a file or link for a folder format), or a folder
            that is not a previous kzrights export of ``format``.
    """
    try:
        _check(target, format, folder=folder, overwrite=overwrite)
    except ExportError:
        raise
    except OSError as error:  # e.g. a folder that cannot be read
        raise _fail(
            target, f"cannot look at {_show(error.filename or target)}: {_words(error)}", error.errno
        ) from None


def _check(target: Path, format: str, *, folder: bool, overwrite: bool) -> None:
    _folder_exists(target)
    try:
        mode = os.lstat(target).st_mode
    except (OSError, ValueError):  # as os.path.lexists: nothing there that can be looked at
        return
    kind = _kind(mode)
    if kind is not None:
        raise _special(target, kind)
    if stat.S_ISLNK(mode):
        what = _open_file_link(target)
        if what is not None:  # /dev/stdout, /proc/self/fd/1: never replaced, even with overwrite
            raise _fail(
                target,
                f"it is a symbolic link to {what}, which an export never replaces"
                " (for standard output, give the path -)",
                errno.EEXIST,
            )
        if folder:
            raise _fail(
                target, "it is a symbolic link; a folder export does not write through links", errno.EEXIST
            )
        if not overwrite:
            raise _exists(target, "a symbolic link is there")
    elif stat.S_ISDIR(mode):
        if not folder:
            raise _fail(target, f"it is a folder, and the {format} export is a file", errno.EISDIR)
        if not [name for name in os.listdir(target) if not name.startswith(STAGING_PREFIX)]:
            return  # an empty folder holds nothing to lose (a staging folder is kzrights' own)
        data = _previous(target, format)
        if not overwrite:
            if data.get("complete") is False:
                raise _exists(
                    target, f"it holds a {format} export that was interrupted while written into it"
                )
            raise _exists(target, f"it holds a previous {format} export")
    elif folder:
        raise _fail(target, f"it is a file, and the {format} export is a folder", errno.ENOTDIR)
    elif not overwrite:
        raise _exists(target, "a file is there")
    elif _mount_point(target):  # rename(2) over it fails (EBUSY), and writing into it is not atomic
        raise _mounted(target)


@contextmanager
def staged(target: Path, *, inside: bool = False) -> Iterator[Path]:
    """A fresh staging folder beside ``target``, removed on the way out with whatever is still in it.

    With ``inside``, the staging folder is made in the folder ``target``
    itself (see `writes_into`): on its file system, so that what is staged
    can be moved in even where ``target`` is a mount point, and with its
    group where it passes that on (setgid).  A writer's own errors (a full
    disk, a read-only folder) come out as
    [`ExportError`][kzrights.errors.ExportError]; the destination is not touched.
    """
    where = target if inside else target.parent
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=where))
    except OSError as error:
        raise _fail(target, f"cannot write in {_show(where)}: {_words(error)}", error.errno) from None
    try:
        yield stage
    except OSError as error:
        if isinstance(error, ExportError):
            raise
        raise _fail(target, _words(error), error.errno) from None
    except UnicodeEncodeError as error:  # a report built by hand may hold lone surrogates
        raise _fail(
            target, f"the data cannot be written as UTF-8 ({error.reason} at {error.start})"
        ) from None
    except sqlite3.Error as error:
        reason, number = _sqlite_reason(error, stage)
        raise _fail(target, f"SQLite: {reason}", number) from None
    finally:
        remove(stage)  # read-only folders in it included


_SQLITE_FULL = 13  # <sqlite3.h>: a write failed for want of space
_SQLITE_IOERR = 10  # <sqlite3.h>: any I/O error; extended codes keep it in their low byte


def _sqlite_reason(error: sqlite3.Error, stage: Path) -> tuple[str, int | None]:
    """What a failed SQLite write means, in words, and the errno that goes with it (None if unknown).

    SQLite reports a write the system refused only as an I/O error
    (``SQLITE_IOERR_WRITE``, "disk I/O error"): it keeps no errno.  A
    write refused for the file-size limit (``ulimit -f``, ``EFBIG``) leaves
    the staged database at exactly that limit, so a staged file that reached
    it says which one happened.  ``sqlite_errorcode`` exists from Python
    3.11; without it, the I/O error is known by its message.
    """
    code: int | None = getattr(error, "sqlite_errorcode", None)
    if code == _SQLITE_FULL or (code is None and "full" in str(error)):
        return str(error), errno.ENOSPC
    io_error = code & 0xFF == _SQLITE_IOERR if code is not None else "I/O error" in str(error)
    limit = _file_size_limit()
    if io_error and limit is not None and _largest(stage) >= limit:
        return (
            f"{os.strerror(errno.EFBIG).lower()} (the database reached the limit on a file's size,"
            f" {limit:,} bytes: ulimit -f)",
            errno.EFBIG,
        )
    name: str | None = getattr(error, "sqlite_errorname", None)
    return (f"{error} ({name})" if name else str(error)), None


def _file_size_limit() -> int | None:
    """The most bytes this process may write to a file (RLIMIT_FSIZE), or None if there is no limit."""
    if resource is None:  # pragma: no cover - not on POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def _largest(folder: Path) -> int:
    """The size in bytes of the largest file under ``folder`` (0 if there is none to look at)."""
    sizes = [0]
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                sizes.append(os.lstat(os.path.join(root, name)).st_size)
    return max(sizes)


def mark(folder: Path, format: str, version: str) -> None:
    """Write the marker that lets a later export recognise ``folder`` as its own."""
    files = sorted(_entries(folder))
    text = json.dumps({"format": format, "data_version": version, "files": files}, indent=1) + "\n"
    (folder / MARKER).write_text(text, encoding="utf-8")


def sync(stage: Path) -> None:
    """Flush every staged file and folder to the disk, so that what is moved in is whole on the disk too."""
    for root, _, files in os.walk(stage):
        for name in files:
            descriptor = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        _sync_folder(Path(root))


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open a folder
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover - some file systems refuse to sync a folder
        pass
    finally:
        os.close(descriptor)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """Linux's renameat2 from the C library, or None where there is none (looked up once)."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):  # pragma: no cover - tested on Linux
        return None
    try:
        function: Any = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - an old or non-glibc C library
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


def _rename(source: Path, destination: Path, flags: int) -> bool:
    """renameat2(source, destination, flags); False where the system or file system lacks it."""
    import ctypes

    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), flags) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # pragma: no cover - a file system without renameat2's flags
    raise OSError(number, os.strerror(number), str(destination))


def _take(source: Path, destination: Path) -> None:
    """Move ``source`` to the free path ``destination``, never replacing what appeared there meanwhile."""
    if _rename(source, destination, _RENAME_NOREPLACE):
        return
    if os.path.lexists(destination):  # without renameat2: a check, then the move
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination))
    os.rename(source, destination)


def _swap(source: Path, destination: Path, *, folder: bool) -> bool:
    """Put ``source`` at ``destination``; return whether what was there is now at ``source``."""
    if _rename(source, destination, _RENAME_EXCHANGE):
        return True
    if not folder:  # without renameat2: atomic, but the old file is gone at once
        os.replace(source, destination)
        return False
    aside = source.with_name(source.name + ".previous")  # without renameat2: two steps
    os.rename(destination, aside)
    try:
        os.rename(source, destination)
    except OSError:  # pragma: no cover - e.g. a folder appeared at destination meanwhile
        os.rename(aside, destination)
        raise
    os.rename(aside, source)
    return True


def _discard(previous: Path, target: Path, format: str) -> None:
    """Delete a replaced previous folder export, unless it gained files kzrights did not write.

    Only what it wrote goes: the regular files named as the format names
    them (`own_names`) and its marker, then the folder itself if that left
    it empty.  Anything else keeps the folder, beside ``target``.
    """
    try:
        _previous(previous, format)  # it was checked before the swap: look again before deleting
    except ExportError:
        _keep(previous, target)
    for name in sorted(own_names(format) | {MARKER}):
        if _plain_file(previous / name):
            os.unlink(previous / name)
    try:
        os.rmdir(previous)
    except OSError:  # something appeared there since the check
        _keep(previous, target)


def _keep(previous: Path, target: Path) -> NoReturn:
    """Move what is left of a replaced previous folder beside ``target``, and raise saying so."""
    kept = target.with_name(f"{target.name}.previous{previous.parent.name[len(STAGING_PREFIX) - 1 :]}")
    os.rename(previous, kept)
    raise _fail(
        target,
        f"the new export is in place, but the previous folder gained files kzrights did not write, "
        f"so it was kept as {kept.name}",
        errno.ENOTEMPTY,
    )


def _unlink_replaced(previous: Path, target: Path) -> None:
    """Delete the file a swap took from ``target``, unless it became a device or FIFO meanwhile: swap back."""
    kind = _kind(os.lstat(previous).st_mode)
    if kind is None:
        os.unlink(previous)
        return
    _rename(previous, target, _RENAME_EXCHANGE)  # the swap used renameat2, so this one can too
    raise _special(target, kind)


class Hold:
    """A SIGINT handler: Ctrl-C raises ``KeyboardInterrupt`` at once, as Python's own, until `holding` is set.

    From then on it is only noted in `arrived`: the output is in place, and
    whoever installed the handler reports it complete before it says the
    command was interrupted.
    """

    def __init__(self, *, holding: bool = False) -> None:
        self.holding = holding
        self.reporting = False  # the command lists what it wrote: its reader may never read
        self.arrived = False

    def __call__(self, number: int, frame: object) -> None:
        if not self.holding:
            raise KeyboardInterrupt
        if self.arrived and self.reporting:  # a second one while the listing waits on its reader
            raise KeyboardInterrupt
        self.arrived = True


@contextmanager
def held() -> Iterator[Hold | None]:
    """A `Hold` as the SIGINT handler while a command writes an output and reports it (None if not installed).

    Ctrl-C interrupts as usual until `uninterrupted` starts moving the
    output into place; from then until the block ends (the files are listed
    on stdout) it is held, and the caller sees it in ``arrived``.  Once the
    caller sets ``reporting`` a second Ctrl-C is raised (the listing may
    wait for ever on a reader that does not read), with ``arrived`` set.
    Only where Python's own handler is in force, in the main thread.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield None
        return
    hold = Hold()
    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield hold
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) while the block runs, and raise ``KeyboardInterrupt`` once it is done.

    Only where Python's own handler is in force, in the main thread (the
    only one signals reach); a handler the program installed is left alone.
    Under `held` (the command line), the hold begins here and lasts until
    that block ends, and nothing is raised here: the command says the
    output is complete, then that it was interrupted.  If the block fails,
    its error is raised and a held Ctrl-C is dropped.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    current = signal.getsignal(signal.SIGINT)
    if isinstance(current, Hold):
        current.holding = True
        try:
            yield
        except BaseException:
            current.holding = current.arrived = False
            raise
        return
    if current is not signal.default_int_handler:
        yield
        return
    hold = Hold(holding=True)
    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, current)
    if hold.arrived:
        raise KeyboardInterrupt


def remove(stage: Path) -> None:
    """Delete the staging folder and what is left in it (called while Ctrl-C is still held).

    A folder in it may be read-only: a new export given the mode of a
    read-only one it was to replace, or that one itself once swapped out.
    The staging folder and all in it are this export's to delete, so such
    folders are made writable (by their owner, this user) and the deletion
    tried again.
    """
    shutil.rmtree(stage, ignore_errors=True)
    if not os.path.lexists(stage):
        return
    for root, folders, _ in os.walk(stage):  # does not follow links: nothing outside is touched
        for path in (root, *(os.path.join(root, name) for name in folders)):
            with contextlib.suppress(OSError):
                mode = os.lstat(path).st_mode
                if stat.S_ISDIR(mode):
                    os.chmod(path, stat.S_IMODE(mode) | stat.S_IRWXU)
    shutil.rmtree(stage, ignore_errors=True)


def writes_into(target: Path) -> bool:
    """Whether a folder export to ``target`` is moved into the folder there, file by file, not in one step.

    So it is for a folder (not a link to one) that is a mount point, which
    cannot be renamed (a Docker volume, a tmpfs); that is empty, which holds
    nothing to lose and keeps what is the user's own (its permissions, its
    group, a shell working in it); that is the current folder (``--output
    .``), which the command and the shell that started it are in; or that
    holds what such an export left when it was killed (a staging folder, a
    marker saying it is incomplete).
    Any other previous export is swapped with the new one in one step.
    """
    try:
        if not stat.S_ISDIR(os.lstat(target).st_mode):
            return False
        names = os.listdir(target)
    except (OSError, ValueError):  # check_destination says what is wrong with it
        return False
    if not names or any(name.startswith(STAGING_PREFIX) for name in names) or _mount_point(target):
        return True
    try:  # the folder the command runs in ("--output ."): a swap would leave it in a deleted folder
        if os.path.samefile(target, os.getcwd()):
            return True
    except OSError:
        pass
    data = _read_marker(target / MARKER)
    return isinstance(data, dict) and data.get("complete") is False


def place(
    stage: Path, target: Path, format: str, *, folder: bool, overwrite: bool, inside: bool = False
) -> list[Path]:
    """Move the staged export into place beside ``target``; return where its entries now are.

    Every destination is checked (as `check_destination` and, for a file,
    `check_sidecars` do) before anything moves; sidecars move first and the
    main entry (``target``'s name) last.  A previous output that was replaced is deleted.
    With ``inside`` (a folder export staged in the folder ``target``, see
    `writes_into`), its files are moved into that folder (`_place_inside`).
    """
    if inside:
        return _place_inside(stage / target.name, target, format, overwrite=overwrite)
    entries = [*sorted(p for p in stage.iterdir() if p.name != target.name), stage / target.name]
    moves = [(entry, target.parent / entry.name) for entry in entries]
    if not folder:  # a SQLite export may have landed beside it while this one was written
        check_sidecars(target, format, os.fspath(target))
    for _, destination in moves:
        check_destination(destination, format, folder=folder, overwrite=overwrite)
    for entry, destination in moves:
        _move(entry, destination, format, folder=folder, overwrite=overwrite)
    _sync_folder(target.parent)
    return [destination for _, destination in moves]


def _place_inside(new: Path, target: Path, format: str, *, overwrite: bool) -> list[Path]:
    """Move the files of the staged folder export ``new`` into the folder ``target``, the marker last.

    The folder itself stays (a mount point cannot be renamed), so this takes
    one rename per file, not one in all.  First a marker saying the export
    is incomplete (``"complete": false``) goes in, listing both the files of
    a previous export there and the new ones; then each new file, over the
    previous one of its name; then the previous files the new export does
    not have are deleted; last the new marker replaces the incomplete one.
    A process killed midway leaves the incomplete marker, which the next
    export takes for a previous export (replaced only with ``overwrite``).
    """
    check_destination(target, format, folder=True, overwrite=overwrite)  # again: still empty, or ours
    data = _read_marker(target / MARKER) if os.path.lexists(target / MARKER) else None
    own = own_names(format)
    previous = sorted(
        name
        for name in (data["files"] if isinstance(data, dict) else [])
        if name in own and _plain_file(target / name)
    )
    names = sorted(entry.name for entry in new.iterdir() if entry.name != MARKER)
    moved: list[str] = []

    def pending(files: set[str]) -> None:  # the incomplete marker: what may be kzrights' own in the folder
        text = json.dumps({**_marker_of(new), "files": sorted(files), "complete": False}, indent=1)
        (new.parent / "pending.json").write_text(text + "\n", encoding="utf-8")
        os.replace(new.parent / "pending.json", target / MARKER)

    pending({*previous, *names})
    try:
        for name in names:
            if name in previous:  # a file of the previous export: replaced in one step
                os.replace(new / name, target / name)
            else:  # a free name: never a file that appeared there meanwhile
                _take(new / name, target / name)
            moved.append(name)
    except OSError:
        pending({*previous, *moved})  # the marker claims no file that is not kzrights'
        raise
    for name in previous:
        if name not in names and _plain_file(target / name):
            os.unlink(target / name)
    _sync_folder(target)
    os.replace(new / MARKER, target / MARKER)
    _sync_folder(target)
    return [target / name for name in names]


def _marker_of(folder: Path) -> dict[str, Any]:
    data = _read_marker(folder / MARKER)
    return data if isinstance(data, dict) else {}


def _adopt(previous: Path, new: Path, *, folder: bool) -> None:
    """Give ``new`` the permission bits (a folder's setgid too) and group of ``previous``, which it replaces.

    Where the user may set them: a group the user is not in is left as it
    is, and so is a link, which has no permissions of its own.  In a folder
    whose setgid bit passes its group on, the new files take that group, as
    files written into it would.
    """
    try:
        old = os.lstat(previous)
        if stat.S_ISLNK(old.st_mode) or stat.S_ISLNK(os.lstat(new).st_mode):
            return
    except OSError:
        return
    chown = getattr(os, "chown", None)  # not on Windows, which has no groups of this kind
    if chown is not None:
        with contextlib.suppress(OSError):
            chown(new, -1, old.st_gid)  # first: a change of group clears the setgid bit
    # never the setuid bit, nor a file's setgid bit: those run a program as its owner or
    # group, and the new output is the user's (a folder's setgid passes its group on)
    mode = stat.S_IMODE(old.st_mode) & ~stat.S_ISUID & ~(0 if folder else stat.S_ISGID)
    with contextlib.suppress(OSError):
        os.chmod(new, mode)
    if chown is not None and folder and old.st_mode & stat.S_ISGID:
        for root, folders, files in os.walk(new):
            for name in folders + files:
                with contextlib.suppress(OSError):
                    chown(os.path.join(root, name), -1, old.st_gid, follow_symlinks=False)


def _move(entry: Path, destination: Path, format: str, *, folder: bool, overwrite: bool) -> None:
    """Move one staged entry to ``destination``, replacing what is there only with ``overwrite``."""
    try:
        _move_once(entry, destination, format, folder=folder, overwrite=overwrite)
    except OSError as error:
        if error.errno == errno.EBUSY and not isinstance(error, ExportError) and _mount_point(destination):
            raise _mounted(destination) from None
        if error.errno in (errno.EACCES, errno.EPERM) and not isinstance(error, ExportError):
            locked = _read_only_folder(destination)
            if locked is not None:
                raise _fail(
                    destination,
                    f"the previous export there is a read-only folder ({locked}), which cannot be moved "
                    "out of the way; make it writable (chmod u+w) to replace it",
                    error.errno,
                ) from None
        raise


def _read_only_folder(path: Path) -> str | None:
    """The mode of ``path``, as ``ls`` shows it, if it is a folder (not a link) this user may not write."""
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(mode) and not os.access(path, os.W_OK):
        return stat.filemode(mode)
    return None


def _move_once(entry: Path, destination: Path, format: str, *, folder: bool, overwrite: bool) -> None:
    if not os.path.lexists(destination):
        try:
            _take(entry, destination)
            return
        except FileExistsError:  # taken meanwhile (another writer): with overwrite, replaced as any output
            if not overwrite:
                raise
        check_destination(destination, format, folder=folder, overwrite=overwrite)
    _adopt(destination, entry, folder=folder)  # a replaced output keeps its permissions and group
    if destination.is_dir() and not destination.is_symlink() and not any(destination.iterdir()):
        os.replace(entry, destination)  # an empty folder, replaced only while it is still empty
    elif _swap(entry, destination, folder=folder):
        if folder:
            _discard(entry, destination, format)
        else:
            _unlink_replaced(entry, destination)
