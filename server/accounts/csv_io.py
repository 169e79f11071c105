"""Accounts as CSV: reading an upload into rows, writing rows safely for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

IMPORT_COLUMNS = (
    "id", "kind", "name", "address", "lat", "lng", "status", "industry", "phone", "email",
    "owner_email", "tags", "last_visit_at",
)  # fmt: skip
EXPORT_COLUMNS = (
    *IMPORT_COLUMNS[:-1], "geocode_status", "last_visit_at", "created_at", "updated_at", "version",
)  # fmt: skip
# Columns an export writes but an import does not read back.
IGNORED_ON_IMPORT = frozenset(
    {"last_visit_at", "geocode_status", "created_at", "updated_at", "version"}
)
TAG_SEPARATOR = ";"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvProblem(ValueError):  # noqa: N818 (reads as "a CSV problem: …")
    """The upload is not a CSV we can read; the message says why."""


def read_rows(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header (lower-cased) and rows of a UTF-8 CSV, comma- or semicolon-separated."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem("the file is not UTF-8 text") from None
    if not text.strip():
        raise CsvProblem("the file is empty")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        rows = [_row(header, values) for values in reader if any(value.strip() for value in values)]
    except csv.Error as error:
        # A cell over the csv module's field limit (128 KiB), say: the file cannot be read.
        raise CsvProblem(f"line {reader.line_num}: {error}") from None
    return header, rows


def _row(header: list[str], values: list[str]) -> dict[str, str]:
    if len(values) > len(header):
        raise CsvProblem("a row has more cells than the header has columns")
    return {name: value.strip() for name, value in zip(header, values, strict=False)}


def unknown_columns(header: Iterable[str]) -> list[str]:
    """Header names an import cannot use."""
    known = set(IMPORT_COLUMNS) | IGNORED_ON_IMPORT
    return [name for name in header if name not in known]


def split_tags(cell: str) -> list[str]:
    """Tags from one cell: "a; b" -> ["a", "b"]."""
    return [tag.strip() for tag in cell.split(TAG_SEPARATOR) if tag.strip()]


def safe_cell(value: Any) -> str:
    """A cell's text, defused so a spreadsheet never runs it as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text in chunks: the header line, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in EXPORT_COLUMNS])
        if buffer.tell() > 64_000:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
