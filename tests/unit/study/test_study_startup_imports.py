"""Starting to study (a deck-cache hit, opening the collection, the first card) loads no
module that only other paths need: they are imported where they are used."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from rapport.content.loading.cache import load_decks_cached
from rapport.paths import decks_dir
from rapport.study import Collection
from tests.support.startup import STUDY_START

OFF_THE_START_PATH = {
    "tomllib",  # deck files are parsed only when the cache misses
    "platformdirs",  # only for the default data folder
    "fsrs",  # only once a card is answered or its intervals shown
    "rapport.study.stats",  # only for the statistics
    "_strptime",  # backup times are read with fromisoformat
    "shutil",  # only to restore a backup
    "hashlib",  # deck digests come from the cache
    "json",  # only to read saved settings (none here) and write them
    "rapport.store.restore",  # only when a damaged database is restored
    "rapport.content.notes.checknames",  # only when a deck file read has an `allow` key
    "rapport.study.actions",  # the reviewer's bury, suspend, flag and mark (the review view's)
}


def test_the_start_path_leaves_other_modules_unloaded(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    decks = load_decks_cached([decks_dir()], data_dir)  # the cache, as the last run left it
    assert decks.decks
    Collection.open(data_dir, decks.decks, datetime.now(UTC)).close(datetime.now(UTC))
    done = subprocess.run(
        [sys.executable, "-c", STUDY_START, str(data_dir), str(decks_dir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "rapport.study.collection" in loaded
    unexpected = loaded & OFF_THE_START_PATH
    assert not unexpected
