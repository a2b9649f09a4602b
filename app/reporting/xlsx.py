"""The same figures as an XLSX workbook (openpyxl): one sheet per part of the report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.lifecycle import STEP_TITLES, Step
from app.domain.regulation.model import REFUSAL_TITLES, RefusalReason
from app.reporting.figures.grouping import GroupRow
from app.reporting.formatting import dimension_value, local, minutes, responsible
from app.reporting.summary import ReportHeader, SummaryReport, ViolationsReport

BOLD = Font(bold=True)


def _table(ws: Worksheet, title: str, head: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    if ws.max_row > 1:
        ws.append([])
    ws.append([title])
    ws.cell(ws.max_row, 1).font = BOLD
    ws.append(list(head))
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for row in rows:
        ws.append(list(row))


def _header(ws: Worksheet, header: ReportHeader, title: str) -> None:
    ws.title = "Отчёт"
    ws.append([title])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for label, value in (
        ("Организация", header.organisation),
        ("Подразделение", header.department or "все"),
        ("Период", header.period.title),
        ("Границы периода", header.bounds_text),
        ("Регламент", f"{header.profile_name}, п. {header.clause}"),
        ("Сформирован", f"{local(header.generated_at, header.timezone)} ({header.zone_short})"),
    ):
        ws.append([label, value])
    if header.note:
        ws.append(["Примечание", header.note])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 22


def _step(code: str) -> str:
    return STEP_TITLES.get(Step(code), code) if code in set(Step) else code


def summary_xlsx(report: SummaryReport) -> bytes:
    """The summary report's figures as an XLSX file."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _header(ws, report.header, "Сводная информация")
    t, p, q, d = report.timeliness, report.previous, report.quality, report.dynamics
    _table(
        ws,
        "Своевременность",
        ["Показатель", "Отчётный период", "Предыдущий период"],
        [
            ("Случаев (требовали реакции)", t.cases, p.cases),
            ("Ответ дан в срок", t.answered_on_time, p.answered_on_time),
            ("Ответ дан с нарушением срока", t.answered_late, p.answered_late),
            ("В работе", t.open, p.open),
            ("В работе, срок ответа нарушен", t.open_late, p.open_late),
            (
                "Медиана рабочего времени до ответа",
                minutes(t.median_minutes),
                minutes(p.median_minutes),
            ),
            (
                "90-й процентиль рабочего времени до ответа",
                minutes(t.p90_minutes),
                minutes(p.p90_minutes),
            ),
        ],
    )
    groups = [
        "Поручений",
        "Исполнено",
        "из них в срок",
        "В работе",
        "Возвращено (не компетенция)",
        "Нарушений сроков",
    ]
    sheet = wb.create_sheet("Исполнители")
    tables: tuple[tuple[str, str, list[GroupRow], GroupRow], ...] = (
        ("По подразделениям", "Подразделение", t.by_department, t.department_total),
        ("По сотрудникам", "Сотрудник", t.by_executor, t.executor_total),
    )
    for title, label, group_rows, sum_row in tables:
        _table(
            sheet,
            title,
            [label, *groups],
            [
                (g.name, g.received, g.done, g.on_time, g.open, g.returned_outside, g.violations)
                for g in [*group_rows, sum_row]
            ],
        )
    done = [(_step(s.step), s.completed, s.on_time, s.late) for s in report.steps_done]
    _table(sheet, "Выполнение этапов", ["Этап", "Выполнено", "В срок", "С опозданием"], done)
    _table(
        sheet,
        "Нарушения по этапам",
        [
            "Этап",
            "Пункт",
            "Нарушений",
            "Исполнено с опозданием",
            "Не исполнено",
            "Медиана опоздания",
        ],
        [
            (
                _step(s.step),
                s.clause,
                s.violations,
                s.resolved,
                s.unresolved,
                minutes(s.median_late_minutes),
            )
            for s in t.by_step
        ],
    )
    sheet.column_dimensions["A"].width = 48
    _table(
        ws,
        "Качество",
        ["Показатель", "Значение"],
        [
            ("Ответов согласовано", q.approved),
            ("…с первого раза", q.first_pass),
            ("Возвратов на доработку", q.revision_rounds),
            ("Поручений, возвращённых на доработку", q.revised_assignments),
            ("Возвращено как не относящееся к компетенции", q.outside_returns),
            ("Повторных сообщений", q.repeats),
            ("Промежуточных ответов", q.intermediate),
            ("…с окончательным ответом в срок", q.intermediate_final_on_time),
            ("Окончательных ответов опубликовано", q.answers),
            ("…с фото- или видеоматериалами", q.answers_with_media),
        ],
    )
    _table(
        ws,
        "Не подлежат обработке (по основаниям)",
        ["Основание", "Сообщений"],
        [
            (REFUSAL_TITLES.get(RefusalReason(k), k) if k in set(RefusalReason) else k, v)
            for k, v in q.refused_by_reason.items()
        ],
    )
    dyn = wb.create_sheet("Динамика")
    parts = (
        ("По темам", d.by_topic, ""),
        ("Чаще всего упоминаемые адреса", d.by_place, ""),
        ("По соцсетям", d.by_network, "network"),
        ("По важности", d.by_importance, "importance"),
        ("По подразделениям", d.by_department, ""),
    )
    for title, rows, dimension in parts:
        _table(
            dyn,
            title,
            ["Значение", "Отчётный период", "Предыдущий период"],
            [(dimension_value(dimension, r.name), r.count, r.previous) for r in rows],
        )
    _table(
        dyn,
        "Последние периоды",
        ["Период", "Собрано", "Требовали реакции", "Ответ с нарушением срока"],
        [(pt.label, pt.collected, pt.cases, pt.answer_late) for pt in d.trend],
    )
    dyn.column_dimensions["A"].width = 40
    return _save(wb)


def violations_xlsx(report: ViolationsReport) -> bytes:
    """The violations report as an XLSX file."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _header(ws, report.header, "Информация о нарушениях")
    tz = report.header.timezone
    _table(
        ws,
        "Нарушения",
        [
            "Случай",
            "Этап",
            "Пункт",
            "Ответственный",
            "Замещающий",
            "Подразделение",
            f"Срок ({report.header.zone_short})",
            "Опоздание",
            "Опоздание, рабочих минут",
            "Исполнено",
            "В чём нарушение",
            "Решение",
            "Принятые меры",
        ],
        [
            (
                r.message_id,
                r.step_title,
                r.clause,
                responsible(r.responsible_name, r.responsible_role, report.header.profile),
                r.substitute_name,
                r.department_name,
                local(r.due_at, tz),
                minutes(r.lateness_minutes),
                r.lateness_minutes,
                local(r.resolved_at, tz) if r.resolved_at else "не исполнено",
                r.description,
                r.decision,
                r.measures,
            )
            for r in report.rows
        ],
    )
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
