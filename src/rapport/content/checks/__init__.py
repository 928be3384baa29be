"""Checks of a deck's writing: the item-writing cues a test-wise trainee exploits, run
over a whole deck (each kind's own cues, near-duplicates, the deck's answer shares).
"""
