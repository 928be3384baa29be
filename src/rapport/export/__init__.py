"""Rapport's export package."""
