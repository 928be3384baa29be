"""Anki's search language over a hand-made collection whose answers are known.

Eight cards in three decks (one a ``::`` child of another), their states, flags, tags,
history and times written by hand, and one test per operator giving the cards it must
find. Also: every malformed query of a list is refused with a message naming a
position (never a silent 0).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rapport.content import CardKey, ChoiceNote, Deck, Note, Option, TypedNote
from rapport.search import SearchError, parse
from rapport.store.records import to_us
from rapport.study import Collection
from tests.support.collection import SOURCE, T0, OpenCollection, basic, cloze, make_deck

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _tagged(note: Note, *tags: str) -> Note:
    from dataclasses import replace

    return replace(note, tags=tags)


def _choice() -> ChoiceNote:
    return ChoiceNote(
        id="who-headed",
        concept="apa-task-force",
        tags=("norcross",),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        question="Who headed the task force?",
        options=(
            Option("John Norcross", "He headed it and defined the alliance.", True),
            Option("Daniel Siegel", "Siegel wrote of the coherent narrative.", False),
            Option("Carl Rogers", "Rogers is not named.", False),
            Option("Robert Firestone", "Firestone wrote of the inner voice.", False),
        ),
        scenario=False,
    )


def _typed() -> TypedNote:
    return TypedNote(
        id="common-factor",
        concept="common-factor",
        tags=(),
        source=SOURCE,
        extension=False,
        html=False,
        extra="",
        prompt="What do some studies call the relationship?",
        answer="the most important common factor",
        accept=("keystone factor",),
    )


def _decks(reword: bool = False) -> list[Deck]:
    a = make_deck(
        "a",
        [
            _tagged(
                basic("reflect", "Reflect the feeling", concept="active-listening"),
                "skills",
                "skills::listening",
            ),  # fmt: skip
            _choice(),
            _typed(),
            cloze("goals", "The {{c1::goals}} and {{c2::tasks}}."),
        ],
        name="Counselling Skills",
    )
    b = make_deck(
        "b",
        [_tagged(basic("open", "Open questions invite"), "week1"), basic("closed", "Closed ones")],
        name="Counselling Skills::Week 1",
    )
    c = make_deck("c", [basic("odd", "Use 100% of_it" + (" now" if reword else ""))], name="Other")
    return [a, b, c]


CARDS = {
    "reflect": CardKey("a", "reflect", 0),
    "choice": CardKey("a", "who-headed", 0),
    "typed": CardKey("a", "common-factor", 0),
    "goals1": CardKey("a", "goals", 0),
    "goals2": CardKey("a", "goals", 1),
    "open": CardKey("b", "open", 0),
    "closed": CardKey("b", "closed", 0),
    "odd": CardKey("c", "odd", 0),
}
EVERY = set(CARDS)


def _us(moment: datetime) -> int:
    return to_us(moment)


@pytest.fixture
def col(open_col: OpenCollection) -> Collection:
    col = open_col(_decks())
    col.refresh_text()
    ids = {name: col.card_id(key) for name, key in CARDS.items()}
    conn = col.store._conn
    tomorrow = datetime(2026, 3, 3, 4, tzinfo=UTC)

    def state(name: str, **values: object) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*values.values(), ids[name]))

    state("reflect", state=2, due_us=_us(T0 + 3 * DAY), last_review_us=_us(T0 - 7 * DAY),
          stability=10.0, difficulty=5.5, reviews=4, lapses=1, flag=1)  # fmt: skip
    state("choice", state=1, due_us=_us(T0 - timedelta(minutes=1)),
          last_review_us=_us(T0 - timedelta(minutes=10)), stability=1.0,
          difficulty=1.0, reviews=1)  # fmt: skip
    state("typed", state=2, due_us=_us(T0 - DAY), last_review_us=_us(T0 - 4 * DAY),
          stability=3.0, difficulty=9.0, reviews=2)  # fmt: skip
    state("open", state=2, due_us=_us(T0 + HOUR), last_review_us=_us(T0 - 5 * DAY),
          stability=5.0, difficulty=3.0, reviews=3, buried_until_us=_us(tomorrow))  # fmt: skip
    state("closed", state=3, due_us=_us(T0 - HOUR), last_review_us=_us(T0 - 2 * HOUR),
          stability=0.5, difficulty=8.0, reviews=6, lapses=2, suspended=1)  # fmt: skip
    state("odd", flag=4)
    for name in ("reflect", "choice", "typed", "goals1", "goals2"):
        state(name, added_us=_us(T0 - 40 * DAY))
    for name in ("open", "closed"):
        state(name, added_us=_us(T0 - 2 * DAY))
    state("odd", added_us=_us(T0 - HOUR))
    conn.execute("UPDATE card_text SET edited_us = ?", (_us(T0 - 40 * DAY),))
    log = [
        ("reflect", T0 - 30 * DAY, 1),
        ("reflect", T0 - 7 * DAY, 3),
        ("choice", T0 - timedelta(minutes=10), 1),
        ("typed", T0 - 3 * DAY, 4),
        ("open", T0 - 5 * DAY, 3),
        ("closed", T0 - 2 * HOUR, 1),
    ]
    for name, when, rating in log:
        conn.execute(
            "INSERT INTO revlog (card_id, time_us, rating, duration_ms, state_before, "
            "state_after) VALUES (?, ?, ?, 1000, 0, 2)",
            (ids[name], _us(when), rating),
        )
    col.store.set_note_tag("a", "who-headed", "marked", True)
    col.store.set_note_tag("a", "reflect", "leech", True)
    return col


def _found(col: Collection, query: str, now: datetime = T0) -> set[str]:
    names = {col.card_id(key): name for name, key in CARDS.items()}
    ids = col.search(query, now)
    assert col.browse_count(col.search_query(query, now)) == len(ids)  # the count is exact
    return {names[i] for i in ids}


CASES = [
    # words, quotes, wildcards: every field, rationales and accepted answers
    ("reflect", {"reflect"}),
    ("REFLECT feeling", {"reflect"}),
    ('"coherent narrative"', {"choice"}),  # a rationale, as a phrase without the quotes
    ("coherent narrative", {"choice"}),
    ('"narrative coherent"', set()),
    ("keystone", {"typed"}),  # an accepted answer
    ("norcross", {"choice"}),  # a tag, and the option
    ("go*s", {"goals1", "goals2"}),
    ("t_sks", {"goals1", "goals2"}),
    ("100%", {"odd"}),  # LIKE's own % is literal
    ("of_it", {"odd"}),  # _ matches one character (here itself)
    (r"of\_it", {"odd"}),
    # operators
    ("reflect or odd", {"reflect", "odd"}),
    ("reflect OR odd", {"reflect", "odd"}),
    ("-reflect", EVERY - {"reflect"}),
    ("-(reflect or odd)", EVERY - {"reflect", "odd"}),
    ("(reflect or odd) -tag:skills", {"odd"}),
    ("questions and open", {"open"}),
    ("", EVERY),
    # deck: with children and wildcards
    ('deck:"Counselling Skills"', EVERY - {"odd"}),
    ('"deck:Counselling Skills::Week 1"', {"open", "closed"}),
    ("deck:couns*", EVERY - {"odd"}),
    ("deck:*week*", {"open", "closed"}),
    ("deck:other", {"odd"}),
    ("deck:oth", set()),
    ("-deck:other", EVERY - {"odd"}),
    # tag: hierarchical, wildcards, none, and study's tags
    ("tag:skills", {"reflect"}),
    ("tag:skills::listening", {"reflect"}),
    ("tag:listening", set()),
    ("tag:week*", {"open"}),
    ("tag:marked", {"choice"}),
    ("tag:none", {"typed", "goals1", "goals2", "closed", "odd"}),
    ("-tag:skills", EVERY - {"reflect"}),
    # concept, kind, flag, card
    ("concept:active-listening", {"reflect"}),
    ('concept:"active listening"', {"reflect"}),
    ("concept:common*", {"typed"}),
    ("kind:cloze", {"goals1", "goals2"}),
    ("kind:choice", {"choice"}),
    ("flag:1", {"reflect"}),
    ("flag:blue", {"odd"}),
    ("flag:0", EVERY - {"reflect", "odd"}),
    ("card:2", {"goals2"}),
    ("card:1 kind:cloze", {"goals1"}),
    # is:
    ("is:new", {"goals1", "goals2", "odd"}),
    ("is:learn", {"choice", "closed"}),
    ("is:review", {"reflect", "typed", "open", "closed"}),
    ("is:due", {"choice", "typed"}),  # not buried "open", not suspended "closed"
    ("is:suspended", {"closed"}),
    ("is:buried", {"open"}),
    ("is:marked", {"choice"}),
    ("is:leech", {"reflect"}),
    ("-is:new -is:suspended", {"reflect", "choice", "typed", "open"}),
    # prop:
    ("prop:ivl>=10", {"reflect"}),
    ("prop:ivl=3", {"typed"}),
    ("prop:ivl<1", {"choice", "closed"}),
    ("-prop:ivl>2", EVERY - {"reflect", "open", "typed"}),  # new cards have no interval
    ("prop:due=3", {"reflect"}),
    ("prop:due<0", {"typed"}),
    ("prop:due=0", {"choice", "open", "closed"}),
    ("prop:reps>3", {"reflect", "closed"}),
    ("prop:lapses=2", {"closed"}),
    ("prop:lapses!=0", {"reflect", "closed"}),
    ("prop:stability>4", {"reflect", "open"}),
    ("prop:s<1", {"closed"}),
    ("prop:difficulty>0.85", {"typed"}),  # Anki's 0-1: (9 - 1) / 9
    ("prop:d=0", {"choice"}),
    ("prop:retrievability<0.9", {"typed"}),  # 4 days at stability 3 (0.9 at 3)
    ("prop:r>0.95", {"choice", "closed"}),  # "open": 0.9 (5 days at stability 5)
    # days
    ("rated:1", {"choice", "closed"}),
    ("rated:1:1", {"choice", "closed"}),
    ("rated:8", {"reflect", "choice", "typed", "open", "closed"}),
    ("rated:8:3", {"reflect", "open"}),
    ("rated:31:1", {"reflect", "choice", "closed"}),
    ("introduced:1", {"choice", "closed"}),
    ("introduced:8", {"choice", "typed", "open", "closed"}),
    ("added:1", {"odd"}),
    ("added:3", {"odd", "open", "closed"}),
    # ids
    ("nid:who-headed,open", {"choice", "open"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q or "(empty)" for q, _ in CASES])
def test_each_operator_finds_the_known_cards(
    col: Collection, query: str, expected: set[str]
) -> None:
    assert _found(col, query) == expected


def test_cid_finds_cards_by_number(col: Collection) -> None:
    reflect, odd = col.card_id(CARDS["reflect"]), col.card_id(CARDS["odd"])
    assert _found(col, f"cid:{reflect},{odd}") == {"reflect", "odd"}
    assert _found(col, f"-cid:{reflect}") == EVERY - {"reflect"}


def test_edited_finds_cards_whose_text_changed(col: Collection) -> None:
    now = datetime.now(UTC)
    assert _found(col, "edited:1", now) == set()
    col.replace_decks(_decks(reword=True))
    assert col.refresh_text() == 1
    assert _found(col, "edited:1", now) == {"odd"}
    assert _found(col, "use now", now) == {"odd"}


def test_the_trainees_local_edit_is_searched(data_dir: Path, open_col: OpenCollection) -> None:
    from rapport.content.editing.deckfile import note_table
    from rapport.content.editing.local import LocalChanges

    decks = _decks()
    base = note_table(decks[2].notes[0])
    local = LocalChanges(data_dir)
    local.set("c", "odd", base, {**base, "back": "My own wording about rupture."})
    applied, _ = local.apply(decks)
    col = open_col(list(applied))
    col.refresh_text()
    names = {col.card_id(key): name for name, key in CARDS.items()}
    assert {names[i] for i in col.search("rupture", T0)} == {"odd"}


MALFORMED = [
    "(reflect",
    "reflect)",
    "reflect or",
    "or reflect",
    "reflect and",
    "-",
    "( )",
    '"unclosed',
    'deck:"unclosed',
    "deck:",
    "tag:",
    "concept:",
    "kind:poem",
    "flag:5",
    "flag:x",
    "is:",
    "is:fresh",
    "prop:",
    "prop:ivl",
    "prop:ivl>",
    "prop:ivl>x",
    "prop:height>2",
    "prop:ivl=>2",
    "rated:",
    "rated:0",
    "rated:x",
    "rated:2:5",
    "introduced:-1",
    "added:1:2",
    "edited:many",
    "card:0",
    "card:x",
    "nid:",
    "nid:a,,b",
    "cid:x",
    "cid:1,b",
    "front:thing",
    "reflect \\",
    '""',
]


@pytest.mark.parametrize("query", MALFORMED)
def test_a_malformed_query_gets_a_message_naming_the_position(query: str) -> None:
    with pytest.raises(SearchError) as caught:
        parse(query)
    error = caught.value
    assert 0 <= error.position <= len(query)
    assert str(error).startswith(f"Search error at character {error.position + 1}: ")
    assert len(str(error)) > len("Search error at character 1: ") + 5


def test_a_note_that_left_its_deck_is_not_found_by_its_words(col: Collection) -> None:
    decks = _decks()
    decks[2] = make_deck("c", [basic("other", "Something else")], name="Other")
    col.replace_decks(decks)  # the cards synced, their text not yet written again
    query = col.search_query("of_it", T0)
    assert col.browse_count(query) == 0 == len(col.browse_rows(query, 0, 10))
    col.refresh_text()
    assert _found(col, "of_it") == set()
    assert col.browse_count(col.search_query("something", T0)) == 1


@pytest.mark.parametrize("sort", ["due", "question", "deck", "card", "reviews"])
def test_few_matches_are_read_off_the_text_in_the_same_order(col: Collection, sort: str) -> None:
    for text in ("go*s", "-reflect", "questions or t_sks", "zzz", "kind:cloze"):
        for descending in (False, True):
            query = col.search_query(text, T0, sort, descending=descending)
            total = col.browse_count(query)
            walked = col.browse_rows(query, 0, 100)  # along the order's index
            assert col.browse_rows(query, 0, 100, total) == walked, (text, sort)


def test_a_large_search_finds_selected_cards_among_its_first_rows(
    col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rapport.store import text

    query = col.search_query("-zzz", T0, "question")  # every card, by its text
    total = col.browse_count(query)
    keys = [col.card_by_id(r.card_id).key for r in col.browse_rows(query, 0, total)]
    assert col.browse_positions(query, keys, total) == list(range(total))  # few: all
    monkeypatch.setattr(text, "FEW_ROWS", 2)
    monkeypatch.setattr(text, "LOOK_AHEAD", 3)
    assert col.browse_positions(query, keys, total) == [0, 1, 2]  # many: the first rows
    assert col.browse_positions(col.search_query("", T0, "question"), keys, total) == list(
        range(total)
    )  # (not a search of the text: numbered off the cards, all of them)
