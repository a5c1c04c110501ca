"""The self-checking exercises: every solution passes, every recorded mistake is caught with its hint,
blank stubs say "not yet attempted", nothing raises, and the generated cells are up to date.

Each exercise runs in the namespace its notebook gives it: the notebook's own set-up cell is executed
first (as a learner would have run it), then the stub, the solution or a mistake.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import torch

import course_utils as cu
from course_utils import exercises as ex

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("exercise_tool", REPO / "tools" / "exercises.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

ALL = ex.all_exercises()
MAGIC = re.compile(r"^\s*[%!].*$", re.M)


@cache
def setup_source(nb_number: str) -> str:
    """The notebook's set-up cell (second code cell), IPython magics removed."""
    path = next(p for p in NOTEBOOKS if p.name.startswith(nb_number))
    code = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    return MAGIC.sub("", "".join(code[1]["source"]))


def answers_from(exercise: ex.Exercise, code: str) -> list:
    """Run the notebook's set-up cell, then ``code``; return the values of the names the check takes."""
    namespace: dict = {"__name__": "__main__"}
    with redirect_stdout(io.StringIO()):
        exec(setup_source(exercise.notebook), namespace)
        exec(code, namespace)
    return [namespace[name] for name in exercise.answers]


def run_answer(exercise: ex.Exercise, code: str) -> ex.Feedback:
    """The feedback a learner gets for ``code`` in the exercise's cell."""
    answers = answers_from(exercise, code)
    with redirect_stdout(io.StringIO()):
        return ex.evaluate(exercise.id, *answers)


@pytest.fixture(params=ALL, ids=[e.id for e in ALL])
def exercise(request) -> ex.Exercise:
    return request.param


def test_solution_passes(exercise):
    feedback = run_answer(exercise, exercise.solution)
    assert feedback.status == ex.SOLVED, feedback.line()


def test_blank_stub_is_not_yet_attempted(exercise):
    feedback = run_answer(exercise, exercise.stub)
    assert feedback.status == ex.BLANK, feedback.line()
    assert feedback.line().startswith(f"… [{exercise.id}] 아직 답을 쓰지 않았습니다")


def test_realistic_mistakes_are_caught_with_their_hint(exercise):
    assert len(exercise.mistakes) >= 2, "record at least two realistic wrong answers"
    for mistake in exercise.mistakes:
        feedback = run_answer(exercise, mistake.code)
        assert feedback.status in (ex.WRONG, ex.ERROR), f"{mistake.why}: not caught ({feedback.line()})"
        assert mistake.expect in feedback.message, f"{mistake.why}: {feedback.line()!r} lacks {mistake.expect!r}"
        assert "cu.hint" in feedback.line(), "wrong answers point to the hint"


def test_record_is_complete(exercise):
    assert exercise.title and exercise.task and exercise.explanation
    assert 1 <= len(exercise.hints) <= 4
    assert "..." in exercise.stub, "the stub shows the learner where to write"
    assert exercise.stub != exercise.solution
    for name in exercise.answers:
        assert re.search(rf"\b{name}\b", exercise.stub), f"the stub defines {name}"


def test_check_is_stable_and_leaves_the_learners_rng_alone(exercise):
    answers = answers_from(exercise, exercise.solution)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    with redirect_stdout(io.StringIO()):
        first = ex.evaluate(exercise.id, *answers)
        second = ex.evaluate(exercise.id, *answers)
    assert torch.equal(torch.get_rng_state(), before), "a check must not consume the learner's random numbers"
    assert first.line() == second.line()


@pytest.mark.parametrize("value", [..., None, 0, "x", [1, 2], torch.zeros(3), lambda: 1])
def test_any_answer_gives_one_line_and_never_raises(exercise, value):
    answers = [value] * len(exercise.answers)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        cu.check(exercise.id, *answers)
    text = buffer.getvalue()
    assert text.count("\n") == 1 and text.startswith(("✔", "✘", "…")), text


def test_unknown_id_and_wrong_arity_explain_themselves():
    assert "없습니다" in ex.evaluate("03-99", 1).line()
    assert "없습니다" in ex.evaluate("nonsense", 1).line()
    assert "넘겨야" in ex.evaluate(ALL[0].id).line()


def test_hint_then_solution(capsys):
    exercise = ALL[0]
    cu.hint(exercise.id)
    first = capsys.readouterr().out
    assert first.startswith(f"힌트 1/{len(exercise.hints)}") and exercise.hints[0] in first
    cu.hint(exercise.id, len(exercise.hints) + 5)
    last = capsys.readouterr().out
    assert exercise.hints[-1] in last and f'cu.solution("{exercise.id}")' in last
    cu.solution(exercise.id)
    assert exercise.solution in capsys.readouterr().out


def test_blank_detection():
    def stub(x): ...

    def filled(x):
        return x

    def forgot_return(x):
        x + 1

    class StubNet(torch.nn.Module):
        def forward(self, x): ...

    assert ex.is_blank(...) and ex.is_blank(stub) and ex.is_blank(StubNet)
    assert not any(ex.is_blank(v) for v in (None, 0, filled, forgot_return, torch.nn.Linear))


EXPECTED_RANGE = range(3, 6)
HAS_EXERCISES = [p for p in NOTEBOOKS if ex.notebook_exercises(p.name[:2])]


@pytest.mark.parametrize("path", HAS_EXERCISES, ids=[p.stem for p in HAS_EXERCISES])
def test_notebook_section_and_solutions_are_generated_from_the_records(path):
    exercises = ex.notebook_exercises(path.name[:2])
    assert len(exercises) in EXPECTED_RANGE or path.name.startswith("00"), "3 to 5 exercises per notebook"
    assert [e.id for e in exercises] == [f"{path.name[:2]}-{i}" for i in range(1, len(exercises) + 1)]
    assert tool.out_of_date([path]) == []


def test_solved_copy_replaces_every_stub():
    path = HAS_EXERCISES[0]
    solved = tool.solved_copy(nbformat.read(path, as_version=4))
    code = [c for c in solved.cells if c.get("metadata", {}).get("exercise", {}).get("part") == "code"]
    assert len(code) == len(ex.notebook_exercises(path.name[:2]))
    assert all("..." not in c.source.split("cu.check")[0] for c in code)


class FakeKernel:
    """Just enough of nbval's RunningKernel for conftest.failing_solutions: runs code in this process."""

    def __init__(self, namespace: dict) -> None:
        self.namespace, self.replies = namespace, []

    def execute_cell_input(self, source: str, allow_stdin: bool = False) -> str:
        out, msg_id = io.StringIO(), f"msg{len(self.replies)}"
        with redirect_stdout(out):
            try:
                exec(source, self.namespace)
                self.replies.append(("stream", {"name": "stdout", "text": out.getvalue()}, msg_id))
            except Exception as exc:
                self.replies.append(("error", {"ename": type(exc).__name__, "evalue": str(exc)}, msg_id))
        self.replies.append(("status", {"execution_state": "idle"}, msg_id))
        return msg_id

    def await_reply(self, msg_id: str, timeout: float | None = None) -> None:
        return None

    def get_message(self, stream: str, timeout: float | None = None) -> dict:
        kind, content, msg_id = self.replies.pop(0)
        return {"msg_type": kind, "content": content, "parent_header": {"msg_id": msg_id}}


def test_reference_solutions_in_the_kernel_pass_and_a_broken_check_is_caught():
    """conftest.py runs each notebook's reference solutions in its nbval kernel after the last cell."""
    from conftest import failing_solutions

    path = REPO / "notebooks" / "00_setup_check.ipynb"
    assert failing_solutions(FakeKernel({"torch": torch, "cu": cu}), path) == {}
    broken = failing_solutions(FakeKernel({"torch": torch, "cu": SimpleNamespace(check=print)}), path)
    assert list(broken) == ["00-1"]
    raising = failing_solutions(FakeKernel({"cu": cu}), path)  # the solution needs torch: NameError
    assert "NameError" in raising["00-1"]
