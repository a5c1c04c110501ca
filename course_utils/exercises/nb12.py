"""Exercises of 12_gradient_descent: counting iterations, gradient descent from scratch, a central-difference
gradient check, linear regression with autograd (no optimizer), and an optimizer with a learning-rate
scheduler stepped once per epoch."""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_int, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- 12-1


@exercise(
    "12-1",
    title="학습 전체의 반복 횟수",
    task="""
        학습 샘플 수 `n_samples`, 배치 크기 `batch_size`, 에폭 수 `epochs`, 그리고 `drop_last`(True/False)를 받아,
        학습 전체에서 파라미터를 갱신하는 횟수(반복, iteration)를 정수로 돌려주는 함수 `total_iterations`를 쓰세요.
        `DataLoader(dataset, batch_size=batch_size, drop_last=drop_last)`를 `epochs`번 도는 루프의 반복 횟수와
        같아야 합니다.
    """,
    stub="""
        def total_iterations(n_samples: int, batch_size: int, epochs: int, drop_last: bool) -> int:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def total_iterations(n_samples: int, batch_size: int, epochs: int, drop_last: bool) -> int:
            per_epoch = n_samples // batch_size if drop_last else math.ceil(n_samples / batch_size)
            return per_epoch * epochs
    """,
    answers="total_iterations",
    hints=(
        "먼저 에폭 하나의 반복 횟수를 세고 에폭 수를 곱합니다. 마지막 배치가 덜 찼을 때 그 배치를 쓰는지 버리는지가 "
        "`drop_last`입니다.",
        "에폭당 반복은 `drop_last=False`이면 $\\lceil N/B \\rceil$(`math.ceil(n_samples / batch_size)`), `True`이면 "
        "$\\lfloor N/B \\rfloor$(`n_samples // batch_size`)입니다.",
    ),
    mistakes=(
        Mistake(
            "def total_iterations(n_samples, batch_size, epochs, drop_last):\n"
            "    return n_samples // batch_size * epochs",
            "drop_last=False",
            "drop_last와 상관없이 마지막의 덜 찬 배치를 버림",
        ),
        Mistake(
            "def total_iterations(n_samples, batch_size, epochs, drop_last):\n"
            "    return math.ceil(n_samples / batch_size) * epochs",
            "drop_last=True",
            "drop_last=True여도 마지막 배치를 셈",
        ),
        Mistake(
            "def total_iterations(n_samples, batch_size, epochs, drop_last):\n"
            "    return math.ceil(n_samples * epochs / batch_size)",
            "에폭마다",
            "모든 에폭의 샘플을 한 줄로 이어 배치로 나눔",
        ),
        Mistake(
            "def total_iterations(n_samples, batch_size, epochs, drop_last):\n"
            "    return n_samples / batch_size * epochs",
            "정수",
            "나눗셈 결과(float)를 그대로 돌려줌",
        ),
    ),
    explanation="""
        `DataLoader`는 에폭마다 데이터를 처음부터 다시 나눕니다. 그래서 에폭당 반복은 $\\lceil N/B \\rceil$이고
        (마지막 배치는 덜 찰 수 있음), `drop_last=True`이면 덜 찬 마지막 배치를 버려 $\\lfloor N/B \\rfloor$입니다.
        $N < B$이고 `drop_last=True`이면 배치가 하나도 없습니다. 학습 전체는 여기에 에폭 수를 곱합니다.
    """,
)
def _check_12_1(total_iterations: object) -> None:
    cases = [
        (60_000, 64, 10, False),
        (60_000, 64, 10, True),
        (100, 32, 3, False),
        (100, 32, 3, True),
        (1_000, 100, 2, False),
        (10, 32, 1, True),
    ]
    for n, b, e, drop in cases:
        label = f"n_samples={n}, batch_size={b}, epochs={e}, drop_last={drop}"
        expected = len(DataLoader(range(n), batch_size=b, drop_last=drop)) * e
        with case(f"{label}일 때"):
            value = call(total_iterations, f"{label}로 불렀을 때", n, b, e, drop)
            if isinstance(value, float) and value.is_integer():
                raise Wrong(f"float 값({value})을 돌려줍니다. 반복 횟수는 정수(int)로 돌려주세요.")
            if isinstance(value, float):
                raise Wrong(
                    f"돌려준 값({value:.4g})이 정수가 아닙니다. 배치는 몇 개로 나누어떨어지지 않으므로 올림이나 내림이 필요합니다."
                )
            if isinstance(value, int) and value != expected:
                if value == math.ceil(n * e / b):
                    raise Wrong(
                        f"{value:,}입니다. 에폭마다 데이터를 처음부터 다시 배치로 나누므로, 마지막 배치는 에폭마다 "
                        "따로 생깁니다."
                    )
                if drop and value == math.ceil(n / b) * e:
                    raise Wrong(f"{value:,}입니다. drop_last=True이면 덜 찬 마지막 배치를 버립니다.")
                if not drop and value == (n // b) * e:
                    raise Wrong(f"{value:,}입니다. drop_last=False이면 덜 찬 마지막 배치도 한 번의 반복입니다.")
            expect_int(value, expected, "total_iterations(...)")


# --------------------------------------------------------------------------- 12-2

_A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
_B = torch.tensor([1.0, -1.0], dtype=torch.float64)


def _quad_loss(theta: torch.Tensor) -> float:
    return float(0.5 * theta @ _A @ theta - _B @ theta)


def _quad_grad(theta: torch.Tensor) -> torch.Tensor:
    return _A @ theta - _B


def _bowl_loss(theta: torch.Tensor) -> float:
    return float(((theta - 2) ** 2).sum() + 1)


def _bowl_grad(theta: torch.Tensor) -> torch.Tensor:
    return 2 * (theta - 2)


def _descend(grad: Callable[[torch.Tensor], torch.Tensor], theta0: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
    theta = theta0.clone()
    for _ in range(steps):
        theta = theta - lr * grad(theta)
    return theta


@exercise(
    "12-2",
    title="경사 하강을 직접 구현하기",
    task="""
        기울기 함수 `grad`(파라미터 Tensor를 받아 같은 모양의 기울기 Tensor를 돌려줌), 시작점 `theta0`(float64 Tensor),
        학습률 `lr`, 반복 수 `steps`를 받아 $\\theta \\leftarrow \\theta - \\epsilon \\nabla l(\\theta)$를 `steps`번 한 뒤의
        θ를 돌려주는 함수 `gradient_descent`를 쓰세요. 받은 `theta0`은 바꾸지 말고 새 Tensor를 돌려주세요.
    """,
    stub="""
        def gradient_descent(grad, theta0: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def gradient_descent(grad, theta0: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
            theta = theta0.clone()
            for _ in range(steps):
                theta = theta - lr * grad(theta)  # a new tensor each step; theta0 stays as it was
            return theta
    """,
    answers="gradient_descent",
    hints=(
        "반복마다 **지금의** θ에서 기울기를 구하고, 그 반대 방향으로 학습률만큼 옮깁니다.",
        "`theta = theta0.clone()`에서 시작해 `for _ in range(steps):` 안에서 `theta = theta - lr * grad(theta)`. "
        "`-=`를 `theta0`에 쓰면 받은 Tensor가 바뀝니다.",
    ),
    mistakes=(
        Mistake(
            "def gradient_descent(grad, theta0, lr, steps):\n"
            "    theta = theta0.clone()\n"
            "    for _ in range(steps):\n"
            "        theta = theta + lr * grad(theta)\n"
            "    return theta",
            "커졌습니다",
            "부호를 반대로 써서 기울기 방향(오르막)으로 감",
        ),
        Mistake(
            "def gradient_descent(grad, theta0, lr, steps):\n"
            "    theta = theta0.clone()\n"
            "    for _ in range(steps - 1):\n"
            "        theta = theta - lr * grad(theta)\n"
            "    return theta",
            "하나 적습니다",
            "range(steps - 1)로 한 번 덜 반복함",
        ),
        Mistake(
            "def gradient_descent(grad, theta0, lr, steps):\n"
            "    theta = theta0\n"
            "    for _ in range(steps):\n"
            "        theta -= lr * grad(theta)\n"
            "    return theta",
            "theta0",
            "-=로 받은 theta0을 제자리에서 바꿈",
        ),
        Mistake(
            "def gradient_descent(grad, theta0, lr, steps):\n"
            "    g = grad(theta0)\n"
            "    theta = theta0.clone()\n"
            "    for _ in range(steps):\n"
            "        theta = theta - lr * g\n"
            "    return theta",
            "현재 θ",
            "기울기를 시작점에서 한 번만 구해 계속 씀",
        ),
    ),
    explanation="""
        경사 하강은 반복마다 현재 위치의 기울기를 다시 구해 그 반대 방향으로 $\\epsilon$배만큼 움직입니다. 부호를
        바꾸면 오르막으로 가서 손실이 커집니다. `theta = theta - ...`는 매번 새 Tensor를 만들지만 `theta -= ...`는
        같은 메모리를 고치므로, 시작점을 `clone()`하지 않으면 호출한 쪽의 Tensor까지 바뀝니다.
    """,
)
def _check_12_2(gradient_descent: object) -> None:
    cases = [
        ("2차원 2차 함수, theta0=[2, -1.5], lr=0.1, steps=5", _quad_grad, _quad_loss, [2.0, -1.5], 0.1, 5),
        ("1차원 (θ−2)²+1, theta0=[-1], lr=0.3, steps=3", _bowl_grad, _bowl_loss, [-1.0], 0.3, 3),
    ]
    for label, grad, loss, start, lr, steps in cases:
        theta0 = torch.tensor(start, dtype=torch.float64)
        original = theta0.clone()
        doing = f"{label}일 때"
        with case(doing):
            result = call(gradient_descent, doing, grad, theta0, lr, steps)
            if not torch.equal(theta0, original):
                raise Wrong(
                    "받은 theta0이 바뀌었습니다. `-=` 같은 제자리 연산은 호출한 쪽의 Tensor를 고칩니다. 먼저 "
                    "`clone()`하거나 `theta = theta - ...`로 새 Tensor를 만드세요."
                )
            tensor = expect_tensor(result, "gradient_descent(...)", shape=theta0.shape)
            expected = _descend(grad, original, lr, steps)
            if torch.allclose(tensor.double(), expected, atol=1e-9):
                continue
            if loss(tensor.double()) > loss(original):
                raise Wrong(
                    "손실이 시작점보다 커졌습니다: 기울기 방향(오르막)으로 움직였습니다. 갱신의 부호를 확인하세요."
                )
            if torch.allclose(tensor.double(), _descend(grad, original, lr, steps - 1), atol=1e-9):
                raise Wrong(f"반복 횟수가 steps={steps}보다 하나 적습니다. range의 끝을 확인하세요.")
            if torch.allclose(tensor.double(), _descend(grad, original, lr, steps + 1), atol=1e-9):
                raise Wrong(f"반복 횟수가 steps={steps}보다 하나 많습니다. range의 끝을 확인하세요.")
            if torch.allclose(tensor.double(), original - steps * lr * grad(original), atol=1e-9):
                raise Wrong("시작점의 기울기로만 계속 움직였습니다. 기울기는 반복마다 현재 θ에서 다시 구해야 합니다.")
            expect_values(tensor, expected, "gradient_descent(...)", atol=1e-9, rtol=1e-9)


# --------------------------------------------------------------------------- 12-3


def _f_cubic(theta: torch.Tensor) -> torch.Tensor:
    return (theta**3).sum() + theta[0] * theta[1]


def _f_wave(theta: torch.Tensor) -> torch.Tensor:
    return torch.sin(theta).prod() + (theta**2).sum() / 2


def _autograd(f: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor) -> torch.Tensor:
    point = theta.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(point), point)
    return grad


def _differences(
    f: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor, h: float, central: bool
) -> torch.Tensor:
    out = torch.zeros_like(theta)
    for i in range(len(theta)):
        step = torch.zeros_like(theta)
        step[i] = h
        out[i] = (f(theta + step) - f(theta - step)) / (2 * h) if central else (f(theta + step) - f(theta)) / h
    return out


@exercise(
    "12-3",
    title="기울기 검사: 좌표마다 중앙 차분",
    task="""
        스칼라를 돌려주는 함수 `f`(1차원 float64 Tensor → 0차원 Tensor)와 점 `theta`(1차원 float64 Tensor)를 받아,
        좌표 i마다 중앙 차분 $\\frac{f(\\theta + h e_i) - f(\\theta - h e_i)}{2h}$($e_i$는 i번째만 1인 벡터)을 계산해
        `theta`와 같은 모양의 기울기 Tensor를 돌려주는 함수 `numerical_gradient`를 쓰세요. `theta`는 바꾸지 마세요.
        4절에서 autograd 기울기를 검사한 방법입니다.
    """,
    stub="""
        def numerical_gradient(f, theta: torch.Tensor, h: float = 1e-5) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def numerical_gradient(f, theta: torch.Tensor, h: float = 1e-5) -> torch.Tensor:
            grad = torch.zeros_like(theta)
            for i in range(len(theta)):
                step = torch.zeros_like(theta)
                step[i] = h  # move only coordinate i
                grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
            return grad
    """,
    answers="numerical_gradient",
    hints=(
        "좌표마다 따로 합니다: i번째 좌표만 h만큼 앞뒤로 움직인 두 점에서 f를 계산해 차이를 2h로 나눕니다.",
        "`step = torch.zeros_like(theta); step[i] = h`로 i번째만 움직이는 벡터를 만들고 `f(theta + step)`, "
        "`f(theta - step)`을 쓰면 `theta` 자체는 바뀌지 않습니다.",
    ),
    mistakes=(
        Mistake(
            "def numerical_gradient(f, theta, h=1e-5):\n"
            "    grad = torch.zeros_like(theta)\n"
            "    for i in range(len(theta)):\n"
            "        step = torch.zeros_like(theta)\n"
            "        step[i] = h\n"
            "        grad[i] = (f(theta + step) - f(theta)) / h\n"
            "    return grad",
            "전방 차분",
            "중앙 차분 대신 전방 차분(오차 O(h))을 씀",
        ),
        Mistake(
            "def numerical_gradient(f, theta, h=1e-5):\n"
            "    grad = torch.zeros_like(theta)\n"
            "    for i in range(len(theta)):\n"
            "        step = torch.zeros_like(theta)\n"
            "        step[i] = h\n"
            "        grad[i] = (f(theta + step) - f(theta - step)) / h\n"
            "    return grad",
            "2배",
            "2h가 아니라 h로 나눔",
        ),
        Mistake(
            "def numerical_gradient(f, theta, h=1e-5):\n"
            "    grad = torch.zeros_like(theta)\n"
            "    for i in range(len(theta)):\n"
            "        theta[i] += h\n"
            "        up = f(theta)\n"
            "        theta[i] -= 2 * h\n"
            "        down = f(theta)\n"
            "        grad[i] = (up - down) / (2 * h)\n"
            "    return grad",
            "theta가 바뀌었습니다",
            "theta를 제자리에서 움직이고 되돌리지 않음",
        ),
        Mistake(
            "def numerical_gradient(f, theta, h=1e-5):\n    return (f(theta + h) - f(theta - h)) / (2 * h)",
            "모양",
            "모든 좌표를 한꺼번에 움직여 숫자 하나(방향 미분)를 구함",
        ),
    ),
    explanation="""
        좌표 하나만 움직여야 그 좌표의 편미분이 나옵니다. 모든 좌표를 함께 움직이면 $(1, \\dots, 1)$ 방향의 방향 미분
        하나가 나옵니다. 중앙 차분의 오차는 $O(h^2)$라서 $h = 10^{-5}$(float64)에서 autograd와 $10^{-9}$ 정도까지
        맞고, 전방 차분은 $O(h)$라서 $10^{-5}$ 정도 어긋납니다. 파라미터 n개에 함수 계산 2n번이 들어서 검사용으로만
        씁니다.
    """,
)
def _check_12_3(numerical_gradient: object) -> None:
    cases = [
        ("f(θ) = Σθ³ + θ₀θ₁, θ = [0.5, -1.2, 2.0]", _f_cubic, [0.5, -1.2, 2.0]),
        ("f(θ) = Πsin θ + |θ|²/2, θ = [0.3, 1.1, -0.7, 2.5]", _f_wave, [0.3, 1.1, -0.7, 2.5]),
    ]
    for label, f, point in cases:
        theta = torch.tensor(point, dtype=torch.float64)
        original = theta.clone()
        doing = f"{label}에서 불렀을 때"
        with case(doing):
            result = call(numerical_gradient, doing, f, theta)
            if not torch.equal(theta, original):
                raise Wrong(
                    "theta가 바뀌었습니다. 좌표를 제자리에서 움직였다면 원래대로 돌려놓지 않았습니다. "
                    "`theta + step`처럼 새 Tensor로 계산하세요."
                )
            if isinstance(result, torch.Tensor) and result.ndim == 0:
                raise Wrong(
                    "결과가 숫자 하나(모양 ())입니다. 모든 좌표를 한꺼번에 움직이면 방향 미분 하나가 나옵니다. "
                    "좌표마다 하나씩, theta와 같은 모양이어야 합니다."
                )
            tensor = expect_tensor(result, "numerical_gradient(f, theta)", shape=theta.shape)
            expected = _autograd(f, original)
            got = tensor.detach().double()
            if torch.allclose(got, expected, atol=1e-7, rtol=1e-7):
                continue
            if torch.allclose(got, 2 * expected, atol=1e-5, rtol=1e-5):
                raise Wrong("모든 값이 참값의 2배입니다. 두 점 사이의 거리는 2h입니다.")
            if torch.allclose(got, _differences(f, original, 1e-5, central=False), atol=1e-9, rtol=1e-9):
                raise Wrong(
                    "전방 차분 (f(θ+h)−f(θ))/h과 같습니다: 오차가 O(h)라서 autograd와 10⁻⁵ 정도 다릅니다. "
                    "문제는 중앙 차분입니다."
                )
            expect_values(tensor, expected, "numerical_gradient(f, theta)", atol=1e-7, rtol=1e-7)


# --------------------------------------------------------------------------- 12-4


def _line_data() -> tuple[torch.Tensor, torch.Tensor]:
    with seeded(16):
        x = torch.rand(20, 1) * 2 - 1
        y = 3 * x - 2 + 0.3 * torch.randn(20, 1)
    return x, y


def _fit_line_reference(
    x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, zero_grad: bool = True
) -> tuple[float, float]:
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    for _ in range(steps):
        ((w * x + b - y) ** 2).mean().backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        if zero_grad:
            w.grad.zero_()
            b.grad.zero_()
    return w.item(), b.item()


@exercise(
    "12-4",
    title="autograd로 선형 회귀: 옵티마이저 없이",
    task="""
        데이터 `x`, `y`(모양 `(N, 1)`)에 직선 $\\hat y = wx + b$를 맞추는 함수 `fit_line(x, y, lr, steps)`를 5절의
        방법 2처럼 쓰세요. `w`와 `b`는 0에서 시작하는 `requires_grad=True` Tensor입니다. 반복마다 MSE 손실에
        `backward()`를 부르고, `torch.no_grad()` 안에서 `w`와 `b`를 학습률만큼 갱신한 뒤 기울기를 0으로 되돌립니다.
        옵티마이저는 쓰지 않습니다. `steps`번 갱신한 뒤의 `(w, b)`를 float 두 개로 돌려주세요.
    """,
    stub="""
        def fit_line(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> tuple[float, float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def fit_line(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> tuple[float, float]:
            w = torch.zeros((), requires_grad=True)
            b = torch.zeros((), requires_grad=True)
            for _ in range(steps):
                loss = ((w * x + b - y) ** 2).mean()
                loss.backward()            # adds dl/dw, dl/db to w.grad, b.grad
                with torch.no_grad():      # the update itself is not part of the graph
                    w -= lr * w.grad
                    b -= lr * b.grad
                w.grad.zero_()             # otherwise the next backward() adds to these gradients
                b.grad.zero_()
            return w.item(), b.item()
    """,
    answers="fit_line",
    hints=(
        "5절의 방법 2와 같습니다: 순전파와 손실 → `backward()` → `no_grad()` 안에서 갱신 → 기울기 0으로.",
        "갱신은 제자리 연산 `w -= lr * w.grad`(`no_grad()` 안)로 해야 `w`가 같은 잎(leaf) Tensor로 남습니다. "
        "그다음 `w.grad.zero_()`, `b.grad.zero_()`. 마지막에 `w.item(), b.item()`을 돌려주세요.",
    ),
    mistakes=(
        Mistake(
            "def fit_line(x, y, lr, steps):\n"
            "    w = torch.zeros((), requires_grad=True)\n"
            "    b = torch.zeros((), requires_grad=True)\n"
            "    for _ in range(steps):\n"
            "        ((w * x + b - y) ** 2).mean().backward()\n"
            "        with torch.no_grad():\n"
            "            w -= lr * w.grad\n"
            "            b -= lr * b.grad\n"
            "    return w.item(), b.item()",
            "누적",
            "기울기를 0으로 되돌리지 않아 누적됨",
        ),
        Mistake(
            "def fit_line(x, y, lr, steps):\n"
            "    w = torch.zeros((), requires_grad=True)\n"
            "    b = torch.zeros((), requires_grad=True)\n"
            "    for _ in range(steps):\n"
            "        ((w * x + b - y) ** 2).mean().backward()\n"
            "        w -= lr * w.grad\n"
            "        b -= lr * b.grad\n"
            "        w.grad.zero_()\n"
            "        b.grad.zero_()\n"
            "    return w.item(), b.item()",
            "no_grad",
            "갱신을 torch.no_grad() 밖에서 함",
        ),
        Mistake(
            "def fit_line(x, y, lr, steps):\n"
            "    w = torch.zeros((), requires_grad=True)\n"
            "    b = torch.zeros((), requires_grad=True)\n"
            "    for _ in range(steps):\n"
            "        ((w * x + b - y) ** 2).mean().backward()\n"
            "        with torch.no_grad():\n"
            "            w = w - lr * w.grad\n"
            "            b = b - lr * b.grad\n"
            "    return w.item(), b.item()",
            "제자리",
            "w = w - ...로 새 Tensor를 만들어 requires_grad가 사라짐",
        ),
        Mistake(
            "def fit_line(x, y, lr, steps):\n"
            "    w = torch.zeros((), requires_grad=True)\n"
            "    b = torch.zeros((), requires_grad=True)\n"
            "    for _ in range(steps):\n"
            "        ((w * x + b - y) ** 2).mean().backward()\n"
            "        with torch.no_grad():\n"
            "            w += lr * w.grad\n"
            "            b += lr * b.grad\n"
            "        w.grad.zero_()\n"
            "        b.grad.zero_()\n"
            "    return w.item(), b.item()",
            "커졌습니다",
            "부호를 반대로 써서 손실이 커짐",
        ),
    ),
    explanation="""
        `backward()`는 `.grad`에 **더하므로** 반복마다 0으로 되돌려야 합니다(옵티마이저의 `zero_grad()`가 하는 일).
        갱신은 계산 그래프에 기록할 일이 아니므로 `torch.no_grad()` 안에서 하고, 제자리 연산(`-=`)이어야 `w`가
        `requires_grad=True`인 같은 잎 Tensor로 남습니다. `w = w - ...`는 그래프 밖에서 새 Tensor를 만들어 다음
        `backward()`가 실패합니다. 이 모든 일을 `torch.optim.SGD`의 `step()`과 `zero_grad()`가 대신합니다.
    """,
)
def _check_12_4(fit_line: object) -> None:
    x, y = _line_data()
    for lr, steps in ((0.1, 1), (0.1, 30)):
        doing = f"lr={lr}, steps={steps}일 때"
        with case(doing):
            try:
                result = call(fit_line, doing, x.clone(), y.clone(), lr, steps)
            except LearnerCodeError as exc:
                text = str(exc.error)
                if "leaf Variable that requires grad" in text:
                    raise Wrong(
                        "오류가 났습니다: requires_grad=True인 잎 Tensor를 기록 중에 제자리에서 바꿨습니다. "
                        "갱신은 `with torch.no_grad():` 안에서 하세요."
                    ) from exc
                if "does not require grad" in text or "NoneType" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). `w = w - ...`는 새 Tensor를 만들어 `requires_grad`와 `.grad`가 "
                        "사라집니다. 같은 Tensor를 제자리에서(`-=`) 갱신하세요."
                    ) from exc
                raise
            if not isinstance(result, tuple | list) or len(result) != 2:
                raise Wrong(f"결과가 {type(result).__name__}입니다. (w, b) 두 값의 tuple을 돌려주세요.")
            if any(isinstance(v, torch.Tensor) for v in result):
                raise Wrong("Tensor를 돌려줍니다. `w.item()`, `b.item()`으로 숫자만 꺼내 돌려주세요.")
            w, b = (as_number(v, name) for v, name in zip(result, ("w", "b"), strict=True))
            expected = _fit_line_reference(x, y, lr, steps)
            if all(abs(g - e) <= 1e-4 for g, e in zip((w, b), expected, strict=True)):
                continue
            accumulated = _fit_line_reference(x, y, lr, steps, zero_grad=False)
            if all(abs(g - e) <= 1e-4 for g, e in zip((w, b), accumulated, strict=True)):
                raise Wrong(
                    "기울기가 반복마다 누적되었습니다. backward()는 .grad에 더하므로 갱신 뒤 `w.grad.zero_()`, "
                    "`b.grad.zero_()`로 지워야 합니다."
                )
            if float(((w * x + b - y) ** 2).mean()) > float((y**2).mean()):
                raise Wrong("손실이 시작(w = b = 0)보다 커졌습니다: 기울기 방향으로 갱신했습니다. 부호를 확인하세요.")
            raise Wrong(
                f"(w, b) = ({w:.4f}, {b:.4f})가 MSE로 {steps}번 경사 하강한 결과와 다릅니다. 시작값(0), 손실(평균 "
                "제곱 오차), 반복 횟수를 확인하세요."
            )


# --------------------------------------------------------------------------- 12-5

_LR, _STEP_SIZE, _GAMMA = 0.1, 2, 0.5


def _schedule_reference(
    model: nn.Module, batches: list, epochs: int, variant: str = "right"
) -> tuple[list[float], nn.Module]:
    """Train a copy of ``model`` the right way or with one of the recorded mistakes; return (lrs, model)."""
    model = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=_LR, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=_STEP_SIZE, gamma=_GAMMA)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(epochs):
            if variant == "scheduler_first":
                scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
            for x, y in batches:
                if variant != "no_zero_grad":
                    optimizer.zero_grad()
                nn.functional.mse_loss(model(x), y).backward()
                optimizer.step()
                if variant == "per_batch":
                    scheduler.step()
            if variant in ("right", "no_zero_grad"):
                scheduler.step()
    return lrs, model


def _same(a: nn.Module, b: nn.Module) -> bool:
    return all(
        torch.allclose(p.detach(), q.detach(), atol=1e-6) for p, q in zip(a.parameters(), b.parameters(), strict=True)
    )


@exercise(
    "12-5",
    title="옵티마이저와 학습률 스케줄러",
    task="""
        모델 `model`, 배치 목록 `batches`(`(x, y)` 쌍의 리스트), 에폭 수 `epochs`를 받아 아래처럼 학습하고, **에폭마다
        그 에폭에 쓴 학습률**을 담은 리스트를 돌려주는 함수 `train_with_schedule`을 쓰세요.

        - 옵티마이저: `torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)`
        - 스케줄러: `torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)`(2 에폭마다 학습률 절반)
        - 배치마다: `zero_grad()` → 순전파 → `nn.MSELoss()` 손실 → `backward()` → `step()`
    """,
    stub="""
        def train_with_schedule(model: nn.Module, batches: list, epochs: int) -> list[float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def train_with_schedule(model: nn.Module, batches: list, epochs: int) -> list[float]:
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
            loss_fn = nn.MSELoss()
            lrs = []
            for _ in range(epochs):
                lrs.append(optimizer.param_groups[0]["lr"])  # the rate this epoch trains with
                for x, y in batches:
                    optimizer.zero_grad()
                    loss_fn(model(x), y).backward()
                    optimizer.step()
                scheduler.step()  # once per epoch, after the optimizer's steps
            return lrs
    """,
    answers="train_with_schedule",
    hints=(
        "옵티마이저와 스케줄러는 학습 전에 **한 번** 만듭니다. 배치 루프는 8절 마지막 셀의 모양이고, "
        "`scheduler.step()`은 에폭이 끝날 때 한 번 부릅니다.",
        '에폭을 시작할 때 `optimizer.param_groups[0]["lr"]`을 리스트에 넣고, 배치 루프가 끝난 뒤(모든 '
        "`optimizer.step()` 뒤) `scheduler.step()`을 부르세요.",
    ),
    mistakes=(
        Mistake(
            "def train_with_schedule(model, batches, epochs):\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)\n"
            "    lrs = []\n"
            "    for _ in range(epochs):\n"
            "        lrs.append(optimizer.param_groups[0]['lr'])\n"
            "        for x, y in batches:\n"
            "            optimizer.zero_grad()\n"
            "            nn.MSELoss()(model(x), y).backward()\n"
            "            optimizer.step()\n"
            "            scheduler.step()\n"
            "    return lrs",
            "배치마다",
            "scheduler.step()을 배치 루프 안에서 부름",
        ),
        Mistake(
            "def train_with_schedule(model, batches, epochs):\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)\n"
            "    lrs = []\n"
            "    for _ in range(epochs):\n"
            "        scheduler.step()\n"
            "        lrs.append(optimizer.param_groups[0]['lr'])\n"
            "        for x, y in batches:\n"
            "            optimizer.zero_grad()\n"
            "            nn.MSELoss()(model(x), y).backward()\n"
            "            optimizer.step()\n"
            "    return lrs",
            "optimizer.step() 전에",
            "에폭을 시작할 때 scheduler.step()을 먼저 부름",
        ),
        Mistake(
            "def train_with_schedule(model, batches, epochs):\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)\n"
            "    lrs = []\n"
            "    for _ in range(epochs):\n"
            "        for x, y in batches:\n"
            "            optimizer.zero_grad()\n"
            "            nn.MSELoss()(model(x), y).backward()\n"
            "            optimizer.step()\n"
            "        scheduler.step()\n"
            "        lrs.append(scheduler.get_last_lr()[0])\n"
            "    return lrs",
            "앞서",
            "scheduler.step() 뒤에 학습률을 읽어 다음 에폭의 값을 기록함",
        ),
        Mistake(
            "def train_with_schedule(model, batches, epochs):\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)\n"
            "    lrs = []\n"
            "    for _ in range(epochs):\n"
            "        lrs.append(optimizer.param_groups[0]['lr'])\n"
            "        for x, y in batches:\n"
            "            nn.MSELoss()(model(x), y).backward()\n"
            "            optimizer.step()\n"
            "        scheduler.step()\n"
            "    return lrs",
            "누적",
            "optimizer.zero_grad()를 빠뜨림",
        ),
        Mistake(
            "def train_with_schedule(model, batches, epochs):\n"
            "    lrs = []\n"
            "    for _ in range(epochs):\n"
            "        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)\n"
            "        lrs.append(optimizer.param_groups[0]['lr'])\n"
            "        for x, y in batches:\n"
            "            optimizer.zero_grad()\n"
            "            nn.MSELoss()(model(x), y).backward()\n"
            "            optimizer.step()\n"
            "        scheduler.step()\n"
            "    return lrs",
            "새로 만들",
            "옵티마이저와 스케줄러를 에폭마다 새로 만듦",
        ),
    ),
    explanation="""
        스케줄러는 자신이 `step()`된 횟수로 학습률을 정합니다. `StepLR(step_size=2)`는 에폭 단위로 설계되었으므로 에폭마다
        한 번, 그 에폭의 `optimizer.step()`들이 끝난 뒤에 부릅니다(그 전에 부르면 PyTorch가 경고하고 첫 학습률을
        건너뜁니다). 학습률은 `optimizer.param_groups[0]["lr"]`에 있고, 에폭을 시작할 때 읽어야 그 에폭에 쓴 값입니다.
        옵티마이저를 에폭마다 새로 만들면 모멘텀과 스케줄이 처음으로 돌아갑니다.
    """,
)
def _check_12_5(train_with_schedule: object) -> None:
    epochs = 5
    with seeded(17):
        start = nn.Linear(3, 1)
        batches = [(torch.randn(4, 3), torch.randn(4, 1)) for _ in range(3)]
    learner = copy.deepcopy(start)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(
            train_with_schedule, f"선형 모델, 배치 3개, epochs={epochs}로 불렀을 때", learner, batches, epochs
        )
    scheduler_first = any("before `optimizer.step()`" in str(w.message) for w in caught)
    if not isinstance(result, list | tuple):
        raise Wrong(f"결과가 {type(result).__name__}입니다. 에폭마다 학습률 하나씩, 리스트를 돌려주세요.")
    if len(result) != epochs:
        raise Wrong(f"학습률이 {len(result)}개입니다. 에폭 {epochs}개에 하나씩이어야 합니다.")
    lrs = [as_number(v, f"에폭 {i}의 학습률") for i, v in enumerate(result)]
    right_lrs, right_model = _schedule_reference(start, batches, epochs)
    lrs_ok = all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(lrs, right_lrs, strict=True))
    trained_ok = _same(learner, right_model)
    if lrs_ok and trained_ok:
        return None
    if _same(learner, start):
        raise Wrong(
            "학습 뒤에도 모델의 파라미터가 그대로입니다. 받은 `model`의 파라미터로 옵티마이저를 만들고 학습하세요."
        )
    if scheduler_first or _same(learner, _schedule_reference(start, batches, epochs, "scheduler_first")[1]):
        raise Wrong(
            "scheduler.step()을 optimizer.step() 전에 불렀습니다(PyTorch도 경고를 냅니다). 그러면 첫 학습률을 건너뜁니다. "
            "scheduler.step()은 에폭의 배치 루프가 끝난 뒤에 부르세요."
        )
    if all(math.isclose(v, _LR) for v in lrs):
        raise Wrong(
            "학습률이 한 번도 줄지 않았습니다. 옵티마이저와 스케줄러를 에폭마다 새로 만들었거나 scheduler.step()을 "
            "부르지 않았습니다. 둘은 학습 전에 한 번 만듭니다."
        )
    if _same(learner, _schedule_reference(start, batches, epochs, "per_batch")[1]):
        raise Wrong(
            "학습률이 배치마다 줄었습니다: scheduler.step()을 배치 루프 안에서 불렀습니다. StepLR(step_size=2)는 "
            "에폭 단위이므로 에폭마다 한 번 부르세요."
        )
    if _same(learner, _schedule_reference(start, batches, epochs, "no_zero_grad")[1]):
        raise Wrong("기울기가 배치마다 누적되었습니다. 배치마다 backward() 전에 optimizer.zero_grad()를 부르세요.")
    if trained_ok:
        if all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(lrs[:-1], right_lrs[1:], strict=True)):
            raise Wrong(
                "학습은 맞지만 돌려준 학습률이 한 에폭씩 앞서 있습니다: scheduler.step() 뒤에 읽었습니다. 에폭을 "
                "시작할 때 읽어야 그 에폭에 쓴 값입니다."
            )
        wrong = next(
            i for i, (a, b) in enumerate(zip(lrs, right_lrs, strict=True)) if not math.isclose(a, b, rel_tol=1e-9)
        )
        raise Wrong(f"학습은 맞지만 에폭 {wrong}의 학습률 {lrs[wrong]:g}가 그 에폭에 쓴 값과 다릅니다.")
    raise Wrong(
        "학습한 뒤의 파라미터가 기대한 결과와 다릅니다. 옵티마이저(SGD, lr=0.1, momentum=0.9), 손실(MSE), 배치마다의 "
        "순서(zero_grad → 순전파 → 손실 → backward → step)를 확인하세요."
    )
