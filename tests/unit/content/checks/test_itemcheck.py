"""Item-writing checks: small decks made to trip each one, the ``allow`` escape, and
``rapport check --strict``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rapport.cli import main
from rapport.content import DeckError, load_deck
from rapport.content.checks.itemcheck import ItemReport, check_deck, longest_share
from rapport.content.notes.checknames import CHECKS
from rapport.content.notes.optioncues import grammatical_form

WriteDeck = Callable[[str], Path]
SOURCE = 'source = { paragraph = 5, anchor = "outlined this new therapeutic alliance" }'


def choice(
    note_id: str,
    question: str,
    answer: str,
    distractors: list[str],
    *,
    allow: list[str] | None = None,
) -> str:
    options = ",\n".join(
        f'  {{ text = "{d}", why = "Wrong for a stated reason." }}' for d in distractors
    )
    allowed = f"allow = {json.dumps(allow)}\n" if allow else ""
    return (
        f'\n[[notes]]\nid = "{note_id}"\nkind = "choice"\nconcept = "c"\n{SOURCE}\n{allowed}'
        f'question = "{question}"\nanswer = {{ text = "{answer}", why = "Right." }}\n'
        f"distractors = [\n{options},\n]\n"
    )


def cloze(note_id: str, text: str) -> str:
    return (
        f'\n[[notes]]\nid = "{note_id}"\nkind = "cloze"\nconcept = "c"\n{SOURCE}\ntext = "{text}"\n'
    )


def reversed_note(note_id: str, term: str, definition: str) -> str:
    return (
        f'\n[[notes]]\nid = "{note_id}"\nkind = "reversed"\nconcept = "c"\n{SOURCE}\n'
        f'front = "{term}"\nback = "{definition}"\n'
    )


def basic(note_id: str, front: str, back: str) -> str:
    return (
        f'\n[[notes]]\nid = "{note_id}"\nkind = "basic"\nconcept = "c"\n{SOURCE}\n'
        f'front = "{front}"\nback = "{back}"\n'
    )


def report(write_deck: WriteDeck, body: str) -> ItemReport:
    return check_deck(load_deck(write_deck(body)))


def found(rep: ItemReport) -> set[tuple[str, str, str]]:
    return {(w.note, w.field, w.check) for w in rep.warnings}


# Six unrelated items, each with a slightly longest answer (-> the deck-level warning)
# or a shortest one.
TOPICS = [
    ("Who headed the task force?", "Dr John Norcross", ["Carl Rogers", "Daniel Siegel", "Bordin"]),
    ("Which quality sits beside empathy?", "Genuineness", ["Warmth", "Neutral", "Insight"]),
    ("Whose book is on the inner voice?", "Robert Firestone", ["Mary Main", "Bowlby", "Wampold"]),
    ("Which term did Siegel use?", "Coherent narrative", ["Secure base", "Core belief", "Schema"]),
    ("What must a therapist be to the client?", "Attuned to them", ["Neutral", "Distant", "Stern"]),
    ("Where does much healing happen?", "In relationships", ["In books", "Alone", "Online"]),
]


QUOTE = (
    "the quality and strength of the collaborative relationship between client and "
    "therapist, typically measured as agreement on the therapeutic goals"
)

# A balanced item: options of similar length and grammar, no cue.
FAIR = choice(
    "fair",
    "Which component of the alliance concerns trust?",
    "The relationship bond",
    ["The therapeutic goals", "The treatment tasks", "The shared method"],
)


def test_a_fair_item_has_no_warning(write_deck: WriteDeck) -> None:
    assert found(report(write_deck, FAIR)) == set()


def test_longest_answer_by_a_wide_margin(write_deck: WriteDeck) -> None:
    body = choice(
        "long",
        "Which component of the alliance concerns trust?",
        "The relationship bond between client and therapist, built on trust",
        ["The goals", "The tasks", "The method"],
    )
    rep = report(write_deck, body)
    assert ("long", "answer.text", "longest-answer") in found(rep)
    [line] = [str(w) for w in rep.warnings if w.check == "longest-answer"]
    warning = rep.warnings[0]
    assert warning.line > 0  # the answer's line in the file
    assert line.startswith(
        f"{warning.file}:{warning.line}: long: answer.text: warning (longest-answer): "
    )
    assert "test-wise trainees pick the longest option" in line


def test_a_deck_whose_answers_are_usually_longest_is_warned(write_deck: WriteDeck) -> None:
    # Each answer is longest by a little (no per-note warning), but always.
    body = "".join(
        choice(f"q{i}", question, answer, [d.ljust(len(answer) - 1, ".") for d in distractors])
        for i, (question, answer, distractors) in enumerate(TOPICS)
    )
    rep = report(write_deck, body)
    assert {(w.note, w.check) for w in rep.warnings} == {("deck", "longest-answer")}
    assert (rep.longest.longest, rep.longest.choices) == (6, 6)
    assert rep.longest.chance == pytest.approx(0.25)
    assert "6 of 6 choice notes (100%; chance 25%)" in str(rep.longest)


def test_longest_share_near_chance_is_not_warned(write_deck: WriteDeck) -> None:
    body = FAIR + "".join(
        choice(f"q{i}", question, answer[:4], distractors)
        for i, (question, answer, distractors) in enumerate(TOPICS[:5])
    )
    rep = report(write_deck, body)
    assert rep.longest.longest == 0 and not rep.longest.well_above_chance
    assert found(rep) == set()
    deck = load_deck(write_deck(body))
    assert longest_share(deck.notes).choices == 6


def test_absolutes_only_in_distractors(write_deck: WriteDeck) -> None:
    body = choice(
        "abs",
        "What role does the alliance play in change?",
        "A critically important role",
        ["A role only in long therapy", "A role that is never measured", "A minor, secondary role"],
    )
    assert {f for n, f, c in found(report(write_deck, body)) if c == "absolute"} == {
        "distractors[1].text",
        "distractors[2].text",
    }
    # The same absolute in the answer too is no cue.
    body = choice(
        "abs2",
        "What role does the alliance play in change?",
        "A role not only in long therapy",
        [
            "A role only in short therapy",
            "A role that is rarely measured",
            "A minor, secondary role",
        ],
    )
    assert not any(c == "absolute" for _, _, c in found(report(write_deck, body)))


def test_a_word_only_in_question_and_answer(write_deck: WriteDeck) -> None:
    body = choice(
        "echo",
        "Which part of the alliance is under strain when the client doubts the exercises?",
        "Consensus on the exercises",
        ["Agreement on goals", "The relationship bond", "Empathy for the client"],
    )
    rep = report(write_deck, body)
    assert ("echo", "answer.text", "answer-echo") in found(rep)
    assert "'exercise'" in next(w.message for w in rep.warnings if w.check == "answer-echo")
    # Another form of the word is the same cue ('planning' in the question, 'plan' here).
    body = choice(
        "form",
        "A trainee has stopped planning interventions. What should they do?",
        "Plan the work with the client",
        ["Rely on the relationship", "Follow the manual rigidly", "Refer the client on"],
    )
    assert ("form", "answer.text", "answer-echo") in found(report(write_deck, body))


def test_reversed_definition_containing_its_term(write_deck: WriteDeck) -> None:
    body = reversed_note(
        "strategy", "Attachment strategy", "The strategy we form in our earliest years."
    ) + reversed_note(
        "genuine", "Genuineness (Rogers)", "The therapist being genuine and real with the client."
    )
    rep = report(write_deck, body)
    assert found(rep) == {
        ("strategy", "back", "reversed-term"),
        ("genuine", "back", "reversed-term"),
    }
    clean = reversed_note("clean", "Attachment strategy", "What we form in our earliest years.")
    assert found(report(write_deck, clean)) == set()


def test_cloze_hint_giving_the_answer_away(write_deck: WriteDeck) -> None:
    body = cloze("hint", "The therapist must be {{c1::attuned::in tune}} to the client.")
    assert found(report(write_deck, body)) == {("hint", "text", "cloze-hint")}
    fair = cloze("fair-hint", "The therapist must be {{c1::attuned::one word}} to the client.")
    assert found(report(write_deck, fair)) == set()


def test_cloze_deleting_items_of_one_list(write_deck: WriteDeck) -> None:
    body = cloze(
        "list",
        "Agreement on the {{c1::goals}}, consensus on treatment {{c2::tasks}}, "
        "and a relationship {{c3::bond}}.",
    )
    rep = report(write_deck, body)
    assert [w.message for w in rep.warnings if w.check == "cloze-list"] == [
        "c1 ('goals') and c2 ('tasks') are items of one list",
        "c2 ('tasks') and c3 ('bond') are items of one list",
    ]
    one = cloze("one", "Agreement on the {{c1::goals, consensus on tasks and a bond}}.")
    far = cloze(
        "far",
        "The relationship makes {{c1::substantial}} contributions to outcome, whatever the "
        "method, and accounts for improvement as much as the {{c2::treatment method}}.",
    )
    assert found(report(write_deck, one + far)) == set()


def test_near_duplicate_notes(write_deck: WriteDeck) -> None:
    body = cloze("dup-cloze", f"Norcross defined the alliance as {{{{c1::{QUOTE}}}}}.") + basic(
        "dup-basic", "How did Norcross define the alliance?", QUOTE
    )
    rep = report(write_deck, body)
    assert found(rep) == {("dup-basic", "-", "near-duplicate")}
    assert "the same as note dup-cloze's" in rep.warnings[0].message


def test_each_near_duplicate_is_named_once_with_its_closest_note(write_deck: WriteDeck) -> None:
    body = "".join(
        basic(f"dup-{i}", f"How did Norcross define the alliance ({i})?", QUOTE) for i in range(3)
    )
    rep = report(write_deck, body)
    assert [(w.note, w.check) for w in rep.warnings] == [
        ("dup-1", "near-duplicate"),
        ("dup-2", "near-duplicate"),
    ]
    assert rep.warnings[1].message.endswith("the same as note dup-0's (and 1 other note)")


def test_markup_is_not_read_as_words(write_deck: WriteDeck) -> None:
    body = choice(
        "marked",
        "Which component of the alliance concerns <b>trust</b>?",
        "The relationship <b>bond</b>",
        ["The therapeutic goals", "The treatment tasks", "The shared method"],
    ).replace('kind = "choice"', 'kind = "choice"\nhtml = true')
    assert found(report(write_deck, body)) == set()


def test_allow_suppresses_one_check_with_a_reason(write_deck: WriteDeck) -> None:
    body = choice(
        "long",
        "Which is Norcross's definition?",
        "The quality and strength of the collaborative relationship",
        ["A warm feeling", "A shared method", "Only homework"],
        allow=["longest-answer: the definition's full wording is the point"],
    )
    rep = report(write_deck, body)
    # The longest-answer warning is gone; the absolute in a distractor is still reported.
    assert {c for _, _, c in found(rep)} == {"absolute"}


def test_allow_on_either_note_excuses_a_near_duplicate(write_deck: WriteDeck) -> None:
    body = cloze("dup-cloze", f"Norcross defined the alliance as {{{{c1::{QUOTE}}}}}.").replace(
        "text =", 'allow = ["near-duplicate: recall and cloze of one quote, on purpose"]\ntext ='
    ) + basic("dup-basic", "How did Norcross define the alliance?", QUOTE)
    assert found(report(write_deck, body)) == set()


def test_an_allow_that_suppresses_nothing_is_warned(write_deck: WriteDeck) -> None:
    body = FAIR.replace("question =", 'allow = ["absolute: no absolute here"]\nquestion =')
    assert found(report(write_deck, body)) == {("fair", "allow", "unused-allow")}


@pytest.mark.parametrize(
    ("allow", "message"),
    [
        ('["longest-answer"]', "gives no reason"),
        ('["longest-answer:  "]', "gives no reason"),
        ('["longest: typo"]', "'longest' is not an item-writing check"),
        ('"longest-answer: not a list"', 'must be a list of "check-name: reason" texts'),
    ],
)
def test_a_malformed_allow_is_a_deck_problem(
    write_deck: WriteDeck, allow: str, message: str
) -> None:
    path = write_deck(FAIR.replace("question =", f"allow = {allow}\nquestion ="))
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    [problem] = caught.value.problems
    assert (problem.note, problem.field) == ("fair", "allow")
    assert message in problem.message


def test_every_check_says_why_it_matters() -> None:
    assert all(why and "\n" not in why for why in CHECKS.values())


def test_check_reports_warnings_and_strict_makes_them_errors(
    write_deck: WriteDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_deck(
        choice(
            "abs",
            "What role does the alliance play in change?",
            "A critically important role",
            ["A role only in long therapy", "A minor, secondary role", "A role in no therapy"],
        )
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{path}:18: abs: distractors[1].text: warning (absolute): 'only' appears in a "
        f"distractor but not in the answer; {CHECKS['absolute']}"
    )
    assert (
        out[1]
        == f"{path}: the answer is the longest option in 0 of 1 choice notes (0%; chance 25%)"
    )
    assert out[-1].endswith("0 with problems (0 problems), 1 item-writing warning")
    assert main(["check", "--strict", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1].endswith("(errors under --strict)")
    fair = write_deck(FAIR)
    assert main(["check", "--strict", str(fair)]) == 0


def test_a_registered_kind_brings_its_own_cues(tmp_path: Path) -> None:
    """Each kind looks for its own cues (KindRules.item_cues); the deck-wide checks and
    ``allow`` apply to them like to any other."""
    from rapport.content.notes.kinds import ItemCue, register, unregister
    from tests.support.decks import write_deck as write_support_deck
    from tests.support.flash import FLASH_DECK, FlashNote, FlashRules

    class CuedFlash(FlashRules):
        def item_cues(self, note: FlashNote) -> list[ItemCue]:
            if note.word in note.meaning:
                return []
            return [ItemCue("meaning", "reversed-term", "the meaning lacks the word")]

    register(CuedFlash())
    try:
        deck = load_deck(write_support_deck(tmp_path, FLASH_DECK))
        [warning] = check_deck(deck).warnings
        assert (warning.note, warning.field, warning.check) == (
            "alliance-word",
            "meaning",
            "reversed-term",
        )
        assert check_deck(deck, {"alliance-word": frozenset({"reversed-term"})}).warnings == ()
    finally:
        unregister("flash")


# --- the cues of the lecturer review (issue 22) ------------------------------------------


def typed(note_id: str, prompt: str, answer: str) -> str:
    return (
        f'\n[[notes]]\nid = "{note_id}"\nkind = "typed"\nconcept = "c"\n{SOURCE}\n'
        f'prompt = "{prompt}"\nanswer = "{answer}"\n'
    )


WARM_KEYED = choice(
    "warm",
    "A client goes quiet after you mention their father. What would an attuned therapist do?",
    "Gently name the shift and explore it together",
    [
        "Carry on with the planned agenda for today",
        "Change the subject quickly without comment",
        "Tell them firmly to keep on talking",
    ],
)


def test_only_the_answer_warm_or_hedged(write_deck: WriteDeck) -> None:
    rep = report(write_deck, WARM_KEYED)
    assert found(rep) == {("warm", "answer.text", "warm-key")}
    [warning] = rep.warnings
    assert "'gently', 'explore', 'together'" in warning.message
    assert "picks the gentle, collaborative option" in str(warning)


def test_a_warm_distractor_wrong_for_its_content_clears_the_cue(write_deck: WriteDeck) -> None:
    body = WARM_KEYED.replace(
        "Carry on with the planned agenda for today", "Gently ask about what their father did"
    )
    assert found(report(write_deck, body)) == set()


@pytest.mark.parametrize("marker", ["may", "might", "both", "acknowledge", "asking", "invite"])
def test_each_hedge_or_collaborative_marker_counts(write_deck: WriteDeck, marker: str) -> None:
    body = choice(
        "hedged",
        "What does the research suggest?",
        f"Relationship and method {marker} matter",
        ["Method alone matters", "Relationship alone matters", "Neither matters"],
    )
    assert ("hedged", "answer.text", "warm-key") in found(report(write_deck, body))


SUBJECTS = ["grief", "anger", "shame", "trust", "loss", "fear"]


def warm_item(note_id: str, subject: str, *, warm_answer: bool) -> str:
    """A scenario whose one warm option is the answer (or a distractor)."""
    warm, firm = f"Ask gently about the {subject}", f"Insist firmly on the {subject}"
    answer, first = (warm, firm) if warm_answer else (firm, warm)
    return choice(
        note_id,
        f"A client brings {subject} to the session. What fits?",
        answer,
        [first, f"Drop the topic of {subject}", f"Lecture them on {subject}"],
    )


def test_a_deck_whose_one_warm_option_is_usually_the_answer_is_warned(
    write_deck: WriteDeck,
) -> None:
    # Six notes where the one warm option is the answer: warned per note and as a share.
    body = "".join(warm_item(f"w{i}", s, warm_answer=True) for i, s in enumerate(SUBJECTS))
    rep = report(write_deck, body)
    assert ("deck", "-", "warm-key") in found(rep)
    assert {n for n, _, c in found(rep) if c == "warm-key"} == {f"w{i}" for i in range(6)} | {
        "deck"
    }
    assert (rep.warm.warm, rep.warm.choices) == (6, 6)
    assert "in 6 of 6 choice notes that have one (100%; chance 25%)" in str(rep.warm)


def test_warm_options_spread_like_chance_are_not_warned_as_a_share(write_deck: WriteDeck) -> None:
    # The one warm option is a distractor in five notes and the answer in one.
    body = "".join(warm_item(f"w{i}", s, warm_answer=i == 5) for i, s in enumerate(SUBJECTS))
    rep = report(write_deck, body)
    assert (rep.warm.warm, rep.warm.choices) == (1, 6)
    assert not rep.warm.well_above_chance
    assert found(rep) == {("w5", "answer.text", "warm-key")}


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Advise them to find a new partner", "verb"),
        ("Gently name the shift", "verb"),
        ("Exploring how a strategy formed early", "gerund"),
        ("How a strategy formed early may shape it", "wh"),
        ("The relationship bond", "noun"),
        ("Consensus on treatment tasks", "noun"),
        ("They should wait for a partner", "noun"),
        ("Because no two people are alike", "because"),
        ("That the research is right", "that"),
        ("Yes: a warm manner is enough", "yes-no"),
        ("No, the link is an artefact", "yes-no"),
        ("No two people are alike", "noun"),
        ('"Research suggests both matter."', "quote"),
        ("To identify effective elements", "to"),
    ],
)
def test_the_grammatical_form_of_an_option(text: str, form: str) -> None:
    assert grammatical_form(text) == form


def test_an_answer_whose_grammar_differs_from_the_distractors(write_deck: WriteDeck) -> None:
    body = choice(
        "form",
        "Which line of exploration follows the essay?",
        "How an early strategy shapes the reactions they draw",
        [
            "Advise them to look for more patient partners",
            "Treat the pattern as a trait fixed for life",
            "Focus on what the partners do and say to them",
        ],
    )
    rep = report(write_deck, body)
    assert found(rep) == {("form", "answer.text", "grammar")}
    assert (
        'the answer is a "How/What/Why..." clause, while the distractors are an '
        "instruction (verb first)" in rep.warnings[0].message
    )
    same = body.replace(
        "How an early strategy shapes the reactions they draw",
        "Look at how early strategies shape their reactions",
    )
    assert found(report(write_deck, same)) == set()


def test_a_yes_no_pattern_against_a_qualified_answer(write_deck: WriteDeck) -> None:
    body = choice(
        "yesno",
        "Does the alliance cause improvement?",
        "The link is moderate and not simply causal",
        [
            "Yes: warmth on its own produces the change",
            "No: the link is an artefact of measuring",
            "Yes, and a strong alliance guarantees it",
        ],
    )
    assert found(report(write_deck, body)) == {("yesno", "answer.text", "grammar")}


QUOTED = (
    "the therapy relationship accounts for why clients improve at least as much as the "
    "particular treatment method"
)


def test_an_answer_each_distractor_varies_by_one_element(write_deck: WriteDeck) -> None:
    # Each distractor changes one element of the answer: the answer is the centre.
    body = choice(
        "centre",
        "Which is the task force's finding, word for word?",
        QUOTED,
        [
            QUOTED.replace("at least as much as", "far more than"),
            QUOTED.replace("why clients improve", "how quickly clients improve"),
            QUOTED.replace("the particular treatment method", "the client's own motivation"),
        ],
    )
    rep = report(write_deck, body)
    assert found(rep) == {("centre", "answer.text", "convergence")}
    assert "the option most like all the others" in rep.warnings[0].message
    # A distractor at the centre (the others vary it further) breaks the cue.
    centre = QUOTED.replace("at least as much as", "far more than")
    fixed = choice(
        "fixed",
        "Which is the task force's finding, word for word?",
        QUOTED,
        [
            centre,
            centre.replace("why clients improve", "how quickly clients improve"),
            centre.replace("the particular treatment method", "the client's own motivation"),
        ],
    )
    assert found(report(write_deck, fixed)) == set()


def test_an_answer_printed_on_another_card_in_its_context(write_deck: WriteDeck) -> None:
    body = typed(
        "attuned-typed",
        "The essay asks the therapist to be ____ to the client and their state of being.",
        "attuned",
    ) + cloze(
        "attuned-cloze",
        "To build a relationship on {{c1::trust and understanding}}, the therapist must be "
        "attuned to the client and their state of being.",
    )
    rep = report(write_deck, body)
    assert found(rep) == {("attuned-typed", "-", "answer-elsewhere")}
    assert "'attuned' is printed on the question side of note attuned-cloze" in str(rep.warnings[0])
    # The same word in another context gives nothing away.
    elsewhere = body.replace(
        "the therapist must be attuned to the client and their state of being",
        "an attuned therapist offers a new way of seeing relationships",
    )
    assert found(report(write_deck, elsewhere)) == set()


def test_two_notes_asking_the_same_fact(write_deck: WriteDeck) -> None:
    body = basic(
        "why-basic",
        "Why, according to the essay, is there no one-size-fits-all approach to therapy?",
        "Because no two people are alike.",
    ) + choice(
        "why-choice",
        "Why, according to the essay, is there no one-size-fits-all therapy?",
        "Because no two people are alike",
        [
            "Because methods are all equally good",
            "Because clients choose their methods",
            "Because research has not settled it",
        ],
    )
    rep = report(write_deck, body)
    assert found(rep) == {("why-choice", "-", "same-fact")}
    assert "it asks what note why-basic asks" in rep.warnings[0].message
    # The same fact from another angle (applying it to a case) is not a duplicate.
    applied = body.replace(
        'Because no two people are alike"', 'Tailor the work to each of the two clients"'
    )
    assert "same-fact" not in {c for _, _, c in found(report(write_deck, applied))}
