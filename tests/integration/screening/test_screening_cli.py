"""`otklik screening classify` and `otklik screening train-routing` on small CSV files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.integration.cli.test_cli import otklik

pytestmark = pytest.mark.usefixtures("demo")

ROWS = [
    ("Прорыв трубы на ул. Кирова, 62: вода заливает подвал!", "Водоканал"),
    ("Фестиваль в парке, музыка до ночи", "Отдел праздников"),
    ("Трубу прорвало у дома 5 по ул. Суворова, вода в подвале", "Водоканал"),
    ("Концерт и фестиваль на набережной, громкая музыка", "Отдел праздников"),
]


def write_csv(path: Path, rows: list[tuple[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(["Текст", "Куда"])
        writer.writerows(rows)
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_classify_writes_one_object_per_row_in_order(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ROWS, ";")
    out = tmp_path / "out.jsonl"
    done = otklik(
        "screening", "classify", "--in", str(source), "--text-column", "Текст", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "Обработано сообщений: 4" in done.stdout
    result = lines(out)
    assert len(result) == 4
    assert set(result[0]) == {"flags", "evidence", "importance", "addresses"}  # no --org
    assert result[0]["addresses"] == ["ул. Кирова, 62"]
    assert result[2]["addresses"] == ["ул. Суворова, 5"]
    assert all(r["importance"] in {"high", "normal"} for r in result)
    assert all(isinstance(r["flags"], list) for r in result)


def test_train_routing_then_classify_ranks_the_learned_labels(tmp_path: Path) -> None:
    history = write_csv(tmp_path / "history.csv", ROWS * 3)
    trained = otklik(
        "screening",
        "train-routing",
        "--org",
        "penza",
        "--in",
        str(history),
        "--text-column",
        "Текст",
        "--label-column",
        "Куда",
    )
    assert trained.returncode == 0, trained.stderr
    assert "Выучено примеров: 12, подразделений: 2" in trained.stdout
    source = write_csv(
        tmp_path / "new.csv",
        [("Опять прорыв трубы, вода в подвале", ""), ("Когда следующий фестиваль?", "")],
    )
    out = tmp_path / "out.jsonl"
    done = otklik(
        "screening",
        "classify",
        "--org",
        "penza",
        "--in",
        str(source),
        "--text-column",
        "Текст",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    first, second = lines(out)
    assert first["departments"][0]["name"] == "Водоканал"
    assert second["departments"][0]["name"] == "Отдел праздников"
    assert 0 < first["departments"][0]["score"] <= 1
    assert "труба" in first["departments"][0]["why"]
    assert isinstance(first["topics"], list)


def test_bad_input_is_refused_in_russian(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ROWS)
    out = str(tmp_path / "out.jsonl")
    missing = otklik(
        "screening",
        "classify",
        "--in",
        str(tmp_path / "no.csv"),
        "--text-column",
        "Текст",
        "--out",
        out,
    )
    assert missing.returncode == 1 and "не найден" in missing.stderr
    column = otklik(
        "screening", "classify", "--in", str(source), "--text-column", "Нет", "--out", out
    )
    assert column.returncode == 1 and "нет колонки «Нет»" in column.stderr
    (tmp_path / "cp1251.csv").write_bytes("Текст\nяма\n".encode("cp1251"))
    encoding = otklik(
        "screening",
        "classify",
        "--in",
        str(tmp_path / "cp1251.csv"),
        "--text-column",
        "Текст",
        "--out",
        out,
    )
    assert encoding.returncode == 1 and "UTF-8" in encoding.stderr
    long = write_csv(tmp_path / "long.csv", [("я" * 20_001, "")])
    too_long = otklik(
        "screening", "classify", "--in", str(long), "--text-column", "Текст", "--out", out
    )
    assert too_long.returncode == 1 and "Строка 2" in too_long.stderr
    org = otklik(
        "screening",
        "train-routing",
        "--org",
        "nowhere",
        "--in",
        str(source),
        "--text-column",
        "Текст",
        "--label-column",
        "Куда",
    )
    assert org.returncode == 1 and "не найдена" in org.stderr
