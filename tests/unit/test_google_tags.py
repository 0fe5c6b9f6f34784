"""Our tags on Google (google/tags.py): each kind round-trips through the string map Google
stores, and a reader gets the right kind back from an event's JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from gworkspace_supervision.google.tags import (
    APP,
    CoverTags,
    FileTags,
    RearrangementTags,
    SeriesTags,
    event_filter,
    event_tags,
    extended,
    file_query,
    is_ours,
)


def as_event(tags: object, event_id: str = "sup1") -> dict[str, object]:
    return {"id": event_id, "extendedProperties": extended(tags)}  # type: ignore[arg-type]


def test_series_tags_round_trip_and_keep_their_old_keys() -> None:
    tags = SeriesTags(
        pair="p1", series="supabc", hash="h", year=2027, category="asye", phase="asye_weekly",
        phases="asye_weekly@20270104T090000Z", truncated=datetime(2027, 5, 1, 12, tzinfo=UTC),
    )  # fmt: skip
    private = tags.private()
    assert private == {
        "app": APP, "pair": "p1", "series": "supabc", "hash": "h", "year": "2027",
        "category": "asye", "phase": "asye_weekly", "phases": "asye_weekly@20270104T090000Z",
        "truncated": "2027-05-01T12:00:00+00:00",
    }  # fmt: skip
    assert "type" not in private  # a supervision series carries no `type`
    assert event_tags(as_event(tags)) == tags
    observation = SeriesTags("p1", "supobs", "h", 2027, type="observation", event_kind="direct")
    assert observation.private()["type"] == "observation"
    assert event_tags(as_event(observation)) == observation
    # an old event without `series` books the plan series of its own id
    assert SeriesTags.parse({"app": APP, "pair": "p1"}, "supold").series == "supold"


def test_cover_and_rearrangement_tags_are_told_apart() -> None:
    cover = CoverTags("s_20270301T100000Z", "sam@x.gov.uk", "p1", "supabc", "Tom", "Sam",
                      "Tom (cover for Sam)")  # fmt: skip
    again = RearrangementTags("s_20270301T100000Z", "p1", "supabc", "asye")
    assert event_tags(as_event(cover)) == cover and cover.private()["kind"] == "cover"
    assert event_tags(as_event(again)) == again and again.private()["kind"] == "rearrangement"
    by_hand = {"id": "x", "extendedProperties": {"private": {"app": APP, "replaces": "s_1"}}}
    assert event_tags(by_hand) == RearrangementTags("s_1")
    assert event_tags({"id": "x", "extendedProperties": {"private": {"app": "other"}}}) is None
    # a cancelled occurrence on Google: no tags at all
    assert event_tags({"id": "s_1", "status": "cancelled", "recurringEventId": "s"}) is None


def test_file_tags_and_queries() -> None:
    record = FileTags("record", session="s_1", pair="p1")
    props = record.app_properties()
    assert props == {"app": APP, "kind": "record", "session": "s_1", "pair": "p1"}
    assert FileTags.parse({"appProperties": props}) == record
    assert is_ours({"appProperties": props}, "record") and not is_ours(
        {"appProperties": props}, "template"
    )
    assert file_query("record") == (
        f"appProperties has {{ key='app' and value='{APP}' }} and "
        "appProperties has { key='kind' and value='record' }"
    )
    assert event_filter(year=2027) == [f"app={APP}", "year=2027"]
