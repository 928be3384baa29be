"""A small deck as a course leader would hand it out, for the add-deck tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"
HANDOUT = f'''id = "course-week-1"
name = "Course week 1"
essay = "{ESSAY}"
[paragraphs]
5 = "Norcross defined the alliance."
[[notes]]
id = "components"
kind = "basic"
concept = "alliance-definition"
source = {{ paragraph = 5, anchor = "Dr. John Norcross, whom headed up" }}
front = "Which three components is the alliance measured by?"
back = "Goals, tasks and a bond."
'''


def write_handout(folder: Path) -> Path:
    """Write the handout deck, with its essay beside it, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(resources_dir() / ESSAY, folder / ESSAY)
    path = folder / "week1.toml"
    path.write_text(HANDOUT)
    return path
