"""RFC 5545 export of a plan: one VEVENT per series (RRULE, EXDATE, RDATE) with a VTIMEZONE,
so business support can preview a year in Outlook or Google Calendar before booking. Returns
bytes; the caller writes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur, vText

from .series import Series

PRODID = "-//gworkspace-supervision//plan//EN"


def _person(email: str, name: str, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    address.params["role"] = vText(role)
    return address


def plan_to_ics(series: Iterable[Series], timezone: str = "Europe/London", name: str = "") -> bytes:
    """The series as an iCalendar file; UIDs are the series ids (stable across exports).

    The VTIMEZONE covers the years the series span (plus one either side), not 1970-2038.
    """
    series = list(series)
    years = [s.start.year for s in series] or [datetime.now(UTC).year]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add_component(
        Timezone.from_tzid(
            timezone, first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
        )
    )
    stamp = datetime(2000, 1, 1, tzinfo=UTC)  # fixed: the same plan gives the same bytes
    for item in series:
        event = Event()
        event.add("uid", f"{item.series_id}@gworkspace-supervision")
        event.add("dtstamp", stamp)
        event.add("summary", f"{item.title}: {item.supervisee_name} with {item.supervisor_name}")
        event.add("dtstart", item.start)
        event.add("dtend", item.start + item.duration)
        event.add("rrule", vRecur.from_ical(item.rrule))
        if item.exdates:
            event.add("exdate", list(item.exdates))
        if item.rdates:
            event.add("rdate", list(item.rdates))
        if item.location:
            event.add("location", item.location)
        event.add(
            "description",
            f"{item.category} ({item.phase_label}, {item.cadence}). Line manager: "
            f"{item.line_manager_name or item.line_manager_email}. Series {item.series_id}.",
        )
        event.add("organizer", _person(item.supervisor_email, item.supervisor_name, "CHAIR"))
        event.add(
            "attendee", _person(item.supervisee_email, item.supervisee_name, "REQ-PARTICIPANT")
        )
        event.add("x-gws-supervision-plan-hash", item.plan_hash)
        calendar.add_component(event)
    return calendar.to_ical()
