"""Cell value semantics for the Sheets emulator: RAW vs USER_ENTERED input, and rendering output.

Sheets keeps a number, a string or a boolean per cell (plus a formula); a date is a number
(days since 1899-12-30, a "serial number") whose number format is DATE / DATE_TIME / TIME.
USER_ENTERED parses text as if typed into the UI; RAW stores it exactly as given, so a leading
`=` stays text. Output is rendered per ValueRenderOption and DateTimeRenderOption.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_PATTERN_TOKEN = re.compile(
    r"yyyy|yy|MMMM|MMM|MM|M|mmmm|mmm|mm|m|dddd|ddd|dd|d|HH|H|hh|h|ss|s|am/pm|AM/PM|a/p|A/P|\"[^\"]*\"|\\.|."
)


def month_first(locale: str) -> bool:
    """US-style dates (M/d/yyyy) for en_US and a few others; day first elsewhere (en_GB)."""
    return locale in ("en_US", "en_PH", "en_CA") or locale.startswith("en_US")


def default_pattern(kind: str, locale: str) -> str:
    if kind == "TIME":
        return "h:mm:ss am/pm" if month_first(locale) else "HH:mm:ss"
    day = "M/d/yyyy" if month_first(locale) else "dd/MM/yyyy"
    return day + (" H:mm:ss" if kind == "DATE_TIME" else "")


def to_serial(moment: date | datetime) -> float | int:
    """Days since 1899-12-30 (an int for a date, a float with the time of day otherwise)."""
    if isinstance(moment, datetime):
        delta = moment.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400
    return (moment - EPOCH.date()).days


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(days=float(serial))


def number_out(value: float | int) -> float | int:
    """Google writes integral doubles without a fraction (46391, not 46391.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def parse_input(
    value: Any, user_entered: bool, locale: str
) -> tuple[Any, str | None, dict[str, Any] | None]:
    """One input value -> (stored value, formula or None, implied numberFormat or None).

    `None` as the stored value with no formula means "clear the cell's value" ("" input).
    """
    if isinstance(value, bool):
        return value, None, None
    if isinstance(value, (int, float)):
        return value, None, None
    text = str(value)
    if text == "":
        return None, None, None
    if not user_entered:
        return text, None, None
    if text.startswith("'"):
        return text[1:], None, None  # a leading apostrophe forces text
    if text.startswith("=") and len(text) > 1:
        return None, text, None
    return parse_typed(text, locale)


@lru_cache(maxsize=65536)
def parse_typed(text: str, locale: str) -> tuple[Any, str | None, dict[str, Any] | None]:
    """Parse text the way the Sheets UI does for numbers, percentages, booleans, dates and times."""
    stripped = text.strip()
    upper = stripped.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None, None
    if stripped.endswith("%") and _NUMBER.match(stripped[:-1].strip() or "x"):
        number = float(stripped[:-1].replace(",", "")) / 100
        pattern = "0.00%" if "." in stripped else "0%"
        return number_out(number), None, {"type": "PERCENT", "pattern": pattern}
    if stripped and _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        number = float(stripped.replace(",", ""))
        return number_out(number), None, None
    moment = parse_date(stripped, locale)
    if moment is not None:
        return moment
    return text, None, None


def parse_date(text: str, locale: str) -> tuple[Any, None, dict[str, Any]] | None:
    iso = _ISO_DATE.match(text)
    slash = _SLASH_DATE.match(text)
    try:
        if iso:
            y, mo, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
            clock, pattern = iso.groups()[3:], "yyyy-mm-dd"
        elif slash:
            a, b, y = int(slash.group(1)), int(slash.group(2)), int(slash.group(3))
            mo, d = (a, b) if month_first(locale) else (b, a)
            clock, pattern = slash.groups()[3:], default_pattern("DATE", locale)
        else:
            t = _TIME.match(text)
            if not t:
                return None
            tod = time(int(t.group(1)), int(t.group(2)), int(t.group(3) or 0))
            serial = (tod.hour * 3600 + tod.minute * 60 + tod.second) / 86400
            return serial, None, {"type": "TIME", "pattern": default_pattern("TIME", locale)}
        day = date(y, mo, d)
    except ValueError:
        return None
    if clock[0] is None:
        return to_serial(day), None, {"type": "DATE", "pattern": pattern}
    try:
        moment = datetime(y, mo, d, int(clock[0]), int(clock[1]), int(clock[2] or 0))
    except ValueError:
        return None
    return to_serial(moment), None, {"type": "DATE_TIME", "pattern": pattern + " H:mm:ss"}


# -- output -------------------------------------------------------------------------------------


def format_general(value: float | int) -> str:
    """Sheets' automatic number format: integers plainly, up to 10 significant digits otherwise."""
    value = number_out(value)
    if isinstance(value, int):
        return str(value)
    text = f"{value:.10g}"
    if "e" in text:
        mantissa, _, exp = text.partition("e")
        text = f"{mantissa}E{'+' if not exp.startswith('-') else '-'}{exp.lstrip('+-').lstrip('0').rjust(2, '0')}"
    return text


def format_number(value: float | int, fmt: dict[str, Any] | None, locale: str) -> str:
    """A number as Sheets displays it under a numberFormat (dates, percent, fixed decimals)."""
    kind = (fmt or {}).get("type", "")
    pattern = (fmt or {}).get("pattern", "")
    if kind in DATE_TYPES or (not kind and _looks_like_date_pattern(pattern)):
        return format_date(float(value), pattern or default_pattern(kind or "DATE", locale))
    if kind == "TEXT":
        return format_general(value)
    if not pattern:
        if kind == "PERCENT":
            return f"{float(value) * 100:.2f}%"
        if kind in ("NUMBER", "CURRENCY"):
            return f"{float(value):,.2f}"
        return format_general(value)
    return _format_numeric_pattern(float(value), pattern)


def _looks_like_date_pattern(pattern: str) -> bool:
    return bool(pattern) and bool(re.search(r"yy|dd|MM", pattern))


def _format_numeric_pattern(value: float, pattern: str) -> str:
    section = pattern.split(";")[0]
    if "%" in section:
        value *= 100
    body = re.search(r"[#0,]+(\.[0#]+)?", section)
    if not body:
        return format_general(value)
    decimals = len(body.group(1)) - 1 if body.group(1) else 0
    grouped = "," in body.group(0)
    number = f"{abs(value):,.{decimals}f}" if grouped else f"{abs(value):.{decimals}f}"
    if body.group(1) and "#" in body.group(1):
        number = number.rstrip("0").rstrip(".") if "." in number else number
    prefix = section[: body.start()].replace('"', "").replace("\\", "")
    suffix = section[body.end() :].replace('"', "").replace("\\", "")
    sign = "-" if value < 0 and round(abs(value), decimals) != 0 else ""
    return f"{sign}{prefix}{number}{suffix}"


@lru_cache(maxsize=65536)
def format_date(serial: float, pattern: str) -> str:
    """Render a serial number with a Sheets date/time pattern (yyyy, mm, dd, hh, ss, am/pm...)."""
    moment = from_serial(round(serial * 86400) / 86400)
    tokens = _PATTERN_TOKEN.findall(pattern)
    has_ampm = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        prev = next((t for t in reversed(tokens[:i]) if t.strip() and t not in ":/-. "), "")
        nxt = next((t for t in tokens[i + 1 :] if t.strip() and t not in ":/-. "), "")
        minute = tok in ("m", "mm") and (prev.lower().startswith("h") or nxt.startswith("s"))
        out.append(_date_token(tok, moment, minute, has_ampm))
    return "".join(out)


def _date_token(tok: str, moment: datetime, minute: bool, has_ampm: bool) -> str:
    hour12 = moment.hour % 12 or 12
    if minute:
        return f"{moment.minute:02d}" if tok == "mm" else str(moment.minute)
    simple = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "MMMM": moment.strftime("%B"),
        "mmmm": moment.strftime("%B"),
        "MMM": moment.strftime("%b"),
        "mmm": moment.strftime("%b"),
        "MM": f"{moment.month:02d}",
        "mm": f"{moment.month:02d}",
        "M": str(moment.month),
        "m": str(moment.month),
        "dddd": moment.strftime("%A"),
        "ddd": moment.strftime("%a"),
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "HH": f"{moment.hour:02d}",
        "H": str(moment.hour),
        "hh": f"{(hour12 if has_ampm else moment.hour):02d}",
        "h": str(hour12 if has_ampm else moment.hour),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "am/pm": "am" if moment.hour < 12 else "pm",
        "AM/PM": "AM" if moment.hour < 12 else "PM",
        "a/p": "a" if moment.hour < 12 else "p",
        "A/P": "A" if moment.hour < 12 else "P",
    }
    if tok in simple:
        return simple[tok]
    if tok.startswith('"') and tok.endswith('"'):
        return tok[1:-1]
    if tok.startswith("\\"):
        return tok[1:]
    return tok


def is_date_format(fmt: dict[str, Any] | None) -> bool:
    return bool(fmt) and (fmt or {}).get("type") in DATE_TYPES


def render(
    value: Any,
    formula: str | None,
    fmt: dict[str, Any] | None,
    option: str,
    datetime_option: str,
    locale: str,
) -> Any:
    """One cell for a ValueRange: FORMATTED_VALUE (text), UNFORMATTED_VALUE or FORMULA."""
    if option == "FORMULA" and formula:
        return formula
    if value is None:
        return ""
    if option == "FORMATTED_VALUE":
        return formatted(value, fmt, locale)
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if is_date_format(fmt) and datetime_option == "FORMATTED_STRING":
        return format_number(value, fmt, locale)
    return number_out(value)


def formatted(value: Any, fmt: dict[str, Any] | None, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return format_number(value, fmt, locale)
    return str(value)


def extended_value(value: Any) -> dict[str, Any]:
    """A value as Google's ExtendedValue ({numberValue|stringValue|boolValue})."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": number_out(value)}
    return {"stringValue": str(value)}


def from_extended(ev: dict[str, Any]) -> tuple[Any, str | None]:
    """ExtendedValue -> (value, formula). stringValue is text even if it starts with '='."""
    if "formulaValue" in ev:
        return None, str(ev["formulaValue"])
    if "numberValue" in ev:
        return ev["numberValue"], None
    if "boolValue" in ev:
        return bool(ev["boolValue"]), None
    if "stringValue" in ev:
        return str(ev["stringValue"]), None
    if "errorValue" in ev:
        raise ValueError("errorValue cannot be entered")
    return None, None
