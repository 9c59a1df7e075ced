"""Loading the data releases shipped inside the package.

The package's ``data/`` folder holds an index of the shipped releases
(``releases.json``) and, for each release, a folder with a ``manifest.json``
that lists every file with its size and sha256.  A version string is only
ever looked up in that index, never joined into a path.

Files are read through the loader that imported the package (as
`pkgutil.get_data` does), so the package works from a wheel, a zip file
or a source checkout alike; a file on disk must be a regular file, so that a
FIFO or a device in its place is refused rather than read.  Each release is
read, checked (against its manifest, then by `kzrights._integrity`) and
turned into a [`Report`][kzrights.report.Report] once, on first use, behind a lock
that is safe across threads and ``fork()``; later calls return the same object.
"""

from __future__ import annotations

import errno
import gc
import os
import stat
import sys
from typing import TYPE_CHECKING, Any

from ._compat import DuplicateKeyError, json_loads, sha256_hex
from ._layout import (
    DERIVED_FOLDER,
    DOCUMENT_FILE,
    FORMS_FILE,
    INDEX_FILE,
    MANIFEST_FILE,
    READABLE_SCHEMAS,
    SEARCH_FILE,
    SOURCE_FILE,
)
from ._locking import FIRST_USE
from .errors import ArgumentTypeError, DataIntegrityError, UnknownVersionError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    from ._converter import ReleaseDocument
    from .report import Report

    class DataFolder(Protocol):
        """What a `ReleaseStore` reads: a folder of files, addressed by name.

        `pathlib.Path` and `importlib.resources.abc.Traversable`
        both fit.
        """

        def joinpath(self, child: str, /) -> DataFolder:
            """Return the entry ``child`` of this folder."""
            ...

        def read_bytes(self) -> bytes:
            """Return the content of this file."""
            ...


__all__ = ["latest", "load", "verify", "versions"]


class _Entry:
    """A release as the index lists it."""

    __slots__ = ("directory", "manifest_sha256", "version")

    def __init__(self, version: str, directory: str, manifest_sha256: str) -> None:
        self.version = version
        self.directory = directory
        self.manifest_sha256 = manifest_sha256


MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest file a data folder may hold, in bytes; a larger one is refused unread.

The biggest shipped file (release 1.1.0's ``report.json``) is about 160 kB.
"""


def _parse_json(data: bytes, version: str | None, file: str, *, unique_keys: bool = False) -> Any:
    """Parse a data file's JSON as the build writes it: UTF-8 with no byte order mark.

    ``json.loads`` would also read UTF-16, UTF-32 and a byte order mark; any
    of those, in a file whose hashes were made to agree, is refused here, as
    is (with ``unique_keys``) an object that gives a key twice, which other
    JSON readers would read differently.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataIntegrityError(
            version, file, "starts with a byte order mark (the build writes UTF-8 without one)"
        )
    if b"\x00" in data:  # every UTF-16 or UTF-32 JSON document has one; UTF-8 JSON never does
        raise DataIntegrityError(version, file, "holds a NUL byte: not UTF-8 JSON (UTF-16 or UTF-32?)")
    try:
        return json_loads(
            data, unique_keys=unique_keys
        )  # json.loads, without importing json where it need not
    except DuplicateKeyError as exc:
        raise DataIntegrityError(
            version,
            file,
            f"an object gives the key {_brief(exc.key)} twice (JSON readers differ on which counts)",
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataIntegrityError(version, file, f"not valid JSON ({exc})") from None
    except RecursionError:  # "[[[[..." deeper than the interpreter's recursion limit
        raise DataIntegrityError(version, file, "JSON nested too deeply to read") from None


def _brief(value: Any) -> str:
    """A short repr of a JSON value, however large or deeply nested."""
    import reprlib  # only paid for when an error is raised

    return reprlib.repr(value)


_MANIFEST_FIELDS = ("release", "schema", "files")
_FILE_FIELDS = ("name", "size", "sha256")
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_HEX = frozenset("0123456789abcdef")
# what Windows opens as a device, whatever the folder or the ending ("nul.json" is NUL)
_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))]
)


def _is_plain_name(name: str) -> bool:
    r"""Whether ``name`` is a file of the folder it is read from, the same on every platform.

    ASCII letters, digits, ``.``, ``_`` and ``-`` only: no separator (``/``,
    ``\``), drive (``C:``) or NUL, so never a path; not ``.`` or ``..`` nor
    any name starting with a dot; not ending with a dot, which Windows drops
    (``report.json.`` would be ``report.json``); and not a Windows device.
    """
    return (
        bool(name)
        and _NAME_CHARACTERS.issuperset(name)
        and name[0] != "."
        and name[-1] != "."
        and name.partition(".")[0].lower() not in _DEVICES
    )


def _manifest_entries(manifest: Any, version: str, file: str) -> list[dict[str, Any]]:
    """Check a release's parsed manifest as the build writes it; return its file entries.

    Exactly the fields ``release`` (the release's version), ``schema`` (a
    layout this version reads) and ``files``; each entry exactly a ``name``
    that is a plain file name of the release folder (`_is_plain_name`), its
    ``size`` and its ``sha256`` (64 lower-case hex digits), and no name
    listed twice, in any case (a case-insensitive file system reads
    ``Report.json`` as ``report.json``).

    Raises:
        DataIntegrityError: Naming the manifest and what is wrong with it.
    """
    if not (isinstance(manifest, dict) and set(manifest) == set(_MANIFEST_FIELDS)):
        fields = ", ".join(_MANIFEST_FIELDS)
        raise DataIntegrityError(version, file, f"must be an object with exactly the fields {fields}")
    listed = manifest["files"]
    if not isinstance(listed, list) or manifest["release"] != version:
        raise DataIntegrityError(version, file, f'must name release {version!r} and list its "files"')
    schema = manifest["schema"]
    # exactly an int, as report.json's: True would pass for 1
    if type(schema) is not int or schema not in READABLE_SCHEMAS:
        raise DataIntegrityError(
            version,
            file,
            f"schema {_brief(schema)} is not one this version reads ({sorted(READABLE_SCHEMAS)})",
        )
    seen: dict[str, int] = {}
    for position, item in enumerate(listed):
        if not (
            isinstance(item, dict)
            and set(item) == set(_FILE_FIELDS)
            and type(item["name"]) is str
            and type(item["size"]) is int
            and item["size"] >= 0
            and type(item["sha256"]) is str
            and len(item["sha256"]) == 64
            and _HEX.issuperset(item["sha256"])
        ):
            raise DataIntegrityError(
                version,
                file,
                f"file #{position} is not a name, a size and a sha256 (64 lower-case hex digits): "
                f"{_brief(item)}",
            )
        name = item["name"]
        if not _is_plain_name(name):
            raise DataIntegrityError(
                version,
                file,
                f"file #{position}: {_brief(name)} is not the name of a file in the release folder "
                "(ASCII letters, digits, '.', '_' and '-', neither starting nor ending with '.', "
                "not a device such as 'nul')",
            )
        key = name.lower()
        if key in seen:
            raise DataIntegrityError(
                version, file, f"file #{position}: {_brief(name)} is listed already, as file #{seen[key]}"
            )
        seen[key] = position
    return listed


class _Refused(Exception):
    """A data file that is not read at all: a FIFO, a device, a folder or an oversized file."""


# O_NONBLOCK: a file swapped for a FIFO between the stat and the open must not
# make the open wait for a writer (regular files ignore the flag). O_BINARY:
# no newline translation on Windows.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_regular(status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _NOT_FILES if test(status.st_mode)), "not a regular file")
        raise _Refused(f"is {kind}, not a file")
    if status.st_size > MAX_FILE_BYTES:
        raise _Refused(f"is {status.st_size} bytes, more than the {MAX_FILE_BYTES} a data file may have")


def _read_regular_file(path: str | bytes) -> bytes:
    """Return the content of the regular file at ``path``.

    A FIFO or a device (or a symbolic link to one) is refused before it is
    opened, where reading would block or never end, and the read stops after
    `MAX_FILE_BYTES` whatever the file claims.

    Raises:
        _Refused: If it is not a regular file, or is too large.
        OSError: If it cannot be read.
    """
    _check_regular(os.stat(path))
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        _check_regular(status)  # the file that was opened, not the one stat() saw
        # Read with os.read, asking for the size fstat gives (and a byte more, to see
        # a file that grew): a buffered file's read(MAX_FILE_BYTES + 1) allocates that
        # whole buffer first, which cost each file about 0.15 ms.
        chunks = []
        total = 0
        wanted = status.st_size + 1
        while chunk := os.read(descriptor, wanted):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise _Refused(f"is more than the {MAX_FILE_BYTES} bytes a data file may have")
            wanted = min(1 << 16, MAX_FILE_BYTES + 1 - total)  # then in small steps, to the end
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _read_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean a data file could not be read, as opposed to a bug.

    OSError covers a missing or unreadable file, ImportError zipimport's
    ZipImportError (a damaged header in a zip archive), EOFError a truncated
    compressed member and MemoryError a member that inflates beyond memory.
    A corrupt deflated member raises ``zlib.error`` and `zipfile` raises
    ``zipfile.BadZipFile`` for a bad CRC (a member compressed otherwise,
    LZMA say, is refused before it is read): they are looked up in ``sys.modules`` rather than imported,
    since a module that raised has been imported, and importing them would
    cost every load.
    """
    errors: list[type[BaseException]] = [_Refused, OSError, ImportError, EOFError, MemoryError]
    for module, name in (("zlib", "error"), ("zipfile", "BadZipFile")):
        loaded = sys.modules.get(module)
        if loaded is not None:
            errors.append(getattr(loaded, name))
    return tuple(errors)


def _unreadable(exc: BaseException) -> str:
    """Say why a data file could not be read, for a `DataIntegrityError`."""
    if isinstance(exc, _Refused):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"cannot be read ({type(exc).__name__}: {exc})"


def _read_node(node: DataFolder) -> bytes:
    """Return the content of a file of a data folder, refusing FIFOs, devices and oversized files."""
    if isinstance(node, _LoaderFolder):
        try:
            return _read_regular_file(node.path)
        except (FileNotFoundError, NotADirectoryError):
            pass  # not on the file system, such as a file in a zip archive: the loader reads it
        return node.read_bytes()
    if isinstance(node, os.PathLike):
        return _read_regular_file(os.fspath(node))
    return node.read_bytes()  # pragma: no cover - a Traversable that is not a path (a zip's)


# The zip archive data files were last read from: (its path, what os.stat said of it, the process
# that opened it, the open archive).  Opening one parses its whole directory, which for a bundle
# of many packages (a zipapp of 60,000 members) takes a quarter of a second; the package is in one
# archive, so one is kept.  (Held open, it cannot be replaced on Windows while the process runs,
# as a file that is in use cannot.)
_zip_archive: tuple[str, tuple[int, int, int, int], int, Any] | None = None
_ZIP_METHODS = (0, 8)  # zipfile.ZIP_STORED and ZIP_DEFLATED: what zipimport reads too
_ZIP_METHOD_NAMES = {12: "bzip2", 14: "LZMA", 93: "Zstandard"}  # others zipfile reads, or may
_ZIP_ENCRYPTED = 0x41  # the general-purpose flag bits of an encrypted member, strongly or not (APPNOTE 4.4.4)
_ZIP_CHUNK = 1 << 20  # bytes inflated at a time: what a member whose header understates its size costs


def _open_archive(archive: str) -> Any:
    """The `zipfile.ZipFile` of ``archive``, opened once per process while the file is unchanged.

    Called with `FIRST_USE` held.  A child process opens the archive again
    (a file offset is shared across fork()), and so does anyone after the
    file was replaced or rewritten (a different size, time or inode); the archive
    opened before is closed.
    """
    global _zip_archive
    import zipfile

    status = os.stat(archive)
    # the change time too: a file rewritten in place may keep its size, and have its
    # modification time set back (or kept, on a file system that counts it in seconds)
    key = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    kept = _zip_archive
    if kept is not None and kept[0] == archive and kept[1] == key and kept[2] == os.getpid():
        return kept[3]
    folder = zipfile.ZipFile(archive)
    _zip_archive = (archive, key, os.getpid(), folder)
    if kept is not None and kept[2] == os.getpid():
        kept[3].close()
    return folder


def _read_zip_member(archive: str, member: str) -> bytes:
    """Return ``member`` of the zip file ``archive``, inflating no more than `MAX_FILE_BYTES` + 1 bytes.

    The member is inflated a mebibyte at a time, so a member whose header
    understates its size costs no more than that before its CRC fails.  A
    member stored or deflated is read, as zipimport would: `zipfile`
    inflates a bzip2 or LZMA chunk whole, however large it inflates.

    Raises:
        FileNotFoundError: If the archive has no such member.
        _Refused: If the member is, or inflates to, more than the limit, or
            cannot be read at all (encrypted, or compressed otherwise than
            stored or deflated).
        zipfile.BadZipFile, zlib.error, OSError, EOFError: If it is damaged
            (`_read_errors` names them all).
    """
    with FIRST_USE:  # one reader of the shared open archive at a time; fork() waits for it too
        try:
            folder = _open_archive(archive)
            try:
                info = folder.getinfo(member)
            except KeyError:
                raise FileNotFoundError(errno.ENOENT, "no such member of the zip archive", member) from None
            if info.flag_bits & _ZIP_ENCRYPTED:
                # first: WinZip's AES marks its members as compressed with method 99 as well
                raise _Refused("is encrypted; kzrights reads only unencrypted data")
            if info.compress_type not in _ZIP_METHODS:
                # zipimport reads no other compression either; zipfile inflates a bzip2 or LZMA
                # chunk whole, so a member whose header understates its size could take gigabytes
                method = _ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
                raise _Refused(f"is compressed with {method}; kzrights reads only stored or deflated data")
            if info.file_size > MAX_FILE_BYTES:
                size = info.file_size
                raise _Refused(f"is {size} bytes, more than the {MAX_FILE_BYTES} a data file may have")
            chunks: list[bytes] = []
            total = 0
            with folder.open(info) as stream:
                # a member whose header understates its size stops at that size and fails its CRC
                while total <= MAX_FILE_BYTES:
                    chunk = stream.read(_ZIP_CHUNK)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
        except (NotImplementedError, RuntimeError, ValueError) as exc:
            # encrypted, a zip version or compression zipfile cannot read (a damaged header, say)
            raise _Refused(f"cannot be read ({type(exc).__name__}: {exc})") from None
    if total > MAX_FILE_BYTES:
        raise _Refused(f"is more than the {MAX_FILE_BYTES} bytes a data file may have")
    return b"".join(chunks)


class _LoaderFolder:
    """A folder of the installed package, read through the loader that imported it.

    This is what `pkgutil.get_data` does: it works from a source tree, a
    wheel's install or a zip archive alike, and costs no import, where
    `importlib.resources` costs more to import than a release costs to
    load.
    """

    __slots__ = ("_get_data", "_path")

    def __init__(self, get_data: Any, path: str) -> None:
        self._get_data = get_data
        self._path = path

    @property
    def path(self) -> str:
        """Where this file is, for the loader (a path into a zip archive, say)."""
        return self._path

    def joinpath(self, *children: str) -> _LoaderFolder:
        return _LoaderFolder(self._get_data, os.path.join(self._path, *children))

    def read_bytes(self) -> bytes:
        """The file's bytes, at most `MAX_FILE_BYTES` of them from a zip archive.

        A file in the zip archive a `zipimport.zipimporter` imported the
        package from is inflated as a stream that stops past the limit (the
        importer's own ``get_data`` inflates a member whole, so a small
        member that inflates to gigabytes would take that much memory and
        time before its size was seen); any other loader reads the file as
        ``get_data`` does.

        Raises:
            _Refused: If the file is larger than the limit, or its member
                cannot be read (encrypted, an unknown compression).
        """
        archive = getattr(getattr(self._get_data, "__self__", None), "archive", None)
        if isinstance(archive, str) and self._path.startswith(archive + os.sep):
            return _read_zip_member(archive, self._path[len(archive) + 1 :].replace(os.sep, "/"))
        data: bytes = self._get_data(self._path)
        return data

    def __repr__(self) -> str:
        return f"<kzrights data at {self._path!r}>"


def _package_data() -> DataFolder:
    get_data = getattr(__spec__.loader, "get_data", None)
    if get_data is not None and __file__:
        return _LoaderFolder(get_data, os.path.join(os.path.dirname(__file__), "data"))
    if sys.version_info >= (3, 11):  # pragma: no cover - a loader without get_data
        from importlib.resources import files
    else:  # pragma: no cover
        from importlib_resources import files
    folder: DataFolder = files("kzrights").joinpath("data")
    return folder


class ReleaseStore:
    """The releases in one data folder, loaded lazily and cached.

    kzrights uses one store, over the package's own ``data/`` folder; tests
    and tools may open another (any `DataFolder`, such as a
    `pathlib.Path`).
    """

    def __init__(self, root: DataFolder) -> None:
        self._root = root
        # kzrights' one first-use lock: safe across threads and fork() (see _locking)
        self._lock = FIRST_USE
        self._entries: dict[str, _Entry] | None = None
        self._reports: dict[str, Report] = {}

    def _read(self, relative: str, version: str | None) -> bytes:
        node = self._root
        for part in relative.split("/"):
            node = node.joinpath(part)
        try:
            return _read_node(node)
        except Exception as exc:
            if not isinstance(exc, _read_errors()):
                raise
            raise DataIntegrityError(version, relative, _unreadable(exc)) from None

    def _index(self) -> dict[str, _Entry]:
        entries = self._entries
        if entries is None:
            with self._lock:
                if self._entries is None:
                    self._entries = self._read_index()
                entries = self._entries
        return entries

    def _read_index(self) -> dict[str, _Entry]:
        data = _parse_json(self._read(INDEX_FILE, None), None, INDEX_FILE, unique_keys=True)
        releases = data.get("releases") if isinstance(data, dict) else None
        if not isinstance(releases, list):
            raise DataIntegrityError(None, INDEX_FILE, 'expected an object with a "releases" list')
        entries: dict[str, _Entry] = {}
        previous: tuple[tuple[int, str], ...] = ()
        previous_version = ""
        for position, item in enumerate(releases):
            fields = ("version", "directory", "manifest_sha256")
            if not (
                isinstance(item, dict)
                and set(item) == set(fields)
                and all(isinstance(item[f], str) for f in fields)
            ):
                raise DataIntegrityError(
                    None, INDEX_FILE, f"release #{position} must have exactly the string fields {fields}"
                )
            # The index is the one file no hash covers: hold it to what the build writes,
            # so that a damaged version or folder name is caught here, not taken for another.
            version = item["version"]
            parts = version.split(".")
            if not (
                len(parts) == 3
                and all(
                    part.isascii() and part.isdigit() and (part == "0" or part[0] != "0") for part in parts
                )
            ):
                raise DataIntegrityError(
                    None, INDEX_FILE, f"release #{position}: {_brief(version)} is not MAJOR.MINOR.PATCH"
                )
            if item["directory"] != f"releases/{version}" or version in entries:
                reason = f"release #{position}: {version} must be listed once, in releases/{version}"
                raise DataIntegrityError(None, INDEX_FILE, reason)
            # The newest release is the last one listed, so the order is part of what the
            # index says: one listed out of order is refused, never taken for the newest.
            # (Digits without leading zeros order as numbers by length, then as strings.)
            numbers = tuple((len(part), part) for part in parts)
            if numbers <= previous:
                reason = f"release #{position}: {version} is listed after {previous_version}"
                raise DataIntegrityError(None, INDEX_FILE, reason + " (the index lists oldest first)")
            previous, previous_version = numbers, version
            entries[version] = _Entry(**item)
        return entries

    def versions(self) -> tuple[str, ...]:
        """Return the versions of the releases in this store, oldest first."""
        return tuple(self._index())

    def resolve(self, version: str | None) -> str:
        """Return the version that ``version`` names: itself, or the newest for ``None``.

        Raises:
            TypeError: If ``version`` is neither a str nor None.
            UnknownVersionError: If no release has this version.
        """
        entries = self._index()
        if version is None:
            if not entries:
                raise DataIntegrityError(None, INDEX_FILE, "lists no releases")
            return next(reversed(entries))
        if not isinstance(version, str):
            raise ArgumentTypeError("version", "a str or None", version)
        if version not in entries:
            raise UnknownVersionError(version, tuple(entries))
        return version

    def load(self, version: str | None = None) -> Report:
        """Return the release ``version`` (the newest if ``None``), loading it on first use."""
        name = self.resolve(version)
        report = self._reports.get(name)
        if report is None:
            with self._lock:
                report = self._reports.get(name)
                if report is None:
                    report = self._load(self._index()[name])
                    self._reports[name] = report
        return report

    def verify(self, version: str | None = None) -> tuple[str, ...]:
        """Re-read a release and check it as `load` does, and more; return the files.

        What it adds to `load`'s checks, which cost too much for every first
        load: the derived files' content, the linker's view of the entity
        registry (`kzrights._linking.check_registry`), and the checks
        `kzrights._integrity.check_release` runs with ``thorough=True``
        (docs/versioning.md lists them).  So a release that verifies loads,
        and every tool works on it.

        Raises:
            DataIntegrityError: Naming the first file that does not match.
        """
        entry = self._index()[self.resolve(version)]
        # the first verify imports what a first load and the linker import (and they
        # what they import): under the first-use lock, as a load is (see kzrights._locking)
        with self._lock:
            from ._linking import check_registry

            raw: list[Any] = []  # report.json as parsed JSON, for the derived forms' check
            document, source_text, names = self._checked_release(entry, trust_derived=False, parsed=raw)
            # what load() leaves to first use, for its cost: a registry the linker refuses
            check_registry(
                document.entities, version=entry.version, file=f"{entry.directory}/{DOCUMENT_FILE}"
            )
            derived = self._checked_derived(entry, document, source_text, raw[0])
        return (
            f"{entry.directory}/{MANIFEST_FILE}",
            *(f"{entry.directory}/{name}" for name in names),
            *derived,
        )

    def _checked_derived(
        self, entry: _Entry, document: ReleaseDocument, source_text: str, data: Any
    ) -> tuple[str, ...]:
        """Check the content of the derived files `load` would use; return the ones checked.

        `derived` trusts a file whose header matches its release; this
        computes its payload again from the release itself, as the runtime
        does when the file is absent, and compares (a file rewritten with
        wrong values and a recomputed sha256 passes the header, not this).
        A file `derived` does not hand over is not used, so not checked.

        Args:
            entry: The release, as the index lists it.
            document: Its records, structured without any derived file.
            source_text: Its source text.
            data: Its ``report.json``, as parsed JSON.

        Raises:
            DataIntegrityError: Naming the derived file whose payload differs.
        """
        from ._converter import forms_payload
        from ._integrity import check_derived
        from ._structuring import FORMS_FORMAT
        from .report import to_report
        from .search import _derived

        version = entry.version

        def search_data() -> Any:
            # a report with no derived reader: the search data is computed in memory
            return _derived.derive(to_report(document, version=version, source_text=source_text))

        def forms() -> Any:
            return forms_payload(data)

        checked = []
        computations: tuple[tuple[str, int, Callable[[], Any]], ...] = (
            (FORMS_FILE, FORMS_FORMAT, forms),
            (SEARCH_FILE, _derived.FORMAT, search_data),
        )
        for name, format, compute in computations:
            parts = self._derived_parts(entry, name, format)
            if parts is None:
                continue
            header, payload = parts
            where = f"{DERIVED_FOLDER}/{version}/{name}"
            # header and payload parsed as every release file is: UTF-8, no byte order mark,
            # no key given twice (the runtime's reader would take any of those, so only verify()
            # looks; a header with a BOM or NUL is already refused by `derived`, so never used)
            parsed = {}
            for part, text in (("header", header), ("payload", payload)):
                try:
                    parsed[part] = _parse_json(text, version, where, unique_keys=True)
                except DataIntegrityError as exc:
                    raise DataIntegrityError(
                        version, where, f"{part} is not JSON as the build writes it: {exc.reason}"
                    ) from None
            found = parsed["payload"]
            check_derived(found, compute(), version=version, file=where)
            checked.append(where)
        return tuple(checked)

    def _checked_files(self, entry: _Entry, schema: list[int] | None = None) -> dict[str, tuple[bytes, str]]:
        """Read the files a release's manifest lists; return each one's bytes and sha256.

        The whole manifest is checked before any file is read (`_manifest_entries`),
        so a name that leads out of the release folder is never opened.
        ``schema``, if given, receives the layout the manifest names.
        """
        version = entry.version
        manifest_name = f"{entry.directory}/{MANIFEST_FILE}"
        raw = self._read(manifest_name, version)
        if sha256_hex(raw) != entry.manifest_sha256:
            raise DataIntegrityError(version, manifest_name, "sha256 differs from the release index")
        manifest = _parse_json(raw, version, manifest_name, unique_keys=True)
        listed = _manifest_entries(manifest, version, manifest_name)
        if schema is not None:
            schema.append(manifest["schema"])
        contents: dict[str, tuple[bytes, str]] = {}
        for item in listed:
            name = f"{entry.directory}/{item['name']}"
            data = self._read(name, version)
            if len(data) != item["size"]:
                raise DataIntegrityError(
                    version, name, f"is {len(data)} bytes, the manifest says {item['size']}"
                )
            digest = sha256_hex(data)
            if digest != item["sha256"]:
                raise DataIntegrityError(version, name, "sha256 differs from the manifest")
            contents[item["name"]] = (data, digest)
        for required in (DOCUMENT_FILE, SOURCE_FILE):
            if required not in contents:
                raise DataIntegrityError(version, manifest_name, f"does not list {required}")
        return contents

    def _load(self, entry: _Entry) -> Report:
        from .report import DERIVED_READER, to_report

        # The cyclic garbage collector is paused while the release is read and
        # structured: the load allocates some 20,000 objects, none of them
        # garbage, and each 700 allocations would start a collection that
        # walks the young ones for nothing (about 6% of the first load).  It
        # is switched back on after, and left alone if the caller had paused it.
        # This runs under the first-use lock, which fork() waits for, so a
        # child process never inherits the collector paused.
        collecting = gc.isenabled()
        if collecting:
            gc.disable()
        try:
            document, source_text, _ = self._checked_release(entry)
            report = to_report(document, version=entry.version, source_text=source_text)
        finally:
            if collecting:
                gc.enable()
        # how the report's tools find this release's derived files (read on first use)
        report._caches[DERIVED_READER] = lambda name, format: self.derived(entry, name, format)
        return report

    def derived(self, entry: _Entry, name: str, format: int) -> bytes | None:
        """Return the payload of a derived file of a release, or None where it cannot be trusted.

        A derived file (``derived/<version>/<name>``, see `kzrights._layout`)
        is one line of JSON, its header, then the payload.  The payload is
        returned only when the header names this release's version and the
        manifest sha256 the index lists, gives the payload's own sha256, and
        the ``format`` asked for.  A missing, unreadable, stale (made from
        another release, or by another format) or changed file gives None:
        the caller computes the same data in memory, so a derived file can
        make a tool faster but never change its answer.

        Args:
            entry: The release, as the index lists it.
            name: The derived file's name, e.g. ``"search.json"``.
            format: The payload format the caller reads.
        """
        found = self._derived_parts(entry, name, format)
        return None if found is None else found[1]

    def _derived_parts(self, entry: _Entry, name: str, format: int) -> tuple[bytes, bytes] | None:
        """`derived`'s work: the file's header line and its payload, or None where `derived` gives None."""
        version = entry.version
        try:
            data = self._read(f"{DERIVED_FOLDER}/{version}/{name}", version)
        except DataIntegrityError:
            return None
        header, _, payload = data.partition(b"\n")
        try:
            fields = _parse_json(header, version, name)
        except DataIntegrityError:
            return None
        expected = {
            "format": format,
            "release": version,
            "manifest_sha256": entry.manifest_sha256,
            "payload_sha256": sha256_hex(payload),
        }
        # ``format`` an int as the build writes it: JSON's true, 1.0 or 1e0 compare equal to 1
        # in Python, and a header the build never writes is not trusted
        written = fields == expected and type(fields["format"]) is int
        return (header, payload) if written else None

    def _checked_release(
        self, entry: _Entry, *, trust_derived: bool = True, parsed: list[Any] | None = None
    ) -> tuple[ReleaseDocument, str, tuple[str, ...]]:
        """Read a release and check all of it; return its document, its source text and its files.

        With ``trust_derived=False`` the entities' default forms are derived
        in memory, not read from the release's derived forms file; ``parsed``,
        if given, receives ``report.json`` as parsed JSON.

        `load` and `verify` both run this (verify with the checks too
        costly for a first load added), so that a release that verifies
        loads.  The checks, in order: the manifest's sha256 against the
        index and its fields (`_manifest_entries`), each file's size and
        sha256 against the manifest, the shape of ``report.json`` (and its
        schema against the manifest's), the source text's sha256
        against the metadata, and then ids, references and spans
        (`kzrights._integrity.check_release`).

        Raises:
            DataIntegrityError: Naming the file at fault and what is wrong.
        """
        from ._integrity import check_release
        from ._structuring import FORMS_FORMAT, structure_document

        version = entry.version
        schema: list[int] = []
        contents = self._checked_files(entry, schema)
        document_name = f"{entry.directory}/{DOCUMENT_FILE}"
        raw = contents[DOCUMENT_FILE][0]
        # a key given twice costs a Python call per object to find (about a quarter
        # of the parse): verify() looks; a first load does not
        data = _parse_json(raw, version, document_name, unique_keys=not trust_derived)
        # a NUL or a lone surrogate comes from an escape (a backslash), or, for a surrogate,
        # from its UTF-8 bytes (0xED, then 0xA0 to 0xBF), which json.loads lets through:
        # a shipped release holds neither byte, so a first load walks nothing
        if b"\\" in raw or b"\xed" in raw:
            from ._integrity import check_characters

            check_characters(data, version=version, file=document_name)
        if parsed is not None:
            parsed.append(data)
        collected: list[Any] = []  # what the records refer to, collected as they are read
        document = structure_document(
            data,
            version=version,
            file=document_name,
            # the default forms of entities stored without any, as the build derived them
            derived_forms=(lambda: self.derived(entry, FORMS_FILE, FORMS_FORMAT)) if trust_derived else None,
            references=collected,
        )
        if document.schema != schema[0]:  # the build writes both from one number
            raise DataIntegrityError(
                version,
                f"{entry.directory}/{MANIFEST_FILE}",
                f"schema {schema[0]} is not the schema of {DOCUMENT_FILE}, {document.schema}",
            )
        source_bytes, source_sha256 = contents[SOURCE_FILE]
        if source_sha256 != document.metadata.source_sha256:
            raise DataIntegrityError(
                version, f"{entry.directory}/{SOURCE_FILE}", "sha256 differs from metadata.source_sha256"
            )
        try:
            source_text = source_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataIntegrityError(version, f"{entry.directory}/{SOURCE_FILE}", str(exc)) from None
        check_release(
            document,
            source_text,
            version=version,
            file=document_name,
            collected=collected[0] if collected else None,
            thorough=not trust_derived,  # verify()
        )
        return document, source_text, tuple(contents)


_store: ReleaseStore | None = None
_store_lock = FIRST_USE
# load()'s lock-free fast path: the store's own cache is keyed by resolved
# version, this one by what the caller passed (None included), so a cached
# load() is a single dictionary look-up.
_fast: dict[str | None, Report] = {}


def _default_store() -> ReleaseStore:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = ReleaseStore(_package_data())
    return _store


def versions() -> tuple[str, ...]:
    """Return the versions of the data releases this package ships, oldest first.

    Examples:
        >>> import kzrights
        >>> kzrights.versions()[0]
        '1.0.0'
    """
    return _default_store().versions()


def load(version: str | None = None) -> Report:
    """Return a data release of the report as a [`Report`][kzrights.report.Report].

    The release is read and checked against its manifest on first use, then
    cached: every later call for the same release returns the same object.
    Safe to call from several threads at once.

    Args:
        version: The release to load, e.g. ``"1.0.0"``; ``None`` (the
            default) loads the newest release shipped.  Pin a version in
            code whose results must reproduce.

    Raises:
        TypeError: If ``version`` is neither a str nor None.
        UnknownVersionError: If no shipped release has this version; the
            error lists the shipped ones.
        DataIntegrityError: If the installed files do not match the
            release's manifest, or its records do not hold together (see
            [`verify`][kzrights.releases.verify]).

    Examples:
        >>> import kzrights
        >>> report = kzrights.load("1.0.0")
        >>> len(report.recommendations)
        15
    """
    report = _fast.get(version) if version is None or type(version) is str else None
    if report is None:
        report = _default_store().load(version)
        _fast[version] = report
    return report


def _is_loaded(report: Report) -> bool:
    """Whether ``report`` is the object `load` returns for its version (so pickles by version)."""
    store = _store
    return store is not None and store._reports.get(report.version) is report


def latest() -> str:
    """Return the version of the newest data release this package ships."""
    return _default_store().resolve(None)


def verify(version: str | None = None) -> tuple[str, ...]:
    """Re-read a release's installed files and check them as [`load`][kzrights.releases.load] does.

    A release that verifies loads, and every tool works on it.  The checks:
    every file is a regular file with the size and sha256 its manifest
    lists (and the manifest the sha256 the release index lists, with its
    own fields as the build writes them: a schema this version reads, and
    each file listed once, by a plain name inside the release folder);
    every JSON file is UTF-8 with no byte order mark, and no object in it
    gives a key twice; ``report.json`` has the shape of a release; every id is unique and
    every reference names a record of the release, of the right kind; every
    span lies inside the source text and reads what its record says.
    [`load`][kzrights.releases.load] runs them on first use only; ``verify``
    reads the files again, so it also catches a file changed after loading.
    ``verify`` adds a few checks that would cost every first load too much:
    a key given twice in ``report.json`` (a first load looks in the index
    and the manifest only), the entity registry as the linker sees it (no
    surface form that is two entities' curated form), repeated forms, a
    source's words in its footnotes, footnote markers' offsets, each entity
    form's language and grammatical case.  ``docs/versioning.md`` lists the
    checks, and what no check can catch.

    ``verify`` also checks the content of the release's derived files
    (``derived/<version>/search.json`` and ``forms.json``), which `load`
    trusts on their header alone: each one that `load` would use is
    computed again from the release and compared with the file.

    Examples:
        >>> import kzrights
        >>> kzrights.verify("1.0.0")[:3]
        ('releases/1.0.0/manifest.json', 'releases/1.0.0/report.json', 'releases/1.0.0/source.txt')
        >>> kzrights.verify("1.0.0")[3:]
        ('derived/1.0.0/forms.json', 'derived/1.0.0/search.json')

    Args:
        version: The release to check (default: the newest).

    Returns:
        The files checked, relative to the package's data folder: the
        manifest, the files it lists, then the derived files checked.

    Raises:
        TypeError: If ``version`` is neither a str nor None.
        UnknownVersionError: If no shipped release has this version.
        DataIntegrityError: Naming the first file that fails a check, and
            what is wrong with it (the JSON path, for a record; "payload
            differs from what the release gives" for a derived file).
    """
    return _default_store().verify(version)
