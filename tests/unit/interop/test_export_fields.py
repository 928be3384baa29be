"""Field values per note type: right count and order, safe HTML, fixed choice order."""

from __future__ import annotations

import re
from dataclasses import replace

from rapport.content import ChoiceNote, Deck, Kind
from rapport.content.notes.kinds import registered
from rapport.interop.anki.fields import note_fields, option_order
from rapport.interop.anki.models import (
    FIELDS,
    MODEL_IDS,
    MODEL_NAMES,
    SCRIPT_NAME,
    kinds_stylesheet,
    note_types,
)


def _fields(deck: Deck, note_id: str) -> dict[str, str]:
    note = deck.note(note_id)
    assert note is not None
    return dict(zip(FIELDS[note.kind], note_fields(deck, note), strict=True))


# Released: changing any of these breaks updating trainees' notes in Anki. (A new kind
# adds its line; no count here breaks when one is added.)
RELEASED_IDS = {
    Kind.BASIC: 1580929433,
    Kind.REVERSED: 1682238691,
    Kind.CLOZE: 1526314407,
    Kind.CHOICE: 1123759629,
    Kind.TYPED: 1251914550,
    Kind.RESPOND: 1407771123,
}


def test_note_types_are_fixed() -> None:
    assert {kind: MODEL_IDS[kind] for kind in RELEASED_IDS} == RELEASED_IDS
    assert len(set(MODEL_IDS.values())) == len(MODEL_IDS) == len(set(MODEL_NAMES.values()))
    assert {kind: FIELDS[kind] for kind in RELEASED_IDS} == {
        Kind.BASIC: ("Front", "Back", "Source", "Concept", "Extra"),
        Kind.REVERSED: ("Front", "Back", "Source", "Concept", "Extra"),
        Kind.CLOZE: ("Text", "Source", "Concept", "Extra"),
        Kind.CHOICE: (
            "Question",
            "Options",
            "Answer",
            "Rationales",
            "Source",
            "Concept",
            "Extra",
        ),
        Kind.TYPED: ("Prompt", "Answer", "Accept", "Source", "Concept", "Extra"),
        Kind.RESPOND: (
            "Context",
            "Statement",
            "Models",
            "Rubric",
            "Risk",
            "Source",
            "Concept",
            "Extra",
        ),
    }
    assert {MODEL_NAMES[kind] for kind in RELEASED_IDS} == {
        "Rapport Basic",
        "Rapport Reversed",
        "Rapport Cloze",
        "Rapport Choice",
        "Rapport Typed",
        "Rapport Respond",
    }


def test_models_have_the_right_shape() -> None:
    models = note_types("/* css */")
    assert [t["name"] for t in models[Kind.REVERSED].templates] == [
        "Term to definition",
        "Definition to term",
    ]
    assert models[Kind.CLOZE].model_type == models[Kind.CLOZE].CLOZE
    assert "{{cloze:Text}}" in models[Kind.CLOZE].templates[0]["qfmt"]
    assert "{{type:Answer}}" in models[Kind.TYPED].templates[0]["qfmt"]
    for kind in registered():
        model = models[kind]
        # The shared stylesheet, then every kind's own rules (from the kind modules).
        assert model.css == "/* css */" + kinds_stylesheet()
        assert [f["name"] for f in model.fields] == list(FIELDS[kind])
        for template in model.templates:
            both = template["qfmt"] + template["afmt"]
            # Only the interactive kinds carry a script, and only ours (never field text).
            scripted = kind in (Kind.CHOICE, Kind.TYPED)
            assert both.count("<script>") == (2 if scripted else 0)
            if scripted:
                assert SCRIPT_NAME and "var rapport = (function ()" in both
                script = both[both.index("<script>") : both.index("</script>")]
                assert re.findall(r"{{[^}]*}}", script) == []
            assert "{{Source}}" in template["afmt"] and "{{Extra}}" in template["afmt"]


def test_every_note_fills_every_field(mini_deck: Deck) -> None:
    for note in mini_deck.notes:
        assert len(note_fields(mini_deck, note)) == len(FIELDS[note.kind])


def test_plain_fields_are_escaped(mini_deck: Deck) -> None:
    fields = _fields(mini_deck, "alliance-components")
    assert fields["Front"] == "Is a&lt;b and c&gt;d &amp; so on?"
    assert fields["Back"] == "Goals, tasks<br>and a bond."
    assert fields["Source"] == "The essay, paragraph 5"
    assert fields["Concept"] == "alliance-definition"
    assert fields["Extra"] == "Three parts &amp; one alliance."


def test_html_fields_are_sanitised(mini_deck: Deck) -> None:
    fields = _fields(mini_deck, "marked-up")
    assert fields["Front"] == "<b>Bold</b> "
    assert fields["Back"] == "link <i>kept</i>"


def test_cloze_markers_survive_escaping(mini_deck: Deck) -> None:
    assert _fields(mini_deck, "alliance-cloze")["Text"] == (
        "Agreement on {{c1::goals}}, consensus on {{c2::tasks::what is done}}, and a {{c3::bond}}."
    )


def test_typed_fields_and_extension_source(mini_deck: Deck) -> None:
    fields = _fields(mini_deck, "common-factor")
    assert fields["Answer"] == "the most important common factor"
    assert fields["Accept"] == (
        '<span class="alt">most important common factor</span>, '
        '<span class="alt">common factor</span>'
    )
    assert fields["Source"] == "Beyond the essay (related to paragraph 4)"


def test_choice_lists_lettered_options_and_every_rationale(mini_deck: Deck) -> None:
    note = mini_deck.note("who-headed")
    assert isinstance(note, ChoiceNote)
    fields = _fields(mini_deck, "who-headed")
    order = option_order(mini_deck.id, note)
    right = next(i for i, o in enumerate(order) if o.correct)
    letter = "ABCD"[right]
    for i, option in enumerate(order):
        assert f'<span class="letter">{"ABCD"[i]}.</span> {option.text}' in fields["Options"]
        assert option.why.replace("&", "&amp;") in fields["Rationales"]
    assert fields["Answer"] == f'<span class="letter">{letter}.</span> John Norcross'
    assert fields["Rationales"].count('class="rationale right"') == 1
    assert fields["Rationales"].count('class="rationale wrong"') == 3
    assert "why" not in fields["Options"]  # rationales stay on the back


def test_choice_order_is_deterministic_and_not_always_correct_first(mini_deck: Deck) -> None:
    note = mini_deck.note("who-headed")
    assert isinstance(note, ChoiceNote)
    assert option_order(mini_deck.id, note) == option_order(mini_deck.id, note)
    assert sorted(option_order(mini_deck.id, note), key=note.options.index) == list(note.options)
    positions = {
        next(i for i, o in enumerate(option_order("d", replace(note, id=f"n{k}"))) if o.correct)
        for k in range(40)
    }
    assert positions == {0, 1, 2, 3}


def test_rewording_an_option_does_not_move_it(mini_deck: Deck) -> None:
    note = mini_deck.note("who-headed")
    assert isinstance(note, ChoiceNote)
    reworded = replace(
        note, options=(replace(note.options[0], text="Dr John Norcross"), *note.options[1:])
    )
    before = [o.why for o in option_order(mini_deck.id, note)]
    after = [o.why for o in option_order(mini_deck.id, reworded)]
    assert before == after


def test_source_text_names_the_paragraph(mini_deck: Deck) -> None:
    note = mini_deck.note("alliance-term")
    assert note is not None
    assert mini_deck.source_label_of(note) == "The essay, paragraph 5"
    assert _fields(mini_deck, "alliance-term")["Source"] == "The essay, paragraph 5"
