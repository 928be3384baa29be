"""The words of a text as a trainee reads them: what the item-writing cues compare.

Each kind's ``item_cues`` (:mod:`rapport.content.notes.kinds`), the option cues
(:mod:`rapport.content.notes.optioncues`) and the deck-wide checks
(:mod:`rapport.content.checks.itemcheck`) look at notes through these helpers, and a new
note's readable id is made of its first words of meaning (:func:`key_words`).
"""

from __future__ import annotations

import re
from html import unescape

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
# Words that carry no content: an answer sharing them with the question is no cue.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once one only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves according essay say says said see two
    three four make made get way like well much many
    """.split()
)
_TAG = re.compile(r"<[^>]*>")


def visible(text: str) -> str:
    """``text`` as a trainee sees it: markup (of ``html = true`` notes) left out."""
    if "<" in text or "&" in text:
        text = " ".join(unescape(_TAG.sub(" ", text)).split())
    return text


def words_of(text: str) -> list[str]:
    """The words of ``text`` as a trainee reads them, in order, case folded."""
    return _WORD.findall(visible(text).casefold().replace("’", "'"))


def _stem(word: str) -> str:
    """A crude stem, enough to match 'bonds' with 'bond' and 'feelings' with 'feeling'."""
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """The stems of the words in ``text`` that carry meaning."""
    return {_stem(w) for w in words_of(text) if w not in STOPWORDS and len(w) > 2}


def key_words(text: str, count: int = 4) -> list[str]:
    """The first ``count`` words of ``text`` that carry meaning, in reading order (cloze
    markers and markup left out): what a short, readable note id is made from."""
    plain = re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", text)
    words = [w for w in words_of(plain) if w not in STOPWORDS and not w.isdigit()]
    return words[:count]


def related(a: str, b: str) -> bool:
    """Whether two content-word stems are the same word or one contains the other
    ('genuine' and 'genuineness', 'tune' and 'attuned')."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and short in long
