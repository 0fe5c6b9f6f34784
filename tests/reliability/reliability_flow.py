"""The whole year's flow (book in December, templates, first-quarter records on 1 April, sync)
run on a local Workspace, and a canonical snapshot of what it leaves behind, so a run with
faults or crashes can be compared with a fault-free one field by field.

The snapshot holds every calendar event the app made (with its instance overrides), every Drive
file (name, folder path, owner, appProperties, exact permissions), every record's text and every
cell of the tracker's Sessions, Summary and Overdue tabs. Random Drive ids are replaced by
stable labels (a record by its session id, a folder by its path) and timestamps, revision and
sequence numbers dropped, so two runs compare equal exactly when they did the same work.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2027
DECEMBER, APRIL = "2026-12-01T09:00:00Z", "2027-04-01T09:00:00Z"
THROUGH, TODAY = "2027-03-31", "2027-04-01"
OPERATOR = "business.support@example-council.gov.uk"
VOLATILE = {
    "created", "updated", "createdTime", "modifiedTime", "viewedByMeTime", "modifiedByMeTime",
    "sharedWithMeTime", "_seq", "seq", "sequence", "version", "etag", "revisionId",
    "headRevisionId", "lastModifyingUser", "md5Checksum", "size", "quotaBytesUsed",
}  # fmt: skip
DRIVE_ID = re.compile(r"[A-Za-z0-9_-]{33}")


def make_roster(staff: int, path: Path, seed: int = 7) -> Path:
    """A generated roster (scripts/make_roster.py) of `staff` people."""
    spec = importlib.util.spec_from_file_location(
        "make_roster", ROOT / "scripts" / "make_roster.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(module.generate(staff, seed, YEAR), path)
    return path


# -- the flow through the CLI --------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    name: str
    clock: str
    argv: tuple[str, ...]


def stages(roster: Path) -> list[Stage]:
    common = ("--roster", str(roster), "--policy", "hillingdon", "--year", str(YEAR))
    return [
        Stage("book", DECEMBER, ("book", *common, "--send-updates", "none")),
        Stage("templates", DECEMBER, ("templates", "install")),
        Stage("records", APRIL, ("records", *common, "--through", THROUGH)),
        Stage("sync", APRIL, ("sync", *common, "--today", TODAY)),
    ]


def cli_run(folder: Path, argv: tuple[str, ...] | list[str]) -> Result:
    return CliRunner().invoke(cli, ["--workspace", f"local:{folder}", *argv])


def set_clock(folder: Path, instant: str) -> None:
    with LocalWorkspace(folder) as ws:
        ws.clock.set(instant)


def api_count(folder: Path) -> int:
    with LocalWorkspace(folder) as ws:
        return int(ws.counters()["api"])


# -- the flow through the services (fast retries, for the fault soak) ----------------------------
def service_flow(
    folder: Path, roster: Path, faults: dict[str, Any] | None = None
) -> dict[str, int]:
    """book + templates + records + sync in process; returns what the Workspace counted."""
    conn = connect(f"local:{folder}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        ws = conn.workspace
        ws.clock.set(DECEMBER)
        if faults:
            ws.faults.set(**faults)
        policy, settings = load_policy("hillingdon"), Settings()
        entries = load_roster(roster, policy, settings.organisation.allowed_domains)
        booked = book(RunContext.of(conn, entries, policy, settings), YEAR, send_updates="none")
        assert booked.complete, booked.failures
        install_templates(RunContext.of(conn, settings=settings))
        ws.clock.set(APRIL)
        made = create_records(
            RunContext.of(conn, entries, policy, settings), YEAR, date.fromisoformat(THROUGH)
        )
        assert not made.failures, made.failures
        sync(RunContext.of(conn, entries, policy, settings), YEAR, today=date.fromisoformat(TODAY))
        counters = ws.counters()
        ws.faults.clear()
        return {
            "api": counters["api"],
            "http": counters["http"],
            "errors": sum(counters["errors"].values()),
            "records": made.created,
            "series": len(booked.plan.series),
        }
    finally:
        conn.close()


# -- the snapshot -----------------------------------------------------------------------------
def _rows(folder: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    with LocalWorkspace(folder) as ws, closing(sqlite3.connect(ws.store.path)) as db:
        found = db.execute("SELECT kind, id, parent, data FROM docs").fetchall()
    return [(kind, id_, parent, json.loads(data)) for kind, id_, parent, data in found]


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _labels(files: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Drive id -> a label that does not depend on the random id."""
    labels: dict[str, str] = {}

    def label(fid: str, depth: int = 0) -> str:
        if fid in labels:
            return labels[fid]
        data = files.get(fid)
        if data is None or depth > 20:
            return "root"
        session = (data.get("appProperties") or {}).get("session")
        owner = data["owners"][0]["emailAddress"] if data.get("owners") else "?"
        if session:
            text = f"record:{session}"
        else:
            parent = label((data.get("parents") or ["root"])[0], depth + 1)
            text = f"{owner}:{parent}/{data['name']}"
        labels[fid] = text
        return text

    for fid in files:
        label(fid)
    return labels


def snapshot(folder: Path) -> dict[str, Any]:
    """The canonical final state (see the module docstring)."""
    rows = _rows(folder)
    files = {id_: data for kind, id_, _p, data in rows if kind == "file"}
    labels = _labels(files)

    def relabel(value: Any) -> Any:
        text = json.dumps(_strip(value), sort_keys=True)
        text = DRIVE_ID.sub(lambda m: labels.get(m.group(0), m.group(0)), text)
        return json.loads(text)

    events = sorted(
        (json.dumps(relabel({"calendar": parent, **data}), sort_keys=True))
        for kind, _id, parent, data in rows
        if kind == "event" and (data.get("extendedProperties") or {}).get("private", {}).get("app")
    )
    drive = sorted(
        json.dumps(
            relabel(
                {
                    "label": labels[fid],
                    "name": data["name"],
                    "mimeType": data["mimeType"],
                    "trashed": data.get("trashed", False),
                    "appProperties": data.get("appProperties", {}),
                    "permissions": sorted(
                        (p["type"], p.get("emailAddress", ""), p["role"])
                        for p in data.get("permissions", [])
                    ),
                }
            ),
            sort_keys=True,
        )
        for fid, data in files.items()
    )
    texts: dict[str, str] = {}
    sheet: dict[str, list[list[str]]] = {}
    with connect(f"local:{folder}") as conn:
        drive_api = DriveAdapter(conn)
        for fid, data in files.items():
            if labels[fid].startswith("record:"):
                owner = data["owners"][0]["emailAddress"]
                texts[labels[fid]] = DRIVE_ID.sub(
                    lambda m: labels.get(m.group(0), m.group(0)), drive_api.export_text(owner, fid)
                )
        sheet = _sheet_values(conn, files, labels)
    return {"events": events, "drive": drive, "texts": texts, "sheet": sheet}


def _sheet_values(
    conn: Connection, files: dict[str, dict[str, Any]], labels: dict[str, str]
) -> dict[str, list[list[str]]]:
    trackers = [fid for fid, d in files.items() if d["mimeType"].endswith("spreadsheet")]
    out: dict[str, list[list[str]]] = {}
    for fid in sorted(trackers, key=lambda f: labels[f]):
        book_ = conn.gspread(OPERATOR).open_by_key(fid)
        for ws in book_.worksheets():
            if ws.title.startswith("_"):
                continue  # the sync's own state (page tokens, last sync time)
            values = ws.get_all_values()
            out[f"{labels[fid]}#{ws.title}"] = [
                [DRIVE_ID.sub(lambda m: labels.get(m.group(0), m.group(0)), c) for c in row]
                for row in values
            ]
    return out


def duplicates(state: dict[str, Any]) -> dict[str, int]:
    """Labels that occur more than once (a duplicated record, folder, tracker or event)."""
    seen = Counter(json.loads(item)["label"] for item in state["drive"])
    seen.update(json.loads(item)["id"] for item in state["events"])
    return {k: v for k, v in seen.items() if v > 1}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """A readable list of what differs (empty when the states are equal)."""
    out = []
    for part in ("events", "drive"):
        missing = sorted(set(expected[part]) - set(actual[part]))
        extra = sorted(set(actual[part]) - set(expected[part]))
        out += [f"{part} missing: {m[:300]}" for m in missing[:5]]
        out += [f"{part} extra: {e[:300]}" for e in extra[:5]]
        if len(expected[part]) != len(actual[part]):
            out.append(f"{part}: {len(expected[part])} expected, {len(actual[part])} found")
    for key in sorted(set(expected["texts"]) | set(actual["texts"])):
        if expected["texts"].get(key) != actual["texts"].get(key):
            out.append(f"record text differs: {key}")
    for key in sorted(set(expected["sheet"]) | set(actual["sheet"])):
        want, got = expected["sheet"].get(key), actual["sheet"].get(key)
        if want != got:
            rows = [
                (i, a, b)
                for i, (a, b) in enumerate(zip(want or [], got or [], strict=False))
                if a != b
            ]
            out.append(
                f"sheet {key} differs: {len(want or [])} vs {len(got or [])} rows; {rows[:2]}"
            )
    return out
