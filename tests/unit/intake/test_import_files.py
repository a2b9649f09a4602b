"""Reading monitoring exports: encodings, delimiters, XLSX, and Russian refusals with bounds."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from app.intake.import_files import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_RECORDS,
    MAX_ROWS,
    ImportFileError,
    read_table,
)

HEADERS = ("Дата", "Соцсеть", "Автор", "Ссылка", "Текст")
ROW = ("12.03.2025 14:30", "ВКонтакте", "Иван Петров", "https://vk.com/wall-1_2", "Яма; глубокая")


def csv_text(delimiter: str, rows: list[tuple[str, ...]]) -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "\r\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\r\n"


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "prefix", "delimiter", "source"),
    [
        ("utf-8", b"", ";", "CSV, UTF-8, разделитель — точка с запятой"),
        ("utf-8", b"\xef\xbb\xbf", ",", "CSV, UTF-8, разделитель — запятая"),
        ("cp1251", b"", ";", "CSV, Windows-1251, разделитель — точка с запятой"),
        ("cp1251", b"", ",", "CSV, Windows-1251, разделитель — запятая"),
        ("utf-16", b"", "\t", "CSV, UTF-16, разделитель — табуляция"),
    ],
)
def test_csv_in_the_encodings_and_delimiters_of_exports(
    encoding: str, prefix: bytes, delimiter: str, source: str
) -> None:
    content = prefix + csv_text(delimiter, [HEADERS, ROW]).encode(encoding)
    table = read_table(content)
    assert table.headers == HEADERS
    assert table.rows == ((2, ROW),)
    assert table.source == source


def test_excels_sep_line_names_the_delimiter() -> None:
    content = ("sep=,\r\n" + csv_text(",", [("Текст", "Ссылка"), ("a;b;c", "x")])).encode()
    assert read_table(content).rows == ((2, ("a;b;c", "x")),)


def test_quoted_cells_keep_new_lines_and_blank_rows_are_skipped_with_their_numbers() -> None:
    text = 'Текст;Ссылка\r\n"первая\nстрока";a\r\n;\r\n\r\nвторая;b\r\n'
    table = read_table(text.encode())
    assert table.rows == ((2, ("первая\nстрока", "a")), (5, ("вторая", "b")))


def test_columns_without_a_header_get_a_name() -> None:
    table = read_table("Текст;;Ссылка\nа;б;в;г\n".encode())
    assert table.headers == ("Текст", "Столбец 2", "Ссылка", "Столбец 4")


def test_xlsx_cells_become_text_dates_without_a_zone() -> None:
    content = xlsx(
        [
            ["Дата", "ID", "Текст", None],
            [datetime(2025, 3, 12, 14, 30), 12345, "Мусор у дома", None],
            [None, None, None, None],
            ["12.03.2025", 1.5, "Второе", None],
        ]
    )
    table = read_table(content)
    assert table.source == "XLSX"
    assert table.headers == ("Дата", "ID", "Текст")
    assert table.rows == (
        (2, ("2025-03-12 14:30:00", "12345", "Мусор у дома")),
        (4, ("12.03.2025", "1.5", "Второе")),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Файл пустой."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Формат XLS (Excel 97–2003)"),
        (b"PK\x03\x04 not really a zip", "Файл XLSX повреждён"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Файл не похож на таблицу"),
        (b"\xff\xfe\x00\xd8", "Не удалось прочитать текст файла"),
        ("Текст;Ссылка\n".encode(), "В файле только заголовки"),
        (b" \r\n\r\n", "Файл пустой."),
    ],
)
def test_what_is_not_a_readable_table_is_refused_in_russian(content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_table(content)
    assert message in refused.value.message_ru


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "привет")
    with pytest.raises(ImportFileError, match="Файл XLSX повреждён"):
        read_table(out.getvalue())


def test_an_xlsx_that_unpacks_into_too_much_is_refused_before_it_is_parsed() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (101 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="слишком велик в распакованном виде"):
        read_table(out.getvalue())


def test_the_bounds_on_size_rows_and_columns() -> None:
    with pytest.raises(ImportFileError, match="Файл больше 5 МБ"):
        read_table(b"x" * (MAX_FILE_BYTES + 1))
    rows = "Текст\n" + "".join(f"сообщение {i}\n" for i in range(MAX_ROWS))
    assert len(read_table(rows.encode()).rows) == MAX_ROWS
    with pytest.raises(ImportFileError, match="В файле больше 5\u00a0000 строк"):
        read_table((rows + "ещё одно\n").encode())
    wide = ";".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\nтекст\n"
    with pytest.raises(ImportFileError, match="больше 50 столбцов"):
        read_table(wide.encode())
    # Of a sheet, the first 50 columns are read (its claimed size may be anything).
    wide_xlsx = xlsx([["Текст", *[""] * MAX_COLUMNS, "Лишнее"], ["а", *[""] * MAX_COLUMNS, "б"]])
    assert read_table(wide_xlsx).rows == ((2, ("а",)),)
    with pytest.raises(ImportFileError, match="слишком много строк, считая пустые"):
        read_table(("Текст\n" + "\n" * MAX_RECORDS + "а\n").encode())
