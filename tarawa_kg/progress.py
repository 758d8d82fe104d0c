"""Progress of long work, said on the error stream (rich), one line per step."""

from __future__ import annotations

import time
from typing import Callable

Progress = Callable[[str], None]
"""A callable that is told, in a few words, what the work is doing now (``"validating"``)."""


def quiet(_message: str) -> None:
    """A :data:`Progress` that says nothing."""


class StepPrinter:
    """A :data:`Progress` that prints each step on standard error with the seconds elapsed since
    it was made: ``[  0.4 s] validating: SHACL Core (pySHACL)``.

    >>> say = StepPrinter()
    >>> callable(say)
    True
    """

    def __init__(self) -> None:
        from rich.console import Console

        self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        self._start = time.perf_counter()

    def __call__(self, message: str) -> None:
        elapsed = time.perf_counter() - self._start
        from rich.markup import escape

        self._console.print(f"[dim]\\[{elapsed:6.1f} s][/dim] {escape(message)}", markup=True)


def printer(be_quiet: bool) -> Progress:
    """:func:`quiet` when ``be_quiet``, else a new :class:`StepPrinter`."""
    return quiet if be_quiet else StepPrinter()
