"""The one builder of deck files for tests, and the every-kind test deck.

:func:`every_kind_notes` is the small deck used across content, export and Anki tests: a
note of every kind, special characters, an ``extension`` note, a ``scenario`` note and an
``html`` note. Its anchors are copied verbatim from the shipped essay, so a deck written
beside a copy of the essay (:func:`write_deck`) loads through the real loader.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from rapport.paths import resources_dir

ESSAY = "the-relationship-in-therapy.txt"
PARAGRAPHS: Mapping[int, str] = {
    4: "Research confirms the relationship matters.",
    5: "Norcross defined the alliance.",
}
ANCHOR_NORCROSS = "Dr. John Norcross, whom headed up"
ANCHOR_ALLIANCE = "outlined this new therapeutic alliance"
ANCHOR_COMMON_FACTOR = "the most important preferred basis"


def header(
    deck_id: str,
    name: str,
    description: str = "A small deck for tests",
    *,
    paragraphs: Mapping[int, str] = PARAGRAPHS,
    essay: str = ESSAY,
) -> str:
    """A deck's header (id, name, description, essay, paragraph summaries) as TOML."""
    lines = [
        "",
        f'id = "{deck_id}"',
        f'name = "{name}"',
        f'description = "{description}"',
        f'essay = "{essay}"',
        "",
        "[paragraphs]",
    ]
    lines += [f'{number} = "{summary}"' for number, summary in paragraphs.items()]
    return "\n".join(lines) + "\n"


def note(note_id: str, kind: str, concept: str, anchor: str, paragraph: int, **fields: str) -> str:
    """One ``[[notes]]`` table; ``fields`` are TOML values written as given (already quoted)."""
    lines = [
        "",
        "[[notes]]",
        f'id = "{note_id}"',
        f'kind = "{kind}"',
        f'concept = "{concept}"',
    ]
    if "tags" in fields:
        lines.append(f"tags = {fields.pop('tags')}")
    for flag in ("extension", "scenario", "html"):
        if flag in fields:
            lines.append(f"{flag} = {fields.pop(flag)}")
    lines.append(f'source = {{ paragraph = {paragraph}, anchor = "{anchor}" }}')
    lines += [f"{key} = {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def every_kind_notes(
    *,
    basic_front: str = "Is a<b and c>d & so on?",
    accept: Sequence[str] = ("most important common factor", "common factor"),
    extension: bool = True,
    scenario: bool = True,
    html_note: bool = True,
) -> str:
    """The notes of the every-kind deck: a note of every shipped kind (tests that count
    them ask :func:`rapport.content.notes.kinds.registered`), plus the html note."""
    accepted = ", ".join(f'"{a}"' for a in accept)
    notes = [
        note(
            "alliance-components",
            "basic",
            "alliance-definition",
            ANCHOR_NORCROSS,
            5,
            tags='["norcross", "research::alliance"]',
            front=f'"{basic_front}"',
            back='"Goals, tasks\\nand a bond."',
            extra='"Three parts & one alliance."',
        ),
        note(
            "alliance-term",
            "reversed",
            "alliance-definition",
            ANCHOR_ALLIANCE,
            5,
            front='"Therapeutic alliance"',
            back='"The quality and strength of the collaborative relationship."',
        ),
        note(
            "alliance-cloze",
            "cloze",
            "alliance-definition",
            ANCHOR_NORCROSS,
            5,
            text='"Agreement on {{c1::goals}}, consensus on {{c2::tasks::what is done}}, '
            'and a {{c3::bond}}."',
        ),
        note(
            "who-headed",
            "choice",
            "apa-task-force",
            ANCHOR_NORCROSS,
            5,
            **({"scenario": "true"} if scenario else {}),
            question='"Who headed the APA task force?"',
            answer='{ text = "John Norcross", why = "He headed it & defined the alliance." }',
            distractors="""[
  { text = "Daniel Siegel", why = "Siegel wrote of the coherent narrative." },
  { text = "Robert Firestone", why = "Firestone wrote the book on the inner voice." },
  { text = "Carl Rogers", why = "Rogers is not named in the essay." },
]""",
        ),
        note(
            "common-factor",
            "typed",
            "common-factor",
            ANCHOR_COMMON_FACTOR,
            4,
            **({"extension": "true"} if extension else {}),
            prompt='"What do some studies call the relationship?"',
            answer='"the most important common factor"',
            accept=f"[{accepted}]",
        ),
        note(
            "doubts-the-point",
            "respond",
            "alliance-definition",
            ANCHOR_ALLIANCE,
            5,
            extension="true",
            tags='["skills"]',
            context='"Second session. The client looks at the floor & speaks quietly."',
            statement="\"I don't know why I'm here. Talking won't change anything.\"",
            models="""[
  { style = "Reflection of feeling", text = "You sound discouraged, unsure talking can help." },
  { style = "Open question", text = "What would make our time here worth it for you?" },
]""",
            rubric="""[
  { line = "Names the client's doubt without arguing against it", concept = "alliance-definition" },
  { line = "Asks what the client wants from therapy", concept = "alliance-definition" },
  { line = "Gives no advice and promises no results", concept = "alliance-definition" },
]""",
            risk='"If the hopelessness reaches life itself, ask directly about suicide."',
            extra='"Agreeing goals is one of the alliance\'s three parts (Bordin, 1979)."',
        ),
    ]
    if html_note:
        notes.append(
            note(
                "marked-up",
                "basic",
                "alliance-definition",
                ANCHOR_NORCROSS,
                5,
                html="true",
                front='"<b>Bold</b> <script>alert(1)</script><img src=x onerror=alert(2)>"',
                back="""'<a href="javascript:alert(3)">link</a> <i onclick="alert(4)">kept</i>'""",
            )
        )
    return "".join(notes)


def every_kind_deck(deck_id: str = "every-kind", name: str = "Every kind") -> str:
    """The whole every-kind deck file (header and notes) as TOML."""
    return header(deck_id, name) + every_kind_notes()


def copy_essay(folder: Path) -> Path:
    """Copy the shipped essay into ``folder`` (created if missing); return the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ESSAY
    shutil.copy(resources_dir() / ESSAY, target)
    return target


def write_deck(folder: Path, text: str, filename: str = "deck.toml") -> Path:
    """Write deck TOML into ``folder`` beside a copy of the essay; return the deck's path."""
    if not (folder / ESSAY).exists():
        copy_essay(folder)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


RESPOND_DECK = Path(__file__).with_name("respond_deck.toml")


def write_respond_deck(folder: Path) -> Path:
    """Write the respond test deck (four good respond notes) into ``folder`` beside a copy
    of the essay; return its path."""
    return write_deck(folder, RESPOND_DECK.read_text(encoding="utf-8"), "respond-practice.toml")


# The UI tests' small deck: one note of each kind, in a fixed order.
KINDS_ANCHOR = 'source = { paragraph = 5, anchor = "outlined this new therapeutic alliance" }'

# One note of every kind, in a fixed order: new cards come in deck order.
KINDS_DECK = f'''
id = "kinds"
name = "Every kind"
description = "One note of each kind, for UI tests"
essay = "{ESSAY}"

[paragraphs]
5 = "Norcross defined the alliance by goals, tasks and a bond."

[[notes]]
id = "basic-one"
kind = "basic"
concept = "alliance-definition"
{KINDS_ANCHOR}
front = "Which three components is the alliance measured by? a<b and c>d"
back = "Goals, tasks and a bond. <script>alert(1)</script>"
extra = "From Norcross."

[[notes]]
id = "cloze-one"
kind = "cloze"
concept = "alliance-definition"
{KINDS_ANCHOR}
text = "The alliance is measured by agreement on {{{{c1::goals::one word}}}}."

[[notes]]
id = "typed-one"
kind = "typed"
concept = "alliance-definition"
{KINDS_ANCHOR}
prompt = "Who headed the APA task force?"
answer = "John Norcross"
accept = ["Norcross"]

[[notes]]
id = "choice-one"
kind = "choice"
concept = "alliance-definition"
{KINDS_ANCHOR}
question = "What is the alliance measured by?"
answer = {{ text = "Goals, tasks and bond", why = "Norcross's three components." }}
distractors = [
  {{ text = "Technique alone", why = "The essay says the relationship matters." }},
  {{ text = "Diagnosis", why = "Not one of the components." }},
  {{ text = "Session length", why = "Not mentioned." }},
]

[[notes]]
id = "reversed-one"
kind = "reversed"
concept = "alliance-definition"
{KINDS_ANCHOR}
front = "Therapeutic alliance"
back = "The quality and strength of the collaborative relationship."
'''


# The content tests' mini deck: the every-kind notes without the html note (one of each
# kind), and the export tests' deck of every note.
MINI_HEADER = header("mini", "Mini deck")
GOOD_NOTES = every_kind_notes(extension=False, scenario=False, html_note=False)
EXPORT_HEADER = header("mini-export", "Mini Export", "A small deck for export tests")
EXPORT_NOTES = every_kind_notes()
