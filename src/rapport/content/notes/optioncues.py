"""Cues in a set of options that point to the answer without its content (``rapport check``).

A kind whose notes offer options (the ``choice`` kind) calls these from its ``item_cues``,
besides the answer much the longest option (:data:`LONGEST_MARGIN`) and the one option
without an absolute (:data:`ABSOLUTES`):

- ``warm-key``: only the answer carries a hedge or a collaborative marker ("explore",
  "gently", "together", "acknowledge", "ask", "both", "may", "might"...) while the
  distractors take firm positions, so a test-wise trainee picks the gentle option;
- ``grammar``: the answer's grammatical form (a simple part-of-speech test of each option's
  first words: verb-first, noun phrase, "Because...", "That...", "Yes/No", a quotation...)
  differs from the form the distractors share;
- ``convergence``: the answer is the option that shares most elements with all the others
  (each distractor varies one element of it), so it can be found without the content.

The heuristics are deliberately simple and explained in decks/README.md; an item where one
is wrong says why in its ``allow``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from rapport.content.notes.words import STOPWORDS, visible, words_of

# How much longer than every distractor the answer may be before it stands out.
LONGEST_MARGIN = 1.25
ABSOLUTES = re.compile(r"\b(?:only|never|always|at all)\b", re.IGNORECASE)

# Hedges and collaborative markers: words that make an option sound gentle, tentative or
# shared. Matched on whole words (a stem with * matches its forms).
WARM_MARKERS = (
    "explor* gentl* together acknowledg* ask asks asking asked both may might perhaps "
    "possibly tentativ* invit* wonder* curious* curiosity validat*"
).split()
_WARM = re.compile(
    r"\b(?:"
    + "|".join(
        re.escape(m[:-1]) + r"\w*" if m.endswith("*") else re.escape(m) for m in WARM_MARKERS
    )
    + r"|with (?:you|them|her|him))\b",
    re.IGNORECASE,
)

# Convergence: how much more like all the other options the answer must be than any
# distractor, and how alike the options must be at all (variants of one text).
CONVERGENCE_MARGIN = 0.005
CONVERGENCE_FLOOR = 0.35


def warm_markers(text: str) -> list[str]:
    """The hedges and collaborative markers in ``text``, as written."""
    return [m.group(0) for m in _WARM.finditer(visible(text))]


def key_only_warm(answer: str, distractors: Sequence[str]) -> list[str]:
    """The answer's warm markers when no distractor has one (else [])."""
    found = warm_markers(answer)
    if found and not any(warm_markers(d) for d in distractors):
        return found
    return []


def key_most_warm(answer: str, options: Sequence[str]) -> bool | None:
    """Whether the answer is the one option with warm markers; None when not exactly one
    option has them (so chance has nothing to say about where the markers fall)."""
    marked = [i for i, o in enumerate(options) if warm_markers(o)]
    if len(marked) != 1:
        return None
    return options[marked[0]] == answer


# --- grammatical form --------------------------------------------------------------------

_DETERMINERS = frozenset(
    "a an the this these those their his her its our your my each every some any one "
    "another other such".split()
)
_WH = frozenset("how what why when where which who whom whose whether".split())
_BECAUSE = frozenset("because since".split())
_VERBS = frozenset(
    """
    accept acknowledge add address admit advise agree allow apologise apologize apply argue
    ask assume avoid begin bring build call cancel carry challenge change check choose
    clarify close comment confront consider contact continue create describe disclose
    examine look trace
    discuss drop encourage end explain explore express find focus follow give go help hold
    ignore insist interpret invite judge keep label leave let listen make mention move
    name note notice offer pause pick plan point praise prepare prescribe press promise
    provide pull push put raise read reassure recommend redirect refer reflect reframe
    relate remain remind repeat rephrase reply report respect respond restate return
    review reward say schedule see seek set share show sit slow speak spend start stay
    stick stop suggest summarise summarize switch take talk teach tell thank treat trust
    try turn use validate wait warn welcome withdraw wonder work write
    """.split()
)
_QUOTES = "\"'“‘«"
FORM_NAMES = {
    "quote": "a quotation",
    "yes-no": 'a "Yes"/"No" answer',
    "because": 'a "Because..." reason',
    "that": 'a "That..." clause',
    "wh": 'a "How/What/Why..." clause',
    "to": 'a "To..." infinitive',
    "gerund": 'an "-ing" phrase',
    "verb": "an instruction (verb first)",
    "noun": "a noun or a subject first",
}


def grammatical_form(text: str) -> str:
    """The form of an option by its first words: one of :data:`FORM_NAMES`."""
    shown = visible(text).strip()
    if shown[:1] in _QUOTES:
        return "quote"
    words = re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", shown)
    if not words:
        return "noun"
    first = words[0].casefold()
    if first.endswith("ly") and len(words) > 1 and first not in {"only", "early", "family"}:
        first = words[1].casefold()  # "Gently ask..." is an instruction
    if first in {"yes", "no"} and re.match(r"(?i)(?:yes|no)\b\s*[:,;.!-]", shown):
        return "yes-no"
    if first in _BECAUSE:
        return "because"
    if first == "that":
        return "that"
    if first in _WH:
        return "wh"
    if first == "to":
        return "to"
    if first in _VERBS:
        return "verb"
    if first.endswith("ing") and len(first) > 5 and first not in {"nothing", "something"}:
        return "gerund"
    return "noun"


def odd_form(answer: str, distractors: Sequence[str]) -> tuple[str, str] | None:
    """(the answer's form, the distractors' shared form) when the answer's form is none of
    the distractors' and at least two distractors share a form; else None."""
    mine = grammatical_form(answer)
    theirs = [grammatical_form(d) for d in distractors]
    if mine in theirs:
        return None
    common = max(set(theirs), key=theirs.count, default="")
    if theirs.count(common) < 2:
        return None
    return mine, common


# --- convergence -------------------------------------------------------------------------


def _alike(a: list[str], b: list[str]) -> float:
    """How alike two options are as word sequences (0 to 1; order counts, so an option
    that swaps two elements of another is not the same option)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def centrality(options: Sequence[str]) -> list[float]:
    """For each option, how alike it is (on average, by its content words in order) to all
    the others."""
    words = [[w for w in words_of(o) if w not in STOPWORDS] for o in options]
    out: list[float] = []
    for i, mine in enumerate(words):
        others = [_alike(mine, w) for j, w in enumerate(words) if j != i]
        out.append(sum(others) / len(others) if others else 0.0)
    return out


def converges_on(answer_index: int, options: Sequence[str]) -> tuple[float, float] | None:
    """(the answer's likeness to the others, the most central distractor's) when the answer
    is the option most like all the others, and the options are variants of one text; else
    None."""
    if len(options) < 3:
        return None
    scores = centrality(options)
    mine = scores[answer_index]
    best_other = max(s for i, s in enumerate(scores) if i != answer_index)
    if mine >= CONVERGENCE_FLOOR and mine > best_other + CONVERGENCE_MARGIN:
        return mine, best_other
    return None
