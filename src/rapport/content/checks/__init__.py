"""Checks of a deck's writing: the item-writing cues a test-wise trainee exploits and
the option cues of multiple-choice items.
"""
