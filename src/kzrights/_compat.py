"""Where kzrights picks an implementation by interpreter, to keep start-up cheap.

Each choice gives the very objects the obvious import would; only the cost
of getting them differs.  The figures are in docs/benchmarks.md.
"""

import sys
from typing import TYPE_CHECKING, Any

__all__ = ["DuplicateKeyError", "date", "json_loads", "sha256_hex"]

if TYPE_CHECKING or sys.version_info >= (3, 12):
    from datetime import date as date
else:  # pragma: no cover - Python 3.10 and 3.11
    # Before 3.12, "import datetime" runs the module's whole pure-Python
    # implementation and then replaces it with the C one from _datetime
    # (about 1.3 ms, a sixth of what import kzrights costs).  The class
    # _datetime gives is the one datetime.date names.
    try:
        from _datetime import date
    except ImportError:  # an interpreter without the C module
        from datetime import date


_sha256: Any = None


def _builtin_sha256() -> Any:
    """CPython's own sha256 class, by the name this interpreter gives its module; else hashlib's.

    Chosen by version rather than by trying each name: an import that fails
    is not cached, and searches the whole path first (about 0.16 ms on
    every first load before Python 3.12, where ``_sha2`` does not exist).
    """
    if sys.implementation.name == "cpython":
        try:
            if sys.version_info >= (3, 12):
                from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
            else:  # pragma: no cover - Python 3.10 and 3.11
                from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:  # a build without the module (tests/test_compat_sha256.py)
            pass
        else:
            return sha256
    from hashlib import sha256  # type: ignore[assignment,no-redef,unused-ignore]

    return sha256


def sha256_hex(data: bytes) -> str:
    """Return the sha256 of ``data`` as hex digits.

    CPython's own sha256 gives the digests hashlib's OpenSSL one does,
    without loading OpenSSL: importing hashlib costs more than reading,
    hashing and parsing a whole release.  Other interpreters use hashlib.
    """
    global _sha256
    if _sha256 is None:
        _sha256 = _builtin_sha256()
    digest: str = _sha256(data).hexdigest()
    return digest


class _DecoderSettings:
    """What ``json.loads`` parses with by default, as the C scanner reads it from its context."""

    __slots__ = ()
    strict = True
    object_hook = None
    object_pairs_hook: Any = None
    parse_float = float
    parse_int = int
    # json.decoder's own table of the three non-JSON constants Python's reader accepts
    parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.__getitem__


class DuplicateKeyError(ValueError):
    """A JSON object gives one key twice (`json_loads` with ``unique_keys=True``).

    JSON readers disagree on such an object (most keep the last value, some
    the first, some refuse it), so a file that holds one reads differently
    in another tool.  ``key`` is the key given twice.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict, or `DuplicateKeyError` naming the first key given twice."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return found


class _UniqueKeySettings(_DecoderSettings):
    """`_DecoderSettings`, with every object's pairs checked for a key given twice."""

    __slots__ = ()
    object_pairs_hook = staticmethod(_unique_object)


_scan: Any = None
_scan_unique: Any = None
_WHITESPACE = " \t\n\r"


def json_loads(data: bytes, *, unique_keys: bool = False) -> Any:
    """Return ``json.loads(data)``: the same value, or the same exception.

    With ``unique_keys=True`` an object that gives a key twice raises
    `DuplicateKeyError` (``json.loads`` keeps the last value); this costs a
    Python call per object, so it is for small files and for ``verify``.

    ``import json`` costs the first load about 1.6 ms (its encoder and
    three regular expressions included), more than a third of what parsing
    the newest release costs.  Here the document is read as UTF-8 by
    CPython's C scanner, the one ``json.loads`` runs, set up as
    ``json.loads`` sets it up (`_DecoderSettings`).  Its value is returned
    only when it is the whole document but for whitespace after it; anything
    else goes to ``json.loads`` itself, for its own value or error.  Nothing
    else can be read differently: a document ``json.loads`` would decode as
    UTF-16 or UTF-32, or with a byte order mark, starts with a NUL, a byte
    that is not UTF-8, or ``U+FEFF``, where no JSON value starts, or has a
    NUL as its second byte, where no JSON value goes on.  Leading whitespace,
    which the scanner does not skip, goes to ``json.loads`` too (no release
    file has any).  Other interpreters use ``json.loads``.
    """
    scan = _scanner(unique_keys)
    if scan:
        try:
            text = data.decode("utf-8", "surrogatepass")  # as json.loads decodes UTF-8
            value, end = scan(text, 0)
        except DuplicateKeyError:
            raise
        except Exception:  # noqa: BLE001 - json.loads below gives this document's own error
            pass
        else:
            # json.loads allows whitespace after the value, and nothing else
            if not text[end:].lstrip(_WHITESPACE):
                return value
    import json

    return json.loads(data, object_pairs_hook=_unique_object if unique_keys else None)


def _scanner(unique_keys: bool) -> Any:
    """The C scanner for `json_loads`, made on first use; ``False`` where there is none."""
    global _scan, _scan_unique
    scan = _scan_unique if unique_keys else _scan
    if scan is None:
        try:
            from _json import make_scanner

            # typeshed types the context as a scanner
            settings: Any = _UniqueKeySettings() if unique_keys else _DecoderSettings()
            scan = make_scanner(settings)
        except Exception:  # noqa: BLE001 - a private module, whose interface may change: json.loads serves
            scan = False
        if unique_keys:
            _scan_unique = scan
        else:
            _scan = scan
    return scan
