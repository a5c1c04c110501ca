"""Exercise of 00_setup_check: one warm-up on reproducible random numbers."""

from __future__ import annotations

import torch

from .core import Mistake, Wrong, call, exercise
from .expect import case, expect_tensor


def _call_isolated(func: object, doing: str, *args: object, state: int) -> tuple[object, bool]:
    """Call the learner's ``func`` with torch's global CPU RNG forked and set to ``state``; also say whether
    the call changed the global RNG. Each call of a check uses its own ``state``, so an answer that ignores
    its seed and draws from the global RNG gets different numbers each time, as it would in a notebook.

    The learner's own random state is restored afterwards, whatever the function did to it.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(state)
        before = torch.get_rng_state()
        result = call(func, doing, *args)
        changed = not torch.equal(before, torch.get_rng_state())
    return result, changed


@exercise(
    "00-1",
    title="같은 시드, 같은 난수",
    task="""
        시드 `seed`와 개수 `n`을 받아 0 이상 1 미만의 난수 `n`개(모양 `(n,)`인 Tensor)를 돌려주는 함수
        `make_noise`를 쓰세요. 두 가지를 지켜야 합니다.

        - 같은 `seed`로 부르면 언제나 같은 값, 다른 `seed`면 다른 값이 나옵니다.
        - 전역 난수 생성기(`torch.manual_seed`가 정하는 것)는 건드리지 않습니다. 함수 안에서 `seed`로 시작한
          `torch.Generator`를 만들어 `torch.rand`에 넘기세요. 그래야 이 함수를 불러도 노트북의 다른 난수가
          바뀌지 않습니다.
    """,
    stub="""
        def make_noise(seed: int, n: int) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def make_noise(seed: int, n: int) -> torch.Tensor:
            generator = torch.Generator().manual_seed(seed)
            return torch.rand(n, generator=generator)
    """,
    answers="make_noise",
    hints=(
        "`torch.Generator().manual_seed(seed)`는 시드를 정한 생성기를 돌려줍니다. 그 생성기를 `torch.rand`에 넘깁니다.",
        "`torch.rand(n, generator=...)`의 빈칸에 위에서 만든 생성기를 넣으세요. 시드 자리에 숫자를 직접 쓰면 안 됩니다.",
    ),
    mistakes=(
        Mistake(
            "def make_noise(seed, n):\n    return torch.rand(n)",
            "같은 seed",
            "시드를 쓰지 않아 부를 때마다 값이 다름",
        ),
        Mistake(
            "def make_noise(seed, n):\n    generator = torch.Generator().manual_seed(seed)\n    return torch.rand(n)",
            "generator=",
            "생성기를 만들기만 하고 torch.rand에 넘기지 않음",
        ),
        Mistake(
            "def make_noise(seed, n):\n    generator = torch.Generator().manual_seed(42)\n"
            "    return torch.rand(n, generator=generator)",
            "다른 seed",
            "시드를 42로 고정해 seed 인자를 무시함",
        ),
        Mistake(
            "def make_noise(seed, n):\n    torch.manual_seed(seed)\n    return torch.rand(n)",
            "전역 난수 생성기",
            "torch.manual_seed로 전역 난수 상태를 바꿈",
        ),
        Mistake(
            "def make_noise(seed, n):\n    generator = torch.Generator().manual_seed(seed)\n"
            "    return torch.randn(n, generator=generator)",
            "0 이상 1 미만",
            "균등 분포 rand 대신 정규 분포 randn을 씀",
        ),
    ),
    explanation="""
        `torch.Generator`는 자기만의 난수 상태를 가진 생성기입니다. `manual_seed(seed)`로 시작점을 정하고
        `generator=`로 넘기면 그 생성기에서만 난수를 꺼내므로, 같은 시드는 같은 값을 주고 전역 생성기는 그대로입니다.
        `torch.manual_seed(seed)`로도 같은 값이 나오지만, 그 뒤에 노트북에서 만드는 모든 난수(가중치 초기화,
        셔플 순서)가 함께 바뀝니다. DataLoader의 `generator=`도 같은 생각입니다.
    """,
)
def _check_00_1(make_noise: object) -> None:
    first, changed = _call_isolated(make_noise, "make_noise(0, 5)를 불렀을 때", 0, 5, state=101)
    with case("make_noise(0, 5)"):
        tensor = expect_tensor(first, "make_noise(0, 5)", shape=(5,))
    if not tensor.is_floating_point():
        raise Wrong(f"make_noise(0, 5)의 dtype이 {tensor.dtype}입니다. 0과 1 사이의 실수 난수여야 합니다.")
    again, _ = _call_isolated(make_noise, "make_noise(0, 5)를 두 번째로 불렀을 때", 0, 5, state=202)
    if not isinstance(again, torch.Tensor) or not torch.equal(tensor.cpu(), again.cpu()):
        raise Wrong(
            "같은 seed(0)로 두 번 불렀는데 값이 다릅니다. 시드를 정한 생성기로 난수를 만들고, "
            "그 생성기를 torch.rand에 generator=로 넘겼는지 보세요."
        )
    other, _ = _call_isolated(make_noise, "make_noise(1, 5)를 불렀을 때", 1, 5, state=303)
    if isinstance(other, torch.Tensor) and other.shape == tensor.shape and torch.equal(tensor.cpu(), other.cpu()):
        raise Wrong("다른 seed(0과 1)로 불렀는데 값이 같습니다. 시드 자리에 숫자를 직접 쓰지 말고 seed 인자를 쓰세요.")
    if float(tensor.min()) < 0 or float(tensor.max()) >= 1:
        raise Wrong(
            f"값의 범위가 {float(tensor.min()):.3f} ~ {float(tensor.max()):.3f}입니다. 0 이상 1 미만이어야 합니다: "
            "균등 분포 난수 함수를 쓰세요."
        )
    if changed:
        raise Wrong(
            "값은 재현되지만 함수가 전역 난수 생성기의 상태를 바꿨습니다(torch.manual_seed). "
            "torch.Generator를 만들어 그 생성기만 쓰세요."
        )
    with case("make_noise(7, 3)"):
        three, _ = _call_isolated(make_noise, "make_noise(7, 3)을 불렀을 때", 7, 3, state=404)
        expect_tensor(three, "make_noise(7, 3)", shape=(3,))
