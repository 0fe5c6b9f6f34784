"""No session booked after its rule's end: Google Calendar does not show RDATE occurrences
after an RRULE's end (esrg-knights/Squire issue 107; the local Workspace does the same, see
tests/emulator/test_calendar_strict.py). These prove every re-encoding keeps the plan's
sessions exactly and leaves no RDATE after the rule's last occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.rrule import rrulestr

from gworkspace_supervision.domain.calendar_safe import is_safe, safe_parts
from gworkspace_supervision.domain.series import Series, expand, monthly_rule, weekly_rule
from gworkspace_supervision.google.calendar import expand_recurrence, truncate_recurrence
from gworkspace_supervision.services.booking import future_part
from tests.unit.test_google_calendar import LONDON, series


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=LONDON)


def rule_end(s: Series) -> datetime:
    """The last occurrence the RRULE generates (the end Google cuts RDATEs at)."""
    return list(rrulestr(s.rrule, dtstart=s.start))[-1]  # type: ignore[arg-type]


def assert_safe(original: Series, parts: list[Series]) -> None:
    got = sorted(o for p in parts for o in expand(p))
    assert got == expand(original)  # every session, each once, at its time
    for p in parts:
        assert is_safe(p) and all(r <= rule_end(p) for r in p.rdates)


def test_a_moved_last_session_becomes_a_series_of_its_own() -> None:
    # four-weekly on Tuesdays; the last (7 Dec) moved to Wednesday 8 Dec: an RDATE after
    # the rule's end, which Google would not show
    s = series(rrule=weekly_rule(4, 1, 13), exdates=(at(12, 7),), rdates=(at(12, 8),))
    assert not is_safe(s)
    parts = safe_parts(s)
    assert_safe(s, parts)
    assert len(parts) == 2 and parts[1].start == at(12, 8) and parts[1].rrule.endswith("COUNT=1")
    assert parts[0].rrule.endswith("COUNT=12") and parts[0].exdates == ()


def test_folded_phases_become_one_weekly_rule_not_rdates_after_its_end() -> None:
    # probation: fortnightly Tuesdays Jan-Mar (the rule), then monthly 1st Tuesdays (RDATEs
    # after the rule's end): one weekly rule on Tuesdays with the gaps excluded, no extra event
    monthly = (at(4, 6), at(5, 4), at(6, 1), at(7, 6))
    s = series(start=at(1, 5), rrule=weekly_rule(2, 1, 6), exdates=(), rdates=monthly)
    assert not is_safe(s)
    parts = safe_parts(s)
    assert_safe(s, parts)
    assert len(parts) == 1 and parts[0].rrule.startswith("FREQ=WEEKLY;BYDAY=TU;COUNT=")
    assert rule_end(parts[0]) == at(7, 6)


def test_safe_series_are_left_as_they_are() -> None:
    s = series(rrule=monthly_rule(1, 1, 12), exdates=(at(3, 2),), rdates=(at(3, 3),))
    assert is_safe(s) and safe_parts(s) == [s]


def test_truncation_keeps_a_late_moved_past_session_visible() -> None:
    # weekly Tuesdays; the 19 Jan session moved to Thursday 21 Jan; cut on Fri 22 Jan: the
    # rule's last occurrence before the cut is 19 Jan (excluded), so the rule runs to 26 Jan
    # (excluded too) and the 21 Jan RDATE stays before the rule's end
    s = series(rrule=weekly_rule(1, 1, 10), exdates=(at(1, 19),), rdates=(at(1, 21),))
    cut = datetime(2027, 1, 22, 12, tzinfo=UTC)
    lines = truncate_recurrence(s.recurrence(), "Europe/London", cut, s.start)
    kept = expand_recurrence(s.start, lines, "Europe/London")
    assert kept == [o for o in expand(s) if o < cut]
    assert "UNTIL=20270126T100000Z" in lines[0] and lines[-1] == "EXDATE:20270126T100000Z"


def test_future_part_fallback_has_no_rdate_after_its_rule() -> None:
    # the next session (a moved one, an RDATE) comes before the next rule occurrence
    weekly = tuple(at(1, 12) + timedelta(weeks=2 * k) for k in range(3))
    s = series(rrule=weekly_rule(2, 1, 10), exdates=(), rdates=weekly)
    now = datetime(2027, 1, 11, tzinfo=UTC)
    tail = future_part(s, now)
    assert tail is not None and expand(tail) == [o for o in expand(s) if o >= now]
    assert all(tail.start <= r <= rule_end(tail) for r in tail.rdates)


def test_every_session_moved_off_the_rules_day_still_books_each_session_once() -> None:
    # four-weekly Mondays from 3 May 2027 for a leaver ending 1 June: both Mondays are bank
    # holidays (3 May, 31 May), so both sessions moved to the Tuesday and no session is on
    # the rule's own day (found by the people property test in test_domain_properties.py)
    s = series(
        start=at(5, 3),
        rrule=weekly_rule(4, 0, 2),
        exdates=(at(5, 3), at(5, 31)),
        rdates=(at(5, 4), at(6, 1)),
    )
    assert not is_safe(s)
    parts = safe_parts(s)
    assert_safe(s, parts)
