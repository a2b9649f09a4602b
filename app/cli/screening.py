"""`otklik screening classify …` and `otklik screening train-routing …` (issue #15).

`classify` reads a CSV of messages and writes one JSON object per row, in order: the abuse and
threat flags with their evidence, the importance, the addresses and (with --org) the topics and
departments suggested for routing. `train-routing` learns department suggestions from a
labelled history (text and department of earlier messages), as the worker learns from routed
cases. Input is bounded; errors are in Russian.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from app.domain.screening.tokens import MAX_CHARS

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_LABEL = 300
csv.field_size_limit(MAX_CHARS * 4)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `screening` subcommands."""
    screening = sub.add_parser("screening", help="подсказки при первичной обработке сообщений")
    commands = screening.add_subparsers(dest="screening_command", required=True)
    classify = commands.add_parser(
        "classify", help="флаги, важность, адреса и подсказки маршрутизации для CSV-файла"
    )
    classify.add_argument("--in", dest="input", required=True, help="CSV-файл (UTF-8)")
    classify.add_argument("--text-column", required=True, help="колонка с текстом сообщения")
    classify.add_argument("--org", help="slug организации: темы, подразделения, её адреса")
    classify.add_argument("--out", required=True, help="куда записать JSONL")
    train = commands.add_parser(
        "train-routing", help="обучить подсказки подразделений на размеченной истории"
    )
    train.add_argument("--org", required=True, help="slug организации")
    train.add_argument("--in", dest="input", required=True, help="CSV-файл (UTF-8)")
    train.add_argument("--text-column", required=True, help="колонка с текстом сообщения")
    train.add_argument("--label-column", required=True, help="колонка с подразделением")


def read_rows(path: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a bounded UTF-8 CSV file (comma, semicolon or tab), refused in Russian."""
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"Файл {path} не найден.")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise SystemExit(f"Файл больше {MAX_FILE_BYTES // 1024 // 1024} МБ: разделите его.")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SystemExit("Файл должен быть в кодировке UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        found = ", ".join(f"«{n}»" for n in reader.fieldnames or ()) or "нет заголовка"
        raise SystemExit(f"В файле нет колонки «{missing[0]}». Колонки файла: {found}.")
    rows: list[dict[str, str]] = []
    try:
        for number, row in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise SystemExit(f"В файле больше {MAX_ROWS} строк: разделите его.")
            for column in columns:
                if len(row.get(column) or "") > MAX_CHARS:
                    raise SystemExit(
                        f"Строка {number}: в колонке «{column}» больше {MAX_CHARS} знаков."
                    )
            rows.append({c: row.get(c) or "" for c in columns})
    except csv.Error as error:
        raise SystemExit(f"Файл не читается как CSV: {error}.") from None
    return rows


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def classified(text: str, slug: str | None, routing: Any | None) -> dict[str, Any]:
    """The JSON object of one message (routing: the topics and departments suggested)."""
    from app.screening.detectors import flag_abuse, suggest_importance
    from app.screening.places import places_in

    flags, evidence = flag_abuse(text)
    importance, _ = suggest_importance(text)
    result: dict[str, Any] = {
        "flags": list(flags),
        "evidence": [asdict(e) for e in evidence],
        "importance": importance,
    }
    if routing is not None:
        topics, departments = routing
        result["topics"] = [_suggestion(s) for s in topics]
        result["departments"] = [_suggestion(s) for s in departments]
    result["addresses"] = list(dict.fromkeys(p.label for p in places_in(text, slug)))
    return result


def _suggestion(suggestion: Any) -> dict[str, Any]:
    return {"name": suggestion.name, "score": suggestion.score, "why": list(suggestion.why)}


def _write(out: TextIO, objects: Iterator[dict[str, Any]]) -> int:
    count = 0
    for item in objects:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


async def _organisation_id(slug: str) -> int:
    import app.db  # noqa: F401
    from app.identity.organisations import OrganisationNotFound, organisation_id_by_slug

    try:
        return await organisation_id_by_slug(slug)
    except OrganisationNotFound:
        raise SystemExit(f"Организация «{slug}» не найдена.") from None


async def _classify_with_routing(texts: list[str], slug: str, out: TextIO) -> int:
    from app.screening.routing import suggest_routing

    organisation_id = await _organisation_id(slug)
    count = 0
    for text in texts:
        routing = await suggest_routing(organisation_id, text)
        count += _write(out, iter([classified(text, slug, routing)]))
    return count


def cmd_classify(args: argparse.Namespace) -> None:
    """Write the screening suggestions of every row of a CSV file as JSON lines."""
    texts = [row[args.text_column] for row in read_rows(args.input, (args.text_column,))]
    with open(args.out, "w", encoding="utf-8") as out:
        if args.org:
            from app.cli.servers import servers

            with servers():
                count = asyncio.run(_classify_with_routing(texts, args.org, out))
        else:
            count = _write(out, (classified(text, None, None) for text in texts))
    print(f"Обработано сообщений: {count}. Результат: {args.out}")


async def _train(slug: str, rows: list[dict[str, str]], text: str, label: str) -> tuple[int, int]:
    from app.screening.routing_history import LabelledText, learn_history

    organisation_id = await _organisation_id(slug)
    examples = [
        LabelledText(row[text], (row[label].strip()[:MAX_LABEL],))
        for row in rows
        if row[label].strip()
    ]
    learned = await learn_history(organisation_id, examples)
    return learned, len({e.departments[0] for e in examples})


def cmd_train_routing(args: argparse.Namespace) -> None:
    """Learn department suggestions from a labelled history of an organisation."""
    from app.cli.servers import servers

    rows = read_rows(args.input, (args.text_column, args.label_column))
    if not any(row[args.label_column].strip() for row in rows):
        raise SystemExit(f"В колонке «{args.label_column}» нет ни одного подразделения.")
    with servers():
        learned, labels = asyncio.run(_train(args.org, rows, args.text_column, args.label_column))
    print(f"Выучено примеров: {learned}, подразделений: {labels}.")


def cmd_screening(args: argparse.Namespace) -> None:
    """Dispatch `otklik screening …`."""
    if args.screening_command == "classify":
        cmd_classify(args)
    else:
        cmd_train_routing(args)


COMMANDS = {"screening": cmd_screening}
