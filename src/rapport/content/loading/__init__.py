"""Reading deck files: TOML with line numbers, the rules of what a deck file may be and
reach, characters that look like the ones it needs but are not, the loader that
validates every note, and the cache of validated decks.
"""
