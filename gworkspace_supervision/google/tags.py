"""Our tags on Google: the one owner of the keys we keep in `extendedProperties.private` (events)
and `appProperties` (Drive files). They are the toolkit's database schema on Google: every
reader and writer goes through these typed classes, so a key is spelt in exactly one place.

Events carry one of three kinds of tags:
  SeriesTags         a booked series (`book`): pair, plan series id, hash, year, phases, type
  CoverTags          a cover event (`cover`, Hillingdon 3.4): the session it holds, for whom
  RearrangementTags  a rearranged session (`rearrange`, Hillingdon 3.3): the one it replaces
Files carry FileTags: a record (its session and pair), a template (name and content hash), the
app's folders and the tracking Sheet.

Every tag value is a string on Google (private extended properties and appProperties are string
maps); each class turns its fields to and from that map. A cancelled occurrence of a recurring
event carries no tags at all on Google (Events reference, Event.status): read its series' tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.parser import isoparse

APP = "gws-supervision"  # `app` on every event and file of ours
SUPERVISION = "supervision"
COVER = "cover"
REARRANGEMENT = "rearrangement"
# file kinds
RECORD, TEMPLATE, FOLDER, TRACKER = "record", "template", "folder", "tracker"


def private_of(item: Mapping[str, Any]) -> dict[str, str]:
    """An event's private extended properties (our tags), as strings."""
    raw = (item.get("extendedProperties") or {}).get("private") or {}
    return {str(k): str(v) for k, v in raw.items()}


def _clean(fields: Mapping[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if v}


@dataclass(frozen=True)
class SeriesTags:
    """A booked series: which pair, which plan series, what was written (hash) and when."""

    pair: str
    series: str  # the plan's series id (differs from the event id for tails and reused ids)
    hash: str
    year: int | None = None
    category: str = ""
    phase: str = ""
    phases: str = ""  # a folded series: "phase@first-session-stamp,..." (Series.phases_text)
    type: str = SUPERVISION  # or an [[events]] type: observation, appraisal, review
    event_kind: str = ""
    truncated: datetime | None = None  # set when `book` cut a started series short

    def private(self) -> dict[str, str]:
        fields: dict[str, str | None] = {
            "app": APP,
            "pair": self.pair,
            "series": self.series,
            "hash": self.hash,
            "year": str(self.year) if self.year is not None else None,
            "category": self.category,
            "phase": self.phase,
            "phases": self.phases,
            # supervision series keep exactly their old tags (no `type`)
            "type": self.type if self.type != SUPERVISION else None,
            "event_kind": self.event_kind,
            "truncated": self.truncated.isoformat(timespec="seconds") if self.truncated else None,
        }
        return _clean(fields)

    @classmethod
    def parse(cls, private: Mapping[str, str], event_id: str) -> SeriesTags:
        year = private.get("year", "")
        truncated = private.get("truncated")
        return cls(
            pair=private.get("pair", ""),
            series=private.get("series") or event_id,
            hash=private.get("hash", ""),
            year=int(year) if year.isdigit() else None,
            category=private.get("category", ""),
            phase=private.get("phase", ""),
            phases=private.get("phases", ""),
            type=private.get("type", SUPERVISION),
            event_kind=private.get("event_kind", ""),
            truncated=isoparse(truncated) if truncated else None,
        )


@dataclass(frozen=True)
class CoverTags:
    """A cover event: it holds session `covers` of `usual_supervisor` (Hillingdon 3.4)."""

    covers: str
    usual_supervisor: str
    pair: str
    series: str
    cover_name: str = ""
    usual_name: str = ""
    supervisor_label: str = ""  # "Tom (cover for Sam)": what the tracker shows
    category: str = ""
    phase: str = ""
    moved_from: datetime | None = None  # placed away from the session's own time

    def private(self) -> dict[str, str]:
        return _clean(
            {
                "app": APP,
                "kind": COVER,
                "covers": self.covers,
                "usual_supervisor": self.usual_supervisor,
                "pair": self.pair,
                "series": self.series,
                "cover_name": self.cover_name,
                "usual_name": self.usual_name,
                "supervisor_label": self.supervisor_label,
                "moved_from": self.moved_from.isoformat() if self.moved_from else None,
                "category": self.category,
                "phase": self.phase,
            }
        )

    @classmethod
    def parse(cls, private: Mapping[str, str]) -> CoverTags:
        moved = private.get("moved_from")
        return cls(
            covers=private.get("covers", ""),
            usual_supervisor=private.get("usual_supervisor", ""),
            pair=private.get("pair", ""),
            series=private.get("series", ""),
            cover_name=private.get("cover_name", ""),
            usual_name=private.get("usual_name", ""),
            supervisor_label=private.get("supervisor_label", ""),
            category=private.get("category", ""),
            phase=private.get("phase", ""),
            moved_from=isoparse(moved) if moved else None,
        )


@dataclass(frozen=True)
class RearrangementTags:
    """A rearranged session: it replaces the cancelled session `rearranges` (Hillingdon 3.3)."""

    rearranges: str
    pair: str = ""
    series_event: str = ""
    category: str = ""
    phase: str = ""

    def private(self) -> dict[str, str]:
        return _clean(
            {
                "app": APP,
                "kind": REARRANGEMENT,
                "rearranges": self.rearranges,
                "pair": self.pair,
                "series_event": self.series_event,
                "category": self.category,
                "phase": self.phase,
            }
        )

    @classmethod
    def parse(cls, private: Mapping[str, str]) -> RearrangementTags:
        return cls(
            # `replaces`: what rearrangements booked by hand in early versions were tagged
            rearranges=private.get("rearranges") or private.get("replaces", ""),
            pair=private.get("pair", ""),
            series_event=private.get("series_event", ""),
            category=private.get("category", ""),
            phase=private.get("phase", ""),
        )


EventTags = SeriesTags | CoverTags | RearrangementTags


def event_tags(item: Mapping[str, Any]) -> EventTags | None:
    """The tags of one of our events (its JSON as Google returns it), by kind; None when it is
    not ours (or a cancelled occurrence, which Google strips of its tags)."""
    private = private_of(item)
    if private.get("app") != APP:
        return None
    kind = private.get("kind")
    if kind == COVER:
        return CoverTags.parse(private)
    if kind == REARRANGEMENT or private.get("rearranges") or private.get("replaces"):
        return RearrangementTags.parse(private)
    return SeriesTags.parse(private, str(item.get("id", "")))


def extended(tags: EventTags) -> dict[str, Any]:
    """An event body's `extendedProperties` for these tags."""
    return {"private": tags.private()}


def event_filter(*, year: int | None = None) -> list[str]:
    """events.list `privateExtendedProperty` values selecting our events (of one year)."""
    return [f"app={APP}", *([f"year={year}"] if year is not None else [])]


@dataclass(frozen=True)
class FileTags:
    """A Drive file of ours: a record (session, pair), a template (name, hash), a folder, the
    tracking Sheet."""

    kind: str
    session: str = ""
    pair: str = ""
    template: str = ""
    hash: str = ""

    def app_properties(self) -> dict[str, str]:
        return _clean(
            {
                "app": APP,
                "kind": self.kind,
                "session": self.session,
                "pair": self.pair,
                "template": self.template,
                "hash": self.hash,
            }
        )

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> FileTags:
        """From a file's JSON (its `appProperties`)."""
        props = raw.get("appProperties") or {}
        return cls(
            kind=str(props.get("kind", "")),
            session=str(props.get("session", "")),
            pair=str(props.get("pair", "")),
            template=str(props.get("template", "")),
            hash=str(props.get("hash", "")),
        )


def is_ours(raw: Mapping[str, Any], kind: str) -> bool:
    """Whether a file's JSON carries our tag of this kind."""
    props = raw.get("appProperties") or {}
    return props.get("app") == APP and props.get("kind") == kind


def kind_query(kind: str) -> str:
    """A Drive `q` clause: the file's `kind` tag is `kind`."""
    return f"appProperties has {{ key='kind' and value='{kind}' }}"


def file_query(kind: str | None = None) -> str:
    """A Drive `q` clause selecting our files (of one kind)."""
    app = f"appProperties has {{ key='app' and value='{APP}' }}"
    return f"{app} and {kind_query(kind)}" if kind else app
