"""The report's tables as pandas DataFrames: [`to_dataframes`][kzrights.exports.frames.to_dataframes].

``Report.to_dataframes()`` calls this; the tables are those of
`kzrights.exports.tables`, so a DataFrame has the rows and columns a CSV,
SQLite, Parquet or XLSX export has.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .._locking import FIRST_USE
from ..errors import ArgumentTypeError
from .tables import tables

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["to_dataframes"]

# the table layout's column types, as pandas' nullable dtypes
_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "date": "datetime64[ns]"}


def to_dataframes(report: Report) -> dict[str, Any]:
    """Return the report's tables as pandas DataFrames, keyed by table name.

    The tables are those of every tabular export (CSV, SQLite, JSON
    Lines, Parquet, XLSX), with the same names, columns and rows.
    Columns have pandas' nullable dtypes: text is ``string``, whole
    numbers ``Int64``, other numbers ``Float64``, dates ``datetime64[ns]``;
    a column whose cells hold several values (an entity's aliases, the
    report's authors) holds Python lists (``object``).

    Needs the optional extra: ``pip install 'kzrights[pandas]'``.

    Examples:
        >>> import kzrights
        >>> from kzrights.exports import to_dataframes
        >>> to_dataframes(kzrights.load("1.1.0"))["recommendations"].shape
        (15, 9)

    Args:
        report: A release, from [`kzrights.load`][kzrights.releases.load].

    Returns:
        A dict from table name to DataFrame, in the tables' order.

    Raises:
        ArgumentTypeError: If ``report`` is not a Report (a ``TypeError``).
        ImportError: If pandas is not installed; the message names the extra.
    """
    from ..report import Report

    if not isinstance(report, Report):
        raise ArgumentTypeError("report", "a kzrights.Report", report)
    if _made:
        return _frames(report)
    # the first call imports pandas, and what pandas imports as it builds frames, under
    # the first-use lock: a fork() in another thread waits for it (see kzrights._locking)
    with FIRST_USE:
        frames = _frames(report)
        _made.append(True)
    return frames


_made: list[bool] = []
"""Not empty once a call returned: pandas' imports are done."""


def _frames(report: Report) -> dict[str, Any]:
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "Report.to_dataframes() needs pandas: pip install 'kzrights[pandas]'", name="pandas"
        ) from None
    frames = {}
    for table in tables(report):
        columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in table.fields]
        data = {}
        for field, values in zip(table.fields, columns, strict=True):
            if field.type == "array":
                data[field.name] = pandas.Series([list(v) for v in values], dtype=object)
            else:
                data[field.name] = pandas.Series(list(values), dtype=_DTYPES[field.type])
        frames[table.name] = pandas.DataFrame(data, columns=list(table.columns))
    return frames
