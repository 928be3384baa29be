"""Rapport's study package."""
