"""The Sheets emulator's pure parts: A1 notation, typed input, number formats, formulas."""

from __future__ import annotations

from typing import Any

import pytest

from gworkspace_supervision.emulator.sheets.a1 import Box, format_range, parse_cells, split_sheet
from gworkspace_supervision.emulator.sheets.formula import FormulaError, Uncomputed, evaluate
from gworkspace_supervision.emulator.sheets.values import format_date, format_number, parse_input


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("A1", Box(0, 1, 0, 1, single=True)),
        ("$B$2:C3", Box(1, 3, 1, 3)),
        ("C3:B2", Box(1, 3, 1, 3)),
        ("A:C", Box(0, None, 0, 3)),
        ("2:5", Box(1, 5, 0, None)),
        ("B3:C", Box(2, None, 1, 3)),
        ("AA10", Box(9, 10, 26, 27, single=True)),
    ],
)
def test_parse_cells(text: str, box: Box) -> None:
    assert parse_cells(text) == box


@pytest.mark.parametrize("text", ["", "A", "A0", "Sessions", "1A", "A1:"])
def test_not_a_range(text: str) -> None:
    assert parse_cells(text) is None


def test_sheet_prefix_and_quoting() -> None:
    assert split_sheet("'It''s mine'!A1:B2") == ("It's mine", "A1:B2")
    assert split_sheet("Sheet1!A1") == ("Sheet1", "A1")
    assert split_sheet("'My sheet'") == ("My sheet", "")
    assert split_sheet("Sessions") == (None, "Sessions")
    assert format_range("It's mine", Box(0, 2, 0, 2)) == "'It''s mine'!A1:B2"
    assert format_range("Sheet1", Box(4, 5, 2, 3)) == "Sheet1!C5"
    assert format_range("A1", Box(0, 1, 0, 1)) == "'A1'!A1"


@pytest.mark.parametrize(
    ("raw", "user_entered", "locale", "expected"),
    [
        ("=1+1", False, "en_US", ("=1+1", None, None)),
        ("=1+1", True, "en_US", (None, "=1+1", None)),
        ("'=1+1", True, "en_US", ("=1+1", None, None)),
        ("007", True, "en_US", (7, None, None)),
        ("1,234.5", True, "en_US", (1234.5, None, None)),
        ("true", True, "en_US", (True, None, None)),
        ("50%", True, "en_US", (0.5, None, {"type": "PERCENT", "pattern": "0%"})),
        ("+44 20 7946 0000", True, "en_US", ("+44 20 7946 0000", None, None)),
        ("2027-02-30", True, "en_US", ("2027-02-30", None, None)),
        ("25/12/2027", True, "en_GB", (46746, None, {"type": "DATE", "pattern": "dd/MM/yyyy"})),
        ("", True, "en_US", (None, None, None)),
        (3.5, False, "en_US", (3.5, None, None)),
    ],
)
def test_parse_input(
    raw: Any, user_entered: bool, locale: str, expected: tuple[Any, Any, Any]
) -> None:
    assert parse_input(raw, user_entered, locale) == expected


def test_number_and_date_formats() -> None:
    assert (
        format_number(46391, {"type": "DATE", "pattern": "dddd d mmmm yyyy"}, "en_GB")
        == "Monday 4 January 2027"
    )
    assert (
        format_number(46391.75, {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}, "en_GB")
        == "04/01/2027 18:00"
    )
    assert format_date(0.5, "h:mm am/pm") == "12:00 pm"
    assert format_number(0.8333, {"type": "PERCENT", "pattern": "0.0%"}, "en_US") == "83.3%"
    assert format_number(1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "en_US") == "1,234.50"
    assert format_number(1 / 3, None, "en_US") == "0.3333333333"
    assert format_number(46391, None, "en_US") == "46391"


def _grid(title: str | None, box: Box) -> list[list[Any]]:
    data = [["OVERDUE", 3.0], ["DUE", 4.0], ["OVERDUE", None], ["COMPLETE", 10.0]]
    return [row[box.c0 : box.c1] for row in data[box.r0 : box.r1]]


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ('=COUNTIF(A1:A4,"OVERDUE")', 2.0),
        ("=SUM(B1:B4)/COUNT(B1:B4)", 17 / 3),
        ('=IF(A2="DUE","amber","other")', "amber"),
        ('=ROUND(100*COUNTIFS(A1:A4,"<>DUE",B1:B4,">3")/4, 1)', 25.0),
        ('=HYPERLINK("https://x/y","Record")', "Record"),
        ('="Week "&2', "Week 2"),
        ("=2^3-1", 7.0),
    ],
)
def test_formulas_the_emulator_computes(formula: str, value: Any) -> None:
    result = evaluate(formula, _grid)
    assert result == (pytest.approx(value) if isinstance(value, float) else value)


def test_formula_errors_and_uncomputed() -> None:
    with pytest.raises(FormulaError) as err:
        evaluate("=1/0", _grid)
    assert err.value.shown == "#DIV/0!"
    with pytest.raises(Uncomputed):
        evaluate("=NETWORKDAYS(A1,A2)", _grid)
