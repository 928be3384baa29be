"""The deck model: decks, notes, cards, the card kinds and the rules of their texts
(cloze syntax, the answer checker, safe HTML, the words and option cues the kinds' item
cues compare). Imports nothing above it in :mod:`rapport.content`.
"""
