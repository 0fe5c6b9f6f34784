"""Things booked besides supervision sessions, as policy data (`[[events]]` tables).

Each rule books one single event per supervision pair in each month it names, e.g. Hillingdon
5.2 f two practice observations per April-March year (one MUST be direct work with a
child), Hillingdon 6 the PADA appraisal and its 6-monthly review, Sunderland 4.3
appraisal dates in the January schedule and appendix 1 the agreement reviewed six-monthly.
A council that does not use a rule leaves the table out. Validated as strictly as the rest of
the policy: an unknown key or a bad value is a problem naming the file and the key.

Also the pure rule for the tracker's per-person observation line (done, direct work missing,
flagged as the April-March year end nears).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .text import text_problem

SUPERVISION = "supervision"
OBSERVATION = "observation"
APPRAISAL = "appraisal"
APPRAISAL_REVIEW = "appraisal review"
AGREEMENT_REVIEW = "agreement review"
EVENT_TYPES = (OBSERVATION, APPRAISAL, APPRAISAL_REVIEW, AGREEMENT_REVIEW)
TYPES = (SUPERVISION, *EVENT_TYPES)

_EVENT_KEYS = {
    "type", "label", "categories", "months", "kinds", "required_kind", "year_start",
    "warn_weeks", "minutes", "from_start", "every_months",
}  # fmt: skip

# Observation line statuses (the tracker's Observations tab).
OBS_COMPLETE = "COMPLETE"
OBS_ON_TRACK = "ON TRACK"
OBS_DUE = "DUE SOON"  # fewer than required, the year end within warn_weeks
OBS_KIND_MISSING = "DIRECT WORK MISSING"  # the required kind not held, year end near
OBS_MISSED = "MISSED"  # the year ended without them


@dataclass(frozen=True)
class EventRule:
    """One `[[events]]` table: `months[i]` books the i-th event of the year (kind `kinds[i]`)."""

    type: str
    label: str
    months: tuple[int, ...]
    categories: frozenset[str] = frozenset()  # empty: everyone on the roster
    kinds: tuple[str, ...] = ()
    required_kind: str | None = None
    year_start: tuple[int, int] = (4, 1)  # (month, day): the year the events are counted in
    warn_weeks: int = 8
    minutes: int | None = None  # None: the policy's session_minutes
    # Per person: every `every_months` from the person's start (Sunderland appendix 1: the
    # agreement reviewed six-monthly from when supervision starts), not in fixed `months`.
    from_start: bool = False
    every_months: int | None = None

    def applies_to(self, *categories: str | None) -> bool:
        """For a person in any of `categories` (role, status, category): Hillingdon 5.2 f's
        observations are for all case holding staff, those on probation or in ASYE too."""
        return not self.categories or any(c in self.categories for c in categories)

    def months_for(self, start: date | None, year: int, spread: int) -> list[tuple[int, int]]:
        """(index, month) of this rule's events in `year` for one person: `months`, or for a
        per-person rule the months `every_months` apart from the start (anniversaries); with
        no start date known, spread over the cycle by `spread` (not all in one month)."""
        if not self.from_start or not self.every_months:
            return list(enumerate(self.months))
        step = self.every_months
        if start is None:
            offset = spread % step
            return [(i, m) for i, m in enumerate(range(1 + offset, 13, step))]
        out = []
        for k in range(1, (year - start.year + 1) * 12 // step + 2):
            months = start.month - 1 + k * step
            when = (start.year + months // 12, months % 12 + 1)
            if when[0] == year:
                out.append((k, when[1]))
        return out

    def kind(self, index: int) -> str:
        return self.kinds[index] if index < len(self.kinds) else ""


def parse_events(value: object, bad: Any, categories: Iterable[str], span: int) -> list[EventRule]:
    """Validate the `[[events]]` array; `bad(key, message)` collects problems; `span` is the
    working day's length in minutes (an event must fit in it)."""
    known = set(categories)
    if not isinstance(value, list):
        bad("events", "must be an array of tables: [[events]]")
        return []
    rules: list[EventRule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(value):
        where = f"events[{i}]."
        if not isinstance(raw, dict):
            bad(where[:-1], "must be a table")
            continue
        for key in raw:
            if key not in _EVENT_KEYS:
                bad(where + key, f"unknown key (allowed: {', '.join(sorted(_EVENT_KEYS))})")
        kind = raw.get("type")
        if kind not in EVENT_TYPES:
            bad(where + "type", f"must be one of {', '.join(EVENT_TYPES)}, got {kind!r}")
            continue
        if kind in seen:
            bad(where + "type", f"{kind!r} is already given by events[{seen[kind]}]")
        seen.setdefault(kind, i)
        label = raw.get("label", kind.capitalize())
        if not isinstance(label, str) or not label.strip() or len(label) > 60:
            bad(where + "label", f"must be a non-empty string of up to 60 characters: {label!r}")
            label = kind.capitalize()
        elif text_problem(label.strip()):
            bad(where + "label", text_problem(label.strip()))
            label = kind.capitalize()
        from_start = raw.get("from_start", False)
        every = raw.get("every_months")
        if not isinstance(from_start, bool):
            bad(where + "from_start", f"must be true or false, got {from_start!r}")
            from_start = False
        if from_start:
            if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 12:
                bad(where + "every_months", f"from_start needs every_months from 1 to 12, got "
                    f"{every!r}")  # fmt: skip
                every = None
            if "months" in raw:
                bad(where + "months", "give months or from_start = true, not both")
            months: tuple[int, ...] = ()
        else:
            if every is not None:
                bad(where + "every_months", "only used with from_start = true")
                every = None
            months = _months(raw.get("months"), bad, where + "months")
        chosen = raw.get("categories", [])
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            bad(where + "categories", "must be a list of category names")
            chosen = []
        for name in chosen:
            if name not in known:
                bad(where + "categories", f"unknown category {name!r}")
        kinds = raw.get("kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k.strip() for k in kinds):
            bad(where + "kinds", "must be a list of non-empty strings")
            kinds = []
        elif any(text_problem(k.strip()) for k in kinds):
            bad(where + "kinds", next(p for k in kinds if (p := text_problem(k.strip()))))
            kinds = []
        elif kinds and months and len(kinds) != len(months):
            bad(where + "kinds", f"give one kind per month ({len(months)}), got {len(kinds)}")
        required = raw.get("required_kind")
        if required is not None and (not isinstance(required, str) or required not in kinds):
            bad(where + "required_kind", f"must be one of the kinds, got {required!r}")
            required = None
        start = _month_day(raw.get("year_start", "04-01"))
        if start is None:
            bad(where + "year_start", f'must be "MM-DD", got {raw.get("year_start")!r}')
            start = (4, 1)
        warn = raw.get("warn_weeks", 8)
        if isinstance(warn, bool) or not isinstance(warn, int) or not 1 <= warn <= 52:
            bad(where + "warn_weeks", f"must be a whole number from 1 to 52, got {warn!r}")
            warn = 8
        minutes = raw.get("minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 15 <= minutes <= span
        ):
            bad(where + "minutes", f"must be a whole number from 15 to {span}, got {minutes!r}")
            minutes = None
        rules.append(
            EventRule(
                type=kind, label=label.strip(), months=months, categories=frozenset(chosen),
                kinds=tuple(k.strip() for k in kinds), required_kind=required,
                year_start=start, warn_weeks=warn, minutes=minutes,
                from_start=from_start, every_months=every,
            )
        )  # fmt: skip
    return rules


def _months(value: object, bad: Any, path: str) -> tuple[int, ...]:
    ok = (
        isinstance(value, list)
        and value
        and all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value)
    )
    if not ok:
        bad(path, f"must be a non-empty list of month numbers 1 to 12, got {value!r}")
        return ()
    assert isinstance(value, list)
    if len(set(value)) != len(value):
        bad(path, "a month is listed twice")
    return tuple(value)


def _month_day(value: object) -> tuple[int, int] | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}-[0-9]{2}", value):
        return None  # ASCII digits only: int() would take "٠٤-٠١" too
    try:
        date(2001, int(value[:2]), int(value[3:]))  # not a leap year: no 29 February
    except ValueError:
        return None
    return int(value[:2]), int(value[3:])


def counting_year(day: date, year_start: tuple[int, int]) -> tuple[date, date]:
    """The year (first day, last day) that `day` counts in, e.g. 1 April .. 31 March."""
    month, first = year_start
    begins = date(day.year, month, first)
    if day < begins:
        begins = date(day.year - 1, month, first)
    return begins, date(begins.year + 1, month, first) - timedelta(days=1)


@dataclass(frozen=True)
class ObservationLine:
    """One person's observations in one counting year, as the tracker shows them."""

    held: int
    booked: int  # still to come
    required_held: bool
    status: str


def observation_line(
    held_kinds: Iterable[str],
    booked: int,
    today: date,
    year: tuple[date, date],
    rule: EventRule,
) -> ObservationLine:
    """Hillingdon 5.2 f: `len(rule.months)` observations a year, one of `required_kind`; the
    line is flagged once the year end is within `warn_weeks` and they are not all held."""
    kinds = list(held_kinds)
    needed = len(rule.months)
    has_required = rule.required_kind is None or rule.required_kind in kinds
    if len(kinds) >= needed and has_required:
        status = OBS_COMPLETE
    elif today > year[1]:
        status = OBS_MISSED
    elif today < year[1] - timedelta(weeks=rule.warn_weeks):
        status = OBS_ON_TRACK
    elif not has_required:
        status = OBS_KIND_MISSING
    else:
        status = OBS_DUE
    return ObservationLine(len(kinds), booked, has_required, status)
