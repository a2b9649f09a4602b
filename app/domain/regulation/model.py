"""The regulation profile model: enums and frozen dataclasses (see app.domain.regulation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from app.core.errors import UserError
from app.domain.roles import ROLE_TITLES, Role


class Importance(StrEnum):
    """Importance category of a message (Parfino p.9: «высокая» = socially significant/urgent)."""

    NORMAL = "normal"
    HIGH = "high"


# How pages and reports name the importance (Parfino p.9: «высокая»).
IMPORTANCE_TITLES: dict[Importance, str] = {
    Importance.NORMAL: "обычная",
    Importance.HIGH: "высокая",
}


class TimeBasis(StrEnum):
    """Whether a budget counts the organisation's working time or plain calendar time."""

    WORKING = "working"
    CALENDAR = "calendar"


class Duty(StrEnum):
    """A kind of work in the lifecycle; the profile says which roles carry it."""

    SCREEN = "screen"  # mark as needing a reaction or refuse; set topic and importance
    HAND_OVER = "hand_over"  # pass a detected message to the coordinator (Parfino p.7)
    ROUTE = "route"  # send to departments, split by topic
    DRAFT = "draft"  # prepare drafts, revise, return outside competence
    APPROVE = "approve"  # approve a draft or return it for revision
    PUBLISH = "publish"  # post the approved text in the network
    RECORD_REPLY = "record_reply"  # record the author's reply to a clarification


DUTY_TITLES: dict[Duty, str] = {
    Duty.SCREEN: "выявление сообщений, требующих реагирования",
    Duty.HAND_OVER: "передача ответственному работнику",
    Duty.ROUTE: "направление в структурные подразделения",
    Duty.DRAFT: "подготовка проектов ответов",
    Duty.APPROVE: "согласование проектов",
    Duty.PUBLISH: "размещение ответов",
    Duty.RECORD_REPLY: "отметка ответа автора на уточнение",
}


class RefusalReason(StrEnum):
    """Why a collected message is not processed (Penza p.17, Parfino p.20, or no reaction)."""

    HARM_INTENT = "harm_intent"
    OBSCENE = "obscene_language"
    INSULTING = "insulting_language"
    THREAT = "threat_to_official"
    NO_REACTION = "no_reaction_needed"


REFUSAL_TITLES: dict[RefusalReason, str] = {
    RefusalReason.HARM_INTENT: "Сведения о намерении причинить вред другому лицу",
    RefusalReason.OBSCENE: "Нецензурные выражения",
    RefusalReason.INSULTING: "Оскорбительные выражения",
    RefusalReason.THREAT: (
        "Угрозы жизни, здоровью и имуществу должностного лица или членов его семьи"
    ),
    RefusalReason.NO_REACTION: "Не требует реагирования",
}


class ReportPeriod(StrEnum):
    """How often a report is due: when the reason arises, weekly or monthly."""

    IMMEDIATE = "immediate"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class HighImportanceReport(StrEnum):
    """Whether marking a message «высокая» calls for the immediate report to the head."""

    REQUIRED = "required"  # high importance is the report's trigger (Parfino p.9 = p.24)
    PROMPTED = "prompted"  # offered on the same basis, not required (Penza p.21)


class ProfileError(UserError):
    """A profile is refused: an impossible or missing value."""

    def __init__(self, message: str, message_ru: str) -> None:
        super().__init__(message_ru, "bad_profile", detail=message)


@dataclass(frozen=True)
class ProfileWarning:
    """A budget that the profile allows but that cannot fit its own deadlines."""

    code: str
    message_ru: str
    clauses: tuple[str, ...]
    importance: Importance | None = None


# Budgets the product adds where the regulation is silent: their clause is empty by design.
PRODUCT_RULE_TIMINGS = frozenset({"publish_window"})
PRODUCT_RULE_RU = "правило организации, не пункт Положения"


def clause_ref(clause: str) -> str:
    """A clause as a person reads it: «п. 10», «пп. 8, 9», or the product-rule note."""
    clause = clause.strip()
    if not clause:
        return PRODUCT_RULE_RU
    return f"{'пп.' if ',' in clause else 'п.'} {clause}"


@dataclass(frozen=True)
class Timing:
    """A step budget: minutes of working time, or whole working days, and its clause."""

    clause: str
    minutes: int = 0
    working_days: int = 0

    @property
    def duration(self) -> timedelta:
        """The budget as a duration (zero for a budget in working days)."""
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Timings:
    """Every step budget (Penza pp.8–14, Parfino pp.7–15); None = no separate budget is set."""

    answer_normal: Timing  # Penza p.10 / Parfino p.8
    answer_high: Timing  # Penza p.10 / Parfino p.9
    draft_lead_normal: Timing  # the draft is due this long before the answer (p.11)
    draft_lead_high: Timing  # Penza p.11 / Parfino p.12
    review: Timing  # approve or return (Penza p.12 / Parfino p.13)
    revise: Timing  # revise a returned draft (Penza p.13 / Parfino p.14)
    final_after_intermediate: Timing  # working days (Penza p.14 / Parfino p.16)
    hand_over: Timing | None = None  # to the coordinator after detection (Parfino p.7)
    route: Timing | None = None  # to departments after detection (Penza p.8)
    return_outside_competence: Timing | None = None  # from receipt (Penza p.9)
    publish: Timing | None = None  # after approval (Parfino p.15)
    # A product rule, not a clause: publication of an approved final answer after an
    # intermediate one, where the profile times no publication (Penza; issue #12).
    publish_window: Timing | None = None

    def answer(self, importance: Importance) -> Timing:
        """The answer budget for an importance."""
        return self.answer_high if importance is Importance.HIGH else self.answer_normal

    def draft_lead(self, importance: Importance) -> Timing:
        """How long before the answer deadline the draft is due."""
        return self.draft_lead_high if importance is Importance.HIGH else self.draft_lead_normal


@dataclass(frozen=True)
class ReportRule:
    """When a report is due, who compiles it and who receives it."""

    clause: str
    period: ReportPeriod
    recipients: tuple[Role, ...]
    recipients_ru: str
    compiler: Role | None = None
    due_day: int | None = None  # monthly: day of the next month; weekly: ISO weekday
    triggers_ru: tuple[str, ...] = ()
    # Whose breaches the report is about (Parfino p.22: the executors'); empty = everyone's.
    covers: tuple[Role, ...] = ()


@dataclass(frozen=True)
class Reports:
    """The summary, violations and immediate reports of a profile."""

    summary: ReportRule
    violations: ReportRule
    immediate: ReportRule


@dataclass(frozen=True)
class RepeatProcedure:
    """What the regulation has done with a repeat message (Penza p.15, Parfino p.18): the
    steps in its own words, what the answer must report, and the lifecycle action that
    starts them (route to departments, or hand over to the coordinator first)."""

    clause: str
    procedure_ru: str
    answer_ru: str
    next_duty: Duty | None = None


@dataclass(frozen=True)
class RegulationProfile:
    """A regulation as data: timings, duties, switches and reports, each with its clause."""

    code: str
    name: str
    source_ru: str
    clause_count: int
    role_titles: Mapping[Role, str]
    duties: Mapping[Duty, tuple[Role, ...]]
    duty_clauses: Mapping[Duty, str]
    timings: Timings
    answer_basis: TimeBasis
    answer_basis_note: str
    clarification_pauses: bool
    clarification_clause: str
    refusal_reasons: tuple[RefusalReason, ...]
    refusal_clause: str
    reports: Reports
    screening_undo_minutes: int = 10
    high_importance_report: HighImportanceReport = HighImportanceReport.PROMPTED
    networks: tuple[str, ...] = ()
    # Marking a message as needing a reaction requires a topic (Parfino p.7: «указывает тему»).
    topic_required: bool = False
    clauses: Mapping[str, str] = field(default_factory=dict)  # topic -> clause (informational)
    repeat: RepeatProcedure | None = None  # None in profiles stored before issue #15

    def roles_for(self, duty: Duty) -> tuple[Role, ...]:
        """The roles that carry a duty in this profile (empty = the profile has no such duty)."""
        return self.duties.get(duty, ())

    def title(self, role: Role) -> str:
        """The profile's own name for a role, falling back to the generic title."""
        return self.role_titles.get(role, ROLE_TITLES[role])

    @property
    def has_hand_over(self) -> bool:
        """True when the specialist hands detected messages to a coordinator (Parfino p.7)."""
        return bool(self.roles_for(Duty.HAND_OVER))

    @property
    def publish_timed(self) -> bool:
        """True when publication is a separately timed step (Parfino p.15)."""
        return self.timings.publish is not None
