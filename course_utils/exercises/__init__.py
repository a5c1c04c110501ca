"""Self-checking exercises: ``cu.check``, ``cu.hint`` and ``cu.solution`` (see :mod:`.core`)."""

from .core import (
    BLANK,
    ERROR,
    SOLVED,
    WRONG,
    Exercise,
    Feedback,
    Mistake,
    Wrong,
    all_exercises,
    check,
    evaluate,
    get,
    hint,
    is_blank,
    notebook_exercises,
    solution,
)

__all__ = [
    "BLANK",
    "ERROR",
    "SOLVED",
    "WRONG",
    "Exercise",
    "Feedback",
    "Mistake",
    "Wrong",
    "all_exercises",
    "check",
    "evaluate",
    "get",
    "hint",
    "is_blank",
    "notebook_exercises",
    "solution",
]
