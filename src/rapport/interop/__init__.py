"""Exchange formats: everything Rapport reads from or writes for another program.

* :mod:`rapport.interop.anki` -- Anki packages both ways, with study progress;
* :mod:`rapport.interop.spreadsheet` and :mod:`rapport.interop.sheetimport` -- CSV and
  TSV in and out, following Anki's text-import conventions;
* :mod:`rapport.interop.quiz` -- Moodle's GIFT and QTI 1.2 for Canvas.

A layer above :mod:`rapport.study`, :mod:`rapport.store` and :mod:`rapport.content`
and below the UI and the CLI (the import-linter contracts in pyproject.toml).
"""
