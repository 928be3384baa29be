"""Item-writing checks: the cues a test-wise trainee exploits to pass a card without
knowing its content.

``rapport check`` reports these as warnings (``--strict`` makes them errors). Each names
the file, the note and the field, and says in one line why it matters. A note may suppress
one of its warnings with a reason, in the deck file::

    allow = ["longest-answer: the scale's full name is the point of the item"]

The checks are heuristics over the validated :class:`~rapport.content.notes.model.Deck`; they
never stop a deck from loading. Each kind looks for the cues its notes can carry
(``KindRules.item_cues`` in :mod:`rapport.content.notes.kinds`, with the word helpers of
:mod:`rapport.content.notes.words`); this module runs them, finds near-duplicate notes and
the deck's share of longest answers, and applies the notes' ``allow`` (the checks' names,
and the rules of ``allow``, are in :mod:`rapport.content.notes.checknames`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from rapport.content.loading.tomltext import layout
from rapport.content.notes.checknames import CHECKS, allowed_checks
from rapport.content.notes.kinds import rules_of
from rapport.content.notes.model import ChoiceNote, Deck, Note
from rapport.content.notes.optioncues import key_most_warm
from rapport.content.notes.words import content_words, related, visible, words_of

# Jaccard similarity of word trigrams from which two notes count as near-duplicates.
DUPLICATE_SIMILARITY = 0.5
# Two cards ask the same fact when their question and answer share this much of their
# content words, and their answers alone this much.
SAME_FACT_TEXT = 0.6
SAME_FACT_ANSWER = 0.55
# An answer printed on another card gives it away when the words around it there hold
# this share of the asking card's own content words.
ELSEWHERE_CONTEXT = 0.5
ELSEWHERE_WINDOW = 12
# How unlikely (under chance) the deck's count of longest answers must be to warn.
LONGEST_SHARE_P = 0.05
MIN_CHOICES_FOR_SHARE = 4


class ItemWarning(NamedTuple):
    """One item-writing cue found in a deck file."""

    file: str
    note: str
    field: str
    check: str
    message: str
    line: int = 0  # the field's line in the deck file (0: unknown)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.note}: {self.field}: warning ({self.check}): "
            f"{self.message}; {CHECKS.get(self.check, 'see decks/README.md')}"
        )


class LongestShare(NamedTuple):
    """How often a deck's correct option is its longest, against what chance would give."""

    longest: int
    choices: int
    chance: float  # the share expected if the answer's position by length were random
    p_value: float  # the chance of this many longest answers or more, if it were random

    @property
    def share(self) -> float:
        return self.longest / self.choices if self.choices else 0.0

    @property
    def well_above_chance(self) -> bool:
        return self.choices >= MIN_CHOICES_FOR_SHARE and self.p_value < LONGEST_SHARE_P

    def __str__(self) -> str:
        return (
            f"the answer is the longest option in {self.longest} of {self.choices} choice "
            f"notes ({self.share:.0%}; chance {self.chance:.0%})"
        )


class WarmShare(NamedTuple):
    """How often, of the choice notes where one option alone is warm or hedged ("explore",
    "gently", "together", "may"...), that option is the answer, against chance."""

    warm: int
    choices: int  # choice notes with exactly one warm option
    chance: float
    p_value: float

    @property
    def share(self) -> float:
        return self.warm / self.choices if self.choices else 0.0

    @property
    def well_above_chance(self) -> bool:
        return self.choices >= MIN_CHOICES_FOR_SHARE and self.p_value < LONGEST_SHARE_P

    def __str__(self) -> str:
        return (
            f"the answer is the one warm or hedged option in {self.warm} of {self.choices} "
            f"choice notes that have one ({self.share:.0%}; chance {self.chance:.0%})"
        )


class ItemReport(NamedTuple):
    """The item-writing warnings of one deck, its longest-answer and warm-answer shares."""

    warnings: tuple[ItemWarning, ...]
    longest: LongestShare
    warm: WarmShare = WarmShare(0, 0, 0.0, 1.0)


# --- the `allow` key ---------------------------------------------------------------------


def read_allowances(text: str) -> dict[str, frozenset[str]]:
    """The ``allow`` entries of each note of a deck file's TOML text, by note id."""
    data: dict[str, Any] = tomllib.loads(text)
    found: dict[str, frozenset[str]] = {}
    for table in data.get("notes", []):
        if isinstance(table, dict) and isinstance(table.get("id"), str) and "allow" in table:
            found[table["id"]] = allowed_checks(table["allow"])
    return found


# --- the checks --------------------------------------------------------------------------


def note_text(note: Note) -> str:
    """The text a note teaches, as a trainee reads it (its kind's ``item_text``)."""
    return rules_of(note).item_text(note)


def _trigrams(text: str) -> frozenset[tuple[str, ...]]:
    words = words_of(text)
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def _duplicate_warnings(file: str, notes: Sequence[Note]) -> list[tuple[ItemWarning, str]]:
    """Each note that near-duplicates earlier notes, named once with the earlier note it is
    most like (and that note's id); an index of word trigrams keeps big decks fast."""
    out: list[tuple[ItemWarning, str]] = []
    index: dict[tuple[str, ...], list[int]] = {}
    grams = [_trigrams(note_text(n)) for n in notes]
    for i, (note, mine) in enumerate(zip(notes, grams, strict=True)):
        shared: dict[int, int] = {}
        for gram in mine:
            for j in index.get(gram, ()):
                shared[j] = shared.get(j, 0) + 1
            index.setdefault(gram, []).append(i)
        alike = sorted(
            (
                (count / (len(mine) + len(grams[j]) - count), j)
                for j, count in shared.items()
                if count / (len(mine) + len(grams[j]) - count) >= DUPLICATE_SIMILARITY
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if not alike:
            continue
        similarity, j = alike[0]
        others = len(alike) - 1
        more = f" (and {others} other note{'s' * (others != 1)})" if others else ""
        message = f"its text is {similarity:.0%} the same as note {notes[j].id}'s{more}"
        out.append((ItemWarning(file, note.id, "-", "near-duplicate", message), notes[j].id))
    return out


def longest_share(notes: Iterable[Note]) -> LongestShare:
    """How many choice notes have the answer as their (strictly) longest option."""
    choices = [n for n in notes if isinstance(n, ChoiceNote) and len(n.options) > 1]
    longest = sum(
        1
        for n in choices
        if len(visible(n.answer.text))
        > max(len(visible(o.text)) for o in n.options if not o.correct)
    )
    chances = [1 / len(n.options) for n in choices]
    chance = sum(chances) / len(chances) if chances else 0.0
    return LongestShare(longest, len(choices), chance, _tail(chances, longest))


def _tail(chances: Sequence[float], hits: int) -> float:
    """The chance of at least ``hits`` successes among independent trials with these
    probabilities (a Poisson binomial tail), by dynamic programming over the trials."""
    dist = [1.0]
    for p in chances:
        nxt = [0.0] * (len(dist) + 1)
        for k, q in enumerate(dist):
            nxt[k] += q * (1 - p)
            nxt[k + 1] += q * p
        dist = nxt
    return sum(dist[hits:])


def warm_share(notes: Iterable[Note]) -> WarmShare:
    """Of the choice notes with exactly one warm or hedged option, how many have it as the
    answer; by chance it would be the answer in 1 of the number of options."""
    chances: list[float] = []
    warm = 0
    for n in notes:
        if not isinstance(n, ChoiceNote) or len(n.options) < 2:
            continue
        keyed = key_most_warm(n.answer.text, [o.text for o in n.options])
        if keyed is None:
            continue
        chances.append(1 / len(n.options))
        warm += keyed
    chance = sum(chances) / len(chances) if chances else 0.0
    return WarmShare(warm, len(chances), chance, _tail(chances, warm))


class _Card(NamedTuple):
    note: str
    question: str
    answer: str  # what the trainee must produce or pick
    typed: tuple[str, ...]  # what may be typed as the answer; () when nothing is typed


def _cards(notes: Sequence[Note]) -> list[_Card]:
    out: list[_Card] = []
    for note in notes:
        rules = rules_of(note)
        for ordinal in note.ordinals:
            typed = tuple(rules.accepted(note, ordinal))
            answer = typed[0] if typed else rules.answer_text(note, ordinal)
            out.append(_Card(note.id, rules.question_text(note, ordinal), answer, typed))
    return out


def _alike(a: set[str], b: set[str]) -> float:
    shared = sum(1 for w in a if any(related(w, v) for v in b))
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


def _same_fact_warnings(file: str, notes: Sequence[Note]) -> list[tuple[ItemWarning, str]]:
    """Each note with a card asking what a card of an earlier note asks, with the same
    answer (content words of question and answer alike, and of the answers alone), named
    once with that note; an index of answer words keeps big decks fast."""
    cards = _cards(notes)
    texts = [content_words(f"{c.question} {c.answer}") for c in cards]
    answers = [content_words(c.answer) for c in cards]
    index: dict[str, list[int]] = {}
    out: list[tuple[ItemWarning, str]] = []
    warned: set[str] = set()
    for i, card in enumerate(cards):
        shared: dict[int, int] = {}
        for w in answers[i]:
            for j in index.get(w, ()):
                shared[j] = shared.get(j, 0) + 1
            index.setdefault(w, []).append(i)
        if card.note in warned:
            continue
        # Answers sharing too few words (as written) to reach the threshold are skipped
        # before the finer comparison (which also matches related forms).
        mine = len(answers[i])
        for j in sorted(
            j for j, n in shared.items() if 2 * n >= SAME_FACT_ANSWER * max(mine, len(answers[j]))
        ):
            other = cards[j]
            if other.note == card.note:
                continue
            answer = _alike(answers[i], answers[j])
            if answer < SAME_FACT_ANSWER:
                continue
            text = _alike(texts[i], texts[j])
            if text >= SAME_FACT_TEXT:
                message = (
                    f"it asks what note {other.note} asks ({text:.0%} of the words of "
                    f"question and answer, {answer:.0%} of the answer's, are the same)"
                )
                out.append((ItemWarning(file, card.note, "-", "same-fact", message), other.note))
                warned.add(card.note)
                break
    return out


def _elsewhere_warnings(file: str, notes: Sequence[Note]) -> list[tuple[ItemWarning, str]]:
    """Each note whose typed answer another note prints on its question side, among the
    words the asking card itself uses: that card gives the answer away."""
    cards = _cards(notes)
    fronts = [words_of(c.question) for c in cards]
    index: dict[str, set[int]] = {}
    for i, words in enumerate(fronts):
        for w in words:
            index.setdefault(w, set()).add(i)
    out: list[tuple[ItemWarning, str]] = []
    warned: set[str] = set()
    for card in cards:
        if card.note in warned or not card.typed:
            continue
        context = content_words(card.question)
        for typed in card.typed:
            wanted = words_of(typed)
            mine = context - content_words(typed)
            if not wanted or not content_words(typed) or not mine:
                continue
            found = set.intersection(*(index.get(w, set()) for w in wanted))
            hit = next(
                (
                    j
                    for j in sorted(found)
                    if cards[j].note != card.note and _printed_in_context(wanted, fronts[j], mine)
                ),
                None,
            )
            if hit is None:
                continue
            message = (
                f"its answer '{typed}' is printed on the question side of note "
                f"{cards[hit].note}, among the words of this card's own question"
            )
            out.append(
                (ItemWarning(file, card.note, "-", "answer-elsewhere", message), cards[hit].note)
            )
            warned.add(card.note)
            break
    return out


def _printed_in_context(wanted: list[str], words: list[str], context: set[str]) -> bool:
    """Whether ``wanted`` occurs in ``words`` with most of ``context`` around it."""
    n = len(wanted)
    for start in range(len(words) - n + 1):
        if words[start : start + n] != wanted:
            continue
        lo, hi = max(0, start - ELSEWHERE_WINDOW), start + n + ELSEWHERE_WINDOW
        around = content_words(" ".join(words[lo:hi]))
        shared = sum(1 for w in context if any(related(w, v) for v in around))
        if shared / len(context) >= ELSEWHERE_CONTEXT:
            return True
    return False


def check_deck(deck: Deck, allowances: Mapping[str, frozenset[str]] | None = None) -> ItemReport:
    """Every item-writing warning of ``deck``, less those its notes ``allow``."""
    file = str(deck.path)
    if allowances is None:
        try:
            allowances = read_allowances(deck.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            allowances = {}
    # Each warning with the notes whose `allow` may excuse it (both notes of a pair).
    found: list[tuple[ItemWarning, tuple[str, ...]]] = []
    for note in deck.notes:
        for cue in rules_of(note).item_cues(note):
            warning = ItemWarning(file, note.id, cue.field, cue.check, cue.message)
            found.append((warning, (note.id,)))
    duplicates = _duplicate_warnings(file, deck.notes)
    # A note that near-duplicates another asks its fact too: one warning says so.
    same_fact = [
        pair
        for pair in _same_fact_warnings(file, deck.notes)
        if pair[0].note not in {w.note for w, _ in duplicates}
    ]
    for pairs in (duplicates, same_fact, _elsewhere_warnings(file, deck.notes)):
        found += [(w, (w.note, other)) for w, other in pairs]
    kept: list[ItemWarning] = []
    used: set[tuple[str, str]] = set()
    for warning, excusers in found:
        excused = [n for n in excusers if warning.check in allowances.get(n, frozenset())]
        used.update((n, warning.check) for n in excused)
        if not excused:
            kept.append(warning)
    for note_id, checks in allowances.items():
        for check in sorted(checks - {c for n, c in used if n == note_id}):
            if check in CHECKS:
                message = f"allows '{check}', but the note has no such warning"
                kept.append(ItemWarning(file, note_id, "allow", "unused-allow", message))
    share = longest_share(deck.notes)
    if share.well_above_chance:
        kept.append(
            ItemWarning(
                file,
                "deck",
                "-",
                "longest-answer",
                f"{share}, well above chance",
            )
        )
    warm = warm_share(deck.notes)
    if warm.well_above_chance:
        kept.append(ItemWarning(file, "deck", "-", "warm-key", f"{warm}, well above chance"))
    return ItemReport(tuple(_with_lines(deck, kept)), share, warm)


def _with_lines(deck: Deck, warnings: list[ItemWarning]) -> list[ItemWarning]:
    """The warnings with the line of their field (or note) in the deck file."""
    try:
        shape = layout(deck.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return warnings
    index = {note_id: i for i, note_id in enumerate(_file_note_ids(deck))}
    out = []
    for warning in warnings:
        i = index.get(warning.note)
        line = shape.line(("notes", i), warning.field) if i is not None else 0
        out.append(warning._replace(line=line))
    return out


def _file_note_ids(deck: Deck) -> list[str]:
    try:
        data = tomllib.loads(deck.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [n.id for n in deck.notes]
    return [str(t.get("id")) for t in data.get("notes", []) if isinstance(t, dict)]
