"""The writers of the binary tabular formats: Parquet (pyarrow) and XLSX (openpyxl).

Both write the tables of `kzrights.exports.tables`, like the CSV and SQLite exports, and
each needs an optional library, imported only when the format is asked for:
``pip install 'kzrights[parquet]'`` or ``pip install 'kzrights[xlsx]'``.
Without it the writer raises [`MissingDependencyError`][kzrights.errors.MissingDependencyError]
before it writes anything.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import importlib
import io
import os
import tempfile
import types
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError, UnsupportedReleaseError
from .tables import Table, tables

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["save_workbook", "write_parquet", "write_xlsx"]


def _require(module: str, feature: str, package: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(feature, package, extra) from None


_CURATED = "CC BY 4.0 (kzrights' curated annotations); the report's text remains its publisher's"


def _licence(report: Report, table: Table) -> tuple[str, str, str]:
    """A table's licence (SPDX id), its terms in words, and its source: a vocabulary's for its tables.

    The SDG goal and target tables hold the UN's words as open-sdg publishes
    them (``Metadata.vocabularies``: MIT), not kzrights' curation (CC BY 4.0);
    the Data Package and Datasette's metadata say the same.
    """
    from .writers import _vocabulary_of

    vocabulary = _vocabulary_of(report, table.name)
    if vocabulary is None:
        return report.metadata.rights.annotations_licence, _CURATED, report.metadata.citation
    source = f"{vocabulary.repository} at {vocabulary.commit[:12]} ({vocabulary.url})"
    return vocabulary.licence, vocabulary.rights, source


def _arrow_schema(pa: Any, table: Table, report: Report) -> Any:
    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "array": pa.list_(pa.string()),
    }
    licence, rights, source = _licence(report, table)
    fields = [
        pa.field(
            f.name,
            types[f.type],
            nullable=not f.required,
            metadata={"description": f.description},
        )
        for f in table.fields
    ]
    return pa.schema(
        fields,
        metadata={
            "title": table.title,
            "description": table.description,
            "primary_key": ",".join(table.primary_key),
            # a Parquet file travels alone: it says whose words it holds and on what terms
            "license": licence,
            "rights": rights,
            "source": source,
        },
    )


def write_parquet(report: Report, path: Path) -> list[Path]:
    """A folder of Parquet files, one per table, typed with Arrow types.

    Integers are ``int64`` (nullable where the field is optional), numbers
    ``float64``, dates ``date32``, and a cell that holds a list (an entity's
    aliases, the report's authors) a ``list<string>``.  Each field carries its
    description, and each file its table's title, description, primary key,
    licence and source, in the Parquet schema's metadata (the SDG goal and
    target tables: their vocabulary's licence and source, from
    ``Metadata.vocabularies``).

    Raises:
        MissingDependencyError: If pyarrow is not installed
            (``pip install 'kzrights[parquet]'``).
    """
    pa = _require("pyarrow", "export(report, 'parquet', ...)", "pyarrow", "parquet")
    pq = importlib.import_module("pyarrow.parquet")
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in tables(report):
        schema = _arrow_schema(pa, table, report)
        columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in table.fields]
        arrays = [
            pa.array([list(v) if isinstance(v, tuple) else v for v in column], type=field.type)
            for column, field in zip(columns, schema, strict=True)
        ]
        target = path / f"{table.name}.parquet"
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), target)
        written.append(target)
    return written


def _cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell shows it: a list joined by semicolons."""
    if isinstance(value, tuple):
        return "; ".join(value)
    return value


def write_xlsx(report: Report, path: Path) -> list[Path]:
    """One Excel workbook: an "About" sheet, then a sheet per table with a frozen header row.

    The About sheet names the release, the report and its citation, and each
    sheet's contents, licence and source: kzrights' curated tables are CC BY
    4.0, the SDG goal and target sheets their vocabulary's (MIT, from
    open-sdg; ``Metadata.vocabularies``).

    Text is stored as Unicode strings, so Cyrillic names show as they are in
    Excel (which reads a CSV without a byte-order mark in the local code
    page); a cell that holds a list shows its values joined by ``"; "``, a
    date is a date cell.  Text is never read as a formula, even where it
    starts with ``=``.

    Raises:
        MissingDependencyError: If openpyxl is not installed
            (``pip install 'kzrights[xlsx]'``).
        UnsupportedReleaseError: If a text holds a control character
            (U+0000 to U+001F but tab and line breaks), which an XLSX cell
            cannot hold; no shipped release has one.  Nothing is written.
    """
    openpyxl = _require("openpyxl", "export(report, 'xlsx', ...)", "openpyxl", "xlsx")
    styles = importlib.import_module("openpyxl.styles")
    illegal = importlib.import_module("openpyxl.utils.exceptions").IllegalCharacterError
    bold = styles.Font(bold=True)
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = "About"
    meta = report.metadata
    about.append(["kzrights data release", report.version])
    about.append(["Title", meta.title])
    about.append(["Citation", meta.citation])
    about.append(["Rights", meta.rights.report_text])
    outside = ", ".join(f"{v.title}: {v.licence}" for v in meta.vocabularies)
    about.append(["Licence", _CURATED + (f"; each sheet's own below ({outside})" if outside else "")])
    about.append([])
    about.append(["Sheet", "What it holds", "Licence", "Source"])
    all_tables = tables(report)
    for table in all_tables:
        _, rights, source = _licence(report, table)
        about.append([table.name, table.description, rights, source])
    for table in all_tables:
        sheet = workbook.create_sheet(table.name)  # every table name is under Excel's 31 characters
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            try:
                sheet.append([_cell_value(v) for v in row])
            except illegal:
                raise UnsupportedReleaseError(
                    report.version,
                    f"has a control character in its {table.name} table, which an XLSX cell cannot hold",
                ) from None
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                # openpyxl would write text that starts with "=" as a formula
                if cell.data_type == "f":
                    cell.data_type = "s"
                elif cell.is_date:
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    # the same release gives the same bytes: the document's dates are the report's
    # publication date, not the clock's, and so are the zip members' timestamps
    published = datetime.datetime.combine(meta.published, datetime.time())
    workbook.properties.created = published
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        workbook.properties.modified = published
        save_workbook(workbook, archive)
    path.write_bytes(_with_fixed_times(buffer.getvalue(), published))
    return [path]


def save_workbook(workbook: Any, archive: zipfile.ZipFile) -> None:
    """Write an openpyxl ``workbook`` into the open zip ``archive``, as ``Workbook.save`` would.

    openpyxl first writes each sheet into a temporary file (in
    `tempfile.gettempdir`, ``TMPDIR``), through lxml when it is installed,
    which reports a failed write (the file-size limit, a full temporary
    folder) as its own ``lxml.etree.SerialisationError`` (``IO_EFBIG``,
    ``IO_ENOSPC``), not as an ``OSError``, and leaves that sheet's stream
    open, to fail again when it is collected.  Here such a failure closes
    the stream, deletes the temporary file, and is raised as an ``OSError``
    with its ``errno``, as every other writer's is.

    Raises:
        OSError: If a sheet's temporary file cannot be written.
        MissingDependencyError: If openpyxl is not installed.
    """
    writer_module = _require("openpyxl.writer.excel", "an XLSX workbook", "openpyxl", "xlsx")
    try:
        writer_module.ExcelWriter(workbook, archive).save()
    except OSError as error:
        _drop_sheet_streams(error)
        raise
    except Exception as error:
        reason = _serialisation_failure(error)
        if reason is None:
            raise
        _drop_sheet_streams(error)
        number = getattr(errno, reason, None)
        words = os.strerror(number) if number is not None else reason
        raise OSError(
            number, f"cannot write a worksheet's temporary file in {tempfile.gettempdir()}: {words}"
        ) from None


def _serialisation_failure(error: Exception) -> str | None:
    """The errno name (``EFBIG``) of an lxml write failure (``SerialisationError: IO_EFBIG``), else None."""
    try:
        lxml_error = importlib.import_module("lxml.etree").SerialisationError
    except ImportError:  # pragma: no cover - openpyxl without lxml raises OSError itself
        return None
    if not isinstance(error, lxml_error):
        return None
    text = str(error)
    return text[len("IO_") :] if text.startswith("IO_") and text[3:].isalnum() else text or "EIO"


def _drop_sheet_streams(error: BaseException) -> None:
    """Close the sheet streams openpyxl left open when ``error`` stopped it, and delete their files.

    openpyxl's ``WorksheetWriter`` keeps its XML stream (a generator, ``xf``)
    and its temporary file (``out``); they are found in the frames the error
    passed through.  Closing a stream whose file failed raises again: that
    is dropped here, so nothing is printed as "Exception ignored" later.
    """
    trace = error.__traceback__
    while trace is not None:
        owner = trace.tb_frame.f_locals.get("self")
        stream = getattr(owner, "xf", None)
        if isinstance(stream, types.GeneratorType):
            with contextlib.suppress(Exception):
                stream.close()
            temporary = getattr(owner, "out", None)
            if isinstance(temporary, str):
                with contextlib.suppress(OSError):
                    os.remove(temporary)
        trace = trace.tb_next


def _with_fixed_times(data: bytes, when: datetime.datetime) -> bytes:
    """Return the zip archive ``data`` with every member's timestamp set to ``when``."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member))
    return out.getvalue()
