"""The deck model: decks, notes, cards, the card kinds and the rules of their texts
(cloze syntax, the answer checker, safe HTML). Imports nothing above it in
:mod:`rapport.content`.
"""
