"""Where Rapport finds its shipped files and keeps the user's data.

In a source checkout the decks and resources sit at the top of the repository; in an
installed wheel they are carried inside the package as ``rapport/_data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent.parent / name


def decks_dir() -> Path:
    """The folder of the decks Rapport ships."""
    return _shipped("decks")


def resources_dir() -> Path:
    """The folder of the essay, the card stylesheet and other shipped resources."""
    return _shipped("resources")


def default_data_dir() -> Path:
    """The platform's user data folder for Rapport (not created here)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("rapport", appauthor=False))


def user_decks_dir(data_dir: Path) -> Path:
    """The folder of decks the trainee added (``rapport add``, File > Add deck file)."""
    return data_dir / "decks"


def own_decks_dir(data_dir: Path) -> Path:
    """The folder of decks the trainee made (File > New deck, ``rapport import``): theirs
    to rewrite, unlike shipped and handed-out decks."""
    return data_dir / "my-decks"


def deck_folders(data_dir: Path, shipped: Sequence[Path] | None = None) -> list[Path]:
    """Where Rapport finds decks: the shipped ones (or ``shipped``), then the trainee's
    added and own folders where they exist."""
    folders = list(shipped) if shipped is not None else [decks_dir()]
    added = [user_decks_dir(data_dir), own_decks_dir(data_dir)]
    return [*folders, *(f for f in added if f.is_dir())]
