"""Authoring: the note editor's model, writing deck files, the trainee's own decks and
local changes, revisions of a deck and installing a handed-out deck file.
"""
