"""What the benchmarks' ``--before SRC`` option loads: a module of another source tree, beside today's.

Run from the repository root as ``python benchmarks/bench_….py``, the
benchmarks find this module beside them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def module_from_file(name: str, path: str | Path) -> ModuleType:
    """The Python file ``path``, run as the module ``name`` (put in ``sys.modules`` first).

    A name inside ``kzrights`` (``kzrights.search._quotes_before``) lets its
    relative imports reach today's package.  Exits with a message if
    ``path`` is not a Python file.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    if not Path(path).is_file() or spec is None or spec.loader is None:
        sys.exit(f"no Python file at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def quotes_before(source: str) -> ModuleType:
    """``source``/kzrights/search/quotes.py, loaded as ``kzrights.search._quotes_before`` on today's package.

    It imports today's text rules and locator, so only the quotation code differs.
    Exits with a message if ``source`` holds no such file.
    """
    return module_from_file("kzrights.search._quotes_before", Path(source, "kzrights", "search", "quotes.py"))
