"""`python -m gworkspace_supervision.data`: where the shipped files are, to copy and edit.

After `pip install`, the example roster, the example settings, the policies and the record
templates sit inside the installed package; this prints each folder and its files so a council
can copy the example roster or a policy and edit its own copy.
"""

from __future__ import annotations

from typing import get_args

from . import Kind, shipped_dir


def main() -> None:
    for kind in get_args(Kind):
        folder = shipped_dir(kind)
        print(f"{kind}: {folder}")
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith(("_", ".")):
                print(f"  {path}")


if __name__ == "__main__":
    main()
