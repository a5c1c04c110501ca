"""Exercise records, the registry, and the feedback a learner sees.

Each exercise lives in ONE place, a module ``course_utils/exercises/nbNN.py``: its Korean task,
the stub the learner fills in, the reference solution, hints, realistic wrong answers (for the
tests and the instructor's notes) and the check. The notebook's ``## 연습 문제`` cells and the
``solutions/`` notebooks are generated from these records by ``tools/exercises.py``.

What a learner calls, from any notebook (``import course_utils as cu``):

- ``cu.check("03-2", answer)`` prints one line: solved (✔), not yet attempted (…), or wrong (✘)
  with what differs and where to get a hint. It never raises, so "Run All" on an untouched
  notebook runs to the end.
- ``cu.hint("03-2")`` prints the first hint, ``cu.hint("03-2", 2)`` the second, and so on.
- ``cu.solution("03-2")`` prints the reference solution and why it works.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

ID_PATTERN = re.compile(r"^(\d\d)-(\d+)$")

SOLVED, BLANK, WRONG, ERROR = "solved", "blank", "wrong", "error"


class Wrong(Exception):
    """Raised by a check when the answer is wrong; the message (Korean) says what differs, not the answer."""


class LearnerCodeError(Exception):
    """The learner's function or class raised while a check was calling it."""

    def __init__(self, doing: str, error: BaseException) -> None:
        super().__init__(f"{doing}: {type(error).__name__}: {error}")
        self.doing = doing
        self.error = error


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong answer: ``code`` replaces the stub; the check's message must contain ``expect``.

    ``why`` names the mistake in Korean (it also feeds the instructor's notes).
    """

    code: str
    expect: str
    why: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of one notebook: everything about it, in one record."""

    id: str
    title: str
    task: str
    stub: str
    solution: str
    answers: tuple[str, ...]
    check: Callable[..., str | None]
    hints: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    explanation: str = ""

    @property
    def notebook(self) -> str:
        """The two-digit notebook number, e.g. ``"03"``."""
        return self.id.split("-")[0]

    def check_line(self) -> str:
        """The one-line check call that follows the stub in the notebook cell."""
        return f'cu.check("{self.id}", {", ".join(self.answers)})'

    def cell_source(self, solved: bool = False) -> str:
        """The learner's code cell: the stub (or the solution) and the check call."""
        body = (self.solution if solved else self.stub).rstrip("\n")
        return f"{body}\n\n{self.check_line()}"


@dataclass
class Feedback:
    """The outcome of one check: ``status`` is solved, blank, wrong or error; ``message`` is Korean."""

    exercise_id: str
    status: str
    message: str

    @property
    def solved(self) -> bool:
        return self.status == SOLVED

    def line(self) -> str:
        """What the learner reads under the cell."""
        hint = f' 힌트: cu.hint("{self.exercise_id}")'
        if self.status == SOLVED:
            return f"✔ [{self.exercise_id}] 정답입니다!" + (f" {self.message}" if self.message else "")
        if self.status == BLANK:
            return f"… [{self.exercise_id}] 아직 답을 쓰지 않았습니다. {self.message}"
        if self.status == WRONG:
            return f"✘ [{self.exercise_id}] {self.message}{hint}"
        return f"✘ [{self.exercise_id}] {self.message}"

    def __str__(self) -> str:
        return self.line()


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Exercise] = {}
NOTEBOOK_MODULES = {f"{n:02d}": f"{__package__}.nb{n:02d}" for n in range(15)}


def exercise(
    id: str,
    *,
    title: str,
    task: str,
    stub: str,
    solution: str,
    answers: str | tuple[str, ...] = "answer",
    hints: Iterable[str],
    mistakes: Iterable[Mistake],
    explanation: str = "",
) -> Callable[[Callable[..., str | None]], Callable[..., str | None]]:
    """Register the decorated check function as exercise ``id`` (``"NN-k"``).

    The check receives the learner's answers (the names in ``answers``, in order) and raises
    :class:`Wrong` with a Korean message when something differs; it returns None or a short
    Korean remark shown with ✔. Blank stubs never reach it.
    """
    if not ID_PATTERN.match(id):
        raise ValueError(f"exercise id {id!r} must look like '03-2'")
    names = (answers,) if isinstance(answers, str) else tuple(answers)

    def register(check: Callable[..., str | None]) -> Callable[..., str | None]:
        if id in _REGISTRY:
            raise ValueError(f"exercise {id} is defined twice")
        _REGISTRY[id] = Exercise(
            id=id,
            title=title,
            task=inspect.cleandoc(task),
            stub=inspect.cleandoc(stub),
            solution=inspect.cleandoc(solution),
            answers=names,
            check=check,
            hints=tuple(inspect.cleandoc(h) for h in hints),
            mistakes=tuple(mistakes),
            explanation=inspect.cleandoc(explanation),
        )
        return check

    return register


def _load(notebook: str) -> None:
    module = NOTEBOOK_MODULES.get(notebook)
    if module is None:
        return
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise


def get(exercise_id: str) -> Exercise:
    """The exercise called ``exercise_id`` (e.g. ``"03-2"``); KeyError with the known ids otherwise."""
    match = ID_PATTERN.match(str(exercise_id).strip())
    if match:
        _load(match.group(1))
    try:
        return _REGISTRY[str(exercise_id).strip()]
    except KeyError:
        known = ", ".join(e.id for e in notebook_exercises(match.group(1))) if match else ""
        raise KeyError(
            f"연습 문제 {exercise_id!r}는 없습니다." + (f" 이 노트북의 문제: {known}" if known else "")
        ) from None


def notebook_exercises(notebook: str) -> list[Exercise]:
    """The exercises of notebook ``notebook`` (two digits), in order."""
    _load(notebook)
    found = [e for e in _REGISTRY.values() if e.notebook == notebook]
    return sorted(found, key=lambda e: int(e.id.split("-")[1]))


def all_exercises() -> list[Exercise]:
    """Every exercise of the course, by notebook and number."""
    return [e for notebook in NOTEBOOK_MODULES for e in notebook_exercises(notebook)]


# --------------------------------------------------------------------------- blank answers

_TRIVIAL_OPS = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP"}


def _is_stub_function(func: Any) -> bool:
    """True for a function whose body is only ``...``, ``pass`` or a docstring (returns None)."""
    code = getattr(func, "__code__", None)
    if code is None:
        return False
    for ins in dis.get_instructions(code):
        if ins.opname not in _TRIVIAL_OPS:
            return False
        if ins.opname in {"LOAD_CONST", "RETURN_CONST"} and ins.argval not in (None, Ellipsis):
            return False
    return True


def is_blank(value: Any) -> bool:
    """A stub the learner has not filled in: ``...`` or a function/class whose body is only ``...``.

    ``None`` is not blank: it is a real (wrong) answer, e.g. ``w.grad`` before ``backward()``.
    """
    if value is Ellipsis:
        return True
    if inspect.isclass(value):
        forward = getattr(value, "forward", None)
        return forward is not None and _is_stub_function(forward)
    if inspect.isfunction(value):
        return _is_stub_function(value)
    return False


# --------------------------------------------------------------------------- what learners call


def evaluate(exercise_id: str, *answers: Any) -> Feedback:
    """Check ``answers`` against exercise ``exercise_id`` and return the feedback (never raises)."""
    try:
        ex = get(exercise_id)
    except KeyError as exc:
        return Feedback(str(exercise_id), ERROR, str(exc.args[0]))
    if len(answers) != len(ex.answers):
        names = ", ".join(ex.answers)
        return Feedback(ex.id, ERROR, f"check에 답 {len(ex.answers)}개({names})를 넘겨야 합니다: {ex.check_line()}")
    blanks = [name for name, value in zip(ex.answers, answers, strict=True) if is_blank(value)]
    if len(blanks) == len(answers):
        return Feedback(ex.id, BLANK, "`...` 부분을 채우고 이 셀을 다시 실행하세요.")
    if blanks:
        return Feedback(ex.id, BLANK, f"{', '.join(f'`{b}`' for b in blanks)}의 `...` 부분이 아직 남아 있습니다.")
    try:
        remark = ex.check(*answers)
    except Wrong as exc:
        return Feedback(ex.id, WRONG, str(exc))
    except LearnerCodeError as exc:
        return Feedback(
            ex.id,
            ERROR,
            f"답을 실행하다가 오류가 났습니다. {exc.doing}: {type(exc.error).__name__}: {exc.error} "
            f'(오류 메시지를 읽고 고쳐 보세요. 힌트: cu.hint("{ex.id}"))',
        )
    except Exception as exc:  # an error the check did not expect: still never stop Run All
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Feedback(
            ex.id,
            ERROR,
            f"답을 확인하다가 오류가 났습니다: {type(exc).__name__}: {exc} (line {where.lineno}). "
            "답의 형식(이름, 함수인지 값인지)이 문제에서 말한 것과 같은지 확인하세요.",
        )
    return Feedback(ex.id, SOLVED, remark or "")


def check(exercise_id: str, *answers: Any) -> None:
    """Print one line of feedback on ``answers`` for exercise ``exercise_id``; never raises."""
    print(evaluate(exercise_id, *answers).line())


def hint(exercise_id: str, number: int = 1) -> None:
    """Print hint ``number`` (1 = the gentlest) of exercise ``exercise_id``."""
    try:
        ex = get(exercise_id)
    except KeyError as exc:
        print(exc.args[0])
        return
    total = len(ex.hints)
    number = max(1, min(int(number), total))
    print(f"힌트 {number}/{total} [{ex.id}] {ex.hints[number - 1]}")
    if number < total:
        print(f'다음 힌트: cu.hint("{ex.id}", {number + 1})')
    else:
        print(f'풀이: cu.solution("{ex.id}")')


def solution(exercise_id: str) -> None:
    """Print the reference solution of exercise ``exercise_id`` and why it works."""
    try:
        ex = get(exercise_id)
    except KeyError as exc:
        print(exc.args[0])
        return
    print(f"[{ex.id}] {ex.title}: 풀이\n")
    print(ex.solution)
    if ex.explanation:
        print(f"\n{ex.explanation}")


def call(func: Any, doing: str, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's ``func``; if it raises, re-raise as :class:`LearnerCodeError` saying what we were doing."""
    if not callable(func):
        raise Wrong(f"함수(또는 클래스)를 넘겨야 하는데 {type(func).__name__} 값을 받았습니다.")
    try:
        return func(*args, **kwargs)
    except (Wrong, LearnerCodeError):
        raise
    except Exception as exc:
        raise LearnerCodeError(doing, exc) from exc
