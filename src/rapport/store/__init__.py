"""Rapport's store package."""
