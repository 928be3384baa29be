"""Choice and typed notes built in code (for the calibration and class report tests)."""

from __future__ import annotations

from collections.abc import Sequence

from rapport.content import ChoiceNote, TypedNote
from rapport.content.notes.model import Option
from tests.support.collection import SOURCE


def choice(
    note_id: str,
    key: str,
    distractors: Sequence[str],
    *,
    concept: str = "alliance",
    question: str | None = None,
) -> ChoiceNote:
    """A choice note whose key is ``key`` (each option's rationale names it)."""
    options = (
        Option(key, f"{key} is what the essay says.", True),
        *(Option(d, f"{d} is a common mix-up.", False) for d in distractors),
    )
    return ChoiceNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        question=question or f"Which is right for {note_id}?",
        options=options,
        scenario=False,
    )


def typed(note_id: str, answer: str, *, concept: str = "alliance") -> TypedNote:
    return TypedNote(
        id=note_id,
        concept=concept,
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        prompt=f"Type the word for {note_id}",
        answer=answer,
        accept=(),
    )
