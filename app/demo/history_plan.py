"""The plan of a demo organisation's history: three months of messages and what people did.

Pure and deterministic: `plan_history` draws everything from `random.Random(seed)` and counts
every instant from `anchor` (the moment the demo is loaded) in the organisation's working
time, so the same seed and anchor give the same history, which always ends "now". Events
after the anchor are dropped: the latest cases stay open in whatever step they reached.
Lateness is not decided here: some steps simply take longer than the regulation allows, and
the real services (played by app/demo/history.py) record the violations that follow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.demo.history_texts import (
    CLARIFICATION,
    FEMALE,
    HEATING_SEASON,
    INTERMEDIATE,
    MALE,
    REFUSALS,
    REPEAT_OPENINGS,
    REPLIES,
    RESUBMIT_TAIL,
    RETURN_COMMENTS,
    SPLIT_PARTNERS,
    SURNAMES,
    TOPICS,
    Topic,
)
from app.demo.history_towns import TOWNS, Town
from app.domain.worktime import WorkCalendar

HISTORY_PREFIX = "history-"  # external ids of history messages: how a loaded history is known
SEED = 20_200_421  # the Penza decree's date: any fixed number would do
HISTORY_DAYS = 91
# Share of posts per hour of the day (people write in the evening too, rarely at night).
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 8, 8, 8, 9, 10, 10, 9, 7, 4, 2)
# What happens to a message, with its weight.
SCENARIOS = (
    ("refuse", 14),
    ("answer", 44),
    ("revision", 12),
    ("intermediate", 8),
    ("clarification", 7),
    ("split", 8),
    ("outside", 5),
)
LATE_SHARE = 0.1  # assignments where one step drags on past its budget
BURST_SIZE = 11  # one morning of many posts on one question (heightened activity)


@dataclass
class HistoryCase:
    """One message of the history: what was posted and where it goes."""

    key: str  # external id: makes intake idempotent and marks history messages
    network: str
    text: str
    url: str
    author: str
    author_url: str
    posted_at: datetime
    topics: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # name prefixes, one per topic
    importance: str = "normal"
    repeat_of: int | None = None  # index of the earlier case
    answers: dict[str, str] = field(default_factory=dict)  # by department prefix
    address: str = ""
    first_name: str = ""
    reason: str = ""  # refusal reason


@dataclass(frozen=True)
class HistoryEvent:
    """One action at one instant; `department` is a name prefix, `text` what was written."""

    at: datetime
    case: int
    action: str
    department: str = ""
    arg: str = ""
    text: str = ""


@dataclass
class _Author:
    name: str
    first: str
    url: str


@dataclass
class _Planner:
    slug: str
    town: Town
    calendar: WorkCalendar
    anchor: datetime
    rng: random.Random
    cases: list[HistoryCase] = field(default_factory=list)
    events: list[HistoryEvent] = field(default_factory=list)
    replies: int = 0

    def work(self, start: datetime, low: int, high: int) -> datetime:
        """An instant `low`..`high` working minutes after `start`."""
        return self.calendar.add(start, timedelta(minutes=self.rng.randint(low, high)))

    def step(self, start: datetime, low: int, high: int, late: bool) -> datetime:
        """A step that takes low..high working minutes, or far longer when it is late."""
        if late:
            return self.work(start, high * 2 + 30, high * 6 + 240)
        return self.work(start, low, high)

    def add(self, at: datetime, case: int, action: str, dept: str = "", **kw: str) -> None:
        if at <= self.anchor:
            self.events.append(HistoryEvent(at, case, action, dept, **kw))

    def author(self) -> _Author:
        female = self.rng.random() < 0.55
        first = self.rng.choice(FEMALE if female else MALE)
        surname = self.rng.choice(SURNAMES) + ("а" if female else "")
        return _Author(f"{first} {surname}", first, "")

    def address(self) -> str:
        house = self.rng.randint(1, 140)
        suffix = self.rng.choice(("", "", "", "", "а", " корп. 2"))
        return f"{self.rng.choice(self.town.streets)}, {house}{suffix}"

    def links(self, network: str, n: int) -> tuple[str, str]:
        """(post URL, author URL) in the network's own form; every number is invented."""
        r = self.rng
        if network == "vk":
            post = 90_000 + n * 7
            return (
                f"https://vk.com/wall-{self.town.vk_group}_{post}?reply={post + r.randint(1, 6)}",
                f"https://vk.com/id{r.randint(10_000_000, 799_999_999)}",
            )
        if network == "ok":
            return (
                f"https://ok.ru/group/{self.town.ok_group}/topic/{154_000_000_000 + n * 131}",
                f"https://ok.ru/profile/{r.randint(500_000_000_000, 599_999_999_999)}",
            )
        post = 40_000 + n * 3
        return (f"https://t.me/{self.town.telegram}/{post}", f"https://t.me/{self.town.telegram}")

    def answer_url(self, case: HistoryCase) -> str:
        self.replies += 1
        joiner = "&" if "?" in case.url else "?"
        return f"{case.url}{joiner}answer={self.replies}"


def _burst_instants(p: _Planner) -> list[datetime]:
    """A working morning some weeks ago when one house after another wrote about the same."""
    day = (p.anchor - timedelta(days=p.rng.randint(10, 30))).astimezone(p.calendar.tz)
    morning = p.calendar.next_working_instant(day.replace(hour=8, minute=0))
    return [morning + timedelta(minutes=p.rng.randint(0, 120)) for _ in range(BURST_SIZE)]


def _posting_instants(p: _Planner, count: int) -> list[datetime]:
    start = p.anchor - timedelta(days=HISTORY_DAYS)
    tz = p.calendar.tz
    out = []
    for _ in range(count - BURST_SIZE):
        day = p.rng.randrange(HISTORY_DAYS + 1)
        hour = p.rng.choices(range(24), HOUR_WEIGHTS)[0]
        local = (start + timedelta(days=day)).astimezone(tz)
        at = local.replace(hour=hour, minute=p.rng.randrange(60), second=0, microsecond=0)
        if local.weekday() >= 5 and p.rng.random() < 0.3:
            at += timedelta(days=2)  # fewer posts at weekends
        out.append(min(at, p.anchor - timedelta(minutes=p.rng.randint(5, 600))))
    return out


def _topics_in_season(month: int) -> list[Topic]:
    return [t for t in TOPICS if not t.months or month in t.months]


def _fill(template: str, addr: str, first: str) -> str:
    return template.format(addr=addr, name=first)


def _burst_topic(p: _Planner) -> Topic:
    month = (p.anchor - timedelta(days=20)).astimezone(p.calendar.tz).month
    key = "heating" if month in HEATING_SEASON else "water"
    return next(t for t in TOPICS if t.key == key)


def _new_case(
    p: _Planner, n: int, posted: datetime, scenario: str, burst: tuple[Topic, str] | None
) -> HistoryCase:
    """The message and what its answers say (by department), without any event yet."""
    rng = p.rng
    network = rng.choices([c for c, _ in p.town.networks], [w for _, w in p.town.networks])[0]
    url, author_url = p.links(network, n)
    who = p.author()
    addr = p.address()
    if burst is not None:
        addr = f"{burst[1]}, {addr.split(', ')[1]}"
    key = f"{HISTORY_PREFIX}{p.slug}-{n}"
    if scenario == "refuse":
        refused = sum(1 for c in p.cases if c.reason)
        reasons = list(REFUSALS)  # each reason once first, then as often as they come
        reason = (
            reasons[refused] if refused < len(reasons) else rng.choices(reasons, (2, 2, 3, 1, 6))[0]
        )
        text = _fill(rng.choice(REFUSALS[reason]), addr, who.first)
        return HistoryCase(key, network, text, url, who.name, author_url, posted, reason=reason)
    season = _topics_in_season(posted.astimezone(p.calendar.tz).month)
    topic = burst[0] if burst else rng.choices(season, [t.weight for t in season])[0]
    topics = [topic]
    if scenario == "split":
        own = p.town.routes[topic.key][1]
        others = [
            t
            for t in season
            if t.key in SPLIT_PARTNERS[topic.key] and p.town.routes[t.key][1] != own
        ]
        if others:  # else one department answers it all
            topics.append(rng.choice(others))
    complaint = rng.choice(topic.complaints)
    text = _fill(complaint, addr, who.first)
    if len(topics) == 2:
        second = _fill(rng.choice(topics[1].complaints), addr, who.first)
        text = f"{text} И ещё: {second[0].lower()}{second[1:]}"
    high = complaint in topic.urgent or rng.random() < 0.04
    return HistoryCase(
        key,
        network,
        text,
        url,
        who.name,
        author_url,
        posted,
        tuple(p.town.routes[t.key][0] for t in topics),
        tuple(p.town.routes[t.key][1] for t in topics),
        "high" if high else "normal",
        answers={
            p.town.routes[t.key][1]: _fill(rng.choice(t.answers), addr, who.first) for t in topics
        },
        address=addr,
        first_name=who.first,
    )


def _repeat(p: _Planner, case: HistoryCase) -> None:
    """Make the case a repeat of an earlier answered one: same author, same question."""
    earlier = [
        i for i, c in enumerate(p.cases) if c.topics and (case.posted_at - c.posted_at).days > 3
    ]
    if not earlier:
        return
    i = p.rng.choice(earlier[-40:])
    first = p.cases[i]
    case.author, case.author_url = first.author, first.author_url
    case.topics, case.departments = first.topics, first.departments
    case.answers, case.address, case.first_name = first.answers, first.address, first.first_name
    case.text = p.rng.choice(REPEAT_OPENINGS) + first.text
    case.repeat_of = i


def _assignment(
    p: _Planner, n: int, case: HistoryCase, dept: str, at: datetime, scenario: str
) -> None:
    """One department's work on its assignment, from `at` (routed) to the publication."""
    high = case.importance == "high"
    late = p.rng.random() < LATE_SHARE
    which = p.rng.choice(("draft", "review", "publish", "final")) if late else ""
    answer = case.answers[dept]
    addr, first = case.address, case.first_name
    draft_time = (10, 30) if high else (30, 150)
    review_time = (5, 25) if p.slug == "parfino" or high else (5, 45)
    t = p.step(at, *draft_time, late=which == "draft")
    if scenario == "intermediate":
        p.add(
            t,
            n,
            "draft",
            dept,
            arg="intermediate",
            text=_fill(p.rng.choice(INTERMEDIATE), addr, first),
        )
        t = p.step(t, *review_time, late=False)
        p.add(t, n, "approve", dept)
        t = p.work(t, 3, 20)
        p.add(t, n, "publish", dept, arg=p.answer_url(case))
        t = p.step(t, 600, 2600, late=which == "final")
    elif scenario == "clarification":
        question = _fill(p.rng.choice(CLARIFICATION), addr, first)
        p.add(t, n, "draft", dept, arg="clarification", text=question)
        t = p.work(t, *review_time)
        p.add(t, n, "approve", dept)
        t = p.work(t, 3, 20)
        p.add(t, n, "publish", dept, arg=p.answer_url(case))
        if p.rng.random() < 0.2:  # the author never answered: a final answer after two days
            t = p.work(t, 900, 1100)
        else:
            t = p.work(t, 30, 900)
            p.add(t, n, "reply", dept, text=_fill(p.rng.choice(REPLIES), addr, first))
            t = p.work(t, *draft_time)
    p.add(t, n, "draft", dept, arg="final", text=answer)
    rounds = p.rng.choice((1, 1, 1, 2)) if scenario == "revision" else 0
    for _ in range(rounds):
        t = p.work(t, *review_time)
        p.add(t, n, "return", dept, text=p.rng.choice(RETURN_COMMENTS))
        t = p.step(t, 15, 55, late=which == "draft")
        p.add(t, n, "resubmit", dept, text=answer + RESUBMIT_TAIL)
    t = p.step(t, *review_time, late=which == "review")
    p.add(t, n, "approve", dept)
    t = p.step(t, 3, 25, late=which == "publish")
    p.add(t, n, "publish", dept, arg=p.answer_url(case))


def _case_events(p: _Planner, n: int, case: HistoryCase, scenario: str) -> None:
    collected = case.posted_at + timedelta(minutes=p.rng.randint(3, 40))
    p.add(collected, n, "collect")
    screened = p.work(collected, 5, 60)
    if scenario == "refuse":
        p.add(screened, n, "refuse", arg=case.reason)
        return
    p.add(screened, n, "mark")
    late_routing = p.rng.random() < LATE_SHARE / 3
    t = screened
    quick = case.importance == "high"
    if p.slug == "parfino":  # Parfino p.7: the specialist hands it to the coordinator
        t = p.step(t, 3, 25, late=late_routing)
        p.add(t, n, "hand_over")
        t = p.work(t, 5, 30 if quick else 60)
    else:
        t = p.step(t, *((5, 20) if quick else (10, 90)), late=late_routing)
    if scenario == "outside":
        wrong = p.rng.choice([d for d in p.town.executors if d not in case.departments])
        p.add(t, n, "route", wrong, arg=case.topics[0])
        t = p.work(t, 5, 25)
        p.add(t, n, "outside", wrong)
        t = p.work(t, 5, 40)
    p.add(t, n, "route", ",".join(case.departments), arg=",".join(case.topics))
    for dept in dict.fromkeys(case.departments):
        _assignment(p, n, case, dept, t, scenario)


def plan_history(
    slug: str, calendar: WorkCalendar, anchor: datetime, seed: int = SEED, messages: int = 0
) -> tuple[list[HistoryCase], list[HistoryEvent]]:
    """The cases of the organisation (`messages`, else the town's number) and their events,
    oldest first."""
    town = TOWNS[slug]
    p = _Planner(slug, town, calendar, anchor, random.Random(f"{seed}:{slug}"))
    names, weights = zip(*SCENARIOS, strict=True)
    burst = (_burst_topic(p), p.rng.choice(town.streets))
    posts: list[tuple[datetime, tuple[Topic, str] | None]]
    posts = [(t, None) for t in _posting_instants(p, messages or town.messages)]
    posts += [(t, burst) for t in _burst_instants(p)]
    for n, (posted, about) in enumerate(sorted(posts, key=lambda x: x[0])):
        scenario = p.rng.choices(names, weights)[0]
        if n < len(names):
            scenario = names[n]  # each scenario once first, then as often as they come
        if about:
            scenario = "answer"
        if scenario == "outside" and slug != "penza":
            scenario = "answer"  # Parfino sets no outside-competence step
        case = _new_case(p, n, posted, scenario, about)
        if scenario != "refuse" and not about and p.rng.random() < 0.06:
            _repeat(p, case)
            if case.repeat_of is not None:
                scenario = "answer"
        p.cases.append(case)
        _case_events(p, n, case, scenario)
    events = sorted(p.events, key=lambda e: (e.at, e.case))
    return p.cases, events
