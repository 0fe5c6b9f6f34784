"""Text from input files, made safe to show people and to put in spreadsheets (issue 14).

`text_problem` says why a name, team or label cannot be used: a control character, a
bidirectional override or an invisible character (a name that displays as someone else's is a
spoofing risk in invitations and the Sheet), or too many characters. `cell_text` is the one
function every value bound for the Sheet, the xlsx or the CSV passes through, so that no
spreadsheet reads input text as a formula. `ascii_number` accepts only the digits 0-9 where a
number is expected (`"³".isdigit()` is True and `int("³")` fails).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_TEXT = 200  # characters; a name or team longer than this is a paste gone wrong

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"), tab and CR
# included: Excel strips them and evaluates what follows.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Invisible characters outside the format (Cf) category: fillers that render as blank space.
_INVISIBLE = {0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, 0x2800}


def bad_character(value: str) -> tuple[int, str] | None:
    """(1-based position, description) of the first character in `value` that a name may not
    hold, or None. Refused: control characters (Cc), format characters (Cf: bidirectional
    overrides and isolates U+202A-202E, U+2066-2069, zero-width U+200B-200F, U+2060, U+FEFF,
    soft hyphen...), line and paragraph separators, private-use, unassigned and surrogate code
    points, and blank fillers such as U+3164."""
    for index, char in enumerate(value, 1):
        code = ord(char)
        category = unicodedata.category(char)
        if category == "Cc":
            what = "a control character"
        elif category == "Cf":
            what = "an invisible formatting character"
            if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F):
                what = "a text-direction override"
        elif category in ("Zl", "Zp"):
            what = "a line break"
        elif category in ("Co", "Cn", "Cs"):
            what = "an unassigned or private character"
        elif code in _INVISIBLE:
            what = "an invisible character"
        else:
            continue
        name = unicodedata.name(char, "")
        return index, f"{what} (U+{code:04X}{' ' + name if name else ''})"
    return None


def text_problem(value: str, limit: int = MAX_TEXT, *, formula: bool = True) -> str | None:
    """What makes a free-text value unsafe to write to Calendar, Docs and the Sheet, or None."""
    found = bad_character(value)
    if found is not None:
        position, what = found
        return f"contains {what} at character {position}; remove it"
    if len(value) > limit:
        return f"{len(value)} characters is too long (at most {limit})"
    if formula and value.startswith(FORMULA_START):
        return (
            f"starts with {value[0]!r}, which a spreadsheet reads as a formula; "
            "remove the leading character"
        )
    return None


def cell_text(value: Any) -> Any:
    """A value to write to a spreadsheet cell (the Sheet, xlsx, CSV): text that starts like a
    formula gets a leading apostrophe, so it is shown as the text it is and never evaluated.
    Numbers, dates, None and text that is just a number ("-5", "+2.5") pass through;
    already-quoted text is left alone (idempotent)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


_PLAIN_NUMBER = re.compile(r"[-+][0-9]+(?:\.[0-9]+)?")


def ascii_number(text: str) -> int | None:
    """A whole number written with the ASCII digits 0-9 only (at most 9 of them), else None."""
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)
