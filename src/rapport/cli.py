"""The ``rapport`` command: the app, and the ``check``, ``export``, ``stats``,
``backups`` and ``restore`` subcommands.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rapport import __version__
from rapport.paths import deck_folders, default_data_dir, user_decks_dir

if TYPE_CHECKING:
    from rapport.content import Deck

# The exit status when whoever reads our output stops early (128 + SIGPIPE, as a shell
# reports a tool that a closed pipe stopped).
PIPE_CLOSED = 141


def _common(default: object) -> argparse.ArgumentParser:
    # Subcommands get default=SUPPRESS so that `rapport --data-dir X stats` keeps the X
    # given before the subcommand instead of resetting it to the subcommand's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help=f"where Rapport keeps progress and backups (default: {default_data_dir()})",
    )
    return common


def _deck_paths_argument(parser: argparse.ArgumentParser) -> None:
    """The deck files or folders a subcommand reads (``check``, ``export``)."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the shipped decks and the ones you added)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rapport`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: a flashcard trainer for counselling trainees. "
        "Without a subcommand, opens the app.",
        parents=[_common(None)],
    )
    common = _common(argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"rapport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", parents=[common], help="validate deck files and report every problem"
    )
    _deck_paths_argument(check)
    check.add_argument(
        "--strict",
        action="store_true",
        help="treat item-writing warnings (cues that give answers away) as errors",
    )
    check.set_defaults(func=cmd_check)

    add = sub.add_parser(
        "add",
        parents=[common],
        help="add a deck file (for example from your course leader) to your decks",
    )
    add.add_argument("deck", type=Path, metavar="DECK.toml", help="the deck file to add")
    add.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="replace an earlier version without asking (it is shown what changes)",
    )
    add.set_defaults(func=cmd_add)

    export = sub.add_parser(
        "export", parents=[common], help="write decks to an Anki package (.apkg)"
    )
    _deck_paths_argument(export)
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE.apkg",
        help="the package to write (replaced if it exists)",
    )
    export.add_argument(
        "--since",
        type=Path,
        metavar="OLD.apkg",
        help="the package imported into Anki before: list what the new one will do there "
        "(default: compare with the exports recorded in the data folder)",
    )
    export.set_defaults(func=cmd_export)

    stats = sub.add_parser(
        "stats", parents=[common], help="show study statistics (works while the app runs)"
    )
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.set_defaults(func=cmd_stats)

    backups = sub.add_parser("backups", parents=[common], help="list the backups of your progress")
    backups.set_defaults(func=cmd_backups)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="restore a backup (default: the newest); the current file is kept aside",
    )
    restore.add_argument(
        "backup",
        nargs="?",
        type=Path,
        metavar="BACKUP",
        help="a backup file, or its name in the backups folder (see `rapport backups`)",
    )
    restore.set_defaults(func=cmd_restore)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    """Validate decks; print one line per problem, the item-writing warnings of the valid
    decks and a summary; 1 if anything is wrong (or, with --strict, anything warned)."""
    from rapport.content import discover, load_decks
    from rapport.content.itemcheck import check_deck

    paths = args.paths or deck_folders(_data_dir(args))
    files = discover(paths)
    result = load_decks(files)
    for problem in result.problems:
        print(problem)
    warnings = 0
    for deck in result.decks:
        report = check_deck(deck)
        for warning in report.warnings:
            print(warning)
        warnings += len(report.warnings)
        if report.longest.choices:
            print(f"{deck.path}: {report.longest}")
    notes = sum(len(d.notes) for d in result.decks)
    cards = sum(len(d.cards()) for d in result.decks)
    problems = len(result.problems)
    print(
        f"{len(files)} deck file{'s' * (len(files) != 1)} checked: "
        f"{len(result.decks)} valid ({notes} notes, {cards} cards), "
        f"{len(result.errors)} with problems ({problems} problem{'s' * (problems != 1)}), "
        f"{warnings} item-writing warning{'s' * (warnings != 1)}"
        + (" (errors under --strict)" if args.strict and warnings else "")
    )
    if not files:
        print("no deck files found in: " + ", ".join(map(str, paths)), file=sys.stderr)
        return 1
    return 1 if result.errors or (args.strict and warnings) else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export decks to an Anki package; 1 (and no file) if a deck has problems or writing fails."""
    from rapport.content import discover, load_decks
    from rapport.export import ExportError, export_decks
    from rapport.export.record import RecordError, load_record, record_from_package, save_record

    data_dir = _data_dir(args)
    paths = args.paths or deck_folders(_data_dir(args))
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
        previous = load_record(data_dir) if args.since is None else record_from_package(args.since)
    except RecordError as exc:
        print(f"not exported: {exc}", file=sys.stderr)
        return 1
    try:
        written = export_decks(result.decks, args.output, previous=previous)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    if written.record is not None:
        save_record(data_dir, written.record)
    withdrawn = f", {written.withdrawn} withdrawn" if written.withdrawn else ""
    print(
        f"exported {written.decks} deck{'s' * (written.decks != 1)} "
        f"({written.notes} notes, {written.cards} cards{withdrawn}) to {written.path}"
    )
    if written.plan is not None and (args.since is not None or previous.notes):
        for line in written.plan.describe():
            print(line)
    return 0


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or default_data_dir())


def _known_decks(data_dir: Path) -> list[Deck]:
    """The shipped decks and the trainee's own, as the app loads them."""
    from rapport.content import discover, load_decks

    return list(load_decks(discover(deck_folders(data_dir))).decks)


def cmd_add(args: argparse.Namespace) -> int:
    """Validate a deck file and copy it to the trainee's decks; 1 if it has problems.

    A revision of a deck the trainee has is shown (what it adds, rewords and removes)
    before it replaces the old copy; at a terminal, Rapport asks first unless ``--yes``.
    """
    from rapport.content import DeckError
    from rapport.content.install import AddDeckError, plan_add

    data_dir = _data_dir(args)
    try:
        plan = plan_add(args.deck, user_decks_dir(data_dir), existing=_known_decks(data_dir))
        changes = plan.revision_lines()
        if changes:
            print(f"{args.deck} is a revision of your copy of '{plan.deck.name}':")
            for line in changes:
                print(f"  {line}")
            if not args.yes and sys.stdin.isatty():
                answer = input("Replace your copy with it? [y/N] ").strip().lower()
                if answer not in {"y", "yes"}:
                    print("not added: your copy is unchanged")
                    return 1
        replaced = plan.replaces
        deck = plan.apply()
    except DeckError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"not added: {args.deck} has problems (see above)", file=sys.stderr)
        return 1
    except AddDeckError as exc:
        print(f"not added: {exc}", file=sys.stderr)
        return 1
    notes, cards = len(deck.notes), len(deck.cards())
    size = f"'{deck.name}' ({notes} note{'s' * (notes != 1)}, {cards} card{'s' * (cards != 1)})"
    if replaced:
        print(f"updated {size} in {deck.path}; the cards you studied keep their progress")
    else:
        print(f"added {size} to your decks as {deck.path}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print study statistics, read from a snapshot (safe while the app is running)."""
    from rapport.errors import RapportError
    from rapport.study import Collection
    from rapport.study.report import format_stats

    now = datetime.now(UTC)
    try:
        collection = Collection.open(
            _data_dir(args), _known_decks(_data_dir(args)), now, lock=False
        )
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        stats = collection.stats(now)
    finally:
        collection.close(now)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2))
    else:
        print(format_stats(stats))
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    """List the backups of the data folder, newest first."""
    from rapport.study import list_backups
    from rapport.study.report import format_backups

    data_dir = args.data_dir or default_data_dir()
    print(f"backups in {data_dir / 'backups'}:")
    print(format_backups(list_backups(data_dir), datetime.now(UTC)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup as the progress database; 1 if it cannot be done."""
    from rapport.errors import RapportError
    from rapport.study import restore_backup

    data_dir = args.data_dir or default_data_dir()
    backup = args.backup
    if backup is not None and not backup.exists():
        backup = data_dir / "backups" / backup.name
    try:
        restored = restore_backup(data_dir, backup, datetime.now(UTC))
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"restored {restored.backup}")
    if restored.kept_aside is not None:
        print(f"the previous file was kept as {restored.kept_aside}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    """Open the app window."""
    from rapport.ui.app import run_app

    return run_app(data_dir=args.data_dir or default_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rapport`` command."""
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_app)
    try:
        return int(func(args))
    except BrokenPipeError:
        # The reader went away (``rapport stats --json | head``): stop quietly, as a
        # shell tool does, and keep Python's exit-time flush from raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return PIPE_CLOSED


if __name__ == "__main__":
    sys.exit(main())
