"""Every Qt view of Rapport; the only package that imports PySide6."""
