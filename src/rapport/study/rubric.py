"""The grade a respond card's rubric suggests (Qt-free; the review view and the practice
test ask it).

After revealing a respond card the trainee ticks the rubric lines their response met.
The suggestion follows the share ticked:

* every line: **Easy**: the response did all a supervisor asks of it;
* more than half: **Good**;
* some (at least one, half or fewer): **Hard**: the skill is there but not yet reliable;
* none: **Again**.

It is only a suggestion: it is the grade that Space or Enter gives, and the trainee may
pick another (keys 1-4) as with any card.
"""

from __future__ import annotations

from rapport.study.scheduling import Rating


def suggested_from_rubric(ticked: int, lines: int) -> Rating:
    """The grade suggested when ``ticked`` of a rubric's ``lines`` were met."""
    if lines <= 0:
        raise ValueError("a rubric has at least one line")
    ticked = max(0, min(ticked, lines))
    if ticked == lines:
        return Rating.EASY
    if ticked * 2 > lines:
        return Rating.GOOD
    if ticked:
        return Rating.HARD
    return Rating.AGAIN


def rubric_counts_as_known(ticked: int, lines: int) -> bool:
    """Whether a practice test counts the response as right: Good or Easy suggested."""
    return suggested_from_rubric(ticked, lines) >= Rating.GOOD
