"""Rapport: a flashcard trainer for counselling trainees."""

__version__ = "0.2.0"
