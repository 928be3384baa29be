"""Generate synthetic collections of deck files for the benchmarks (never stored in the repo).

``write_collection(folder, cards)`` writes deck TOML files beside a copy of the essay whose
notes produce exactly ``cards`` cards, a realistic mix of every kind, all valid. Run as a
script to write one: ``python tests/benchmarks/generate.py OUT_DIR 10000``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"
NOTES_PER_FILE = 1000
ANCHOR = "Dr. John Norcross, whom headed up"  # verbatim from paragraph 5 of the essay

# Each template yields (TOML body, number of cards); bodies vary with the note number.
TEMPLATES: list[tuple[str, int]] = [
    (
        'kind = "basic"\nfront = "Question {n} about the alliance?"\n'
        'back = "Answer {n}: goals, tasks and a bond."\n',
        1,
    ),
    (
        'kind = "cloze"\ntext = "Note {n}: agreement on {{{{c1::goals}}}}, consensus on '
        '{{{{c2::tasks::what}}}} and a {{{{c3::bond}}}}."\n',
        3,
    ),
    (
        'kind = "choice"\nquestion = "Scenario {n}: which part of the alliance is strained?"\n'
        'answer = {{ text = "Tasks {n}", why = "The client doubts the method." }}\n'
        'distractors = [{{ text = "Goals {n}", why = "The goal is agreed." }}, '
        '{{ text = "Bond {n}", why = "Trust holds." }}, '
        '{{ text = "Empathy {n}", why = "Not an alliance component." }}]\n',
        1,
    ),
    (
        'kind = "typed"\nprompt = "Who headed the task force? ({n})"\n'
        'answer = "John Norcross"\naccept = ["Norcross"]\n',
        1,
    ),
    ('kind = "reversed"\nfront = "Term {n}"\nback = "Definition {n} of the alliance."\n', 2),
]


def note_bodies(cards: int, *, notes: int | None = None) -> list[str]:
    """TOML bodies of notes that produce exactly ``cards`` cards (or exactly ``notes`` notes,
    every kind in turn in both cases)."""
    bodies: list[str] = []
    left = cards
    n = 0
    while (left > 0) if notes is None else (n < notes):
        template, count = TEMPLATES[n % len(TEMPLATES)]
        if notes is None and count > left:
            template, count = TEMPLATES[0]  # the last card of an exact card count
        concept = f"concept-{n % 12}"
        bodies.append(
            f'[[notes]]\nid = "note-{n}"\nconcept = "{concept}"\ntags = ["bench::t{n % 7}"]\n'
            f'source = {{ paragraph = 5, anchor = "{ANCHOR}" }}\n' + template.format(n=n)
        )
        left -= count
        n += 1
    return bodies


def write_collection(folder: Path, cards: int, *, notes: int | None = None) -> list[Path]:
    """Write deck files with ``cards`` cards in all (or ``notes`` notes) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(resources_dir() / ESSAY, folder / ESSAY)
    bodies = note_bodies(cards, notes=notes)
    paths: list[Path] = []
    for start in range(0, len(bodies), NOTES_PER_FILE):
        index = start // NOTES_PER_FILE
        path = folder / f"bench-{index:03d}.toml"
        head = (
            f'id = "bench-{index:03d}"\nname = "Benchmark deck {index}"\n'
            f'description = "Generated"\nessay = "{ESSAY}"\n\n[paragraphs]\n'
            '5 = "Norcross defined the alliance."\n\n'
        )
        path.write_text(head + "\n".join(bodies[start : start + NOTES_PER_FILE]), "utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    written = write_collection(out, count)
    print(f"wrote {len(written)} deck files with {count} cards to {out}")
