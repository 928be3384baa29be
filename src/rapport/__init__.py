"""Rapport: a flashcard trainer for counselling trainees."""

__version__ = "0.1.0"
