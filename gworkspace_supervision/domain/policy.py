"""Supervision policies as data: a council copies a TOML file, changes a number and plans with it.

Policies are validated as strictly as rosters: an unknown key, a bad duration or an unknown
category reference is an InputError naming the file and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..data import shipped_dir
from ..errors import InputError, Problem
from ..files import MAX_TOML_BYTES, read_input
from .events import EventRule, parse_events
from .text import text_problem

REGIONS = ("ENG", "WLS", "SCT", "NIR")
MAX_CLOSURE_RANGE_DAYS = 366  # one closure range: a year at most (all of time would hang)
CLOSURE_YEARS = (2000, 2100)  # closure days a council can mean
SHIFTS = ("next", "previous")


@dataclass(frozen=True)
class Phase:
    """One cadence stretch of a category, e.g. ASYE weekly for 6 weeks from the start date.

    `until_weeks`/`until_months` are offsets from the person's start_date; both None means the
    phase runs to the end of the plan. `every_weeks` None with `monthly` False means the cadence
    comes from the roster (`interval_weeks`, performance plans). `then` names the category whose
    phases follow this (last) phase, e.g. asye -> case_holding.
    """

    name: str
    every_weeks: int | None
    monthly: bool = False
    until_weeks: int | None = None
    until_months: int | None = None
    then: str | None = None

    @property
    def cadence(self) -> str:
        if self.monthly:
            return "monthly"
        if self.every_weeks is None:
            return "per plan"
        return cadence_text(self.every_weeks)


def cadence_text(every_weeks: int | None) -> str:
    """'four-weekly' for 4, 'monthly' for None (a monthly phase)."""
    if every_weeks is None:
        return "monthly"
    return _WEEKS_TEXT.get(every_weeks, f"every {every_weeks} weeks")


_WEEKS_TEXT = {
    1: "weekly",
    2: "fortnightly",
    4: "four-weekly",
    8: "eight-weekly",
    12: "twelve-weekly",
}


@dataclass(frozen=True)
class Category:
    """A role (what cadence a person's work needs: case holder, team manager, IRO, ...) or,
    with `status`, a time-bounded status (ASYE, probation, performance plan) that overrides
    the role's cadence while it lasts. `session_minutes` overrides the policy's session length
    for people in this category (Islington: three hours for case holders' case supervision)."""

    key: str
    label: str
    phases: tuple[Phase, ...]
    needs_start_date: bool = False
    needs_interval: bool = False
    status: bool = False
    session_minutes: int | None = None

    @property
    def then(self) -> str | None:
        """The category whose cadence follows this one's last phase (asye -> case_holding)."""
        return self.phases[-1].then if self.phases else None


@dataclass(frozen=True)
class Floor:
    """The least frequent supervision a policy allows anyone (Sunderland 4.2, Islington): a
    cadence, phase or performance-plan interval less frequent than this is refused with the
    policy's own `words`. `every_weeks` is the longest weekly step that keeps the floor (a
    monthly floor: 4, since four weeks never skip a calendar month; five can)."""

    every_weeks: int
    monthly: bool
    words: str

    def breaks(self, every_weeks: int | None, monthly: bool = False) -> bool:
        if monthly:
            return not self.monthly and self.every_weeks < 5
        return every_weeks is not None and every_weeks > self.every_weeks

    def refusal(self, what: str) -> str:
        return f"{what} is less frequent than this policy allows: {self.words}"


# What the toolkit says where a policy sets no rule of its own (Sunderland and Islington set no
# rearrangement timescale; Sunderland no record deadline): the number is the council's choice.
COUNCIL_SETTING = "this council's own setting: the policy in use sets no such rule"


@dataclass(frozen=True)
class Wording:
    """Where the policy in use sets each rule people read about, in its own title and section
    numbers (`[wording]` in the policy file). Every event description, record, digest and
    tracker note cites these, never another council's sections: an empty value means the
    policy sets no such rule, and people are told the number is the council's own setting."""

    record_due: str = ""  # the record deadline, e.g. "Hillingdon Supervision Framework 4.4"
    rearrange: str = ""  # a cancelled session rearranged, e.g. "Hillingdon ... 3.3"
    cover: str = ""  # cover while a supervisor is away, e.g. "Hillingdon ... 3.4"
    new_allocation: str = ""  # a new allocation discussed within weeks, e.g. "... 5.2 a"
    absence: str = ""  # a gap in supervision from leave, e.g. "Islington ...: gaps recorded"
    handover: str = ""  # records handed over when staff move, e.g. "Hillingdon ... 4.5"

    def cite(self, rule: str) -> str:
        """The citation for `rule` (a field name), or COUNCIL_SETTING when the policy has none."""
        return str(getattr(self, rule)) or COUNCIL_SETTING

    def cited(self, rule: str) -> str:
        """' (citation)' for a rule the policy sets, '' for one it does not (a message that
        needs no number of its own)."""
        value = str(getattr(self, rule))
        return f" ({value})" if value else ""


@dataclass(frozen=True)
class Policy:
    key: str
    name: str
    source: str
    timezone: str = "Europe/London"
    region: str = "ENG"
    closure_days: frozenset[date] = frozenset()
    session_minutes: int = 90
    record_due_working_days: int = 5
    working_hours: tuple[time, time] = (time(9, 0), time(17, 0))
    max_sessions_per_day: int = 2
    holiday_shift: str = "next"
    categories: dict[str, Category] = field(default_factory=dict)
    template: str = "default"
    rearrange_within_hours: int = 24
    rearrange_within_days: int = 5
    extra: dict[str, Any] = field(default_factory=dict)
    document: str = ""  # the source policy document and its sections, for people
    events: tuple[EventRule, ...] = ()  # [[events]]: observations, appraisals, reviews
    floor: Floor | None = None  # the least frequent supervision allowed anyone
    # Islington: 24 hours for a record of significant decisions or urgent matters
    record_due_urgent_hours: int | None = None
    wording: Wording = field(default_factory=Wording)  # [wording]: the policy's own citations

    def record_due_on(self, session_end: datetime, workdays: Any, urgent: bool = False) -> date:
        """The last day a session's record is on time, as the policy writes it: its working
        days after the session day (Hillingdon 4.4, Islington: 5), or, for a record marked
        urgent (significant decisions or urgent matters), the day `record_due_urgent_hours`
        after the session ends (Islington: 24 hours). `workdays`: a WorkingDays."""
        if urgent and self.record_due_urgent_hours:
            return (session_end + timedelta(hours=self.record_due_urgent_hours)).date()
        return workdays.add_working_days(session_end.date(), self.record_due_working_days)

    def record_due_text(self) -> str:
        """The record deadline as people read it, cited from this policy: 'complete within 5
        working days (Hillingdon Supervision Framework 4.4)'; Islington adds its 24 hours for a
        record marked urgent; a deadline the policy does not set says it is the council's."""
        return f"{self.record_due_rule()} ({self.wording.cite('record_due')})"

    def record_due_rule(self) -> str:
        """The record deadline in words, without its citation."""
        days = self.record_due_working_days
        text = f"complete within {days} working day{'s' if days != 1 else ''}"
        if self.record_due_urgent_hours:
            text += (
                f", or {self.record_due_urgent_hours} hours when the record is marked urgent "
                "(significant decisions or urgent matters)"
            )
        return text

    def rearrange_text(self) -> str:
        """The rearrangement rule as people read it, cited from this policy."""
        return (
            f"a cancelled session is rearranged within {self.rearrange_within_hours} hours for "
            f"a date not later than {self.rearrange_within_days} days "
            f"({self.wording.cite('rearrange')})"
        )

    def cover_text(self) -> str:
        """Why a colleague holds the session, cited from this policy."""
        return (
            "sessions continue at the usual frequency while a supervisor is away "
            f"({self.wording.cite('cover')})"
        )

    def minutes_for(self, category: str | None) -> int:
        """Session length for a person in `category` (its own, else the policy's)."""
        own = self.categories[category].session_minutes if category in self.categories else None
        return own or self.session_minutes

    @property
    def roles(self) -> list[str]:
        return [k for k, c in self.categories.items() if not c.status]

    @property
    def statuses(self) -> list[str]:
        return [k for k, c in self.categories.items() if c.status]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __hash__(self) -> int:  # dict fields make the generated hash fail; identity is the file
        return hash((self.key, self.source))


def policies_dir() -> Path:
    """The shipped policies (gworkspace_supervision/data/policies), found in a wheel install too."""
    return shipped_dir("policies")


def find_policy_file(name_or_path: str) -> Path:
    """`hillingdon` -> the shipped hillingdon.toml; anything with a suffix or slash is a path.

    Only the shipped folder is searched by name, never the working folder: a policy of the
    council's own is always given as a path, so the same command means the same policy wherever
    it is run.
    """
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or os.sep in name_or_path or "/" in name_or_path:
        if candidate.exists():  # read_input refuses a folder, a FIFO or a device by name
            return candidate
        raise InputError(Problem(name_or_path, None, None, "policy file not found"))
    shipped = policies_dir()
    path = shipped / f"{name_or_path}.toml"
    # a shipped name is a plain word: never a path built from input text
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name_or_path) and path.is_file():
        return path
    known = sorted(p.stem for p in shipped.glob("*.toml"))
    raise InputError(
        Problem(
            "--policy",
            None,
            None,
            f"unknown policy {name_or_path!r}; shipped: {', '.join(known) or 'none'}, "
            "or give a path to a .toml file",
        )
    )


def load_policy(name_or_path: str) -> Policy:
    """Read and validate a policy file; every problem is reported at once."""
    path = find_policy_file(name_or_path)
    raw = read_input(path, "policy", MAX_TOML_BYTES)
    text = decode_text(raw, str(path))
    with located(text):
        return parse_policy(read_toml(text, str(path)), str(path))


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is fine); otherwise an InputError naming the line of the first bad byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Problem(file, 1, None, "saved as UTF-16 text; save the file as UTF-8"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        lines = raw.decode("utf-8", errors="replace").splitlines()
        problem = Problem(file, line, key_at(lines, line), "not UTF-8 text; save the file as UTF-8")
        raise InputError(problem) from None


def key_at(lines: list[str], line: int) -> str | None:
    """The dotted key set on `line` (1-based), inside the table opened above it."""
    if not 0 < line <= len(lines):
        return None
    key = key_on(lines[line - 1])
    if key is None or lines[line - 1].lstrip().startswith("["):
        return key
    for above in reversed(lines[: line - 1]):
        if above.lstrip().startswith("["):
            table = key_on(above)
            return f"{table}.{key}" if table else key
    return key


def key_on(line: str) -> str | None:
    """The key a TOML line sets (`name = ...` -> "name") or the table it opens, if any."""
    found = re.match(r"^\s*(\[\[?[^\]=]*|[A-Za-z0-9_\-.\"']+)\s*(=|\]|$)", line)
    if not found or not found.group(1).strip("[ "):
        return None
    return found.group(1).strip("[ \"'")


@contextmanager
def located(text: str) -> Iterator[None]:
    """Give each problem raised inside the block that names a key but no line its line in `text`."""
    try:
        yield
    except InputError as exc:
        problems = [
            replace(p, line=key_line(text, p.field)) if p.line is None and p.field else p
            for p in exc.problems
        ]
        raise InputError(problems) from None


def key_line(text: str, dotted: str) -> int | None:
    """The line (1-based) of TOML `text` that sets key path `dotted`, e.g. "policy.timezone",
    "categories.asye.phases[1].every_weeks" (the line of that list item when it has its own)."""
    wanted = [part for part in re.split(r"[.\[\]]+", dotted) if part]
    best: tuple[int, int] | None = None  # (matched components, line)
    table: list[str] = []
    arrays: dict[str, int] = {}  # [[name]] tables seen so far: the next one's index
    lines = text.splitlines()
    for number, raw_line in enumerate(lines, 1):
        stripped = raw_line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = [k.strip().strip("\"'") for k in header.group(1).split(".")]
            if stripped.startswith("[["):  # an array of tables: events[0], events[1], ...
                name = ".".join(table)
                table = table + [str(arrays.get(name, 0))]
                arrays[name] = arrays.get(name, 0) + 1
            path = table
        else:
            key = re.match(r"^([A-Za-z0-9_\-.\"' ]+?)\s*=", stripped)
            if not key:
                continue
            path = table + [k.strip().strip("\"'") for k in key.group(1).split(".")]
        if wanted[: len(path)] == path and (best is None or len(path) > best[0]):
            best = (len(path), number)
    if best is None:
        return None
    line = best[1]
    index = re.search(r"\[(\d+)\]", dotted[dotted.find(wanted[best[0] - 1]) :])
    if index and lines[line - 1].rstrip().endswith("["):  # a list written one item a line
        items = [
            n
            for n in range(line + 1, len(lines) + 1)
            if lines[n - 1].strip()[:1] in "{\"'0123456789"
        ]
        if int(index.group(1)) < len(items):
            return items[int(index.group(1))]
    return line


MAX_DEPTH = 16  # tables, arrays and inline tables inside each other; a policy needs about 5


def read_toml(text: str, file: str) -> dict[str, Any]:
    """tomllib.loads, with a decode error turned into an InputError naming the line; nesting
    deeper than MAX_DEPTH (thousands of `[` make tomllib recurse until it crashes, thousands of
    dotted keys make every later walk do so) is refused first, by line."""
    deep = _too_deep_line(text)
    if deep is not None:
        raise InputError(_depth_problem(file, deep, text))
    try:
        data = tomllib.loads(text)
    except RecursionError:  # unreachable after the scan; kept so no traceback can escape
        raise InputError(_depth_problem(file, 1, text)) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines() or [""]
        line = int(found.group(1)) if found else len(lines)
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)", "", str(exc))
        field = key_at(lines, line)
        raise InputError(Problem(file, line, field, f"not valid TOML: {message}")) from None
    dotted = _deepest_key(data)
    if dotted is not None:
        raise InputError(_depth_problem(file, _deep_key_line(text) or 1, text))
    return data


def _deep_key_line(text: str) -> int | None:
    """The first line whose table plus dotted key is more than MAX_DEPTH keys deep."""
    table = 0
    for number, line in enumerate(text.splitlines(), 1):
        key = key_on(line)
        if key is None:
            continue
        depth = key.count(".") + 1
        if line.lstrip().startswith("["):
            table = depth
        if (depth if line.lstrip().startswith("[") else table + depth) > MAX_DEPTH:
            return number
    return None


def _depth_problem(file: str, line: int, text: str) -> Problem:
    field = key_at(text.splitlines(), line)
    if field is not None and len(field) > 60:
        field = field[:60] + "..."
    return Problem(file, line, field, f"nested more than {MAX_DEPTH} levels deep; "
                   "a policy or settings file never needs that")  # fmt: skip


def _too_deep_line(text: str) -> int | None:
    """The line where `[`/`{` nesting or a dotted key (outside strings and comments) passes
    MAX_DEPTH, if any. Found before tomllib, which recurses on the first and takes quadratic
    time on the second (16 s for 20,000 dotted parts)."""
    depth, dots, line, i, n = 0, 0, 1, 0, len(text)
    while i < n:
        char = text[i]
        if char == ".":
            dots += 1
            if dots >= MAX_DEPTH:
                return line
        elif char in "=,{}[]\n":
            dots = 0
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            end = i + len(quote)
            while end < n:
                if text[end] == "\\" and char == '"':
                    end += 2
                    continue
                if text.startswith(quote, end) or (len(quote) == 1 and text[end] == "\n"):
                    break
                end += 1
            line += text.count("\n", i, min(end, n))
            i = end + (len(quote) if text.startswith(quote, end) else 0)
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _deepest_key(data: Mapping[str, Any]) -> str | None:
    """The dotted path of a value nested deeper than MAX_DEPTH (dotted keys), walked without
    recursion; None when the data is shallow enough."""
    stack: list[tuple[Any, list[str]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return ".".join(path)
        if isinstance(value, dict):
            stack += [(v, [*path, str(k)]) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, [*path, str(i)]) for i, v in enumerate(value)]
    return None


_POLICY_KEYS = {
    "key", "name", "document", "timezone", "region", "closure_days", "session_minutes",
    "record_due_working_days", "working_hours", "max_sessions_per_day", "holiday_shift",
    "template", "rearrange_within_hours", "rearrange_within_days", "floor", "floor_words",
    "record_due_urgent_hours",
}  # fmt: skip
_WORDING_KEYS = {"record_due", "rearrange", "cover", "new_allocation", "absence", "handover"}
_CATEGORY_KEYS = {"label", "phases", "needs_start_date", "needs_interval", "status",
                  "session_minutes"}  # fmt: skip
_PHASE_KEYS = {"name", "every_weeks", "monthly", "until_weeks", "until_months", "then"}


class _Checker:
    """Collects problems while reading nested TOML tables, naming each key by its dotted path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, None, key, message))

    def unknown(self, table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.bad(f"{prefix}{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def int_(self, table: Mapping[str, Any], key: str, path: str, default: int | None,
             low: int = 1, high: int = 10_000) -> int | None:  # fmt: skip
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(path, f"must be a whole number from {low} to {high}, got {_short(value)}")
            return default
        return value

    def str_(self, table: Mapping[str, Any], key: str, path: str, default: str) -> str:
        """A non-empty string that is safe to show people and to put in the Sheet (no
        control, bidirectional or invisible characters; nothing read as a formula)."""
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.bad(path, f"must be a non-empty string, got {_short(value)}")
            return default
        wrong = text_problem(value.strip())
        if wrong:
            self.bad(path, wrong)
            return default
        return value.strip()

    def bool_(self, table: Mapping[str, Any], key: str, path: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.bad(path, f"must be true or false, got {value!r}")
            return False
        return value


def _short(value: object) -> str:
    """repr of a value for a message, cut short (a pasted table must not fill the screen)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parse_time(text: object) -> time | None:
    """HH:MM (24-hour, ASCII digits 0-9 only: `¹⁰:00` is not a time) or None if malformed."""
    if not isinstance(text, str):
        return None
    found = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def parse_closure_days(value: object, bad: Any, path: str) -> set[date]:
    """Dates as YYYY-MM-DD (TOML dates or strings) or {from = ..., to = ...} ranges."""
    days: set[date] = set()
    ranges: list[tuple[date, date]] = []
    if not isinstance(value, list):
        bad(path, "must be a list of dates or {from = DATE, to = DATE} ranges")
        return days
    singles: dict[date, int] = {}
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if isinstance(item, dict):
            extra = set(item) - {"from", "to"}
            if extra:
                bad(where, f"unknown key {sorted(extra)[0]!r} (allowed: from, to)")
            first, last = _as_date(item.get("from")), _as_date(item.get("to"))
            if first is None or last is None or last < first:
                bad(where, "a range needs from = YYYY-MM-DD and to = YYYY-MM-DD (years "
                    f"{CLOSURE_YEARS[0]}-{CLOSURE_YEARS[1]}), from <= to")  # fmt: skip
                continue
            if (last - first).days >= MAX_CLOSURE_RANGE_DAYS:
                bad(where, f"{first}..{last} closes {(last - first).days + 1:,} days; a closure "
                    f"range covers at most {MAX_CLOSURE_RANGE_DAYS} days")  # fmt: skip
                continue
            for other in ranges:
                if first <= other[1] and other[0] <= last:
                    bad(where, f"range overlaps {other[0]}..{other[1]}")
            for single, at in singles.items():
                if first <= single <= last:
                    bad(where, f"range overlaps {single} (item {at})")
            ranges.append((first, last))
            days.update(date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1))
        else:
            day = _as_date(item)
            if day is None:
                bad(where, f"not a YYYY-MM-DD date from {CLOSURE_YEARS[0]} to "
                    f"{CLOSURE_YEARS[1]}: {_short(item)}")  # fmt: skip
                continue
            if day in singles:
                bad(where, f"{day} is listed twice (item {singles[day]})")
            for other in ranges:
                if other[0] <= day <= other[1]:
                    bad(where, f"{day} is inside the range {other[0]}..{other[1]}")
            singles.setdefault(day, i)
            days.add(day)
    return days


def _as_date(value: object) -> date | None:
    """A TOML date or a "YYYY-MM-DD" string (ASCII digits) from 2000 to 2100, else None."""
    day: date | None = None
    if isinstance(value, datetime):
        return None  # a date and time is not a closure day
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return None
    if day is None or not CLOSURE_YEARS[0] <= day.year <= CLOSURE_YEARS[1]:
        return None
    return day


def parse_policy(data: Mapping[str, Any], file: str) -> Policy:
    """Validate the TOML tables `[policy]`, `[categories.*]` and free-form `[extra.*]`."""
    check = _Checker(file)
    check.unknown(data, {"policy", "categories", "extra", "events", "wording"}, "")
    head = data.get("policy", {})
    if not isinstance(head, dict):
        check.bad("policy", "must be a table")
        head = {}
    check.unknown(head, _POLICY_KEYS, "policy.")
    stem = Path(file).stem
    key = check.str_(head, "key", "policy.key", stem)
    tz_name = check.str_(head, "timezone", "policy.timezone", "Europe/London")
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        check.bad("policy.timezone", f"unknown time zone {tz_name!r}")
        tz_name = "Europe/London"
    region = check.str_(head, "region", "policy.region", "ENG").upper()
    if region not in REGIONS:
        check.bad("policy.region", f"must be one of {', '.join(REGIONS)}, got {region!r}")
    shift = check.str_(head, "holiday_shift", "policy.holiday_shift", "next")
    if shift not in SHIFTS:
        check.bad("policy.holiday_shift", f"must be 'next' or 'previous', got {shift!r}")
    hours = head.get("working_hours", ["09:00", "17:00"])
    start_end = [parse_time(h) for h in hours] if isinstance(hours, list) else []
    working: tuple[time, time] = (time(9), time(17))
    if len(start_end) != 2 or None in start_end or start_end[0] >= start_end[1]:  # type: ignore[operator]
        check.bad("policy.working_hours", f'must be ["HH:MM", "HH:MM"], start < end; got {hours!r}')
    else:
        working = (start_end[0], start_end[1])  # type: ignore[assignment]
    minutes = check.int_(head, "session_minutes", "policy.session_minutes", 90, 15, 480) or 90
    span = (working[1].hour * 60 + working[1].minute) - (working[0].hour * 60 + working[0].minute)
    if minutes > span:
        check.bad("policy.session_minutes", f"{minutes} minutes do not fit in the working hours")
    closures = parse_closure_days(head.get("closure_days", []), check.bad, "policy.closure_days")

    raw_categories = data.get("categories", {})
    if not isinstance(raw_categories, dict) or not raw_categories:
        check.bad("categories", "at least one [categories.NAME] table is required")
        raw_categories = {}
    categories = {
        name: _parse_category(name, table, check) for name, table in raw_categories.items()
    }
    for category in categories.values():
        for phase in category.phases:
            if phase.then is not None and phase.then not in categories:
                check.bad(
                    f"categories.{category.key}.phases.then", f"unknown category {phase.then!r}"
                )
            elif phase.then == category.key:
                check.bad(
                    f"categories.{category.key}.phases.then", "a category cannot follow itself"
                )
    floor = _parse_floor(head, check)
    if floor is not None:
        for category in categories.values():
            for i, phase in enumerate(category.phases):
                if floor.breaks(phase.every_weeks, phase.monthly):
                    check.bad(
                        f"categories.{category.key}.phases[{i}]."
                        + ("monthly" if phase.monthly else "every_weeks"),
                        floor.refusal(f"{category.key}: {phase.cadence}"),
                    )
    for category in categories.values():
        if category.session_minutes is not None and category.session_minutes > span:
            check.bad(
                f"categories.{category.key}.session_minutes",
                f"{category.session_minutes} minutes do not fit in the working hours",
            )
    for key, loop in then_cycles(categories).items():
        check.bad(f"categories.{key}.phases.then", f"the `then` chain loops: {' -> '.join(loop)}; "
                  "a chain must end in a category that runs to the end of the plan")  # fmt: skip
    extra = data.get("extra", {})
    if not isinstance(extra, dict):
        check.bad("extra", "must be a table")
        extra = {}
    _check_extra(extra, check)
    numbers = {
        name: check.int_(head, name, f"policy.{name}", default, low, high)
        for name, default, low, high in (
            ("record_due_working_days", 5, 0, 60),
            ("max_sessions_per_day", 2, 1, 20),
            ("rearrange_within_hours", 24, 1, 720),
            ("rearrange_within_days", 5, 1, 60),
            ("record_due_urgent_hours", None, 1, 720),
        )
    }
    events = parse_events(data.get("events", []), check.bad, categories, span)
    wording = _parse_wording(data.get("wording", {}), check)
    title = check.str_(head, "name", "policy.name", key)
    template = check.str_(head, "template", "policy.template", key)
    if check.problems:
        raise InputError(check.problems)
    return Policy(
        key=key,
        name=title,
        source=file,
        timezone=tz_name,
        region=region,
        closure_days=frozenset(closures),
        session_minutes=minutes,
        record_due_working_days=numbers["record_due_working_days"] or 0,
        working_hours=working,
        max_sessions_per_day=numbers["max_sessions_per_day"] or 2,
        holiday_shift=shift,
        categories=categories,
        template=template,
        rearrange_within_hours=numbers["rearrange_within_hours"] or 24,
        rearrange_within_days=numbers["rearrange_within_days"] or 5,
        extra=dict(extra),
        document=str(head.get("document", "")),
        events=tuple(events),
        floor=floor,
        record_due_urgent_hours=numbers["record_due_urgent_hours"],
        wording=wording,
    )


def _parse_wording(table: Any, check: _Checker) -> Wording:
    """`[wording]`: each key the policy's own title and section for a rule (text people read
    in calendars, records, the tracker and the digest); a key left out means the policy sets
    no such rule. Plain text on one line, no braces (nothing is filled into it)."""
    if not isinstance(table, dict):
        check.bad("wording", "must be a table")
        return Wording()
    check.unknown(table, _WORDING_KEYS, "wording.")
    values: dict[str, str] = {}
    for key in sorted(_WORDING_KEYS & set(table)):
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            check.bad(f"wording.{key}", f"must be a non-empty string, got {value!r}")
        elif "\n" in value or "{" in value or "}" in value or len(value) > 200:
            check.bad(f"wording.{key}", "must be one line of at most 200 characters, no braces")
        else:
            values[key] = value.strip()
    return Wording(**values)


def _parse_floor(head: Mapping[str, Any], check: _Checker) -> Floor | None:
    """`floor = "monthly"` or a whole number of weeks, with `floor_words` quoting the policy."""
    value = head.get("floor")
    words = head.get("floor_words")
    if value is None:
        if words is not None:
            check.bad("policy.floor_words", "given without policy.floor")
        return None
    if not isinstance(words, str) or not words.strip():
        check.bad("policy.floor_words", "missing: quote the policy's own words for its floor")
        words = ""
    if value == "monthly":
        return Floor(4, True, words.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 52:
        check.bad("policy.floor", f'must be "monthly" or a whole number of weeks, got {value!r}')
        return None
    return Floor(value, False, words.strip())


# [extra.*] tables the toolkit reads, with the keys each may hold (None: any key of the kind).
_EXTRA_TABLES: dict[str, set[str] | None] = {
    "agenda": {"rule", "new_allocation_days", "share"},
    "case_discussion_frequency": None,
    "case_discussion_days": None,
    "handover": {"old_supervisor_role"},
}
_AGENDA_RULES = ("new_allocations", "by_involvement", "every_open_case",
                 "third_of_caseload_plus_under_twos")  # fmt: skip
_HANDOVER_ROLES = ("reader", "commenter")


def _check_extra(extra: Mapping[str, Any], check: _Checker) -> None:
    """Every `[extra.*]` table and key the toolkit reads, checked at load like the rest: a
    misspelt table, key or rule name is an error naming it, not a silent default."""
    from .caseload import INVOLVEMENTS  # caseload reads no policy: no import cycle

    check.unknown(extra, set(_EXTRA_TABLES), "extra.")
    for name, keys in _EXTRA_TABLES.items():
        table = extra.get(name)
        if table is None:
            continue
        if not isinstance(table, dict):
            check.bad(f"extra.{name}", "must be a table")
            continue
        if keys is not None:
            check.unknown(table, keys, f"extra.{name}.")
        elif name == "case_discussion_frequency":
            check.unknown(table, set(INVOLVEMENTS), f"extra.{name}.")
            for key, value in table.items():
                if not isinstance(value, str) or not value.strip():
                    check.bad(f"extra.{name}.{key}", f"must be a non-empty string, got {value!r}")
        else:
            allowed = set(INVOLVEMENTS) | {f"{i}_first_review" for i in INVOLVEMENTS}
            check.unknown(table, allowed, f"extra.{name}.")
            for key in table:
                check.int_(table, key, f"extra.{name}.{key}", None, 1, 3660)
    agenda = extra.get("agenda")
    if isinstance(agenda, dict):
        rule = agenda.get("rule", "new_allocations")
        if rule not in _AGENDA_RULES:
            check.bad(
                "extra.agenda.rule", f"unknown rule {rule!r} (known: {', '.join(_AGENDA_RULES)})"
            )
        for key in ("new_allocation_days", "share"):
            check.int_(agenda, key, f"extra.agenda.{key}", None, 1, 366)
    handover = extra.get("handover")
    if isinstance(handover, dict) and "old_supervisor_role" in handover:
        role = handover["old_supervisor_role"]
        if role not in _HANDOVER_ROLES:
            check.bad("extra.handover.old_supervisor_role",
                      f"must be one of {', '.join(_HANDOVER_ROLES)}, got {role!r}")  # fmt: skip


def then_cycles(categories: Mapping[str, Category]) -> dict[str, list[str]]:
    """Each category (first of a loop, in file order) whose `then` chain comes back to a
    category already on it (a -> b -> a), with the loop; a self-loop is reported elsewhere."""
    following = {
        key: next((p.then for p in reversed(c.phases) if p.then is not None), None)
        for key, c in categories.items()
    }
    loops: dict[str, list[str]] = {}
    reported: set[str] = set()
    for start in categories:
        chain = [start]
        nxt = following[start]
        while nxt is not None and nxt in categories and nxt not in chain:
            chain.append(nxt)
            nxt = following[nxt]
        if nxt is None or nxt not in chain or nxt == chain[-1]:
            continue  # ends, leaves the policy, or a category following itself
        loop = chain[chain.index(nxt) :]
        if not reported & set(loop):
            loops[loop[0]] = [*loop, nxt]
            reported.update(loop)
    return loops


def _parse_category(name: str, table: Any, check: _Checker) -> Category:
    prefix = f"categories.{name}."
    if not isinstance(table, dict):
        check.bad(f"categories.{name}", "must be a table")
        return Category(name, name, ())
    check.unknown(table, _CATEGORY_KEYS, prefix)
    needs_interval = check.bool_(table, "needs_interval", prefix + "needs_interval")
    phases_raw = table.get("phases")
    if not isinstance(phases_raw, list) or not phases_raw:
        check.bad(prefix + "phases", "must be a non-empty list of phase tables")
        phases_raw = []
    phases: list[Phase] = []
    needs_start = check.bool_(table, "needs_start_date", prefix + "needs_start_date")
    for i, raw in enumerate(phases_raw):
        where = f"{prefix}phases[{i}]."
        if not isinstance(raw, dict):
            check.bad(where[:-1], "must be a table")
            continue
        check.unknown(raw, _PHASE_KEYS, where)
        every = check.int_(raw, "every_weeks", where + "every_weeks", None, 1, 52)
        monthly = check.bool_(raw, "monthly", where + "monthly")
        if every is not None and monthly:
            check.bad(where + "monthly", "give either every_weeks or monthly = true, not both")
        if "every_weeks" not in raw and not monthly and not needs_interval:
            check.bad(where + "every_weeks", "missing (or set monthly = true, or needs_interval)")
        until_w = check.int_(raw, "until_weeks", where + "until_weeks", None, 1, 520)
        until_m = check.int_(raw, "until_months", where + "until_months", None, 1, 120)
        if until_w is not None and until_m is not None:
            check.bad(where + "until_months", "give either until_weeks or until_months, not both")
        last = i == len(phases_raw) - 1
        if (until_w is not None or until_m is not None) and not needs_start:
            check.bad(where + "until_weeks", "phase ends need needs_start_date = true")
        if not last and until_w is None and until_m is None:
            check.bad(where + "until_weeks", "only the last phase may run to the end of the plan")
        then = raw.get("then")
        if then is not None and (not last or not isinstance(then, str)):
            check.bad(where + "then", "only the last phase may name a following category")
            then = None
        phases.append(
            Phase(
                name=check.str_(raw, "name", where + "name", f"{name}_{i + 1}"),
                every_weeks=every,
                monthly=monthly,
                until_weeks=until_w,
                until_months=until_m,
                then=then,
            )
        )
    names = [p.name for p in phases]
    if len(set(names)) != len(names):
        check.bad(prefix + "phases", "phase names must be unique within a category")
    status = check.bool_(table, "status", prefix + "status")
    return Category(
        key=name,
        label=check.str_(table, "label", prefix + "label", name),
        phases=tuple(phases),
        needs_start_date=needs_start,
        needs_interval=needs_interval,
        status=status,
        session_minutes=check.int_(
            table, "session_minutes", prefix + "session_minutes", None, 15, 480
        ),  # fmt: skip
    )
