"""Files shipped inside the package: policies, record templates, the example roster and settings.

They live here, not beside the package, so that an installed wheel has them too: a council that
runs `pip install gworkspace-supervision` can plan with `--policy hillingdon`, install the record
templates and run the demo without a clone of the repository. They are found through
`importlib.resources`, never through a path relative to the working folder, so a command behaves
the same from any folder.

    policies/   one TOML file per supervision policy (`--policy hillingdon`)
    templates/  the record templates, editable HTML (`templates install`)
    examples/   roster.example.csv and settings.example.toml (the demo books the roster)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from ..errors import SupervisionError

Kind = Literal["policies", "templates", "examples"]


def shipped_dir(kind: Kind) -> Path:
    """The folder of shipped files of one kind, e.g. shipped_dir("policies") / "hillingdon.toml".

    pip unpacks a wheel into files on disk, so the folder is a real path that the readers (which
    check sizes and file types before reading) can open. A package imported from a zip archive
    has no such folder: say so rather than fail later with a confusing "not found".
    """
    folder = resources.files(__name__) / kind
    if not isinstance(folder, Path) or not folder.is_dir():
        raise SupervisionError(
            f"The package's own {kind} folder is missing ({folder}). Reinstall it with "
            "`pip install --force-reinstall gworkspace-supervision` (it must be installed as "
            "files, not imported from a zip archive)."
        )
    return folder
