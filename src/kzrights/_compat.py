"""Where kzrights picks an implementation by interpreter, to keep start-up cheap.

Each choice gives the very objects the obvious import would; only the cost
of getting them differs.  The figures are in docs/benchmarks.md.
"""

import sys
from typing import TYPE_CHECKING, Any

__all__ = ["date", "json_loads", "sha256_hex"]

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
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    # json.decoder's own table of the three non-JSON constants Python's reader accepts
    parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.__getitem__


_scan: Any = None
_WHITESPACE = " \t\n\r"


def json_loads(data: bytes) -> Any:
    """Return ``json.loads(data)``: the same value, or the same exception.

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
    global _scan
    if _scan is None:
        try:
            from _json import make_scanner

            settings: Any = _DecoderSettings()  # typeshed types the context as a scanner
            _scan = make_scanner(settings)
        except Exception:  # noqa: BLE001 - a private module, whose interface may change: json.loads serves
            _scan = False
    if _scan:
        try:
            text = data.decode("utf-8", "surrogatepass")  # as json.loads decodes UTF-8
            value, end = _scan(text, 0)
        except Exception:  # noqa: BLE001 - json.loads below gives this document's own error
            pass
        else:
            # json.loads allows whitespace after the value, and nothing else
            if not text[end:].lstrip(_WHITESPACE):
                return value
    import json

    return json.loads(data)
