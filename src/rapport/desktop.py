"""Rapport as a desktop application: its identity and ``rapport install-desktop``.

The freedesktop entry, the AppStream metainfo and the icon are shipped in
``resources/desktop`` and ``resources/icons``. The window takes its application name,
desktop file name and WM class from here, so the desktop groups its windows under the
entry's icon. ``install-desktop`` copies the entry (its ``Exec`` pointed at the command
that ran it), the metainfo and the icons into the user's XDG data folder, for a pip or
pipx install or an unpacked bundle; ``--uninstall`` removes exactly those files.

Qt-free: the command works without a display.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import RapportError
from rapport.paths import resources_dir

# The reverse-DNS id AppStream asks for: the desktop file's name, the icon's name and
# the Wayland app id. Chosen once; changing it would orphan installed launchers.
APP_ID = "io.github.rapport.Rapport"
APP_NAME = "Rapport"  # the entry's Name, Qt's application name and the WM_CLASS class
WM_INSTANCE = "rapport"  # WM_CLASS instance: the command's name, as argv[0] gives it
ICON_SIZES = (16, 32, 48, 64, 128, 256)
ICON_SVG = "rapport.svg"


class DesktopInstallError(RapportError):
    """The entry or an icon could not be written or removed."""


def icons_dir() -> Path:
    """The shipped icon: ``rapport.svg`` and its PNG renderings."""
    return resources_dir() / "icons"


def icon_png(size: int) -> Path:
    """The shipped PNG of the icon at ``size`` pixels."""
    return icons_dir() / f"rapport-{size}.png"


def desktop_entry() -> Path:
    """The shipped ``.desktop`` entry."""
    return resources_dir() / "desktop" / f"{APP_ID}.desktop"


def metainfo() -> Path:
    """The shipped AppStream metainfo."""
    return resources_dir() / "desktop" / f"{APP_ID}.metainfo.xml"


def xdg_data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` where it is unset, empty or relative (as
    the XDG base directory specification says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """The command that starts this Rapport: the bundle's launcher, the ``rapport``
    script that is running, or failing those this Python with ``-m rapport``."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: its launcher
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == WM_INSTANCE and script.exists():
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "rapport"]


def _exec_line(command: list[str]) -> str:
    """A desktop entry's ``Exec`` value: each argument quoted as the specification says
    (double quotes, with ``"``, `````, ``$`` and ``\\`` escaped; ``%`` doubled)."""

    def quote(arg: str) -> str:
        arg = arg.replace("%", "%%")
        if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
            return arg
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        return f'"{escaped}"'

    return " ".join(quote(arg) for arg in command)


def entry_text(command: list[str]) -> str:
    """The shipped entry with ``Exec`` (and ``TryExec``) set to ``command``."""
    lines = []
    for line in desktop_entry().read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={_exec_line(command)}")
            lines.append(f"TryExec={command[0]}")  # a path, not a command line
        elif not line.startswith("TryExec="):
            lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Placed:
    """One file ``install-desktop`` puts in place: where it goes and its content."""

    target: Path
    content: bytes


def planned_files(data_home: Path, command: list[str]) -> list[Placed]:
    """What ``install-desktop`` writes under ``data_home``, in order: the icons first and
    the entry last, so a launcher never shows without its icon."""
    icons = data_home / "icons" / "hicolor"
    files = [
        Placed(icons / f"{s}x{s}" / "apps" / f"{APP_ID}.png", icon_png(s).read_bytes())
        for s in ICON_SIZES
    ]
    files.append(
        Placed(icons / "scalable" / "apps" / f"{APP_ID}.svg", (icons_dir() / ICON_SVG).read_bytes())
    )
    files.append(Placed(data_home / "metainfo" / metainfo().name, metainfo().read_bytes()))
    entry = entry_text(command).encode("utf-8")
    files.append(Placed(data_home / "applications" / desktop_entry().name, entry))
    return files


def _write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file renamed over it: the file
    is the old one or the new one whole, never a part. The temporary files an earlier,
    killed run left beside it are removed first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for litter in path.parent.glob(f".{path.name}.*.part"):  # what a killed run left
            litter.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise DesktopInstallError(
            f"Cannot write into {path.parent}: {exc.strerror or exc}."
        ) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DesktopInstallError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(data_home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Put the entry, the metainfo and the icons in the user's folders; the paths
    written. Run again, it replaces them (a moved install gets its new ``Exec``)."""
    home = data_home or xdg_data_home()
    written = []
    for placed in planned_files(home, command or launch_command()):
        _write(placed.target, placed.content)
        written.append(placed.target)
    return written


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what :func:`install` put in place (the entry first); the paths removed."""
    home = data_home or xdg_data_home()
    removed = []
    for placed in reversed(planned_files(home, ["rapport"])):
        try:
            placed.target.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DesktopInstallError(
                f"Cannot remove {placed.target}: {exc.strerror or exc}."
            ) from exc
        removed.append(placed.target)
    return removed
