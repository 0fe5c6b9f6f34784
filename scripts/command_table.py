"""Print the README's command table from the CLI's help, or (--write) put it into README.md.

The table lives between `<!-- commands:start -->` and `<!-- commands:end -->`;
tests/cli/test_help.py fails when README.md and the CLI disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gworkspace_supervision.cli.command_table import block, in_readme
from gworkspace_supervision.cli.main import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def main(argv: list[str]) -> int:
    made = block(cli)
    if "--write" not in argv:
        print(made)
        return 0
    text = README.read_text(encoding="utf-8")
    found = in_readme(text)
    if found is None:
        print(
            "README.md has no <!-- commands:start --> ... <!-- commands:end --> block",
            file=sys.stderr,
        )
        return 2
    README.write_text(text.replace(found, made), encoding="utf-8")
    print(f"README.md: command table {'unchanged' if found == made else 'updated'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
