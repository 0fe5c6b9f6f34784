"""The record model: title, placeholder values, the exact ACL, privacy and drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.records import (
    PLACEHOLDERS,
    Neighbour,
    RecordFacts,
    acl_drift,
    check_privacy,
    expected_acl,
    placeholder_values,
    record_title,
    template_name,
)
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.errors import PrivacyError

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
ENTRY = RosterEntry(
    line=7, supervisee_email=f"sam@{D}", supervisee_name="Sam Patel",
    supervisor_email=f"ella@{D}", supervisor_name="Ella Singh", line_manager_email=f"dev@{D}",
    line_manager_name="Dev Khan", team="", category="case_holding",
)  # fmt: skip


@dataclass(frozen=True)
class P:
    permission_id: str
    kind: str
    role: str
    email: str | None = None


def facts(**kw: object) -> RecordFacts:
    start = datetime(2027, 3, 30, 10, 0, tzinfo=LONDON)  # BST began on 28 March
    base = dict(session_id="s", entry=ENTRY, start=start, end=start.replace(hour=11, minute=30),
                category_label="Case holder", cadence="four-weekly", record_due=date(2027, 4, 7),
                organisation="Example Council")  # fmt: skip
    return RecordFacts(**(base | kw))  # type: ignore[arg-type]


def test_title_and_values_cover_every_placeholder() -> None:
    assert (
        record_title("Sam Patel", date(2027, 3, 30))
        == "Supervision record - Sam Patel - 2027-03-30"
    )
    values = placeholder_values(facts())
    assert set(values) == set(PLACEHOLDERS)
    assert all(v and "{{" not in v for v in values.values())
    assert values["session_date"] == "Tuesday 30 March 2027" and values["session_time"] == "10:00"
    assert values["team"] == "—" and values["next_session_date"] == "not yet booked"
    assert values["last_session_date"] == "none (first session)"


def test_neighbours_and_hostile_text() -> None:
    prev = Neighbour(datetime(2027, 3, 2, 10, tzinfo=LONDON), None, "https://docs.google.com/x")
    nxt = Neighbour(datetime(2027, 4, 27, 14, tzinfo=LONDON), "Room {{2}}")
    values = placeholder_values(facts(previous=prev, next=nxt))
    assert values["last_record_link"] == "https://docs.google.com/x"
    assert values["next_session_time"] == "14:00" and "{{" not in values["next_session_venue"]


def test_expected_acl_and_line_manager_who_supervises() -> None:
    assert expected_acl(ENTRY) == {
        f"ella@{D}": "owner",
        f"sam@{D}": "writer",
        f"dev@{D}": "commenter",
    }
    same = RosterEntry(**(ENTRY.__dict__ | {"line_manager_email": f"ella@{D}"}))
    assert expected_acl(same, "reader") == {f"ella@{D}": "owner", f"sam@{D}": "writer"}


def test_privacy_names_file_line_and_column() -> None:
    bad = RosterEntry(**(ENTRY.__dict__ | {"line_manager_email": "dev@gmail.com"}))
    with pytest.raises(PrivacyError) as err:
        check_privacy([ENTRY, bad], (D,), "staff.csv")
    assert "staff.csv, line 7, column line_manager_email" in str(err.value)
    with pytest.raises(PrivacyError):
        check_privacy([ENTRY], (D,), "staff.csv", line_manager_role="owner")


def test_drift_classifies_each_permission() -> None:
    actual = [
        P("1", "user", "owner", f"ella@{D}"),
        P("2", "user", "reader", f"sam@{D}"),  # wrong role
        P("3", "anyone", "reader"),  # forbidden
        P("4", "domain", "reader"),  # forbidden
        P("5", "user", "writer", "x@gmail.com"),  # outside: forbidden
        P("6", "user", "reader", f"cover@{D}"),  # unexpected: reported
    ]
    drift = acl_drift(actual, expected_acl(ENTRY), (D,))
    assert drift.missing == ((f"dev@{D}", "commenter"),)
    assert drift.wrong_role == (("2", f"sam@{D}", "writer"),)
    assert [pid for pid, _ in drift.forbidden] == ["3", "4", "5"]
    assert [pid for pid, _ in drift.unexpected] == ["6"]


def test_policy_template_names() -> None:
    assert template_name("hillingdon") == "hillingdon"
    assert template_name("islington") == "islington"  # its own form (issue 13)
    assert template_name("sunderland") == "sunderland"
