"""Where kzrights picks an implementation by interpreter, to keep start-up cheap.

Each choice gives the very objects the obvious import would; only the cost
of getting them differs.  The figures are in docs/benchmarks.md.
"""

import sys
from typing import TYPE_CHECKING

__all__ = ["date", "sha256_hex"]

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


def sha256_hex(data: bytes) -> str:
    """Return the sha256 of ``data`` as hex digits.

    CPython's own sha256 gives the digests hashlib's OpenSSL one does,
    without loading OpenSSL: importing hashlib costs more than reading,
    hashing and parsing a whole release.  Other interpreters use hashlib.
    """
    try:  # Python 3.12 and newer
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the interpreter
        try:  # Python 3.10 and 3.11
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256  # type: ignore[assignment,no-redef,unused-ignore]
    digest: str = sha256(data).hexdigest()
    return digest
