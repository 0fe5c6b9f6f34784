"""The repository stands on its own: nothing in it points at files that only exist on our machines.

Whoever clones the project gets the README, docs/ and the code, and nothing beside them. So no
tracked file may send a reader to a folder outside the repository (a sibling `shared` folder,
a design document there) or name the source policy documents by the file names they had on the
machines this was written on; a policy is cited by its title and section instead, for example
"Hillingdon Supervision Framework 4.4". And every repository path the Markdown documents name
in backticks exists, so a moved file cannot leave the README pointing at nothing.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "gworkspace_supervision"
THIS = Path(__file__).resolve()
SKIP_PARTS = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
SKIP_PARTS |= {"build", "dist", ".gws-workspace"}

# What a pointer outside the repository looks like, with why each is wrong.
OUTSIDE = {
    r"\.\./shared\b": "a folder beside the repository",
    r"/work/(shared|main|wt)\b": "a folder on the machine this was written on",
    r"\bshared/DESIGN\.md\b": "a design document outside the repository",
    r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b": "a source policy's file name (cite its title and section)",
    r"(?<!\d)00\d_(\*|[a-z])": "a source policy's file-name prefix (cite its title and section)",
    r"\b00\d (guidance|table|policy)\b": "a source policy by its file number (cite its title)",
}
# The shipped files' old places, outside the package (a wheel has no such folders).
OUTSIDE |= {
    r"(?<![\w/])config/(policies|roster\.example|settings\.example)": "moved to gworkspace_supervision/data",
    r"(?<![\w/])templates/(\*\.html|README\.md)": "moved to gworkspace_supervision/data/templates",
}


def tracked_files() -> list[Path]:
    """The files git tracks (a clone's contents); without git, the tree minus caches."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return [
            p
            for p in REPO.rglob("*")
            if p.is_file()
            and not SKIP_PARTS & set(p.relative_to(REPO).parts)
            and not p.name.endswith(".egg-info")
        ]
    return [REPO / name for name in listed.decode().split("\0") if name]


def text_of(path: Path) -> str | None:
    """The file as text, or None for a binary file (a PNG, say) or one deleted but not staged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", errors="replace")


def test_no_tracked_file_points_outside_the_repository() -> None:
    files = [p for p in tracked_files() if p.resolve() != THIS]
    assert any(p.name == "README.md" for p in files), "no tracked files found"
    hits: list[str] = []
    for path in files:
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for pattern, why in OUTSIDE.items():
                found = re.search(pattern, line)
                if found:
                    where = path.relative_to(REPO).as_posix()
                    hits.append(f"{where}:{number}: {found.group(0)!r} is {why}")
    assert hits == [], "\n".join(hits)


def test_the_patterns_catch_what_they_are_for() -> None:
    """Each pattern matches the kind of pointer it is there to catch, and not a citation."""
    pointers = [
        "See `../" + "shared/DESIGN.md` for the design.",  # split: no pointer in this file
        "cwd /work/shared/policies",
        'document = "000_' + '1317b05656745fd1.txt"',
        "Hillingdon 4.4 (000_*): the record",
        "the 002_* table by involvement",
        "def test_sessions_under_the_002_table",
        "(002 guidance: frequency monitored per team)",
        "Example: gws-supervision plan --roster config/roster.example.csv",
        "Upload each templates/*.html as a Google Doc",
    ]
    fine = [
        "Hillingdon Supervision Framework 4.4",
        "Supervision Guidance (case discussion)",
        'f\'"{3_000_000_000 + raw.get("_seq", 0)}"\'',
        "def test_batch_of_1000_inserts",
        "the shipped gworkspace_supervision/data/policies/hillingdon.toml",
        "(`data/templates/*.html`), see data/templates/README.md",
        "session_id: sup0a1b2c3d4e5f6a7b8_20270104T090000Z",
    ]
    for line in pointers:
        assert any(re.search(p, line) for p in OUTSIDE), line
    for line in fine:
        assert not any(re.search(p, line) for p in OUTSIDE), line


PATH_TOKEN = re.compile(r"`([A-Za-z_.][\w.*/-]*/[\w.*/-]*)`")
SUFFIXES = {".py", ".md", ".toml", ".csv", ".html", ".json", ".png", ".yaml", ".sh", ".txt"}


def _names_a_path(token: str) -> bool:
    """`docs/architecture.md`, `tests/data/bad/`, `.ci/run`: yes; `Europe/London`: no."""
    if token.startswith(("http", "//")) or "..." in token:
        return False
    first = token.split("/", 1)[0]
    return token.endswith("/") or Path(token).suffix in SUFFIXES or (REPO / first).is_dir()


def _exists(token: str, beside: Path) -> bool:
    """Relative to the repository, the package (`domain/planner.py`), tests/ or the document."""
    for base in (REPO, PACKAGE, REPO / "tests", beside):
        if "*" in token:
            if any(base.glob(token.rstrip("/"))):
                return True
        elif (base / token).exists():
            return True
    return False


def test_paths_named_in_the_markdown_documents_exist() -> None:
    missing: list[str] = []
    documents = [p for p in tracked_files() if p.suffix == ".md" and p.is_file()]
    assert REPO / "README.md" in documents and REPO / "docs" / "architecture.md" in documents
    for document in documents:
        text = document.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for token in PATH_TOKEN.findall(line):
                if _names_a_path(token) and not _exists(token, document.parent):
                    where = document.relative_to(REPO).as_posix()
                    missing.append(f"{where}:{number}: `{token}` does not exist")
    assert missing == [], "\n".join(missing)


def test_readme_links_the_architecture_in_the_repository() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in readme
    architecture = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for topic in ("## Layers", "reconcile", "## The local Workspace", "## Privacy", "## Time"):
        assert topic in architecture, topic
