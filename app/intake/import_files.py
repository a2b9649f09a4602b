"""Reading an export of a monitoring system: CSV (UTF-8, UTF-8 with BOM, UTF-16, Windows-1251;
`;`, `,` or tab) or XLSX (the first sheet, read-only) into header names and rows of text.

Untrusted input with bounds on everything: the file's size, the rows, the columns, the
text of the whole table and, for XLSX, the size of the unpacked archive (of a sheet the
first MAX_COLUMNS columns are read: its claimed size may be any). Every refusal is an
ImportFileError with a Russian message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 50
MAX_RECORDS = 10 * MAX_ROWS  # rows with empty ones
MAX_CELL_CHARS = 25_000  # longer than any field (the validator names the limit)
MAX_TABLE_CHARS = 10_000_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DELIMITERS = (";", ",", "\t")
DELIMITER_TITLES = {";": "точка с запятой", ",": "запятая", "\t": "табуляция"}
SNIFF_RECORDS = 20

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (.xls)
NOT_A_TABLE_RU = "Файл не похож на таблицу: загрузите выгрузку в формате CSV или XLSX."


class ImportFileError(Exception):
    """The file cannot be read as a table; `message_ru` says why and what to do."""

    def __init__(self, message_ru: str) -> None:
        super().__init__(message_ru)
        self.message_ru = message_ru


@dataclass(frozen=True)
class Table:
    """The header names and the non-empty rows with their numbers in the file (header = 1)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    source: str  # how it was read, for the preview: «CSV, Windows-1251, точка с запятой»


def too_large_ru() -> str:
    """The refusal of a file over the size limit."""
    return f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ: разделите выгрузку на части."


def read_table(content: bytes) -> Table:
    """The table in a CSV or XLSX file (told apart by content, not by name)."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(too_large_ru())
    if not content.strip():
        raise ImportFileError("Файл пустой.")
    if content.startswith(OLE_MAGIC):
        raise ImportFileError(
            "Формат XLS (Excel 97–2003) не поддерживается: сохраните файл как XLSX или CSV."
        )
    if content.startswith(ZIP_MAGIC):
        return _table(_xlsx_rows(content), "XLSX")
    text, encoding = _decode(content)
    first, _, rest = text.partition("\n")
    if first.rstrip("\r").lower() in {f"sep={d}" for d in DELIMITERS}:  # Excel's hint line
        delimiter, text = first.rstrip("\r")[-1], rest
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table(
        _csv_rows(reader), f"CSV, {encoding}, разделитель — {DELIMITER_TITLES[delimiter]}"
    )


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        text, encoding = content[3:].decode("utf-8", errors="strict"), "UTF-8"
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _strict(content, "utf-16"), "UTF-16"
    else:
        try:
            text, encoding = content.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = _strict(content, "cp1251"), "Windows-1251"
    if "\x00" in text:
        raise ImportFileError(NOT_A_TABLE_RU)
    return text, encoding


def _strict(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise ImportFileError(
            "Не удалось прочитать текст файла: сохраните CSV в кодировке UTF-8 или Windows-1251."
        ) from None


def _delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most columns, consistently."""

    def score(delimiter: str) -> tuple[int, int]:
        reader = csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter)
        try:
            widths = [len(r) for _, r in zip(range(SNIFF_RECORDS), reader, strict=False) if any(r)]
        except csv.Error:
            return (0, 0)
        if not widths or widths[0] < 2:
            return (0, 0)
        return (sum(w == widths[0] for w in widths), widths[0])

    return max(DELIMITERS, key=score)


def _csv_rows(reader: Any) -> Iterator[Sequence[Any]]:
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError(
            f"Файл CSV повреждён (запись {reader.line_num}): проверьте кавычки и разделители."
        ) from error


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook  # only imports load it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
        if len(entries) > 10_000 or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            raise ImportFileError(
                "Файл XLSX слишком велик в распакованном виде: сохраните нужный лист как CSV."
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign archive
        raise ImportFileError(
            "Файл XLSX повреждён или это не таблица Excel: откройте его и сохраните заново."
        ) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError("В файле XLSX нет листов с таблицей.")
        sheet = workbook.worksheets[0]
        # The sheet's own claim of its size may be wrong (a formatted column XFD): rows are
        # read as they are, cut at MAX_COLUMNS (documented: the first 50 columns are read).
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            "Файл XLSX повреждён: откройте его в Excel и сохраните заново."
        ) from error
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO 8601 (no zone: the organisation's), 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "")


def _table(records: Iterable[Sequence[Any]], source: str) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    total = 0
    for number, record in enumerate(records, start=1):
        if number > MAX_RECORDS:
            raise ImportFileError(
                "В файле слишком много строк, считая пустые: удалите пустые строки "
                "или разделите выгрузку на части."
            )
        cells = [cell_text(v)[: MAX_CELL_CHARS + 1] for v in record]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                f"В файле больше {MAX_COLUMNS} столбцов: оставьте в выгрузке нужные."
            )
        total += sum(len(c) for c in cells)
        if total > MAX_TABLE_CHARS:
            raise ImportFileError("В таблице слишком много текста: разделите выгрузку на части.")
        if headers is None:
            headers = [c.strip()[:200] for c in cells]
            continue
        if len(rows) == MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", "\u00a0")
            raise ImportFileError(f"В файле больше {limit} строк: разделите выгрузку на части.")
        rows.append((number, tuple(cells)))
    if headers is None:
        raise ImportFileError("В файле нет ни одной строки.")
    if not rows:
        raise ImportFileError("В файле только заголовки: нет ни одной строки с сообщением.")
    width = max(len(headers), *(len(cells) for _, cells in rows))
    names = tuple(h or f"Столбец {i + 1}" for i, h in enumerate(headers + [""] * width))[:width]
    return Table(names, tuple(rows), source)
