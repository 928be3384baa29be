"""Sync with Anki, AnkiDroid and AnkiMobile through Anki's own sync server.

:mod:`rapport.sync.account` keeps the account, its key and the last sync's status (Home
reads the status at start-up); :mod:`rapport.sync.engine` is the sync itself, loaded when
a log-in or a sync runs.
"""
