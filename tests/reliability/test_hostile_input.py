"""Hostile input (issue 14), class by class, through the real CLI where a person would meet it.

Each class is fixed at its root (one function each), so these cases are examples, not a list:
files that are not regular files or are too big, output paths that are pipes or devices, file
names built from input text, formula text, bidirectional and invisible characters, non-ASCII
digits, dates and numbers out of range, deep nesting, `then` cycles, unplannable years, and
the local Workspace's files at rest. Every refusal: exit 2, the file or option named, no
traceback, nothing created.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.policy import (
    Category,
    Phase,
    parse_time,
    policies_dir,
    read_toml,
    then_cycles,
)
from gworkspace_supervision.domain.text import (
    ascii_number,
    bad_character,
    cell_text,
    text_problem,
)
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.files import MAX_CSV_BYTES, file_in, safe_name

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
OK_ROSTER = CORPUS / "ok_roster.csv"
REPO = Path(__file__).resolve().parents[2]


def cli_run(*argv: str) -> Result:
    return CliRunner().invoke(cli, list(argv))


def refused(result: Result, *named: str) -> str:
    """Assert exit 2 with a plain message naming each of `named`; the message."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for text in named:
        assert text in result.stderr, result.stderr
    return result.stderr


def plan_with(tmp_path: Path, *extra: str, roster: Path = OK_ROSTER) -> Result:
    return cli_run(
        "--workspace", f"local:{tmp_path / 'ws'}", "plan", "--roster", str(roster),
        "--year", "2027", *extra,
    )  # fmt: skip


# ---- files that are not regular files, or too big -------------------------------------------
def run_bounded(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess with a timeout: a FIFO that is opened blocks for ever."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "gworkspace_supervision", *argv]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)


@pytest.mark.parametrize("role", ["roster", "policy", "settings"])
def test_a_fifo_given_as_an_input_is_refused_without_waiting(role: str, tmp_path: Path) -> None:
    fifo = tmp_path / f"input.{'csv' if role == 'roster' else 'toml'}"
    os.mkfifo(fifo)
    argv = ["--workspace", f"local:{tmp_path / 'ws'}"]
    if role == "settings":
        argv += ["--config", str(fifo)]
    argv += ["plan", "--year", "2027", "--roster", str(OK_ROSTER if role != "roster" else fifo)]
    if role == "policy":
        argv += ["--policy", str(fifo)]
    started = time.monotonic()
    done = run_bounded(argv, tmp_path)
    assert time.monotonic() - started < 60
    assert done.returncode == 2, done.stderr
    assert f"{fifo}: cannot read {role}: a named pipe (FIFO), not a file" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_given_as_the_roster_is_refused(device: str, tmp_path: Path) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    message = refused(plan_with(tmp_path, roster=Path(device)), device, "a device, not a file")
    assert "cannot read roster" in message


def test_a_folder_given_as_an_input_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "policies.toml"
    folder.mkdir()
    refused(plan_with(tmp_path, "--policy", str(folder)), str(folder), "a folder, not a file")
    result = cli_run(
        "--config", str(tmp_path), "plan", "--roster", str(OK_ROSTER), "--year", "2027"
    )
    refused(result, "--config", "is a directory")  # click's own check, before ours


def test_an_input_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_CSV_BYTES + 1)  # sparse: nothing is really written
    refused(plan_with(tmp_path, roster=huge), str(huge), "more than the 20,971,520 allowed")
    big_policy = tmp_path / "big.toml"
    big_policy.write_bytes(b"# " + b"x" * (1024 * 1024) + b"\n")
    refused(plan_with(tmp_path, "--policy", str(big_policy)), str(big_policy), "allowed")


def test_a_header_with_60000_columns_is_refused_at_once(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(60_000)) + "\n", encoding="utf-8")
    started = time.monotonic()
    refused(plan_with(tmp_path, roster=wide), f"{wide}, line 1, header: 60,000 columns")
    assert time.monotonic() - started < 10


# ---- outputs only to regular files or new paths -----------------------------------------------
def test_plan_ics_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.ics"
    os.mkfifo(fifo)
    refused(plan_with(tmp_path, "--ics", str(fifo)), str(fifo), "a named pipe (FIFO)")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_plan_ics_refuses_a_device_and_a_folder(tmp_path: Path) -> None:
    refused(plan_with(tmp_path, "--ics", "/dev/null"), "/dev/null", "a device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    folder = tmp_path / "plans"
    folder.mkdir()
    result = plan_with(tmp_path, "--ics", str(folder))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_plan_ics_writes_a_new_file_and_replaces_a_regular_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    assert plan_with(tmp_path, "--ics", str(target)).exit_code == 0
    first = target.read_bytes()
    assert first.startswith(b"BEGIN:VCALENDAR")
    target.write_bytes(b"old")
    assert plan_with(tmp_path, "--ics", str(target)).exit_code == 0
    assert target.read_bytes() == first


# ---- --workspace local: that is not a folder -----------------------------------------------
def test_workspace_pointing_at_a_regular_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n")
    for spec in (f"local:{not_a_folder}", f"local:{not_a_folder}/inside"):
        result = cli_run("--workspace", spec, "emulator", "clock", "show")
        refused(result, f"--workspace {spec}", "is a file, not a folder")
        result = cli_run(
            "--workspace", spec, "book", "--roster", str(OK_ROSTER), "--year", "2027",
            "--dry-run",
        )  # fmt: skip
        refused(result, "is a file, not a folder")
    assert not_a_folder.read_text() == "mine\n"


def test_workspace_folder_with_a_foreign_database_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "workspace.sqlite3").write_text("these are my notes, not a database\n")
    refused(cli_run("--workspace", f"local:{folder}", "emulator", "clock", "show"),
            "is not a local Workspace database")  # fmt: skip


# ---- data at rest ---------------------------------------------------------------------------
def test_a_new_local_workspace_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "ws"
    with LocalWorkspace(folder) as ws:
        ws.clock.set("2027-01-04T09:00:00Z")  # a write: the WAL files exist now
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        names = {p.name for p in folder.iterdir()}
        assert "workspace.sqlite3" in names


def test_an_old_readable_workspace_is_tightened_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    with LocalWorkspace(folder) as ws:
        ws.clock.set("2027-01-04T09:00:00Z")
    folder.chmod(0o755)
    (folder / "workspace.sqlite3").chmod(0o644)
    with LocalWorkspace(folder) as ws:
        assert ws.clock.now().year == 2027
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "workspace.sqlite3").stat().st_mode) == 0o600


def test_an_existing_folder_we_did_not_make_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with LocalWorkspace(folder) as ws:
        assert ws.clock.now().year >= 1970  # opened: its database made inside the folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # not ours to change
    assert stat.S_IMODE((folder / "workspace.sqlite3").stat().st_mode) == 0o600


# ---- file names from input text ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "../../x/y@example-council.gov.uk",
        "/etc/passwd",
        "..",
        ".",
        "",
        "a\x00b",
        "..\\..\\windows",
        "name\u202egpj.exe",
        "\u2024\u2024/\u2024\u2024/x",  # one-dot leaders: NFKC makes them dots
        "CON/../../" * 40,
    ],
)
def test_file_in_keeps_every_name_inside_its_folder(text: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    path = file_in(folder, text, ".ics")
    assert path.parent == folder
    assert path.resolve().parent == folder.resolve()
    assert "/" not in path.name and "\\" not in path.name and "\x00" not in path.name
    assert not path.name.startswith(".")
    assert ".." not in path.stem
    assert len(path.name) <= 130
    assert bad_character(path.name) is None


def test_safe_name_keeps_ordinary_names_readable() -> None:
    assert safe_name("ann.lee@example-council.gov.uk") == "ann.lee@example-council.gov.uk"
    assert safe_name("Supervision record: Zoë O'Neil 2027-03-04") == (
        "Supervision record_ Zoë O_Neil 2027-03-04"
    )


# ---- text a spreadsheet would evaluate --------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
     "\t=1+1", "\r=1+1", "=1"],
)  # fmt: skip
def test_cell_text_makes_formula_text_inert(value: str) -> None:
    safe = cell_text(value)
    assert safe == "'" + value
    assert cell_text(safe) == safe  # idempotent: a value read back is not quoted twice


@pytest.mark.parametrize("value", ["Ann Lee", "-5", "+2.5", "2027-03-04", 42, 1.5, None, ""])
def test_cell_text_leaves_plain_values_alone(value: Any) -> None:
    assert cell_text(value) == value


def test_the_sheet_writes_no_input_text_as_a_formula() -> None:
    from gworkspace_supervision.google.sheet import Tabs
    from gworkspace_supervision.services.tracking_tabs import NOTE_COLUMN, safe_tabs

    evil = '=HYPERLINK("https://evil.example","x")'
    row = ["s1", evil, "Bo", "Ann", "Cy", "@cat", 46000, "", 46005, "", "DUE", "=note"]
    tabs = Tabs(
        sessions=[row],
        state=[["s1", "+a@b"]],
        summary=[["-team", 1, 0.5]],
        overdue=[["s1", evil]],
        meta={"k": "=v"},
        extra={"Observations": [["\tx"]]},
    )
    safe = safe_tabs(tabs)
    cells = [
        *safe.sessions[0][:NOTE_COLUMN],
        *safe.state[0],
        *safe.summary[0],
        *safe.overdue[0],
        *safe.meta.values(),
        *safe.extra["Observations"][0],
    ]
    texts = [c for c in cells if isinstance(c, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert safe.sessions[0][NOTE_COLUMN] == "=note"  # a person's note stays as typed
    assert tabs.sessions[0][1] == evil  # the input is not changed in place


# ---- bidirectional and invisible characters ---------------------------------------------------
@pytest.mark.parametrize(
    "code",
    [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200B, 0x200C,
     0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD, 0x2028, 0x2029, 0xE000, 0x3164, 0x0378,
     0x061C, 0x180E, 0x1D173],
)  # fmt: skip
def test_invisible_and_direction_characters_are_refused_where_they_are(code: int) -> None:
    value = f"Ann{chr(code)} Lee"
    found = bad_character(value)
    assert found is not None and found[0] == 4, (hex(code), found)
    assert f"U+{code:04X}" in found[1]
    problem = text_problem(value)
    assert problem is not None and "at character 4" in problem


@pytest.mark.parametrize(
    "name",
    [
        "Zoë O'Neil",
        "José Álvarez-Núñez",
        "Siobhán Ó Briain",
        "王小明",
        "محمد علي",
        "Dvořák",
        "Łukasz",
        "Ngữ",
    ],  # fmt: skip
)
def test_real_names_in_any_script_are_accepted(name: str) -> None:
    assert text_problem(name) is None


def test_a_bidi_override_in_a_roster_is_refused_with_line_and_column(tmp_path: Path) -> None:
    lines = OK_ROSTER.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Eli Park", "Eli \u2067kraP\u2069")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(
        plan_with(tmp_path, roster=roster),
        f"{roster}, line 4, column supervisee_name: contains a text-direction override "
        "(U+2067 RIGHT-TO-LEFT ISOLATE) at character 5",
    )


# ---- digits, dates and numbers ----------------------------------------------------------------
@pytest.mark.parametrize("text", ["¹⁰:00", "１０:００", "١٠:٠٠", "10:0٠", "10:00:00", " :00"])
def test_times_take_ascii_digits_only(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize("text", ["³", "٣", "３", "1_0", " 3", "+3", "", "1" * 10])
def test_numbers_take_ascii_digits_only(text: str) -> None:
    assert ascii_number(text) is None


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--year", "٢٠٢٧"], "--year"),
        (["--year", "2_027"], "--year"),
        (["--year", "99999999999999999999"], "--year"),
        (["--year", "2027", "--from", "9999-12-31"], "--from"),
        (["--year", "2027", "--from", "٢٠٢٧-٠٣-٠١"], "--from"),
        (["--year", "2027", "--from", "2027-02-30"], "--from"),
    ],
)
def test_plan_options_out_of_range_or_not_ascii_exit_2(
    argv: list[str], option: str, tmp_path: Path
) -> None:
    result = cli_run("plan", "--roster", str(OK_ROSTER), *argv)
    refused(result, option)


def test_today_9999_is_refused_before_any_call(tmp_path: Path) -> None:
    result = cli_run(
        "--workspace", f"local:{tmp_path / 'ws'}", "sync", "--roster", str(OK_ROSTER),
        "--year", "2027", "--today", "9999-12-31",
    )  # fmt: skip
    refused(result, "--today", "outside the years 2000-2100")
    assert not (tmp_path / "ws").exists()


def test_through_before_the_plan_year_is_refused(tmp_path: Path) -> None:
    result = cli_run(
        "--workspace", f"local:{tmp_path / 'ws'}", "records", "--roster", str(OK_ROSTER),
        "--year", "2027", "--through", "2026-12-31",
    )  # fmt: skip
    refused(result, "--through: 2026-12-31 is before the plan year 2027")
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize(
    "argv",
    [["--days", "nan"], ["--days", "inf"], ["--days", "1e400"], ["--hours", "-nan"],
     ["--days", "٣"], ["--days", "40000"], ["--minutes", "0x10"]],
)  # fmt: skip
def test_clock_advance_refuses_nan_and_huge_steps(argv: list[str], tmp_path: Path) -> None:
    result = cli_run("--workspace", f"local:{tmp_path / 'ws'}", "emulator", "clock", "advance",
                     *argv)  # fmt: skip
    refused(result, argv[0])


def test_clock_cannot_be_moved_past_2100(tmp_path: Path) -> None:
    ws = f"local:{tmp_path / 'ws'}"
    refused(cli_run("--workspace", ws, "emulator", "clock", "set", "9999-12-31T00:00:00Z"),
            "INSTANT")  # fmt: skip
    assert (
        cli_run("--workspace", ws, "emulator", "clock", "set", "2100-06-01T00:00:00Z").exit_code
        == 0
    )
    refused(cli_run("--workspace", ws, "emulator", "clock", "advance", "--days", "365"),
            "1970-2100")  # fmt: skip
    shown = cli_run("--workspace", ws, "emulator", "clock", "show")
    assert shown.stdout.startswith("2100-06-01")  # unchanged


# ---- nesting ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 100_000 + "]" * 100_000,
        "x = " + "{a=" * 5000 + "1" + "}" * 5000,
        "a" + ".a" * 20_000 + " = 1",
        "[" + "t." * 5000 + "t]\nk = 1",
        "[[" + "t." * 5000 + "t]]\nk = 1",
    ],
    ids=["arrays", "inline-tables", "dotted-keys", "table-header", "array-of-tables"],
)
def test_deep_toml_is_refused_by_line_not_a_recursion_error(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="nested more than 16 levels deep") as caught:
        read_toml(text, "deep.toml")
    assert caught.value.problems[0].line == 1 or caught.value.problems[0].line == 2
    assert time.monotonic() - started < 10


def test_brackets_in_strings_and_comments_are_not_nesting() -> None:
    text = (
        "# [[[[[[[[[[[[[[[[[[[[[[[[[[\n"
        'a = "[[[[[[[[[[[[[[[[[[[[[[[[[[[["\n'
        "b = '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'\n"
        'c = """\n[[[[[[[[[[[[[[[[[[[[[[[[[\n"""\n'
        'd = "escaped \\" [[[[[[[[[[[[[[[[[[[[[[[["\n'
        "e = [[1, 2], [3, [4, [5]]]]\n"
    )
    data = read_toml(text, "fine.toml")
    assert data["e"] == [[1, 2], [3, [4, [5]]]]


# ---- then cycles --------------------------------------------------------------------------
def category(key: str, then: str | None) -> Category:
    return Category(key, key, (Phase(key, 4, then=then),))


@pytest.mark.parametrize(
    ("chain", "loops"),
    [
        ({"a": "b", "b": "a"}, {"a": ["a", "b", "a"]}),
        ({"a": "b", "b": "c", "c": "a"}, {"a": ["a", "b", "c", "a"]}),
        ({"x": "a", "a": "b", "b": "a"}, {"a": ["a", "b", "a"]}),
        ({"a": "b", "b": "c", "c": None}, {}),
        ({"a": "a"}, {}),  # a category following itself has its own message
        ({"a": "gone"}, {}),  # an unknown category has its own message
        ({"a": "b", "b": "a", "c": "d", "d": "c"}, {"a": ["a", "b", "a"], "c": ["c", "d", "c"]}),
    ],
)
def test_then_cycles_are_found_once_each(
    chain: dict[str, str | None], loops: dict[str, list[str]]
) -> None:
    categories = {key: category(key, then) for key, then in chain.items()}
    assert then_cycles(categories) == loops


# ---- years that cannot be planned: input problems, found before anything is created --------
def test_a_thousand_supervisees_for_one_supervisor_is_an_input_problem(tmp_path: Path) -> None:
    lines = ["supervisee_email,supervisee_name,supervisor_email,line_manager_email,category"]
    lines += [
        f"p{i}@example-council.gov.uk,P {i},boss@example-council.gov.uk,"
        "lm@example-council.gov.uk,case_holding"
        for i in range(1000)
    ]
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in ("book", "records"):
        extra = ["--through", "2027-03-31"] if command == "records" else []
        result = cli_run(
            "--workspace", f"local:{tmp_path / 'ws'}", command, "--roster", str(roster),
            "--year", "2027", *extra,
        )  # fmt: skip
        refused(result, f"{roster}, line 40, column supervisor_email:", "fewer supervisees")
        assert not (tmp_path / "ws").exists()


def test_a_supervisor_the_planner_cannot_fit_is_named_by_roster_line(tmp_path: Path) -> None:
    """Within the year's raw capacity but not placeable (38 four-weekly supervisees on two
    slots a day): the planner's failure is reported as the roster line of the pair."""
    lines = ["supervisee_email,supervisee_name,supervisor_email,line_manager_email,category"]
    lines += [
        f"p{i}@example-council.gov.uk,P {i},boss@example-council.gov.uk,"
        "lm@example-council.gov.uk,case_holding"
        for i in range(38)
    ]
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli_run(
        "--workspace", f"local:{tmp_path / 'ws'}", "book", "--roster", str(roster),
        "--year", "2027", "--dry-run",
    )  # fmt: skip
    if result.exit_code == 0:
        pytest.skip("the planner fits 38 here; nothing to name")
    refused(result, f"{roster}, line ", "column supervisor_email", "cannot fit")
    assert not (tmp_path / "ws").exists()


def test_closures_over_all_of_time_are_refused_fast(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    text = (policies_dir() / "hillingdon.toml").read_text(encoding="utf-8")
    policy.write_text(
        text.replace(
            "closure_days = []", "closure_days = [{ from = 2000-01-01, to = 2100-12-31 }]"
        ),
        encoding="utf-8",
    )
    started = time.monotonic()
    refused(plan_with(tmp_path, "--policy", str(policy)), "policy.closure_days[0]",
            "at most 366 days")  # fmt: skip
    assert time.monotonic() - started < 10


def test_a_whole_year_closed_by_settings_and_policy_together(tmp_path: Path) -> None:
    """Neither file alone closes the year; together they do: both are named."""
    policy = tmp_path / "policy.toml"
    text = (policies_dir() / "hillingdon.toml").read_text(encoding="utf-8")
    policy.write_text(
        text.replace(
            "closure_days = []", "closure_days = [{ from = 2027-01-01, to = 2027-06-30 }]"
        ),
        encoding="utf-8",
    )
    settings = tmp_path / "settings.toml"
    settings.write_text(
        "[organisation]\nclosure_days = [{ from = 2027-07-01, to = 2027-12-31 }]\n",
        encoding="utf-8",
    )
    result = cli_run(
        "--workspace", f"local:{tmp_path / 'ws'}", "--config", str(settings), "book",
        "--roster", str(OK_ROSTER), "--policy", str(policy), "--year", "2027",
    )  # fmt: skip
    refused(
        result,
        f"{policy}, line 13, policy.closure_days: closure days leave no working day",
        f"{settings}, line 2, organisation.closure_days: closure days leave no working day",
    )
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize(
    "argv",
    [["--error-rate", "nan"], ["--error-rate", "2"], ["--latency-ms", "inf"],
     ["--latency-ms", "-nan"], ["--seed", "٣"], ["--quota-per-minute", "1_000"]],
)  # fmt: skip
def test_fault_settings_refuse_nan_and_non_ascii_numbers(argv: list[str], tmp_path: Path) -> None:
    result = cli_run("--workspace", f"local:{tmp_path / 'ws'}", "emulator", "faults", "set",
                     *argv)  # fmt: skip
    refused(result, argv[0])


@pytest.mark.parametrize("name", ["..", "../config/policies/hillingdon", "hillingdon\x00", "é"])
def test_a_policy_name_is_a_plain_word_never_a_path(name: str, tmp_path: Path) -> None:
    result = plan_with(tmp_path, "--policy", name)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
