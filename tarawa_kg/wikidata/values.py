"""Comparing our values with Wikidata's: dates at Wikidata's precision, numbers, hull numbers."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

DATE_WINDOW = timedelta(days=2)
"""How far a candidate event's start may be from ours in :func:`tarawa_kg.wikidata.reconcile`."""


def date_part(term) -> str:
    """``YYYY-MM-DD`` of a Wikidata time value (``+1943-11-20T00:00:00Z`` → ``1943-11-20``)."""
    return str(term).lstrip("+")[:10]


def dates_agree(ours: str, theirs, precision: int | None) -> bool:
    """Our date (``YYYY-MM-DD``) against a Wikidata time value at its precision (11 = day).

    >>> dates_agree("1943-11-20", "1943-11-01T00:00:00Z", 10), dates_agree("1943-11-20", "1943-11-21", 11)
    (True, False)
    """
    value = date_part(theirs)
    precision = 11 if precision is None else precision
    if precision >= 11:
        return value[:10] == ours[:10]
    if precision == 10:
        return value[:7] == ours[:7]
    if precision == 9:
        return value[:4] == ours[:4]
    return True  # decade or coarser: cannot contradict a day


def within_window(ours: str, theirs, precision: int | None) -> bool:
    """Whether a Wikidata date is within :data:`DATE_WINDOW` of ours (at a coarser precision:
    whether it agrees, see :func:`dates_agree`)."""
    if precision is not None and precision < 11:
        return dates_agree(ours, theirs, precision)
    try:
        a, b = date.fromisoformat(ours[:10]), date.fromisoformat(date_part(theirs))
    except ValueError:
        return False
    return abs(a - b) <= DATE_WINDOW


def number(term) -> Decimal | None:
    """A quantity as a ``Decimal`` (Wikidata writes ``+4690``), else ``None``."""
    try:
        return Decimal(str(term).lstrip("+"))
    except (InvalidOperation, ValueError):
        return None


def hull(text) -> str:
    """A hull or pennant number for comparison: upper case, letters and digits only.

    >>> hull("BB-46") == hull("bb 46")
    True
    """
    return re.sub(r"[^A-Z0-9]", "", str(text).upper())
