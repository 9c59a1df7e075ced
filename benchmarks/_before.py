"""What the benchmarks' ``--before SRC`` option loads: a module of another source tree, beside today's.

Run from the repository root as ``python benchmarks/bench_….py``, the
benchmarks find this module beside them.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def quotes_before(source: str) -> ModuleType:
    """``source``/kzrights/search/quotes.py, loaded as ``kzrights.search._quotes_before`` on today's package.

    It imports today's text rules and locator, so only the quotation code differs.
    Exits with a message if ``source`` holds no such file.
    """
    name = "kzrights.search._quotes_before"
    spec = importlib.util.spec_from_file_location(name, f"{source}/kzrights/search/quotes.py")
    if spec is None or spec.loader is None:
        sys.exit(f"no kzrights/search/quotes.py under {source}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
