"""Russian texts of timer notifications (titles, bodies, links to the case)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core import links
from app.domain.lifecycle import STEP_TITLES, Step
from app.domain.regulation.model import clause_ref
from app.domain.timers import Alarm, AlarmKind, OpenStep
from app.identity.organisations import OrganisationRules

EXCERPT = 80


def local(rules: OrganisationRules, instant: datetime) -> datetime:
    """The instant in the organisation's time zone."""
    return instant.astimezone(rules.calendar.tz)


def when(rules: OrganisationRules, instant: datetime) -> str:
    """`17.03.2025 10:00` in the organisation's time zone."""
    return local(rules, instant).strftime("%d.%m.%Y %H:%M")


def case_url(rules: OrganisationRules, message_id: int) -> str:
    """The case page (relative; e-mails prefix BASE_URL)."""
    return links.case(rules.slug, message_id)


def excerpt(text: str) -> str:
    """The start of a message's text for a notification."""
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def minutes_ru(minutes: int) -> str:
    """`1 ч 05 мин` of working time."""
    hours, rest = divmod(max(minutes, 0), 60)
    return f"{hours} ч {rest:02d} мин" if hours else f"{rest} мин"


def _clause(rules: OrganisationRules, clause: str) -> str:
    where = f"{clause_ref(clause)} Положения" if clause else clause_ref(clause)
    return f"{where} ({rules.profile.name})"


def step_text(rules: OrganisationRules, step: OpenStep, alarm: Alarm, text: str) -> tuple[str, str]:
    """Title and body of a warning or deadline notice."""
    title_step = STEP_TITLES.get(step.step, str(step.step))
    assert step.due_at is not None
    due = when(rules, step.due_at)
    about = f"Сообщение № {step.message_id}: «{excerpt(text)}»."
    if alarm.kind is AlarmKind.WARNING:
        share = round((alarm.share or 0) * 100)
        title = f"Осталось {share} % срока: {title_step.lower()}"
        body = f"{about} Срок — {due} ({_clause(rules, step.clause)})."
    else:
        title = f"Срок истёк: {title_step.lower()}"
        body = (
            f"{about} Срок истёк {due} ({_clause(rules, step.clause)}). "
            "Нарушение срока зафиксировано."
        )
    return title, body


def violation_text(rules: OrganisationRules, v: dict[str, Any]) -> tuple[str, str]:
    """Title and body of a violation sent to the officials (Penza p.19)."""
    title_step = STEP_TITLES.get(Step(v["step"]), v["step"])
    who = v.get("responsible_name") or "ответственный не определён"
    where = v.get("department_name") or "без подразделения"
    clause = rules.profile.reports.violations.clause
    title = f"Нарушение срока: {title_step.lower()}"
    body = (
        f"Сообщение № {v['message']}: срок «{title_step}» ({_clause(rules, v['clause'])}) истёк "
        f"{when(rules, v['due_at'])}. Подразделение: {where}; ответственный: {who}. "
        f"Опоздание на момент выявления: {minutes_ru(v['late_minutes'])} рабочего времени. "
        f"Направлено по п. {clause} Положения для устранения недостатков."
    )
    return title, body
