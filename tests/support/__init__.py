"""Shared test helpers, imported as ``tests.support`` (the repository root is on the path).

- :mod:`tests.support.decks`: the one builder of deck TOML, the every-kind test deck among
  them, and a helper writing a deck beside a copy of the essay;
- :mod:`tests.support.collection`: decks built in code, the fixed clock and the one
  ``open_collection`` every test uses to open a :class:`~rapport.study.Collection`.
"""
