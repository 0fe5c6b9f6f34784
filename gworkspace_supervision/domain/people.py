"""Who a supervision pair is: the fields a roster row, a planned session and a calendar series
share, defined once. A RosterEntry is a PairPeople; a Session and a Series hold their pair's
(the roster row: one shared object for a year of sessions) and read the same names through it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class PairPeople:
    """The supervisee, supervisor and line manager of one supervision relationship, with the
    team, the category the person's cadence starts in and where they meet."""

    supervisee_email: str
    supervisee_name: str
    supervisor_email: str
    supervisor_name: str
    line_manager_email: str
    line_manager_name: str = ""
    team: str = ""
    category: str  # the role; a one-column roster row naming a status: that status
    location: str | None = None


PEOPLE_FIELDS = tuple(PairPeople.__dataclass_fields__)


class ThroughPeople:
    """The PairPeople names, read from `self.people` (a Session's or a Series' pair)."""

    __slots__ = ()
    people: PairPeople

    @property
    def supervisee_email(self) -> str:
        return self.people.supervisee_email

    @property
    def supervisee_name(self) -> str:
        return self.people.supervisee_name

    @property
    def supervisor_email(self) -> str:
        return self.people.supervisor_email

    @property
    def supervisor_name(self) -> str:
        return self.people.supervisor_name

    @property
    def line_manager_email(self) -> str:
        return self.people.line_manager_email

    @property
    def line_manager_name(self) -> str:
        return self.people.line_manager_name

    @property
    def team(self) -> str:
        return self.people.team

    @property
    def category(self) -> str:
        return self.people.category

    @property
    def location(self) -> str | None:
        return self.people.location
