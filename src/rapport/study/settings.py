"""The study settings, with Anki's defaults, and how they are stored.

Every value is the trainee's to change; :class:`Settings` validates itself, so a value
that would break scheduling is refused with an :class:`InvalidSettings` message instead of
being stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import NamedTuple

from rapport.errors import RapportError


class InvalidSettings(RapportError):
    """A settings value out of range; the message names the setting."""


# The preset every deck uses until the trainee picks another (Anki's deck options
# presets); its settings are the collection's own.
DEFAULT_PRESET = "Default"
MAX_PRESET_NAME = 60


def check_preset_name(name: str) -> None:
    """Refuse a preset name that is empty, padded, too long or has control characters."""
    if not name or name != name.strip():
        raise InvalidSettings("A preset needs a name, without spaces around it.")
    if len(name) > MAX_PRESET_NAME:
        raise InvalidSettings(f"A preset name is at most {MAX_PRESET_NAME} characters.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise InvalidSettings("A preset name cannot contain control characters.")


# FSRS-6's parameter count (py-fsrs and the Rust FSRS Anki runs alike).
FSRS_PARAMETER_COUNT = 21


class Limit(NamedTuple):
    """The lowest and highest value a setting may take (both allowed)."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high


# Every numeric setting's range, defined once: Settings checks them and the Settings view
# bounds its spin boxes by them.
LIMITS: Mapping[str, Limit] = MappingProxyType(
    {
        "desired_retention": Limit(0.70, 0.99),
        "maximum_interval": Limit(1, 36500),
        "new_per_day": Limit(0, 9999),
        "reviews_per_day": Limit(0, 99999),
        "day_start_hour": Limit(0, 23),
        "leech_threshold": Limit(0, 99),
        "max_answer_seconds": Limit(1, 3600),
    }
)

# Deck options' orders and actions (Anki's names in the comments), value -> label.
NEW_GATHER_ORDERS: Mapping[str, str] = MappingProxyType(
    {
        "ascending": "Deck order",  # Anki: Ascending position
        "descending": "Reverse deck order",  # Anki: Descending position
        "random": "Random cards",
    }
)
NEW_SORT_ORDERS: Mapping[str, str] = MappingProxyType(
    {
        "gathered": "Order gathered",
        "card-type": "Card type, then order gathered",
        "random": "Random",
    }
)
REVIEW_ORDERS: Mapping[str, str] = MappingProxyType(
    {
        "due": "Due date",
        "retrievability": "Retrievability, lowest first",
        "random": "Random",
    }
)
LEECH_ACTIONS: Mapping[str, str] = MappingProxyType(
    {"suspend": "Tag and suspend", "tag": "Tag only"}
)
# Easy Days: the share of a normal day's reviews a weekday takes (Anki's Normal, Reduced,
# Minimum), Monday first.
EASY_DAY_LOADS: Mapping[float, str] = MappingProxyType(
    {1.0: "Normal", 0.5: "Reduced", 0.0: "Minimum"}
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# The default maximum time recorded for one answer (Anki's): the one home of the 60-second
# cap (rapport.study.scheduling.capped_duration applies a preset's own).
MAX_ANSWER_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Settings:
    """How the scheduler and the daily limits behave (Anki's defaults)."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_start_hour: int = 4
    fuzz: bool = True
    # Anki's deck options "Bury new siblings" and "Bury review siblings" (see siblings.py).
    bury_new: bool = True
    bury_reviews: bool = True
    # Lapses after which a card is a leech: tagged ``leech`` and suspended (0: never).
    leech_threshold: int = 8
    # FSRS's parameters fitted to the trainee's history ("Optimise"); empty: FSRS's own
    # defaults (see rapport.study.optimize).
    parameters: tuple[float, ...] = ()
    # An exam the decks of this preset prepare for, as an ISO date ("" for none); see
    # rapport.study.exam.
    exam_date: str = ""
    # Deck options as Anki has them: the order new cards are gathered and shown in,
    # the order of reviews, what a leech gets, Easy Days, the answer time.
    new_gather_order: str = "ascending"
    new_sort_order: str = "gathered"
    review_order: str = "due"
    leech_action: str = "suspend"
    easy_days: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    max_answer_seconds: int = MAX_ANSWER_SECONDS
    show_answer_timer: bool = False

    def __post_init__(self) -> None:
        if self.desired_retention not in LIMITS["desired_retention"]:
            low, high = LIMITS["desired_retention"]
            raise InvalidSettings(f"Desired retention must be between {low:.2f} and {high:.2f}.")
        for name, steps in (
            ("Learning steps", self.learning_steps),
            ("Relearning steps", self.relearning_steps),
        ):
            if any(step <= timedelta(0) for step in steps):
                raise InvalidSettings(f"{name} must be longer than zero.")
        if self.maximum_interval not in LIMITS["maximum_interval"]:
            high = LIMITS["maximum_interval"].high
            raise InvalidSettings(f"The maximum interval is from one day to {high:.0f} days.")
        for name, what in (("new_per_day", "new cards"), ("reviews_per_day", "reviews")):
            if getattr(self, name) not in LIMITS[name]:
                high = LIMITS[name].high
                raise InvalidSettings(f"The daily limit of {what} is from 0 to {high:.0f}.")
        if self.leech_threshold not in LIMITS["leech_threshold"]:
            high = LIMITS["leech_threshold"].high
            raise InvalidSettings(f"The leech threshold is from 0 (off) to {high:.0f} lapses.")
        if self.day_start_hour not in LIMITS["day_start_hour"]:
            raise InvalidSettings("The next day starts at an hour from 0 to 23.")
        for name, choices in (
            ("new_gather_order", NEW_GATHER_ORDERS),
            ("new_sort_order", NEW_SORT_ORDERS),
            ("review_order", REVIEW_ORDERS),
            ("leech_action", LEECH_ACTIONS),
        ):
            if getattr(self, name) not in choices:
                raise InvalidSettings(f"{name.replace('_', ' ').capitalize()}: no such choice.")
        if len(self.easy_days) != 7 or any(d not in EASY_DAY_LOADS for d in self.easy_days):
            raise InvalidSettings("Easy Days takes Normal, Reduced or Minimum for each weekday.")
        if all(d == 0.0 for d in self.easy_days):
            raise InvalidSettings("Easy Days: at least one weekday must take reviews.")
        if self.max_answer_seconds not in LIMITS["max_answer_seconds"]:
            high = LIMITS["max_answer_seconds"].high
            raise InvalidSettings(f"The maximum answer time is from 1 to {high:.0f} seconds.")
        if self.exam_date:
            try:
                date.fromisoformat(self.exam_date)
            except ValueError:
                raise InvalidSettings("The exam date is a date such as 2027-06-14.") from None
        if self.parameters and (
            len(self.parameters) != FSRS_PARAMETER_COUNT
            or not all(isinstance(p, float) and p == p for p in self.parameters)
        ):
            raise InvalidSettings(
                f"FSRS parameters are {FSRS_PARAMETER_COUNT} numbers (or none for the defaults)."
            )

    def to_strings(self) -> dict[str, str]:
        """The settings as the key/value strings the database keeps (JSON values)."""
        import json

        out: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in ("learning_steps", "relearning_steps"):
                value = [step.total_seconds() for step in value]
            elif field.name in ("parameters", "easy_days"):
                value = list(value)
            out[field.name] = json.dumps(value)
        return out

    def with_global(self, default: Settings) -> Settings:
        """These settings with the collection-wide ones (the study-day start and fuzz)
        taken from ``default``: a preset sets everything else."""
        if (self.day_start_hour, self.fuzz) == (default.day_start_hour, default.fuzz):
            return self
        return replace(self, day_start_hour=default.day_start_hour, fuzz=default.fuzz)

    def to_json(self) -> str:
        """The settings as one JSON object of :meth:`to_strings` (a preset's row)."""
        import json

        return json.dumps(self.to_strings(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        """Settings from :meth:`to_json`; unreadable text gives the defaults."""
        import json

        try:
            values = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(values, dict):
            return cls()
        return cls.from_strings({str(k): str(v) for k, v in values.items()})

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> Settings:
        """Settings from stored strings; missing or unreadable values take the default."""
        default = cls()
        if not values:
            return default  # none saved (without loading json, at start-up)
        import json

        kwargs: dict[str, object] = {}
        for field in fields(cls):
            raw = values.get(field.name)
            if raw is None:
                continue
            try:
                value = json.loads(raw)
                kwargs[field.name] = _coerce(field.name, value, getattr(default, field.name))
            except (ValueError, TypeError):
                continue  # a hand-edited or foreign value: keep the default for that one
        try:
            return cls(**kwargs)  # type: ignore[arg-type]
        except InvalidSettings:
            return default


def _coerce(name: str, value: object, default: object) -> object:
    if name in ("parameters", "easy_days"):
        if not isinstance(value, list) or any(isinstance(v, bool) for v in value):
            raise TypeError(name)
        return tuple(float(v) for v in value)
    if name in ("learning_steps", "relearning_steps"):
        if not isinstance(value, list):
            raise TypeError(name)
        return tuple(timedelta(seconds=float(v)) for v in value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise TypeError(name)
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError(name)
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(name)
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(name)
        return float(value)
    raise TypeError(name)
