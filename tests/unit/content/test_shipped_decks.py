"""The decks Rapport ships validate, teach the essay, and carry no paraphraser artefacts."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from rapport.cli import main
from rapport.content import (
    BasicNote,
    ChoiceNote,
    ClozeNote,
    Deck,
    Kind,
    Note,
    RespondNote,
    ReversedNote,
    TypedNote,
    load_decks,
)
from rapport.content.checks.itemcheck import check_deck, longest_share, note_text
from rapport.content.notes.cloze import DELETION
from rapport.content.notes.kinds import rules_of
from rapport.paths import decks_dir

ESSAY_DECK = "the-relationship-in-therapy"

# The key quotations, restored as CONCEPTS.md gives them; each must appear word for word.
QUOTATIONS = [
    "the therapy relationship makes substantial and consistent contributions to "
    "psychotherapy outcome independent of the specific type of treatment",
    "the therapy relationship accounts for why clients improve (or fail to improve) at "
    "least as much as the particular treatment method",
    "the quality and strength of the collaborative relationship between client and "
    "therapist, typically measured as agreement on the therapeutic goals, consensus on "
    "treatment tasks, and a relationship bond",
]

# Wording the paraphraser put into the essay; none may reach a card.
ARTEFACTS = re.compile(
    r"activity force|role force|sympathy|\byou may\b|\byou can\b|jewish|sites dating|"
    r"diligent|healing dating|matchmaking|romance thread|counselor\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def deck() -> Deck:
    result = load_decks([decks_dir()])
    assert not result.errors, "\n".join(map(str, result.problems))
    return next(d for d in result.decks if d.id == ESSAY_DECK)


def texts(deck: Deck) -> list[tuple[str, str]]:
    """Every piece of card text in the deck, with the note id it belongs to."""
    out: list[tuple[str, str]] = []
    for note in deck.notes:
        # Every text of the note, whatever its kind: its kind module's text columns.
        parts = [note.extra, *rules_of(note).to_columns(note).values()]
        out += [(note.id, p) for p in parts if p]
    out += [(f"summary {n}", s) for n, s in deck.summaries.items()]
    return out


def test_shipped_decks_validate() -> None:
    result = load_decks([decks_dir()])
    assert result.decks and not result.errors, "\n".join(map(str, result.problems))


def test_essay_deck_is_large(deck: Deck) -> None:
    # The shipped deck need not use every kind: the every-kind test deck does
    # (tests/support/decks.py and tests/unit/test_kind_conformance.py).
    assert len(deck.notes) >= 60
    scenarios = [n for n in deck.notes if isinstance(n, ChoiceNote) and n.scenario]
    assert len(scenarios) >= 8
    assert any(
        m.group(3)
        for n in deck.notes
        if isinstance(n, ClozeNote)
        for m in DELETION.finditer(n.text)
    ), "no cloze uses a hint"


def test_no_paraphraser_artefact_in_any_card(deck: Deck) -> None:
    found = [(note, m.group(0)) for note, text in texts(deck) if (m := ARTEFACTS.search(text))]
    assert not found


def test_key_quotations_are_clozed_word_for_word(deck: Deck) -> None:
    clozes = [DELETION.sub(r"\2", n.text) for n in deck.notes if isinstance(n, ClozeNote)]
    for quote in QUOTATIONS:
        assert any(quote in c for c in clozes), quote


def angle(note: Note) -> str:
    """How a note asks: recall, recognition, cloze, typed recall, or a scenario."""
    if isinstance(note, ChoiceNote) and note.scenario:
        return "scenario"
    return str(note.kind)


def test_every_concept_is_taught_from_several_angles(deck: Deck) -> None:
    """Core concepts by their core notes alone; concepts only extensions teach, by those."""
    core = [n for n in deck.notes if not n.extension]
    core_concepts = {n.concept for n in core}
    extension_only = [n for n in deck.notes if n.concept not in core_concepts]
    for notes in (core, extension_only):
        for concept in {n.concept for n in notes}:
            angles = {angle(n) for n in notes if n.concept == concept}
            assert len(angles) >= 2, f"{concept} is taught only as {angles}"


# The concepts CONCEPTS.md requires of the core deck, each from several angles.
CORE_CONCEPTS = {
    "common-factor",
    "apa-task-force",
    "alliance-definition",
    "relationship-elements",
    "alliance-and-change",
    "tailoring-and-attunement",
    "genuine-therapist",
    "firestone",
    "healing-in-relationship",
    "attachment",
    "coherent-narrative",
    "who-said-what",
}


def test_the_required_core_concepts_are_all_taught(deck: Deck) -> None:
    core = {n.concept for n in deck.notes if not n.extension}
    assert core >= CORE_CONCEPTS


def test_the_alliance_components_are_one_cloze_deletion(
    deck: Deck,
) -> None:
    # Word for word, and the goals / tasks / bond list is one deletion, not three.
    definition = next(n for n in deck.notes if n.id == "alliance-definition-cloze")
    assert isinstance(definition, ClozeNote)
    components = (
        "agreement on the therapeutic goals, consensus on treatment tasks, and a relationship bond"
    )
    assert any(m.group(2) == components for m in DELETION.finditer(definition.text))


def fields(note: Note) -> list[str]:
    """Every text of a note a trainee reads, question and answer sides and extra."""
    if isinstance(note, ClozeNote):
        parts = [DELETION.sub(r"\2", note.text)]
    elif isinstance(note, ChoiceNote):
        parts = [note.question, *(o.text for o in note.options), *(o.why for o in note.options)]
    elif isinstance(note, TypedNote):
        parts = [note.prompt, note.answer]
    else:
        assert isinstance(note, BasicNote | ReversedNote)
        parts = [note.front, note.back]
    return [*parts, note.extra]


def test_no_note_states_the_essays_task_force_aim_as_fact(deck: Deck) -> None:
    """'Set out to identify empirically supported treatments' is the essay's error: a note
    may give it only as what the essay says, and then must correct it."""
    saying = [n for n in deck.notes if any("empirically supported" in f for f in fields(n))]
    assert saying
    for note in saying:
        if note.extension:
            # Extension notes name who really had that aim (Division 12, Chambless).
            assert "Chambless" in " ".join(fields(note)), note.id
            continue
        question, answer = fields(note)[0], " ".join(fields(note)[1:-1])
        assert "according to the essay" in question.casefold(), note.id
        assert answer.startswith("The essay says"), note.id
        assert "The essay is wrong" in note.extra and "Norcross" in note.extra, note.id


def test_no_note_states_the_attachment_claim_as_fact(deck: Deck) -> None:
    """The 'biggest predictor' claim is the essay's: notes say so and give the nuance."""
    claiming = [
        n
        for n in deck.notes
        if any(
            re.search(r"biggest predictor|attachment (?:we|they) experienced", f) for f in fields(n)
        )
    ]
    assert len(claiming) >= 2
    for note in claiming:
        question = fields(note)[0]
        assert "essay claim" in question, note.id
        assert "moderate" in note.extra, note.id
    summary = deck.summaries[("essay", 11)]
    assert summary.startswith("The essay claims") and "moderate" in summary
    assert "Attachment research shows" not in " ".join(deck.summaries.values())


def test_the_coherent_narrative_is_not_credited_to_siegel_as_his_term(deck: Deck) -> None:
    for note in deck.notes:
        for text in fields(note):
            assert "Siegel calls" not in text, note.id
    typed = next(n for n in deck.notes if n.id == "who-siegel-typed")
    assert "Mary Main" in typed.extra and "popularised" in typed.extra
    # His phrase, not his concept (lecturer review E6).
    assert "not Siegel's own concept" in typed.extra
    assert not any("Siegel's own term" in " ".join(fields(n)) for n in deck.notes)
    assert any(
        "own gloss" in " ".join(fields(n)) for n in deck.notes if n.concept == "coherent-narrative"
    )


def test_the_definition_is_attributed_with_bordin(deck: Deck) -> None:
    """Wherever the definition is attributed to Norcross, the note says he restated Bordin."""
    for note_id in (
        "alliance-definition-cloze",
        "alliance-definition-choice",
        "who-alliance-definition-choice",
    ):
        note = deck.note(note_id)
        assert note is not None and "Bordin" in " ".join(fields(note)), note_id


# The extension material a course expects (issue 13), by note id and what it must mention.
EXTENSIONS = {
    "apa-task-force-aim": "tailoring therapy",
    "ext-task-force-in-concert": "in concert with",
    "apa-task-force-identity": "Interdivisional Task Force",
    "ext-tailoring-adaptations": "reactance",
    "ext-evidence-ratings": "demonstrably effective",
    "ext-rupture-repair": "withdrawal",
    "ext-routine-feedback": "not on track",
    "ext-alliance-outcome-size": "r = .28",
    "ext-alliance-not-causal": "correlational",
    "ext-secure-base": "secure base",
    "ext-internal-working-models": "Mental representations",
    "ext-mary-main-aai": "Mary Main",
    "ext-earned-security": "secure-autonomous",
    "ext-attachment-stability": "Moderately",
    "ext-bordin-working-alliance": "Bordin",
}
# A reference: an author and a year in brackets or after a comma, e.g. "Norcross & Wampold (2011)".
REFERENCE = re.compile(r"[A-Z][a-z]+.{0,60}\(?(?:19|20)\d\d")


def test_the_extension_notes_exist_are_flagged_and_cite_a_reference(deck: Deck) -> None:
    for note_id, mention in EXTENSIONS.items():
        note = deck.note(note_id)
        assert note is not None, note_id
        assert note.extension, f"{note_id} is not flagged extension = true"
        assert mention in " ".join(fields(note)), (note_id, mention)
    for note in deck.notes:
        if note.extension:
            assert REFERENCE.search(note.extra), f"{note.id}: no reference in extra"
            assert "extension" in note.tags, note.id


def test_six_or_more_scenarios_apply_the_extension_material(deck: Deck) -> None:
    scenarios = [n for n in deck.notes if isinstance(n, ChoiceNote) and n.scenario and n.extension]
    assert len(scenarios) >= 6


def test_the_inner_critic_scenario_carries_a_risk_note(deck: Deck) -> None:
    note = deck.note("firestone-scenario-inner-critic")
    assert note is not None and "suicide" in note.extra and "risk" in note.extra.casefold()


def test_the_answer_is_the_longest_option_in_at_most_30_percent_of_choices(deck: Deck) -> None:
    share = longest_share(deck.notes)
    assert share.choices >= 30
    assert share.share <= 0.30, str(share)


def test_the_deck_has_no_item_writing_warning(deck: Deck) -> None:
    assert check_deck(deck).warnings == ()


def test_rapport_check_strict_passes_on_the_shipped_decks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--strict", str(decks_dir())]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("0 item-writing warnings")


def test_no_two_notes_teach_the_same_text(deck: Deck) -> None:
    texts = [note_text(n) for n in deck.notes]
    assert len(set(texts)) == len(texts)


# Typed notes accept what a trainee would reasonably type, name variants included.
TYPED_ANSWERS = {
    "apa-task-force-headed-by": ["John C. Norcross", "norcross", "Dr. John Norcross"],
    "who-siegel-typed": ["Daniel J. Siegel", "Dan Siegel", "siegel"],
    "who-real-human-being-typed": ["Robert W. Firestone", "Firestone"],
    "alliance-components-typed": [
        "goals, tasks and a bond",
        "Goals, tasks, and bond",
        "goals tasks bond",
    ],
    "ext-mary-main-aai": ["Main"],
}


def test_typed_notes_accept_reasonable_variants(deck: Deck) -> None:
    for note_id, answers in TYPED_ANSWERS.items():
        note = deck.note(note_id)
        assert isinstance(note, TypedNote), note_id
        accepted = {" ".join(a.split()).casefold() for a in (note.answer, *note.accept)}
        for answer in answers:
            assert answer.casefold() in accepted, (note_id, answer)


def test_kept_notes_keep_their_ids(deck: Deck) -> None:
    """Notes that were reworded keep their ids, so trainees keep their progress."""
    ids = {n.id for n in deck.notes}
    assert ids >= KEPT_IDS


def test_every_paragraph_used_has_a_summary(deck: Deck) -> None:
    for note in deck.notes:
        assert note.source is None or deck.summary(note.source)


# Ids of notes in the deck as first released that are still in it (issue 13 cut 27 notes
# that repeated another note's angle; their cards' progress stays in the database).
KEPT_IDS = set(
    """
    alliance-collaborative alliance-components-typed alliance-definition-choice
    alliance-definition-cloze alliance-scenario-bond alliance-scenario-tasks
    apa-finding-choice apa-finding-one-choice apa-finding-one-cloze apa-finding-two-cloze
    apa-scenario-which-therapy apa-task-force-aim apa-task-force-headed-by
    apa-task-force-identity attachment-choice attachment-predictor
    attachment-scenario-withdrawing attachment-strategy-cloze
    attunement-cloze attunement-new-way attunement-scenario-withdrawal
    change-choice change-cloze change-scenario-checking-in
    coherent-narrative-choice coherent-narrative-cloze coherent-narrative-gift
    coherent-narrative-scenario-flat-story common-factor-choice
    common-factor-cloze common-factor-research-confirms-intuition
    common-factor-scenario-protocol-first elements-choice elements-cloze
    elements-scenario-scripted ext-aai-narrative-coherence ext-bordin-working-alliance
    ext-earned-security ext-rogers-core-conditions firestone-book-purpose
     firestone-foreword-choice firestone-foreword-cloze
    firestone-potential firestone-potential-cloze firestone-scenario-inner-critic
    genuine-choice genuine-quote-cloze genuine-scenario-moved healing-choice healing-cloze
    healing-scenario-let-down purpose-know-yourself purpose-true-selves-cloze
    purpose-trust-of-the-story safe-space-cloze safe-space-scenario-first-disclosure
    tailoring-choice tailoring-cloze tailoring-no-one-size tailoring-scenario-bereavement
    who-alliance-definition-choice who-firestone-reversed who-foreword-choice
     who-pairing-choice who-real-human-being-typed who-siegel-typed
    """.split()
)


# --- the lecturer review (issue 22, ../shared/essay/LECTURER-REVIEW.md section 6) ---------

# Notes the review retired, each named in the deck's changelog so a trainee adding the
# revision sees why its cards go (their history stays in the database).
RETIRED = {
    "coherent-narrative-typed",
    "attunement-typed",
    "who-norcross-reversed",
    "ext-genuineness-rating",
    "attachment-strategy-basic",
    "change-heading",
    "firestone-book-typed",
    "ext-task-force-real-aims",
}


def said(note: Note) -> str:
    return " ".join(fields(note))


def note_of(deck: Deck, note_id: str) -> Note:
    note = deck.note(note_id)
    assert note is not None, note_id
    return note


def choice_of(deck: Deck, note_id: str) -> ChoiceNote:
    note = note_of(deck, note_id)
    assert isinstance(note, ChoiceNote), note_id
    return note


def test_retired_notes_are_gone_and_named_in_the_changelog(deck: Deck) -> None:
    assert deck.version >= 2 and deck.changelog
    retiring = [e.text for e in deck.changelog if "etired" in e.text]
    ids = {n.id for n in deck.notes}
    for note_id in RETIRED:
        assert note_id not in ids, note_id
        assert any(re.search(rf"\b{note_id}\b", line) for line in retiring), note_id
    assert not RETIRED & KEPT_IDS


def test_review_factual_errors_are_corrected(deck: Deck) -> None:
    # 1. Earned security in its two definitions, with what Roisman et al. found.
    earned = note_of(deck, "ext-earned-security")
    assert "retrospective" in said(earned) and "prospective" in said(earned)
    assert "Roisman" in earned.extra and "typically reached by making sense" not in said(earned)
    # 2. The scenario: no option-opening "That", no overstatement, therapy has its source.
    scenario = choice_of(deck, "ext-scenario-earned-security")
    assert not any(o.text.startswith("That") for o in scenario.options)
    assert "documented longitudinally (Roisman et al., 2002)" in scenario.answer.why
    assert "well documented" not in said(scenario) and "therapy included" not in said(scenario)
    assert "Saunders" in said(scenario)
    # 3. Each attachment claim with its own source.
    predictor = note_of(deck, "attachment-predictor").extra
    for source in ("Fraley, 2002", "Pinquart", "Roisman et al., 2002", "Saunders et al., 2011"):
        assert source in predictor, source
    assert "therapy included" not in predictor
    # 4. The alliance is collaboration plus a bond; no yes/no pattern.
    correlation = choice_of(deck, "ext-scenario-correlation")
    assert "collaboration plus a bond, not warmth alone" in correlation.answer.text
    assert not any(re.match(r"(?:Yes|No)\b", o.text) for o in correlation.options)
    # 5. The lists and the criteria, each credited to its own source; the key in parallel.
    origin = choice_of(deck, "ext-task-force-est-origin")
    assert origin.answer.text == "Division 12's task force chaired by Chambless, in 1995"
    assert all(re.search(r", in \d{4}$", o.text) for o in origin.options)
    for source in ("(1995)", "Chambless et al. (1996)", "Chambless et al. (1998)"):
        assert source in origin.extra, source
    assert "Chambless & Hollon (1998)" in origin.answer.why + origin.extra
    # 7. Change with life events, with the studies that show it.
    stability = note_of(deck, "ext-attachment-stability")
    assert "Waters" in stability.extra and "Weinfield" in stability.extra


def test_review_duplicates_and_trivia_are_gone(deck: Deck) -> None:
    # 12. The essay's wrong aim is asked together with the real aims.
    aim = note_of(deck, "apa-task-force-aim")
    assert isinstance(aim, BasicNote) and aim.extension
    assert aim.back.startswith("The essay says: to identify empirically supported treatments")
    assert "In fact" in aim.back and "tailoring therapy" in aim.back
    # 13. The essay's claims said as the essay's; a caveat on no-one-size-fits-all.
    for note_id in ("change-cloze", "firestone-potential-cloze"):
        assert said(note_of(deck, note_id)).startswith(
            ("The essay says", "The essay's author says")
        )
    assert "not a research finding" in note_of(deck, "tailoring-no-one-size").extra
    # 16. No trivial deletion.
    deleted = {
        n.id: [m.group(2) for m in DELETION.finditer(n.text)]
        for n in deck.notes
        if isinstance(n, ClozeNote)
    }
    assert deleted["purpose-true-selves-cloze"] == ["limitations imposed by their past"]
    assert "secure" not in deleted["coherent-narrative-cloze"]
    assert "change process" not in deleted["change-cloze"]
    # 11. The evidence ratings on one note, 2011 and 2019.
    ratings = note_of(deck, "ext-evidence-ratings")
    assert "2011" in said(ratings) and "2019" in ratings.extra


# The nine scenarios where only the key was warm and collaborative (review 3.2, item 1).
WARM_KEYED = (
    "apa-scenario-which-therapy attunement-scenario-withdrawal ext-scenario-reactance "
    "ext-scenario-faith ext-scenario-secure-base ext-scenario-in-concert "
    "ext-scenario-rupture-withdrawal ext-scenario-rupture-confrontation "
    "ext-scenario-feedback-worse"
).split()
WARM = re.compile(
    r"\b(?:explor\w*|gentl\w*|together|acknowledg\w*|ask\w*|both|may|might|invit\w*)\b",
    re.IGNORECASE,
)


def test_review_item_writing_defects_are_fixed(deck: Deck) -> None:
    # 9. A warm, collaborative distractor in each of the nine.
    for note_id in WARM_KEYED:
        note = choice_of(deck, note_id)
        assert any(WARM.search(o.text) for o in note.options if not o.correct), note_id
    # 8. One grammatical form: every option a noun phrase led by a gerund.
    withdrawing = choice_of(deck, "attachment-scenario-withdrawing")
    assert all(re.match(r"[A-Z][a-z]+ing\b", o.text) for o in withdrawing.options)
    # 10. The rupture vignette no longer repeats the attunement one.
    rupture = choice_of(deck, "ext-scenario-rupture-withdrawal")
    assert not re.search(r"mother|father|parent", rupture.question)
    assert "expert" in rupture.question
    # 14. No distractor the stem's own category eliminates.
    for note_id in ("alliance-scenario-tasks", "alliance-scenario-bond"):
        texts = [o.text for o in choice_of(deck, note_id).options]
        assert "Empathy" not in texts and not any(t.startswith("None of") for t in texts)
    # 18. One person throughout.
    assert "trainee" not in choice_of(deck, "genuine-scenario-moved").question
    assert "both need care" in choice_of(deck, "ext-scenario-in-concert").answer.text


def test_review_safety_notes_are_present(deck: Deck) -> None:
    worse = note_of(deck, "ext-scenario-feedback-worse")
    assert "suicid" in worse.extra and "supervision" in worse.extra and "risk" in worse.tags
    disclosure = note_of(deck, "safe-space-scenario-first-disclosure")
    for words in ("limits of confidentiality", "contracting", "safeguarding"):
        assert words in disclosure.extra, words
    assert "risk" in disclosure.tags


# The review's missing must-knows (4.2 and section 6, item 19): note, what it must say,
# and the reference it must cite.
NEW_NOTES = {
    "ext-empathy-definition": ("as if", "Rogers"),
    "ext-empathy-evidence": ("r = .28", "Elliott, Bohart, Watson & Murphy (2018)"),
    "ext-positive-regard": ("demonstrably effective", "Farber, Suzuki & Lynch (2018)"),
    "ext-congruence-effect": ("r = .23", "Kolden"),
    "ext-task-force-2019-verdicts": ("Evidence-Based Relationships and Responsiveness", "2019"),
    "ext-what-does-not-work": ("Confrontational", "Norcross & Wampold (2011)"),
    "ext-working-alliance-inventory": ("Bordin", "Horvath & Greenberg (1989)"),
    "ext-common-factors": ("Rosenzweig", "Rosenzweig (1936)"),
    "ext-strange-situation": ("disorganised", "Ainsworth"),
    "ext-aai-classifications": ("Secure-autonomous (secure), dismissing (avoidant)", "Main"),
    "ext-grice-maxims": ("quality", "Grice (1975)"),
    "ext-interpersonal-neurobiology": ("window of tolerance", "Siegel (1999"),
    "ext-cultural-humility": ("curiosity", "Hook, Davis, Owen, Worthington & Utsey (2013)"),
    "ext-therapist-effects": ("between therapists", "Baldwin & Imel (2013)"),
}
# Each new topic also has a choice or a scenario, by concept.
NEW_CONCEPTS = (
    "empathy positive-regard what-does-not-work alliance-measurement common-factor "
    "attachment-classifications coherent-narrative interpersonal-neurobiology "
    "cultural-humility therapist-effects"
).split()


def test_review_new_notes_are_present_with_a_reference(deck: Deck) -> None:
    for note_id, (mention, reference) in NEW_NOTES.items():
        note = note_of(deck, note_id)
        assert note.extension and "extension" in note.tags, note_id
        assert mention in said(note), (note_id, mention)
        assert reference in note.extra, (note_id, reference)
    for concept in NEW_CONCEPTS:
        assert any(
            isinstance(n, ChoiceNote) and n.extension and n.concept == concept for n in deck.notes
        ), concept
    verdicts = note_of(deck, "ext-task-force-2019-verdicts")
    assert "9 elements demonstrably effective, 7 probably effective, 1 promising" in said(verdicts)


# --- the skills deck of respond notes (issue 22, item 4) ---------------------------------
# Read with tomllib, so these tests need nothing of the respond kind's code; the kind's own
# validation (and `rapport check --strict`) runs on it as a shipped deck like any other.

SKILLS_DECK = decks_dir() / "relationship-skills.toml"
# The essay's concepts, and the concepts of notes beyond it (flagged extension).
ESSAY_SKILL_CONCEPTS = {
    "attunement",
    "empathy",
    "genuineness",
    "tailoring",
    "safe-space",
    "inner-critic",
    "coherent-narrative",
}
EXTENSION_SKILL_CONCEPTS = {"rupture-repair", "cultural-humility", "risk"}
SITUATIONS = {"mistrust", "rupture", "advice-seeking", "minimising", "culture-faith", "risk"}
# Advice in a model response (a supervisor would not sign it off unless the rubric allows).
ADVICE = re.compile(
    r"\b(?:you should|you shouldn't|you must|you need to|you ought to|try to|why don't you|"
    r"why not try|if i were you|have you tried|my advice)\b",
    re.IGNORECASE,
)
# Statements that call for a risk or confidentiality note.
RISK_STATEMENT = re.compile(
    r"better off without me|hurt|harm|shoved|violent|tell anyone|write that down|"
    r"locked me|wish it was over|useless|glasses at night",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def skills() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(SKILLS_DECK.read_text(encoding="utf-8"))
    return data


def respond_notes(skills: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in skills["notes"] if n.get("kind") == "respond"]


def test_the_skills_deck_has_its_metadata_and_at_least_30_respond_notes(
    skills: dict[str, Any],
) -> None:
    assert skills["id"] == "relationship-skills" and skills.get("format") == 2
    assert skills["name"] and len(skills["description"]) > 100
    assert skills["version"] == 1
    assert [c["version"] for c in skills["changelog"]] == [1]
    notes = skills["notes"]
    assert len(notes) >= 30 and notes == respond_notes(skills)
    ids = [n["id"] for n in notes]
    assert len(set(ids)) == len(ids)
    assert "essay" not in skills and "sources" not in skills  # a deck of its own notes


def test_every_respond_note_has_context_statement_models_and_a_rubric_tied_to_concepts(
    skills: dict[str, Any],
) -> None:
    concepts = ESSAY_SKILL_CONCEPTS | EXTENSION_SKILL_CONCEPTS
    for note in respond_notes(skills):
        where = note["id"]
        assert note["context"].strip() and "\n" not in note["context"], where
        assert note["statement"].strip(), where
        models = note["models"]
        assert 2 <= len(models) <= 3, where
        assert all(m["style"].strip() and m["text"].strip() for m in models), where
        assert len({m["style"].casefold() for m in models}) == len(models), where
        rubric = note["rubric"]
        assert 3 <= len(rubric) <= 6, where
        for line in rubric:
            assert line["line"].strip(), where
            assert line["concept"] in concepts, (where, line["concept"])
        assert note["concept"] in concepts, where


def test_skills_notes_beyond_the_essay_are_flagged_and_cite_a_reference(
    skills: dict[str, Any],
) -> None:
    for note in respond_notes(skills):
        used = {note["concept"], *(line["concept"] for line in note["rubric"])}
        if used & EXTENSION_SKILL_CONCEPTS:
            assert note.get("extension"), f"{note['id']} goes beyond the essay"
        if note.get("extension"):
            assert REFERENCE.search(note.get("extra", "")), f"{note['id']}: no reference"
            assert "extension" in note["tags"], note["id"]
    essay_grounded = [n for n in respond_notes(skills) if not n.get("extension")]
    assert {n["concept"] for n in essay_grounded} == ESSAY_SKILL_CONCEPTS


def test_skills_statements_are_varied_in_situation_and_difficulty(
    skills: dict[str, Any],
) -> None:
    tags = [set(n["tags"]) for n in respond_notes(skills)]
    for situation in SITUATIONS:
        assert sum(situation in t for t in tags) >= 3, situation
    for level in ("level::foundation", "level::intermediate", "level::advanced"):
        assert sum(level in t for t in tags) >= 5, level
    assert all("skills" in t and sum(x.startswith("level::") for x in t) == 1 for t in tags)


def test_statements_that_call_for_it_carry_a_risk_note(skills: dict[str, Any]) -> None:
    for note in respond_notes(skills):
        calls = RISK_STATEMENT.search(note["statement"]) or "risk" in note["tags"]
        if calls:
            risk = note.get("risk", "")
            assert risk, f"{note['id']}: the statement calls for a risk note"
            assert re.search(r"supervision|safeguarding|GP", risk), note["id"]
            assert "risk" in note["tags"], note["id"]
        elif "risk" in note:
            assert "risk" in note["tags"], note["id"]


def test_no_model_response_gives_advice_unless_its_rubric_allows_it(
    skills: dict[str, Any],
) -> None:
    for note in respond_notes(skills):
        allowed = any("advice is allowed" in line["line"] for line in note["rubric"])
        for model in note["models"]:
            found = ADVICE.search(model["text"])
            assert allowed or not found, (note["id"], found and found.group(0))


def test_the_skills_deck_loads_as_respond_notes_and_passes_the_checks() -> None:
    result = load_decks([SKILLS_DECK])
    assert not result.errors, "\n".join(map(str, result.problems))
    [skills_deck] = result.decks
    assert skills_deck.version == 1 and len(skills_deck.notes) >= 30
    assert {n.kind for n in skills_deck.notes} == {Kind.RESPOND}
    assert all(isinstance(n, RespondNote) and n.context for n in skills_deck.notes)
    assert check_deck(skills_deck).warnings == ()
