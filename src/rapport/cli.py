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
from rapport.logs import log, log_file, start_logging
from rapport.paths import deck_folders, default_data_dir, own_decks_dir, user_decks_dir

if TYPE_CHECKING:
    from rapport.content import Deck
    from rapport.interop.anki.progress import StudyProgress
    from rapport.interop.sheetimport import Mode
    from rapport.interop.spreadsheet import Sheet
    from rapport.study import Collection

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


def _kind_name(value: str) -> str:
    """A ``--kind`` value: the name of a registered kind (checked when given, so that
    building the parser loads no kind module)."""
    from rapport.content.notes.kinds import registered

    if value not in registered():
        kinds = ", ".join(registered())
        raise argparse.ArgumentTypeError(f"unknown kind {value!r} (choose from {kinds})")
    return value


def _deck_paths_argument(parser: argparse.ArgumentParser) -> None:
    """The deck files or folders a subcommand reads (``check``, ``export``)."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the shipped decks and the ones you added)",
    )


class _Version(argparse.Action):
    """``--version``: the version and where the data and the log file are, as is."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *args: object
    ) -> None:
        data = getattr(namespace, "data_dir", None) or default_data_dir()
        print(f"rapport {__version__}\ndata folder: {data}\nlog file: {log_file()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rapport`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: a flashcard trainer for counselling trainees. "
        "Without a subcommand, opens the app.",
        parents=[_common(None)],
    )
    common = _common(argparse.SUPPRESS)
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        help="show the version, the data folder and the log file's place",
    )
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
        help="the package (or with --csv the spreadsheet) to write; replaced if it exists",
    )
    export.add_argument(
        "--csv",
        action="store_true",
        help="write a spreadsheet in Anki's text format instead (tab-separated if FILE "
        "ends in .tsv or .txt), which `rapport import` reads back with the same note ids",
    )
    export.add_argument(
        "--excel",
        action="store_true",
        help="with --csv: write the spreadsheet as Excel on Windows reads it (a UTF-8 "
        "byte-order mark and CRLF line ends); implies --csv",
    )
    export.add_argument(
        "--format",
        choices=("apkg", "gift", "qti"),
        default="apkg",
        help="apkg: an Anki package (default); gift: a Moodle quiz (FILE.gift or .txt); "
        "qti: a QTI 1.2 quiz package for Canvas (FILE.zip). Quizzes hold the choice notes "
        "(each option's rationale as its feedback) and the typed notes (every accepted answer)",
    )
    export.add_argument(
        "--since",
        type=Path,
        metavar="OLD.apkg",
        help="the package imported into Anki before: list what the new one will do there "
        "(default: compare with the exports recorded in the data folder)",
    )
    export.add_argument(
        "--with-progress",
        action="store_true",
        help="include your study progress (card states, FSRS memory, review log) for Anki's "
        '"Import any learning progress"; leave it off for a deck you hand out',
    )
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import a spreadsheet (.csv, .tsv in Anki's text format) as a deck",
        description="Import a spreadsheet as a deck. Anki's header lines are followed "
        "(#separator, #html, #tags, #columns, #notetype, #deck, and #notetype/#deck/#tags/"
        "#guid column:N); other columns are the note's fields in order. Every bad row is "
        "listed by its line and nothing is written until all rows are good.",
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="the .csv or .tsv file")
    imp.add_argument(
        "--kind",
        type=_kind_name,
        metavar="KIND",
        help="the kind of the rows when the file has no note type column (default: basic, "
        "or cloze for text with {{c1::...}})",
    )
    imp.add_argument(
        "--map",
        action="append",
        metavar="ROLE=COLUMN",
        help="give a column a role: id, kind, deck, concept, source, extension, extra, tags "
        "or a field (front, back, text, question, prompt, answer...); COLUMN is its number "
        "from 1 or its #columns name. Repeat for several.",
    )
    imp.add_argument(
        "--note-type",
        action="append",
        metavar="NAME=QUESTION,ANSWER",
        help="for an Anki package: which fields of a note type that is not a standard one "
        "are the question and the answer (default: its first two). Repeat for several.",
    )
    imp.add_argument(
        "--header",
        choices=("auto", "yes", "no"),
        default="auto",
        help="whether the first row names the columns (e.g. Front,Back,Tags as Excel or "
        "Google Sheets save it); auto (default): yes when there is no #columns line and "
        "every cell of the first row is a column name Rapport knows",
    )
    imp.add_argument("--deck-name", metavar="NAME", help="the deck's name (default: from the file)")
    imp.add_argument("--deck-id", metavar="ID", help="the deck's id (default: from its name)")
    imp.add_argument(
        "--label",
        metavar="TEXT",
        help="how cards name where they come from (default: the deck name), "
        'e.g. "Course notes, week 3"',
    )
    imp.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DECK.toml",
        help="write the deck file here (to hand out) instead of into your decks",
    )
    imp.add_argument(
        "--preview", action="store_true", help="show how the columns are read; write nothing"
    )
    when_there = imp.add_mutually_exclusive_group()
    when_there.add_argument(
        "--replace",
        action="store_true",
        help="when the deck is already one of yours: replace its notes with the file's "
        "(your file is kept in removed-decks)",
    )
    when_there.add_argument(
        "--add",
        action="store_true",
        help="when the deck is already one of yours: add the rows to it (a row with the id "
        "of one of its notes updates that note). Without --replace or --add, Rapport asks "
        "at a terminal and refuses otherwise",
    )
    imp.set_defaults(func=cmd_import)

    stats = sub.add_parser(
        "stats", parents=[common], help="show study statistics (works while the app runs)"
    )
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.add_argument("--deck", help="only this deck (its id or name); default: all decks")
    stats.add_argument(
        "--period",
        choices=("1m", "3m", "1y", "all"),
        default="1m",
        help="the period of the figures (default 1m, as the Statistics screen)",
    )
    stats.set_defaults(func=cmd_stats)

    report = sub.add_parser(
        "report",
        parents=[common],
        help="write your progress report (PDF) for a supervisor, or --json your class file",
        description="Write a progress report a supervisor can read: per deck and concept, "
        "mastery, true retention, time studied, calibration and confident errors (PDF, or "
        "HTML for a .html name). With --json, write the compact class file a course leader "
        "aggregates with `rapport class-report` (docs/class-report.md); it names you by a "
        "pseudonym unless --name is given. Works while the app runs.",
    )
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    report.add_argument("--name", default="", help="your name as it should appear")
    report.add_argument(
        "--period",
        default=None,
        metavar="DAYS",
        help="the period covered: 7d, 30d, 90d, 365d, any <N>d, or all "
        "(default: 30d for the report, all for --json)",
    )
    report.add_argument("--json", action="store_true", help="write the class file (JSON)")
    report.set_defaults(func=cmd_report)

    class_report = sub.add_parser(
        "class-report",
        parents=[common],
        help="aggregate trainees' class files into a class report (PDF or HTML)",
        description="Aggregate the class files trainees wrote with `rapport report --json`: "
        "concept mastery across the class, item analysis per note (share right, "
        "discrimination, distractors, notes that look miskeyed or ambiguous) and the "
        "class's calibration. Files of another deck version are refused.",
    )
    class_report.add_argument("files", nargs="+", type=Path, metavar="FILE.json")
    class_report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    class_report.set_defaults(func=cmd_class_report)
    search = sub.add_parser(
        "search",
        parents=[common],
        help="print the cards an Anki search matches (id, deck, question), as Browse finds them",
    )
    search.add_argument(
        "query",
        metavar="QUERY",
        help="an Anki search, e.g. 'deck:\"My deck\" is:due'; one starting with '-' "
        "goes after '--': rapport search -- -tag:x",
    )
    search.add_argument("--count", action="store_true", help="print only how many cards match")
    search.set_defaults(func=cmd_search)

    optimise = sub.add_parser(
        "optimize",
        parents=[common],
        help="fit FSRS's parameters to your review history (a preset's decks), as Anki's "
        "Optimize; keeps the current ones unless the fit is better",
    )
    optimise.add_argument("--preset", help="the preset to optimise (default: Default)")
    optimise.add_argument("--json", action="store_true", help="print the result as JSON")
    optimise.set_defaults(func=cmd_optimize)

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

    sync = sub.add_parser(
        "sync",
        parents=[common],
        help="sync your progress with Anki and AnkiDroid through a sync server",
        description="Two-way sync through Anki's own sync server (a self-hosted "
        "python -m anki.syncserver): the first time, log in with --endpoint, --username "
        "and --password-stdin; afterwards `rapport sync` alone syncs again. Media is not "
        "synced. Close the app first (it syncs itself: File > Sync).",
    )
    sync.add_argument("--endpoint", metavar="URL", help="the sync server, e.g. http://host:8080/")
    sync.add_argument("--username", metavar="NAME", help="the user name on the sync server")
    sync.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (it is not stored; the server's key is)",
    )
    sync.add_argument(
        "--full",
        choices=("upload", "download"),
        help="when Anki requires a full sync, which side wins: upload (Rapport's copy) "
        "or download (the server's; Rapport's own reviews are kept and sent again)",
    )
    sync.set_defaults(func=cmd_sync)

    desktop = sub.add_parser(
        "install-desktop",
        help="add Rapport to your applications menu (its launcher and icon, for you only)",
        description="Put Rapport's launcher (a freedesktop .desktop entry starting this "
        "rapport), its icon and its AppStream file in your folders under $XDG_DATA_HOME "
        "(default ~/.local/share), for a pip or pipx install or an unpacked bundle.",
    )
    desktop.add_argument(
        "--uninstall", action="store_true", help="remove what install-desktop put there"
    )
    desktop.set_defaults(func=cmd_install_desktop)
    return parser


def cmd_install_desktop(args: argparse.Namespace) -> int:
    """Install (or with --uninstall remove) the launcher and icons; 1 if a file fails."""
    from rapport.desktop import DesktopInstallError, install, uninstall

    try:
        paths = uninstall() if args.uninstall else install()
    except DesktopInstallError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.uninstall:
        print(f"removed {len(paths)} file{'s' * (len(paths) != 1)}")
    else:
        print(f"installed Rapport's launcher and icons ({len(paths)} files)")
    for path in paths:
        print(f"  {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate decks; print one line per problem, the item-writing warnings of the valid
    decks and a summary; 1 if anything is wrong (or, with --strict, anything warned)."""
    from rapport.content import discover
    from rapport.content.checks.itemcheck import check_deck
    from rapport.library import load_library

    paths = args.paths or deck_folders(_data_dir(args))
    files = discover(paths)
    result = load_library(_data_dir(args), folders=paths, cached=False).deck_set
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
        if report.warm.choices:
            print(f"{deck.path}: {report.warm}")
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
    from rapport.content import discover
    from rapport.interop.anki import ExportError, export_decks
    from rapport.interop.anki.anki_limits import progress_advice, withdrawn_advice
    from rapport.interop.anki.record import (
        RecordError,
        load_record,
        record_from_package,
        save_record,
    )
    from rapport.library import load_library

    data_dir = _data_dir(args)
    paths = args.paths or deck_folders(_data_dir(args))
    files = discover(paths)
    if not files:
        print("no deck files found in: " + ", ".join(map(str, paths)), file=sys.stderr)
        return 1
    # The decks as the window shows them (the trainee's local changes laid over).
    result = load_library(data_dir, folders=paths, cached=False).deck_set
    if result.errors:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        count = len(result.errors)
        named = {Path(p).resolve() for p in paths if Path(p).is_file()}
        if not result.decks or any(Path(e.path).resolve() in named for e in result.errors):
            print(
                f"not exported: {count} deck file{'s' * (count != 1)} with problems "
                "(fix them, then export again)",
                file=sys.stderr,
            )
            return 1
        for error in result.errors:  # a broken draft in a folder: the other decks go out
            print(f"skipped {error.path}: it has problems (listed above)", file=sys.stderr)
    decks = _with_local_changes(data_dir, result.decks)
    if args.csv or args.excel:
        return _export_csv(decks, args.output, excel=args.excel)
    if args.format != "apkg":
        return _export_quiz(decks, args.output, args.format)
    try:
        previous = load_record(data_dir) if args.since is None else record_from_package(args.since)
    except RecordError as exc:
        print(f"not exported: {exc}", file=sys.stderr)
        return 1
    study = None
    if args.with_progress:
        study = _study_progress(data_dir)
        if study is None:
            return 1
    try:
        written = export_decks(decks, args.output, previous=previous, study=study)
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
    if study is not None:
        studied = sum(1 for card in study.cards.values() if card.reviews)
        print(f"with the progress of {studied} studied card{'s' * (studied != 1)}")
        print(progress_advice())
    if written.plan is not None and (args.since is not None or previous.notes):
        for line in written.plan.describe():
            print(line)
    if written.withdrawn:
        print(withdrawn_advice(written.withdrawn))
    return 0


def _export_csv(decks: Sequence[Deck], output: Path, *, excel: bool = False) -> int:
    from rapport.interop.anki import ExportError
    from rapport.interop.sheetfile import export_sheet

    try:
        written = export_sheet(decks, output, excel=excel)
    except ExportError as exc:
        print(f"not exported: {exc}", file=sys.stderr)
        return 1
    count = written.decks
    for_excel = " for Excel (byte-order mark, CRLF)" if excel else ""
    print(
        f"exported {count} deck{'s' * (count != 1)} ({written.notes} notes) to {output}" + for_excel
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a spreadsheet (CSV/TSV in Anki's text format) as a deck file; 1 if a row is
    bad (every bad row is listed by line, nothing is written)."""
    from rapport.content import DeckError
    from rapport.content.editing.deckfile import DeckWriteError
    from rapport.interop.sheetimport import write_deck
    from rapport.interop.spreadsheet import SheetError, read_sheet

    path: Path = args.file
    if path.suffix.lower() in (".apkg", ".colpkg"):
        return _import_anki(args)
    mapping: dict[str, str] = {}
    for item in args.map or []:
        role, sep, column = item.partition("=")
        if not sep:
            print(f"--map {item}: write ROLE=COLUMN, e.g. front=1 or back=Answer", file=sys.stderr)
            return 2
        mapping[role.strip()] = column.strip()
    if args.output is not None and (
        args.output.suffix.lower() != ".toml" or _same_path(args.output, path)
    ):
        print(
            f"not imported: -o {args.output}: name a new deck file ending in .toml", file=sys.stderr
        )
        return 2
    data_dir = _data_dir(args)
    folder = args.output.parent if args.output else own_decks_dir(data_dir)
    try:
        existing = [] if args.output else _known_decks(data_dir)
        sheet = read_sheet(
            path,
            kind=args.kind or None,
            mapping=mapping,
            deck_name=args.deck_name,
            deck_id=args.deck_id,
            existing=existing,
            header_row=args.header,
        )
    except SheetError as exc:
        print(f"not imported: {exc}", file=sys.stderr)
        return 1
    if args.preview or sheet.problems:
        for line in sheet.preview():
            print(line)
    if sheet.problems:
        for problem in sheet.problems:
            print(problem, file=sys.stderr)
        bad = len(sheet.problems)
        print(
            f"not imported: {bad} problem{'s' * (bad != 1)} in {path} "
            f"({sheet.rows} rows read); fix the rows named above and import again",
            file=sys.stderr,
        )
        return 1
    if not sheet.decks:
        print(f"not imported: {path} has no rows of notes", file=sys.stderr)
        return 1
    if args.output and len(sheet.decks) > 1:
        print(
            "not imported: the file holds several decks; give no -o to import each into your decks",
            file=sys.stderr,
        )
        return 1
    mode = _sheet_mode(args, sheet, folder, data_dir, existing)
    if mode is None:
        return 1
    for sheet_deck in sheet.decks:
        target = args.output or folder / f"{sheet_deck.id}.toml"
        try:
            done = write_deck(
                sheet_deck, target, data_dir, mode, label=args.label or "", dry_run=args.preview
            )
        except DeckError as exc:
            for deck_problem in exc.problems:
                print(deck_problem, file=sys.stderr)
            print(f"not imported: the deck made from {path} has problems", file=sys.stderr)
            return 1
        except DeckWriteError as exc:
            print(f"not imported: {exc}", file=sys.stderr)
            return 1
        written = done.written
        deck = written.deck
        size = f"'{deck.name}' ({len(deck.notes)} notes, {len(deck.cards())} cards)"
        if args.preview:
            print(f"preview only: would write {size} to {target}")
            continue
        for change in written.changes:
            print(f"  {change}")
        verb = (
            "added to" if done.added else "updated" if written.replaced is not None else "imported"
        )
        print(f"{verb} {size} from {path} into {target}")
        if done.kept is not None:
            print(f"the deck's earlier file was kept as {done.kept}")
    return 0


def _sheet_mode(
    args: argparse.Namespace, sheet: Sheet, folder: Path, data_dir: Path, known: Sequence[Deck]
) -> Mode | None:
    """What to do with decks of ``sheet`` that are already the trainee's: ``--replace``,
    ``--add``, the answer to the question at a terminal; None (said why) to stop."""
    from rapport.interop.sheetimport import Match, Mode, matches, not_theirs, question

    refused = [] if args.output else not_theirs(sheet, folder, known)
    for line in refused:
        print(f"not imported: {line}", file=sys.stderr)
    if refused:
        return None
    mode = Mode.REPLACE if args.replace else Mode.ADD if args.add else Mode.ASK
    found = matches(sheet, folder) if not args.output else []
    if args.output and args.output.exists():
        found = [Match(sheet.decks[0].name, args.output, 0)] if sheet.decks else []
    if not found or mode is not Mode.ASK or args.preview:
        return mode
    if not sys.stdin.isatty():
        print(
            f"not imported: {question(found)} Give --replace or --add (nothing was written).",
            file=sys.stderr,
        )
        return None
    answer = input(f"{question(found)} [r]eplace / [a]dd / [C]ancel: ").strip().lower()
    if answer in ("r", "replace"):
        return Mode.REPLACE
    if answer in ("a", "add"):
        return Mode.ADD
    print("not imported: nothing was changed")
    return None


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _import_anki(args: argparse.Namespace) -> int:
    from rapport.content import DeckError
    from rapport.errors import RapportError
    from rapport.interop.anki.importer import import_anki_package

    mapping: dict[str, tuple[str, str]] = {}
    for item in args.note_type or []:
        name, sep, fields = item.rpartition("=")
        question, comma, answer = fields.partition(",")
        if not sep or not comma or not name.strip():
            print(
                f"--note-type {item}: write NAME=QUESTION,ANSWER, e.g. 'Vocabulary=Word,Meaning'",
                file=sys.stderr,
            )
            return 2
        mapping[name.strip()] = (question.strip(), answer.strip())
    try:
        report = import_anki_package(
            args.file, _data_dir(args), mapping=mapping, preview=args.preview
        )
    except DeckError as exc:  # (every note is checked first: a deck the import made wrong)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"not imported: a deck made from {args.file} has problems", file=sys.stderr)
        return 1
    except RapportError as exc:  # an unreadable package, a locked data folder
        print(f"not imported: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _export_quiz(decks: Sequence[Deck], output: Path, format: str) -> int:
    from rapport.interop.anki import ExportError
    from rapport.interop.quiz import export_quiz

    try:
        written = export_quiz(decks, output, format)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    left_out = (
        f"; {written.left_out} note{'s' * (written.left_out != 1)} of other kinds left out"
        if written.left_out
        else ""
    )
    print(
        f"exported {written.questions} question{'s' * (written.questions != 1)} "
        f"({written.choice} multiple choice, {written.short_answer} short answer) "
        f"from {written.decks} deck{'s' * (written.decks != 1)} to {written.path} "
        f"as {format.upper()}{left_out}"
    )
    return 0


def _study_progress(data_dir: Path) -> StudyProgress | None:
    """The trainee's progress, read from a snapshot (None, with a message, if unreadable)."""
    from rapport.errors import RapportError
    from rapport.interop.anki.progress import study_progress
    from rapport.library import load_library, open_collection
    from rapport.store import DB_NAME

    if not (data_dir / DB_NAME).is_file():
        print(
            f"not exported: there is no study progress in {data_dir} "
            "(study in Rapport first, or name the folder with --data-dir)",
            file=sys.stderr,
        )
        return None
    now = datetime.now(UTC)
    try:
        collection = open_collection(load_library(data_dir, cached=False), now, lock=False)
    except RapportError as exc:
        print(f"not exported: {exc}", file=sys.stderr)
        return None
    try:
        return study_progress(collection)
    finally:
        collection.close(now)


def _with_local_changes(data_dir: Path, decks: Sequence[Deck]) -> tuple[Deck, ...]:
    """``decks`` as the trainee studies them: with their own changes to notes laid over
    (every export carries them, as File > Export does)."""
    from rapport.content.editing.local import LocalChanges

    changed, _conflicts = LocalChanges(data_dir).apply(list(decks))
    return changed


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or default_data_dir())


def _known_decks(data_dir: Path) -> list[Deck]:
    """The shipped decks and the trainee's own, as the app shows them."""
    from rapport.library import load_library

    return list(load_library(data_dir, cached=False).decks)


def cmd_add(args: argparse.Namespace) -> int:
    """Validate a deck file and copy it to the trainee's decks; 1 if it has problems.

    A revision of a deck the trainee has is shown (what it adds, rewords and removes)
    before it replaces the old copy; at a terminal, Rapport asks first unless ``--yes``.
    """
    from rapport.content import DeckError
    from rapport.content.editing.install import AddDeckError, plan_add

    data_dir = _data_dir(args)
    try:
        plan = plan_add(args.deck, user_decks_dir(data_dir), existing=_known_decks(data_dir))
        changes = plan.revision_lines()
        if changes:
            print(f"{args.deck} is a revision of your copy of '{plan.deck.name}':")
            for line in changes:
                print(f"  {line}")
            same = all(t.is_file() and t.read_bytes() == data for data, t in plan.copies)
            if not args.yes and not same:  # at a terminal or from a pipe: only "y" replaces
                try:
                    answer = input("Replace your copy with it? [y/N] ").strip().lower()
                except (EOFError, OSError):  # nothing to read: no
                    answer = ""
                if answer not in {"y", "yes"}:
                    print("not added: your copy is unchanged (answer y, or give --yes)")
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


def cmd_optimize(args: argparse.Namespace) -> int:
    """Fit a preset's FSRS parameters to its decks' history and keep the better set."""
    from rapport.content.loading.cache import load_decks_cached
    from rapport.errors import RapportError
    from rapport.study import Collection
    from rapport.study.optimize import Optimised
    from rapport.study.settings import DEFAULT_PRESET

    now = datetime.now(UTC)
    data_dir = _data_dir(args)
    try:
        decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
        collection = Collection.open(data_dir, decks, now)
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    name = args.preset or DEFAULT_PRESET
    try:
        if name not in collection.preset_names():
            known = ", ".join(collection.preset_names())
            print(f"rapport optimize: there is no preset {name!r} ({known}).", file=sys.stderr)
            return 1

        def say(stage: str) -> None:
            if not args.json:
                print(f"{stage}...", file=sys.stderr)

        result = collection.optimiser(name, now)(collection.store, say)
        assert isinstance(result, Optimised)
        if result.kept == "fitted":
            collection.use_parameters(name, result.parameters)
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        collection.close(now)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(f"Preset {name}: {result.reviews:,} reviews ({result.items:,} predictions).")
    for label, evaluation in (("current", result.current), ("fitted", result.fitted)):
        print(f"  {label:8} log loss {evaluation.log_loss:.4f}, RMSE (bins) {evaluation.rmse:.2%}")
    if result.kept == "fitted":
        print("The fitted parameters are better: the preset uses them from now on.")
    else:
        print("The fit is not better: the preset keeps its current parameters.")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print study statistics, read from a snapshot (safe while the app is running)."""
    from rapport.errors import RapportError
    from rapport.library import load_library, open_collection
    from rapport.study.report import format_stats

    now = datetime.now(UTC)
    data_dir = _data_dir(args)
    try:
        # The library as the app reads it (from the deck cache: no deck file parsed while
        # it holds; the local changes laid over); the database is read in place unless
        # the decks changed since the app last ran.
        collection = open_collection(load_library(data_dir), now, lock=False)
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    if collection.notice is not None:  # damage found, as the app would say it
        print(collection.notice, file=sys.stderr)
    from rapport.study.stats import PERIODS, StatsScope

    periods = dict(zip(("1m", "3m", "1y", "all"), PERIODS.values(), strict=True))
    try:
        deck_ids = None
        if args.deck is not None:
            found = [d.id for d in collection.decks if args.deck in (d.id, d.name)]
            if not found:
                print(f"rapport stats: there is no deck {args.deck!r}.", file=sys.stderr)
                return 1
            deck_ids = (found[0],)
        stats = collection.stats(now, StatsScope(deck_ids, periods[args.period]))
    finally:
        collection.close(now)
    if args.json:
        print(json.dumps(stats.to_json(), indent=2))
    else:
        print(format_stats(stats))
    return 0


def _write_html_or_pdf(html: str, path: Path, title: str) -> None:
    """Save ``html`` as it is for a .html name, else printed to PDF (Qt, offscreen)."""
    if path.suffix.lower() in {".html", ".htm"}:
        from rapport.interop.reports import save_report

        save_report(path, html.encode("utf-8"))
    else:
        from rapport.ui.pdf import write_pdf

        write_pdf(html, path, title)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the progress report (PDF/HTML) or, with --json, the class file."""
    from rapport.content.loading.cache import load_decks_cached
    from rapport.errors import RapportError
    from rapport.interop.reports import save_report
    from rapport.store import AlreadyRunning
    from rapport.study import Collection
    from rapport.study.progress import build_progress, class_file, parse_period, progress_html

    now = datetime.now(UTC)
    data_dir = _data_dir(args)
    try:
        period = parse_period(args.period or ("all" if args.json else "30d"))
        decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
        try:
            # Writable when the app is not running (the class file's pseudonym is kept).
            collection = Collection.open(data_dir, decks, now)
        except AlreadyRunning:
            collection = Collection.open(data_dir, decks, now, lock=False)
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        if args.json:
            content = class_file(collection, now, name=args.name or None, period_days=period)
            text = json.dumps(content, indent=1, ensure_ascii=False) + "\n"
            save_report(args.output, text.encode("utf-8"))
        else:
            report = build_progress(collection, now, name=args.name, period_days=period)
            _write_html_or_pdf(progress_html(report), args.output, "Rapport progress report")
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        collection.close(now)
    print(f"wrote {args.output}")
    return 0


def cmd_class_report(args: argparse.Namespace) -> int:
    """Aggregate class files into a class report (PDF/HTML)."""
    from rapport.content.loading.cache import load_decks_cached
    from rapport.errors import RapportError
    from rapport.study.classes import analyse, class_html, read_class_files

    data_dir = _data_dir(args)
    try:
        # The course leader's own decks, when they have them: question texts, keys and
        # rationales, and the version every file must match.
        decks = load_decks_cached(deck_folders(data_dir), data_dir).decks
        files = read_class_files(args.files, decks)
        cards = {(c.deck_id, c.note.id): c for d in decks for c in d.cards()}
        report = analyse(files, cards)
        _write_html_or_pdf(class_html(report), args.output, "Rapport class report")
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {args.output}: {len(files)} trainees, {len(report.flagged)} notes flagged")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Log in (with --endpoint, --username, --password-stdin) and sync; 1 if it failed."""
    from rapport.content.editing.authoring import Authoring
    from rapport.errors import RapportError
    from rapport.study import Collection
    from rapport.sync.engine import login, sync

    data_dir = _data_dir(args)
    if args.endpoint or args.username or args.password_stdin:
        if not (args.endpoint and args.username and args.password_stdin):
            print(
                "not synced: to log in give --endpoint URL, --username NAME and "
                "--password-stdin (the password on standard input)",
                file=sys.stderr,
            )
            return 2
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            where = login(data_dir, args.endpoint, args.username, password)
        except RapportError as exc:
            print(f"not synced: {exc}", file=sys.stderr)
            return 1
        print(f"logged in to {args.endpoint} as {args.username}; the key is kept in {where}")
    now = datetime.now(UTC)
    authoring = Authoring(data_dir)
    try:
        # The decks as the app shows them: the trainee's local changes laid over.
        decks, _ = authoring.apply(_known_decks(data_dir))
        collection = Collection.open(data_dir, decks, now)
    except RapportError as exc:
        print(f"not synced: {exc}", file=sys.stderr)
        return 1

    def reload() -> None:
        collection.replace_decks(authoring.apply(_known_decks(data_dir))[0])

    try:
        report = sync(
            collection,
            data_dir,
            now=now,
            choose_full=lambda: args.full,
            authoring=authoring,
            reload=reload,
        )
    except RapportError as exc:
        print(f"not synced: {exc}", file=sys.stderr)
        return 1
    finally:
        collection.close(datetime.now(UTC))
    print(report)
    return 0


def open_for_reading(data_dir: Path, now: datetime) -> Collection:
    """The trainee's collection as the app shows it (the library: the deck cache, their
    local changes laid over) with Browse's text, read without writing: safe while the app
    runs."""
    from rapport.library import load_library, open_collection

    return open_collection(load_library(data_dir), now, lock=False, text=True)


def cmd_search(args: argparse.Namespace) -> int:
    """Print the cards an Anki search matches, one a line: id, deck and question separated
    by tabs, in Browse's order (or with ``--count`` their number); 1 if it does not parse."""
    from rapport.errors import RapportError
    from rapport.search import SearchError, parse

    try:
        parse(args.query)
    except SearchError as exc:
        print(exc, file=sys.stderr)
        print(f"  {args.query}\n  {' ' * exc.position}^", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    try:
        collection = open_for_reading(_data_dir(args), now)
    except RapportError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        query = collection.search_query(args.query, now)
        collection.refresh_text()
        if args.count:
            print(collection.browse_count(query))
            return 0
        total = collection.browse_count(query)
        for start in range(0, total, 1000):
            for row in collection.browse_rows(query, start, 1000, total):
                print(f"{row.card_id}\t{row.deck_name}\t{row.question}")
    finally:
        collection.close(now)
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
    if getattr(sys, "frozen", False):
        # A bundled app's worker processes (the optimiser's, see rapport.ui.background)
        # start this same program: let multiprocessing take them over here.
        import multiprocessing

        multiprocessing.freeze_support()
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_app)
    # The app opens the file once its window is up (start-up pays nothing for it).
    start_logging(deferred=func is cmd_app)
    try:
        return int(func(args))
    except BrokenPipeError:
        # The reader went away (``rapport stats --json | head``): stop quietly, as a
        # shell tool does, and keep Python's exit-time flush from raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return PIPE_CLOSED
    except Exception:
        log.exception("unexpected error in rapport %s", getattr(args, "command", None) or "")
        raise


if __name__ == "__main__":
    sys.exit(main())
