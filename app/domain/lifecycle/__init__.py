"""The message lifecycle: apply an action by the table, or refuse it in Russian.

The table is app.domain.lifecycle.table.TABLE; states, actions and steps are in
app.domain.lifecycle.model and re-exported here. Services call `apply` before saving anything,
`available_actions` to show buttons, and `follow_up` after an assignment changed.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from datetime import datetime, timedelta

from app.domain.lifecycle.model import (
    AssignmentAction,
    AssignmentState,
    ClockOp,
    Condition,
    DraftKind,
    Effect,
    Entity,
    LifecycleError,
    MessageAction,
    MessageState,
    Rule,
    Step,
    Transition,
)
from app.domain.lifecycle.table import TABLE
from app.domain.regulation.model import RegulationProfile, clause_ref
from app.domain.roles import Role

__all__ = [
    "ACTION_TITLES",
    "KIND_TITLES",
    "STATE_TITLES",
    "STEP_TITLES",
    "TABLE",
    "AssignmentAction",
    "AssignmentState",
    "ClockOp",
    "Condition",
    "DraftKind",
    "Effect",
    "Entity",
    "LifecycleError",
    "MessageAction",
    "MessageState",
    "Rule",
    "Step",
    "Transition",
    "apply",
    "available_actions",
    "check_undo_screening",
    "follow_up",
]

State = MessageState | AssignmentState
Action = MessageAction | AssignmentAction

STATE_TITLES: dict[Entity, dict[str, str]] = {
    Entity.MESSAGE: {
        MessageState.COLLECTED: "Собрано",
        MessageState.REFUSED: "Не подлежит обработке",
        MessageState.HANDING_OVER: "Передаётся ответственному работнику",
        MessageState.ROUTING: "Направляется исполнителям",
        MessageState.IN_WORK: "В работе",
        MessageState.DONE: "Завершено",
    },
    Entity.ASSIGNMENT: {
        AssignmentState.ASSIGNED: "Готовится проект",
        AssignmentState.DRAFT_SUBMITTED: "На согласовании",
        AssignmentState.RETURNED_FOR_REVISION: "На доработке",
        AssignmentState.APPROVED: "Согласовано, ждёт размещения",
        AssignmentState.AWAITING_REPLY: "Ждёт ответа автора на уточнение",
        AssignmentState.AWAITING_FINAL: "Ждёт окончательного ответа",
        AssignmentState.RETURNED_OUTSIDE_COMPETENCE: "Возвращено: не относится к полномочиям",
        AssignmentState.DONE: "Ответ размещён",
    },
}

ACTION_TITLES: dict[Entity, dict[str, str]] = {
    Entity.MESSAGE: {
        MessageAction.MARK: "Требует реагирования",
        MessageAction.REFUSE: "Не подлежит обработке",
        MessageAction.UNDO_SCREENING: "Отменить решение",
        MessageAction.RECLASSIFY: "Изменить тему или важность",
        MessageAction.HAND_OVER: "Передать ответственному работнику",
        MessageAction.ROUTE: "Направить исполнителям",
        MessageAction.ASSIGNMENT_RETURNED: "Вернуть на распределение",
        MessageAction.COMPLETE: "Завершить",
    },
    Entity.ASSIGNMENT: {
        AssignmentAction.SUBMIT_DRAFT: "Направить на согласование",
        AssignmentAction.RETURN_OUTSIDE_COMPETENCE: "Вернуть: не наши полномочия",
        AssignmentAction.APPROVE: "Согласовать",
        AssignmentAction.RETURN_FOR_REVISION: "Вернуть на доработку",
        AssignmentAction.RESUBMIT: "Направить на повторное согласование",
        AssignmentAction.PUBLISH: "Разместить ответ",
        AssignmentAction.RECORD_REPLY: "Отметить ответ автора",
    },
}

STEP_TITLES: dict[Step, str] = {
    Step.HAND_OVER: "Передача ответственному работнику",
    Step.ROUTE: "Направление исполнителям",
    Step.RETURN_OUTSIDE_COMPETENCE: "Возврат не по компетенции",
    Step.ANSWER: "Размещение ответа",
    Step.DRAFT: "Проект ответа на согласование",
    Step.REVIEW: "Согласование проекта",
    Step.REVISE: "Доработка проекта",
    Step.PUBLISH: "Размещение согласованного ответа",
    Step.FINAL_DRAFT: "Окончательный проект ответа",
}

KIND_TITLES: dict[DraftKind, str] = {
    DraftKind.FINAL: "окончательный ответ",
    DraftKind.INTERMEDIATE: "промежуточный ответ",
    DraftKind.CLARIFICATION: "запрос (уточнение)",
}

_ROWS: dict[tuple[Entity, str, str], tuple[Rule, ...]] = {}
for _rule in TABLE:
    _key = (_rule.entity, str(_rule.source), str(_rule.action))
    _ROWS[_key] = (*_ROWS.get(_key, ()), _rule)


def _entity(state: State) -> Entity:
    return Entity.MESSAGE if isinstance(state, MessageState) else Entity.ASSIGNMENT


def _holds(condition: Condition | None, profile: RegulationProfile) -> bool:
    if condition is None:
        return True
    return {
        Condition.HAND_OVER: profile.has_hand_over,
        Condition.NO_HAND_OVER: not profile.has_hand_over,
        Condition.PAUSES: profile.clarification_pauses,
    }[condition]


def _timed(step: Step, profile: RegulationProfile) -> bool:
    """Steps without a budget in the profile have no clock (Penza publish, Parfino p.9)."""
    t = profile.timings
    optional = {
        Step.HAND_OVER: t.hand_over,
        Step.ROUTE: t.route,
        Step.RETURN_OUTSIDE_COMPETENCE: t.return_outside_competence,
        Step.PUBLISH: t.publish,
    }
    return step not in optional or optional[step] is not None


def _rows(state: State, action: Action, profile: RegulationProfile) -> tuple[Rule, ...]:
    rows = _ROWS.get((_entity(state), str(state), str(action)), ())
    # A duty no role carries (hand-over in Penza-2020) is not part of the profile's process.
    return tuple(
        r for r in rows if _holds(r.when, profile) and (r.duty is None or profile.roles_for(r.duty))
    )


def _refuse(state: State, action: Action, why_ru: str, code: str) -> LifecycleError:
    entity = _entity(state)
    title = ACTION_TITLES[entity].get(action, str(action))
    return LifecycleError(
        f"{entity} in {state}: {action} refused ({code})",
        f"Действие «{title}» недоступно: {why_ru}",
        code,
    )


def _pick_role(
    rule: Rule,
    actor_roles: Collection[Role] | None,
    profile: RegulationProfile,
    state: State,
    action: Action,
) -> Role | None:
    if rule.duty is None:
        if actor_roles is not None:
            raise _refuse(state, action, "оно выполняется системой автоматически.", "system_only")
        return None
    allowed = profile.roles_for(rule.duty)
    if actor_roles is None:
        raise _refuse(state, action, "его выполняет человек, а не система.", "person_only")
    for role in allowed:
        if role in actor_roles:
            return role
    titles = " или ".join(f"«{profile.title(r)}»" for r in allowed)
    clause = profile.duty_clauses.get(rule.duty, "")
    where = f" ({clause_ref(clause)} регламента {profile.name})" if clause else ""
    raise _refuse(state, action, f"его выполняет {titles}{where}, а у вас нет этой роли.", "role")


def _pick_rule(
    state: State, action: Action, rows: tuple[Rule, ...], kind: DraftKind | None
) -> Rule:
    for rule in rows:
        if rule.kind is None or rule.kind == kind:
            return rule
    if kind is None:
        raise _refuse(state, action, "не указан вид проекта.", "kind_required")
    kinds = ", ".join(KIND_TITLES[r.kind] for r in rows if r.kind is not None)
    raise _refuse(state, action, f"здесь допускается только: {kinds}.", "wrong_kind")


def apply(
    state: State,
    action: Action,
    actor_roles: Collection[Role] | None,
    profile: RegulationProfile,
    kind: DraftKind | None = None,
) -> Transition:
    """The transition for an action by a person with `actor_roles` (None = the system)."""
    entity = _entity(state)
    if isinstance(action, MessageAction) != (entity is Entity.MESSAGE):
        raise _refuse(state, action, "оно относится к другому объекту.", "wrong_entity")
    rows = _rows(state, action, profile)
    if not rows:
        if _ROWS.get((entity, str(state), str(action))):
            why = f"оно не предусмотрено регламентом «{profile.name}»."
            raise _refuse(state, action, why, "not_in_profile")
        now = STATE_TITLES[entity][state]
        raise _refuse(state, action, f"текущее состояние — «{now}».", "illegal_action")
    rule = _pick_rule(state, action, rows, kind)
    role = _pick_role(rule, actor_roles, profile, state, action)
    effects = tuple(e for e in rule.effects if _holds(e.when, profile) and _timed(e.step, profile))
    return Transition(entity, state, action, rule.target, role, effects)


def available_actions(
    state: State, actor_roles: Collection[Role], profile: RegulationProfile
) -> list[Action]:
    """Actions a person with these roles may take in this state (the buttons to show)."""
    entity = _entity(state)
    found: list[Action] = []
    for rule in TABLE:
        if rule.entity is not entity or str(rule.source) != str(state):
            continue
        if (
            rule.duty is None
            or rule.action in found
            or rule not in _rows(state, rule.action, profile)
        ):
            continue
        if any(r in actor_roles for r in profile.roles_for(rule.duty)):
            found.append(rule.action)
    return found


def follow_up(
    state: MessageState, assignment_states: Iterable[AssignmentState]
) -> MessageAction | None:
    """The system action a message needs after its assignments changed, if any."""
    if state is not MessageState.IN_WORK:
        return None
    states = list(assignment_states)
    open_ = [s for s in states if s is not AssignmentState.RETURNED_OUTSIDE_COMPETENCE]
    if not open_:
        return MessageAction.ASSIGNMENT_RETURNED
    if all(s is AssignmentState.DONE for s in open_):
        return MessageAction.COMPLETE
    return None


def check_undo_screening(
    screened_at: datetime,
    now: datetime,
    screened_by: Hashable,
    actor: Hashable,
    profile: RegulationProfile,
) -> None:
    """Refuse an undo of screening by another person or after the profile's window."""
    window = timedelta(minutes=profile.screening_undo_minutes)
    title = ACTION_TITLES[Entity.MESSAGE][MessageAction.UNDO_SCREENING]
    if screened_by != actor:
        raise LifecycleError(
            "undo by another person",
            f"Действие «{title}» недоступно: отменить решение может только тот, кто его принял.",
            "undo_other_person",
        )
    if not timedelta(0) <= now - screened_at <= window:
        raise LifecycleError(
            "undo window passed",
            f"Действие «{title}» недоступно: прошло больше "
            f"{profile.screening_undo_minutes} минут после решения.",
            "undo_expired",
        )
