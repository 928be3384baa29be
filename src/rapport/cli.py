"""The ``rapport`` command: the app, and the ``check``, ``export``, ``stats``,
``backups`` and ``restore`` subcommands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rapport import __version__
from rapport.paths import decks_dir, default_data_dir


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where Rapport keeps progress and backups (default: {default_data_dir()})",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rapport`` and its subcommands."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: a flashcard trainer for counselling trainees. "
        "Without a subcommand, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"rapport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", parents=[common], help="validate deck files and report every problem"
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the shipped decks)",
    )
    check.set_defaults(func=cmd_check)

    export = sub.add_parser(
        "export", parents=[common], help="write decks to an Anki package (.apkg)"
    )
    export.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the shipped decks)",
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE.apkg",
        help="the package to write (replaced if it exists)",
    )
    export.set_defaults(func=cmd_export)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    """Validate decks; print one line per problem and a summary; 1 if anything is wrong."""
    from rapport.content import discover, load_decks

    paths = args.paths or [decks_dir()]
    files = discover(paths)
    result = load_decks(files)
    for problem in result.problems:
        print(problem)
    notes = sum(len(d.notes) for d in result.decks)
    cards = sum(len(d.cards()) for d in result.decks)
    problems = len(result.problems)
    print(
        f"{len(files)} deck file{'s' * (len(files) != 1)} checked: "
        f"{len(result.decks)} valid ({notes} notes, {cards} cards), "
        f"{len(result.errors)} with problems ({problems} problem{'s' * (problems != 1)})"
    )
    if not files:
        print("no deck files found in: " + ", ".join(map(str, paths)), file=sys.stderr)
        return 1
    return 1 if result.errors else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export decks to an Anki package; 1 (and no file) if a deck has problems or writing fails."""
    from rapport.content import discover, load_decks
    from rapport.export import ExportError, export_decks

    paths = args.paths or [decks_dir()]
    files = discover(paths)
    if not files:
        print("no deck files found in: " + ", ".join(map(str, paths)), file=sys.stderr)
        return 1
    result = load_decks(files)
    if result.errors:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        count = len(result.errors)
        print(
            f"not exported: {count} deck file{'s' * (count != 1)} with problems "
            "(fix them, then export again)",
            file=sys.stderr,
        )
        return 1
    try:
        written = export_decks(result.decks, args.output)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"exported {written.decks} deck{'s' * (written.decks != 1)} "
        f"({written.notes} notes, {written.cards} cards) to {written.path}"
    )
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    """Open the app window."""
    from rapport.ui.app import run_app

    return run_app(data_dir=args.data_dir or default_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rapport`` command."""
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_app)
    return int(func(args))


if __name__ == "__main__":
    sys.exit(main())
