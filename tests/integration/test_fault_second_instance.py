"""A second Rapport on the same data folder is refused; the first goes on unharmed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from rapport.store import DB_NAME
from rapport.study import Rating
from tests.support.collection import REPO_ROOT, T0, basic_deck, open_collection

SECOND_INSTANCE = """
import sys
from pathlib import Path
from tests.support.collection import T0, basic_deck, open_collection
from rapport.errors import RapportError
try:
    open_collection(Path(sys.argv[1]), [basic_deck("a", 10)])
except RapportError as error:
    print(error)
    sys.exit(3)
print("opened")
"""


def test_second_process_is_refused_and_the_first_keeps_every_answer(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = open_collection(data_dir, [basic_deck("a", 10)])
    session = first.session(None, T0)
    for i in range(3):
        now = T0 + timedelta(seconds=i)
        session.answer(session.next_card(now), Rating.GOOD, now, timedelta(seconds=2))  # type: ignore[arg-type]

    second = subprocess.run(
        [sys.executable, "-c", SECOND_INSTANCE, str(data_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 3, second.stdout + second.stderr
    assert "already" in second.stdout.lower() and str(data_dir) in second.stdout

    for i in range(3, 6):
        now = T0 + timedelta(seconds=i)
        session.answer(session.next_card(now), Rating.GOOD, now, timedelta(seconds=2))  # type: ignore[arg-type]
    first.close(T0 + timedelta(minutes=1))

    conn = sqlite3.connect(data_dir / DB_NAME)
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    assert conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0] == 6
    conn.close()
