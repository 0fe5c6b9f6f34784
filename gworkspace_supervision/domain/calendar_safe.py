"""Series that Google Calendar shows exactly as planned: no session after the rule's last
occurrence.

Google Calendar does not show an RDATE occurrence after its RRULE's end (the public report is
esrg-knights/Squire issue 107: "Google Calendar does not display RDATEs occurring after an
RRULEs UNTIL"; the local Workspace does the same). A planned series breaks that in two ways:
its last session was moved (EXDATE the nominal date, RDATE the new time, which may be later),
or its phases were folded (the RRULE carries one phase; a later phase's sessions are RDATEs
after it ends). `calendar_safe` re-encodes every such series so that its last session is an
occurrence of its rule (so no RDATE comes after the rule's end, whichever way Google reads
"end"), choosing the cheaper of:

  A. the series' own rule, cut at its last session that the rule makes;
  B. a weekly rule on the series' weekday and time (folded phases of one weekday all fit it),
     with EXDATEs for the weeks without a session;

and any session after that rule's last occurrence (rare: a moved last session) becomes a
single-occurrence series of its own. The session keeps its time; its id follows its new event
(plan session id == Google instance id stays true). The planner re-encodes each series it makes
that needs it; a pure function of the series, so a re-run re-encodes identically and `book`
writes nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.rrule import rrulestr

from .series import WEEKDAY_CODES, Series, expand, phase_at, series_id_for, session_id_for

if TYPE_CHECKING:
    from .planner import Session

SINGLE_RULE = "FREQ=DAILY;COUNT=1"

# A re-encoding's changed Series fields (rrule, exdates, rdates and perhaps start): only the
# chosen one becomes a Series, so the candidates are not copied.
_Encoding = dict[str, Any]


def safe_series(s: Series, sessions: list[Session]) -> tuple[list[Series], list[Session]]:
    """`s` re-encoded so that Google shows every session (`safe_parts`), and its `sessions`
    (in the plan's order) with the ids of the events they now belong to."""
    parts = safe_parts(s, sorted(session.start for session in sessions))
    renamed = {  # old session id -> (new session id, series)
        session_id_for(s.series_id, part.start): (part.session_ids[0], part.series_id)
        for part in parts[1:]
    }
    return parts, [
        session._replace(session_id=new[0], series_id=new[1])
        if (new := renamed.get(session.session_id))
        else session
        for session in sessions
    ]


def rule_occurrences(s: Series) -> list[datetime]:
    """What the series' RRULE generates (COUNT/UNTIL bound, EXDATEs not applied)."""
    return list(rrulestr(s.rrule, dtstart=s.start))  # type: ignore[arg-type]


def is_safe(s: Series) -> bool:
    """No session after the last session the rule itself makes."""
    if not s.rdates:
        return True
    if s.session_ids:  # the plan's own series: safe when its last session is no RDATE
        return max(i[-16:] for i in s.session_ids) > _stamp(max(s.rdates))
    excluded = set(s.exdates)
    kept = [o for o in rule_occurrences(s) if o not in excluded]
    return bool(kept) and max(s.rdates) <= kept[-1]


def safe_parts(s: Series, sessions: list[datetime] | None = None) -> list[Series]:
    """[the series, re-encoded if needed] + one single-occurrence series per session left
    after its rule's last occurrence. `sessions`: its session starts, sorted, when known."""
    if is_safe(s):
        return [s]
    sessions = sessions or expand(s)
    own = _own_rule(s, sessions)
    options: list[tuple[_Encoding, list[datetime]] | None] = [own]
    if own is None or own[1]:  # the weekly rule, if it is cheaper (the first of equals wins)
        options.append(_weekly_rule(s, sessions, beat=None if own is None else _cost(own)))
    if all(o is None for o in options):  # every session moved off the rule's day or time
        options.append(_weekly_rule(s, sessions, first=sessions[0]))
    encoding, tail = min((o for o in options if o is not None), key=_cost)
    moved_out = {_stamp(t) for t in tail}
    kept = tuple(i for i in s.session_ids if i[-16:] not in moved_out)
    main = replace(s, **encoding, session_ids=kept)  # one copy: the chosen encoding only
    return [main, *(_single(s, moment) for moment in tail)]


def _cost(option: tuple[_Encoding, list[datetime]]) -> tuple[int, int]:
    """Fewest sessions left as events of their own, then fewest EXDATEs and RDATEs."""
    encoding, tail = option
    return len(tail), len(encoding["exdates"]) + len(encoding["rdates"])


def _own_rule(s: Series, sessions: list[datetime]) -> tuple[_Encoding, list[datetime]] | None:
    # what the rule generates is its sessions that are no RDATE, and its EXDATEs
    extra = set(s.rdates)
    inside = [o for o in sessions if o not in extra]
    if not inside:
        return None
    last = inside[-1]
    count = len(inside) + sum(1 for x in s.exdates if x < last)
    parts = [p for p in s.rrule.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
    main: _Encoding = {
        "rrule": ";".join([*parts, f"COUNT={count}"]),
        "exdates": tuple(x for x in s.exdates if x <= last),
        "rdates": tuple(r for r in s.rdates if r < last),
    }
    return main, [o for o in sessions if o > last]


def _weekly_rule(
    s: Series,
    sessions: list[datetime],
    first: datetime | None = None,
    beat: tuple[int, int] | None = None,
) -> tuple[_Encoding, list[datetime]] | None:
    """Every week on the first session's weekday and time, gaps excluded (`first`: a start
    other than the series', which the encoding then carries). None when no session fits it,
    or when its `_cost` would not be below `beat` (then its EXDATEs are never built)."""
    first = first or s.start
    tz = first.tzinfo
    wall = (first.weekday(), first.time())
    # each session's local wall time once (not once per test), and the week it falls in
    on = [(o.astimezone(tz), o) for o in sessions]
    fits = [(local, o) for local, o in on if (local.weekday(), local.time()) == wall]
    if not fits:
        return None
    last = fits[-1][1]
    start_day = first.date()
    weeks = (fits[-1][0].date() - start_day).days // 7
    # the weeks the rule makes with no session there: only those gaps are built
    held = {(local.date() - start_day).days // 7 for local, _ in fits}
    rdates = tuple(o for local, o in on if (local.weekday(), local.time()) != wall and o < last)
    tail = [o for o in sessions if o > last]
    gaps = weeks + 1 - sum(1 for k in held if 0 <= k <= weeks)  # its EXDATEs, counted
    if beat is not None and (len(tail), gaps + len(rdates)) >= beat:
        return None
    main: _Encoding = {
        "start": first,
        "rrule": f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[first.weekday()]};COUNT={weeks + 1}",
        "exdates": tuple(
            datetime.combine(start_day + timedelta(weeks=k), first.time(), tzinfo=tz)
            for k in range(weeks + 1)
            if k not in held
        ),
        "rdates": rdates,
    }
    return main, tail


def _stamp(moment: datetime) -> str:
    return session_id_for("", moment)[1:]


def _single(s: Series, moment: datetime) -> Series:
    """One session of `s` as a series of its own (an event with one occurrence)."""
    stamp = _stamp(moment)
    series_id = series_id_for(s.series_id, "single", stamp)
    digest = hashlib.sha256(f"{s.plan_hash}\x1f{stamp}".encode()).hexdigest()[:16]
    phase = phase_at(s.phases_text(), stamp, s.phase)
    return replace(
        s,
        series_id=series_id,
        start=moment,
        rrule=SINGLE_RULE,
        exdates=(),
        rdates=(),
        plan_hash=digest,
        session_ids=(series_id + "_" + stamp,),
        phase=phase,
        phases=(),
    )
