"""The organisation's settings file (TOML), read as strictly as a roster, into ONE typed object.

Every default lives here, once: the dataclass field defaults below are what every command and
service gets when a key (or the whole file) is missing; nothing else in the package supplies
its own fallback. With no settings file the defaults serve the demo organisation:
allowed_domains is ["example-council.gov.uk"], so a real council must name its own domain
(`gws-supervision init --roster FILE` writes the file) before any roster of real staff
validates: safe by default, records are never shared outside the allowed domains.

`refusal` / `check_recipients` are the one rule deciding whether an address may receive
anything at all (a calendar invitation, a share of a record or of the tracking Sheet, an email).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .domain.policy import REGIONS, decode_text, located, parse_closure_days, read_toml
from .domain.roster import check_email
from .domain.text import text_problem
from .errors import InputError, PrivacyError, Problem
from .files import MAX_TOML_BYTES, read_input

DEFAULT_DOMAINS = ("example-council.gov.uk",)
ROLES = ("commenter", "reader", "writer")
AUTH = ("service_account", "oauth", "adc")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_AUTH = "service_account"  # the usual council deployment (domain-wide delegation)
DEFAULT_DRIVE_SCOPE = "drive.file"  # least privilege: only files the toolkit made
DRIVE_SCOPES = (DEFAULT_DRIVE_SCOPE, "drive")  # [google] drive_scope: least privilege, or broad


@dataclass(frozen=True)
class Organisation:
    name: str = "Example Council"
    allowed_domains: tuple[str, ...] | None = DEFAULT_DOMAINS  # None: not restricted
    operator: str | None = None  # owns the tracking Sheet
    heads_of_service: tuple[str, ...] = ()
    closure_days: frozenset[date] = frozenset()
    region: str | None = None  # overrides the policy's region when set


@dataclass(frozen=True)
class SupervisionSettings:
    policy: str = "hillingdon"
    roster: str | None = None
    notify: bool = True
    line_manager_role: str = "commenter"
    template_folder_id: str | None = None
    template_doc_id: str | None = None
    tracker_sheet_id: str | None = None
    caseload: str | None = None  # caseload CSV: each record gets its case-discussion agenda
    digest_weekday: str = "monday"  # `daily` emails the line managers' digest on this day; "off"
    # Hillingdon 4.5: after a handover the old supervisor loses access unless this keeps it
    transfer_keep_old_supervisor_access: bool = False


@dataclass(frozen=True)
class GoogleSettings:
    auth: str = DEFAULT_AUTH
    service_account_key: str | None = None
    oauth_client_secrets: str | None = None
    token_path: str | None = None
    subject: str | None = None
    drive_scope: str = DEFAULT_DRIVE_SCOPE  # "drive": the broad scope `transfer` needs (README)
    digest: bool = False  # not a settings key: `digest --send` sets it to ask for gmail.send


@dataclass(frozen=True)
class Settings:
    organisation: Organisation = field(default_factory=Organisation)
    supervision: SupervisionSettings = field(default_factory=SupervisionSettings)
    google: GoogleSettings = field(default_factory=GoogleSettings)
    source: str | None = None  # the settings file read; None: the defaults, no file

    @property
    def allowed_domains(self) -> tuple[str, ...] | None:
        return self.organisation.allowed_domains

    def refusal(self, address: str) -> str | None:
        """Why `address` may not receive anything from the toolkit, or None if it may.

        The one allowed-address rule: a well-formed address in one of the allowed domains.
        """
        return check_email(address.strip().lower(), self.organisation.allowed_domains)

    def check_recipients(self, recipients: Iterable[tuple[str, str]]) -> None:
        """Refuse, before the first write, every (address, who it is) that may not receive.

        PrivacyError (exit 2) listing every refused address and what it would have received,
        with what to change; nothing has been written when it is raised.
        """
        problems: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for address, role in recipients:
            key = (address.strip().lower(), role)
            if key in seen:
                continue
            seen.add(key)
            wrong = self.refusal(address)
            if wrong:
                problems.append(Problem(role, None, None, f"{wrong}; {self._widen_hint()}"))
        if problems:
            raise PrivacyError(problems)

    def _widen_hint(self) -> str:
        if self.source is None:
            return (
                "nothing was sent or shared (no settings file: only the example domain is "
                "allowed; `gws-supervision init --roster FILE` writes one for your domains)"
            )
        return (
            f"nothing was sent or shared (correct the address, or add its domain to "
            f"[organisation] allowed_domains in {self.source})"
        )


_KEYS = {
    "organisation": {"name", "allowed_domains", "operator", "heads_of_service", "closure_days", "region"},
    "supervision": {
        "policy", "roster", "notify", "line_manager_role", "template_folder_id",
        "template_doc_id", "tracker_sheet_id", "caseload", "transfer_keep_old_supervisor_access",
        "digest_weekday",
    },
    "google": {
        "auth", "service_account_key", "oauth_client_secrets", "token_path", "subject",
        "drive_scope",
    },
}  # fmt: skip


_ORGANISATION, _SUPERVISION, _GOOGLE = Organisation(), SupervisionSettings(), GoogleSettings()


def load_settings(path: Path | None) -> Settings:
    """Read `path` (None: the defaults); every problem is reported at once."""
    if path is None:
        return Settings()
    name = str(path)
    raw = read_input(path, "settings", MAX_TOML_BYTES)  # no FIFO, device or huge file
    text = decode_text(raw, name)
    with located(text):  # problems name the key; this adds its line
        return parse_settings(read_toml(text, name), name)


_FREE_TEXT = {("organisation", "name")}  # settings text that is a label, not an ID or path


def parse_settings(data: dict[str, Any], name: str) -> Settings:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(name, None, key, message))

    for section, content in data.items():
        if section not in _KEYS:
            bad(section, f"unknown section [{section}] (allowed: {', '.join(_KEYS)})")
        elif not isinstance(content, dict):
            bad(section, f"[{section}] must be a table")
        else:
            for key in content:
                if key not in _KEYS[section]:
                    allowed = ", ".join(sorted(_KEYS[section]))
                    bad(f"{section}.{key}", f"unknown key (allowed: {allowed})")

    def table(section: str) -> dict[str, Any]:
        value = data.get(section, {})
        return value if isinstance(value, dict) else {}

    def text(section: str, key: str, default: str | None, choices: tuple[str, ...] = ()) -> Any:
        value = table(section).get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            bad(f"{section}.{key}", f"must be a non-empty string, got {value!r}")
            return default
        if choices and value not in choices:
            bad(f"{section}.{key}", f"must be one of {', '.join(choices)}, got {value!r}")
            return default
        # shown to people and written to the Sheet; only free text (the organisation's name)
        # is refused for starting like a formula: an ID such as a Sheet's may start with "-"
        wrong = text_problem(value.strip(), 1000, formula=(section, key) in _FREE_TEXT)
        if wrong:
            bad(f"{section}.{key}", wrong)
            return default
        return value.strip()

    def emails(section: str, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(f"{section}.{key}", "must be a list of email addresses")
            return ()
        for item in value:
            wrong = check_email(item.strip().lower(), None)
            if wrong:
                bad(f"{section}.{key}", wrong)
        return tuple(v.strip().lower() for v in value)

    org = table("organisation")
    domains: tuple[str, ...] | None = DEFAULT_DOMAINS
    if "allowed_domains" in org:
        raw = org["allowed_domains"]
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(d, str) and "." in d for d in raw)
        ):
            bad("organisation.allowed_domains", 'must be a non-empty list like ["council.gov.uk"]')
        else:
            domains = tuple(d.strip().lower() for d in raw)
    operator = text("organisation", "operator", None)
    if operator and check_email(operator.lower(), domains):
        bad("organisation.operator", check_email(operator.lower(), domains) or "")
    heads = emails("organisation", "heads_of_service", org.get("heads_of_service", []))
    for head in heads:  # they are given the tracking Sheet: inside the organisation only
        outside = check_email(head, domains)
        if outside and not check_email(head, None):
            bad(
                "organisation.heads_of_service",
                f"{outside}: they would be given the tracking Sheet",
            )
    closures = parse_closure_days(org.get("closure_days", []), bad, "organisation.closure_days")
    region = text("organisation", "region", None)
    if region is not None and region.upper() not in REGIONS:
        bad("organisation.region", f"must be one of {', '.join(REGIONS)}, got {region!r}")
    caseload = text("supervision", "caseload", None)
    if caseload is not None and not caseload.lower().endswith(".csv"):
        bad("supervision.caseload", f"must name a caseload .csv file, got {caseload!r}")
    weekday = str(text("supervision", "digest_weekday", _SUPERVISION.digest_weekday)).lower()
    if weekday not in (*WEEKDAYS, "off"):
        bad("supervision.digest_weekday", f"must be a day like monday, or off, got {weekday!r}")
        weekday = _SUPERVISION.digest_weekday
    notify = table("supervision").get("notify", _SUPERVISION.notify)
    if not isinstance(notify, bool):
        bad("supervision.notify", f"must be true or false, got {notify!r}")
        notify = _SUPERVISION.notify
    keep_old = table("supervision").get(
        "transfer_keep_old_supervisor_access", _SUPERVISION.transfer_keep_old_supervisor_access
    )
    if not isinstance(keep_old, bool):
        bad(
            "supervision.transfer_keep_old_supervisor_access",
            f"must be true or false, got {keep_old!r}",
        )
        keep_old = _SUPERVISION.transfer_keep_old_supervisor_access
    settings = Settings(
        organisation=Organisation(
            name=text("organisation", "name", _ORGANISATION.name),
            allowed_domains=domains,
            operator=operator.lower() if operator else None,
            heads_of_service=heads,
            closure_days=frozenset(closures),
            region=region.upper() if region else None,
        ),
        supervision=SupervisionSettings(
            policy=text("supervision", "policy", _SUPERVISION.policy),
            roster=text("supervision", "roster", None),
            notify=notify,
            line_manager_role=text(
                "supervision", "line_manager_role", _SUPERVISION.line_manager_role, ROLES
            ),
            template_folder_id=text("supervision", "template_folder_id", None),
            template_doc_id=text("supervision", "template_doc_id", None),
            tracker_sheet_id=text("supervision", "tracker_sheet_id", None),
            caseload=caseload,
            digest_weekday=weekday,
            transfer_keep_old_supervisor_access=keep_old,
        ),
        google=GoogleSettings(
            auth=text("google", "auth", _GOOGLE.auth, AUTH),
            service_account_key=text("google", "service_account_key", None),
            oauth_client_secrets=text("google", "oauth_client_secrets", None),
            token_path=text("google", "token_path", None),
            subject=text("google", "subject", None),
            drive_scope=text("google", "drive_scope", _GOOGLE.drive_scope, DRIVE_SCOPES),
        ),
        source=name,
    )
    if problems:
        raise InputError(problems)
    return settings
