"""Exercises of 01_what_is_deep_learning: one neuron, a perceptron, a deep network, one training step."""

from __future__ import annotations

import copy

import torch
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_int, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- 01-1


@exercise(
    "01-1",
    title="뉴런 하나: 가중치 곱 → 집계 → 활성 함수",
    task="""
        샘플 `N`개의 입력 `x` `(N, in)`, 이 뉴런으로 들어가는 가중치 `w` `(in,)`, 편향 `b`(숫자 하나인 Tensor)를 받아
        각 샘플의 출력 $h = \\sigma\\left(\\sum_i x_i w_i + b\\right)$를 모양 `(N,)`인 Tensor로 돌려주는 함수
        `neuron`을 쓰세요. $\\sigma$는 시그모이드(`torch.sigmoid`)입니다.
    """,
    stub="""
        def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            z = (x * w).sum(dim=1) + b  # weight multiplication, then aggregation (one sum per sample)
            return torch.sigmoid(z)     # activation
    """,
    answers="neuron",
    hints=(
        "세 단계입니다: `x * w`(가중치 곱), 샘플마다 더하기(집계)와 편향, 그리고 `torch.sigmoid`(활성 함수).",
        "`(x * w).sum(dim=1)`은 샘플마다 하나씩, 모양 `(N,)`의 합을 줍니다. `x @ w`도 같습니다. 여기에 `b`를 더한 뒤 "
        "`torch.sigmoid`에 넣으세요.",
    ),
    mistakes=(
        Mistake(
            "def neuron(x, w, b):\n    return torch.sigmoid((x * w).sum(dim=1))",
            "편향",
            "편향 b를 더하지 않음",
        ),
        Mistake(
            "def neuron(x, w, b):\n    return (x * w).sum(dim=1) + b",
            "활성 함수",
            "집계 값 z를 그대로 돌려줌(활성 함수를 빠뜨림)",
        ),
        Mistake(
            "def neuron(x, w, b):\n    return torch.sigmoid((x * w).sum() + b)",
            "모양",
            "dim 없이 sum()을 써서 모든 샘플을 하나로 더함",
        ),
        Mistake(
            "def neuron(x, w, b):\n    return torch.relu(x @ w + b)",
            "시그모이드",
            "시그모이드 대신 ReLU를 씀",
        ),
    ),
    explanation="""
        `x * w`는 브로드캐스팅으로 샘플마다 가중치를 곱하고, `sum(dim=1)`이 샘플마다 따로 더합니다(`x @ w`와 같음).
        `dim`을 빼면 모든 샘플이 한 숫자로 합쳐집니다. 편향이 없으면 입력이 모두 0일 때 출력이 항상
        $\\sigma(0) = 0.5$로 고정되고, 활성 함수가 없으면 뉴런은 선형 함수일 뿐입니다.
    """,
)
def _check_01_1(neuron: object) -> None:
    with seeded(1):
        cases = [
            ("x (4, 3), w (3,), b = 0.5", torch.randn(4, 3), torch.randn(3), torch.tensor(0.5)),
            ("x (6, 5), w (5,), b = -1.0", torch.randn(6, 5), torch.randn(5), torch.tensor(-1.0)),
        ]
    for doing, x, w, b in cases:
        with case(f"{doing}로 불렀을 때"):
            result = call(neuron, doing, x, w, b)
            got = expect_tensor(result, "neuron(x, w, b)", shape=(x.shape[0],))
            z = x @ w + b
            candidates = {
                "편향 b가 빠진 값과 같습니다. 집계한 뒤 편향을 더하세요.": torch.sigmoid(x @ w),
                "활성 함수를 거치기 전의 값(집계 z)과 같습니다. 활성 함수(시그모이드)를 빠뜨렸습니다.": z,
                "ReLU를 거친 값과 같습니다. 이 문제의 활성 함수는 시그모이드입니다.": torch.relu(z),
            }
            actual = got.detach().cpu().float()
            if not torch.allclose(actual, torch.sigmoid(z), atol=1e-5):
                for message, value in candidates.items():
                    if torch.allclose(actual, value, atol=1e-5):
                        raise Wrong(message)
            expect_values(actual, torch.sigmoid(z), "neuron(x, w, b)")


# --------------------------------------------------------------------------- 01-2

GATE_INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))


def _as_float_vector(value: object, name: str, length: int) -> torch.Tensor:
    """``value`` (a tensor, list or tuple of numbers) as a float tensor of ``length`` values; Wrong otherwise."""
    try:
        tensor = torch.as_tensor(value, dtype=torch.float32).detach().cpu()
    except (TypeError, ValueError, RuntimeError):
        raise Wrong(
            f"`{name}`는 숫자 {length}개(Tensor 또는 리스트)여야 하는데 {type(value).__name__}입니다."
        ) from None
    if tensor.numel() != length:
        raise Wrong(
            f"`{name}`에 숫자가 {tensor.numel()}개 있습니다. 입력이 {length}개이므로 가중치도 {length}개입니다."
        )
    return tensor.reshape(length)


@exercise(
    "01-2",
    title="퍼셉트론으로 NAND 게이트 만들기",
    task="""
        4절의 퍼셉트론은 $z = w_1 x_1 + w_2 x_2 + b$가 0보다 크면 1, 아니면(0 포함) 0을 냅니다.
        NAND 게이트(AND의 반대: 두 입력이 모두 1일 때만 0, 나머지는 1)를 계산하도록 가중치 `w`(숫자 2개인 Tensor)와
        편향 `b`(숫자 하나)를 정하세요.
    """,
    stub="""
        w = ...  # 예: torch.tensor([?, ?])
        b = ...
    """,
    solution="""
        w = torch.tensor([-1.0, -1.0])
        b = 1.5
    """,
    answers=("w", "b"),
    hints=(
        "입력이 (0, 0)이면 $z = b$입니다. 출력이 1이어야 하니 `b`의 부호는? 입력이 1이 될수록 $z$는 작아져야 합니다.",
        "AND는 `w = [1, 1]`, `b = -1.5`였습니다. NAND는 출력을 뒤집은 것이니 $z$의 부호를 모두 뒤집어 보세요.",
    ),
    mistakes=(
        Mistake("w = torch.tensor([1.0, 1.0])\nb = -1.5", "(0, 0)", "AND의 가중치를 그대로 씀"),
        Mistake("w = torch.tensor([-1.0, -1.0])\nb = -1.5", "(0, 0)", "가중치만 뒤집고 편향의 부호는 그대로 둠"),
        Mistake("w = torch.tensor([-1.0, -1.0])\nb = 0", "(0, 0)", "z = 0일 때 출력이 0이라는 경계를 놓침"),
    ),
    explanation="""
        (0, 0)에서는 $z = b$이므로 `b > 0`이어야 1이 나옵니다. 입력 하나가 1이 되어도 1이어야 하니 $-1 + b > 0$,
        둘 다 1이면 0이어야 하니 $-2 + b \\le 0$: $1 < b \\le 2$입니다. `b = 1.5`는 그 가운데입니다. NAND 퍼셉트론을
        여러 개 이으면 어떤 논리 회로든 만들 수 있지만, 퍼셉트론 하나로는 XOR을 만들 수 없습니다(13에서 봅니다).
    """,
)
def _check_01_2(w: object, b: object) -> None:
    weights = _as_float_vector(w, "w", 2)
    bias = as_number(b, "b")
    wrong = []
    for x1, x2 in GATE_INPUTS:
        z = float(weights[0]) * x1 + float(weights[1]) * x2 + bias
        output = 1 if z > 0 else 0
        wanted = 0 if (x1 and x2) else 1
        if output != wanted:
            wrong.append(f"({x1}, {x2})에서 {output}")
    if wrong:
        raise Wrong(
            f"4개 입력 중 {len(wrong)}곳에서 NAND와 다릅니다: 입력 {', '.join(wrong)}을(를) 냅니다. "
            "각 입력에서 z를 직접 계산해 보세요(z = 0이면 출력은 0입니다)."
        )


# --------------------------------------------------------------------------- 01-3


def _linear_layers(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


@exercise(
    "01-3",
    title="깊은 신경망 쌓기",
    task="""
        입력 특성 4개, 은닉층 두 개(각각 뉴런 16개, 활성 함수 `nn.ReLU`), 출력층 뉴런 3개인 깊은 신경망을
        `nn.Sequential`로 만들어 `model`에 넣으세요. 출력은 클래스 3개의 로짓(소프트맥스를 거치기 전의 점수)입니다.
    """,
    stub="""
        model = ...  # nn.Sequential(...)
    """,
    solution="""
        model = nn.Sequential(
            nn.Linear(4, 16), nn.ReLU(),   # hidden layer 1
            nn.Linear(16, 16), nn.ReLU(),  # hidden layer 2
            nn.Linear(16, 3),              # output layer: 3 logits
        )
    """,
    answers="model",
    hints=(
        "`nn.Linear` 세 개가 필요합니다: 입력 → 은닉층 1, 은닉층 1 → 은닉층 2, 은닉층 2 → 출력층.",
        "은닉층마다 `nn.Linear` 뒤에 `nn.ReLU()`를 넣고, 마지막 `nn.Linear(16, 3)` 뒤에는 아무것도 넣지 않습니다.",
    ),
    mistakes=(
        Mistake(
            "model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))",
            "은닉층이 1개",
            "은닉층을 하나만 둠(얕은 신경망)",
        ),
        Mistake(
            "model = nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 16), nn.Linear(16, 3))",
            "활성 함수",
            "층 사이에 활성 함수를 넣지 않음",
        ),
        Mistake(
            "model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3), "
            "nn.Softmax(dim=1))",
            "로짓",
            "출력층 뒤에 Softmax를 넣음",
        ),
        Mistake(
            "model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3), nn.ReLU())",
            "출력층 뒤",
            "출력층 뒤에도 ReLU를 넣음",
        ),
        Mistake(
            "model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))",
            "앞 층의 출력",
            "두 번째 층의 입력 크기를 앞 층의 출력 크기와 맞추지 않음",
        ),
    ),
    explanation="""
        은닉층이 둘 이상이면 깊은 신경망입니다. 활성 함수가 없으면 `nn.Linear`를 몇 개 쌓아도 결국 선형 함수
        하나와 같아서 깊이가 소용없습니다(13에서 확인합니다). 분류 모델의 출력층은 로짓을 그대로 내고, 확률이
        필요할 때 `torch.softmax`를 따로 적용합니다. 파라미터는 (4·16 + 16) + (16·16 + 16) + (16·3 + 3) = 403개입니다.
    """,
)
def _check_01_3(model: object) -> None:
    if not isinstance(model, nn.Module):
        raise Wrong(f"`model`이 {type(model).__name__}입니다. nn.Sequential(...)로 만든 모듈이어야 합니다.")
    linears = _linear_layers(model)
    if not linears:
        raise Wrong("`model`에 nn.Linear 층이 없습니다.")
    if linears[0].in_features != 4:
        raise Wrong(f"첫 nn.Linear의 입력 크기가 {linears[0].in_features}입니다. 입력 특성 수와 같아야 합니다.")
    if isinstance(model, nn.Sequential):
        last = list(model.children())[-1]
        if not isinstance(last, nn.Linear):
            raise Wrong(
                f"출력층 뒤에 {type(last).__name__}이(가) 있습니다. 출력은 로짓(마지막 nn.Linear의 값 그대로)이어야 합니다."
            )
    with seeded(3):
        x = torch.randn(64, 4)
        a, b_ = torch.randn(8, 4), torch.randn(8, 4)
    with torch.no_grad():
        try:
            out = call(model, "입력 (64, 4)를 넣었을 때", x)
        except LearnerCodeError as exc:
            if "cannot be multiplied" in str(exc.error):
                raise Wrong(
                    f"입력 (64, 4)를 넣자 오류가 났습니다({exc.error}). 각 nn.Linear의 입력 크기가 앞 층의 출력 크기와 "
                    "같은지 보세요."
                ) from exc
            raise
        expect_tensor(out, "model(x)", shape=(64, 3))
        probabilities = (out >= 0).all() and torch.allclose(out.sum(dim=1), torch.ones(64), atol=1e-4)
        if bool(probabilities):
            raise Wrong(
                "출력의 각 행이 합이 1인 확률입니다. 이 문제의 출력은 소프트맥스를 거치기 전의 로짓이어야 합니다."
            )
        zero = torch.zeros(1, 4)
        affine = torch.allclose(model(a + b_) - model(b_), model(a) - model(zero), atol=1e-4)
    if affine:
        raise Wrong(
            "모델이 선형(아핀) 함수입니다: nn.Linear 층 사이에 활성 함수가 없습니다. "
            "활성 함수 없이 쌓은 층은 층 하나와 같습니다."
        )
    hidden = len(linears) - 1
    if hidden < 2:
        raise Wrong(f"은닉층이 {hidden}개입니다. 깊은 신경망은 은닉층이 둘 이상입니다.")
    if hidden > 2:
        raise Wrong(f"은닉층이 {hidden}개입니다. 문제는 은닉층 두 개입니다.")
    for i, layer in enumerate(linears[:-1], start=1):
        if layer.out_features != 16:
            raise Wrong(f"은닉층 {i}의 뉴런 수가 {layer.out_features}개입니다. 문제는 16개입니다.")
    expect_int(sum(p.numel() for p in model.parameters()), 403, "파라미터 수")


# --------------------------------------------------------------------------- 01-4


def _reference_model() -> nn.Module:
    with seeded(4):
        return nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))


def _reference_steps(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, steps: int, zero_grad: bool = True
) -> nn.Module:
    """``steps`` SGD steps (lr 0.1) of the MSE on a copy of ``model``; ``zero_grad=False`` lets gradients accumulate."""
    model = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x), y)
        if zero_grad:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def _same_parameters(a: nn.Module, b: nn.Module) -> bool:
    pairs = zip(a.parameters(), b.parameters(), strict=True)
    return all(torch.allclose(p.detach().cpu(), q.detach().cpu(), atol=1e-6) for p, q in pairs)


@exercise(
    "01-4",
    title="경사 하강 한 걸음",
    task="""
        6절의 학습 루프에서 한 에폭이 하는 일을 함수 `train_step`으로 쓰세요. 모델 `model`, 옵티마이저 `optimizer`,
        입력 `x`, 정답 `y`를 받아 순전파 → 평균 제곱 오차(MSE) 손실 → 기울기 계산 → 가중치 갱신을 한 번 하고,
        그 손실 값을 Python 숫자(float)로 돌려줍니다. 이 함수는 루프에서 여러 번 불립니다.
    """,
    stub="""
        def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
            loss = nn.functional.mse_loss(model(x), y)  # forward pass and loss
            optimizer.zero_grad()                       # clear the gradients of the previous step
            loss.backward()                             # gradient of the loss w.r.t. every weight
            optimizer.step()                            # move every weight against its gradient
            return loss.item()
    """,
    answers="train_step",
    hints=(
        "6절의 루프 안쪽 다섯 줄과 같습니다: 예측, 손실, `zero_grad()`, `backward()`, `step()`.",
        "손실은 `nn.MSELoss()(model(x), y)` 또는 `nn.functional.mse_loss(model(x), y)`입니다. `backward()` 전에 "
        "`optimizer.zero_grad()`, 뒤에 `optimizer.step()`을 부르고, `loss.item()`을 돌려주세요.",
    ),
    mistakes=(
        Mistake(
            "def train_step(model, optimizer, x, y):\n    loss = nn.functional.mse_loss(model(x), y)\n"
            "    loss.backward()\n    optimizer.step()\n    return loss.item()",
            "누적",
            "optimizer.zero_grad()를 빠뜨려 기울기가 누적됨",
        ),
        Mistake(
            "def train_step(model, optimizer, x, y):\n    loss = nn.functional.mse_loss(model(x), y)\n"
            "    optimizer.zero_grad()\n    loss.backward()\n    return loss.item()",
            "바뀌지 않았습니다",
            "optimizer.step()을 부르지 않음",
        ),
        Mistake(
            "def train_step(model, optimizer, x, y):\n    loss = nn.functional.mse_loss(model(x), y)\n"
            "    loss.backward()\n    optimizer.zero_grad()\n    optimizer.step()\n    return loss.item()",
            "바뀌지 않았습니다",
            "backward()와 step() 사이에서 zero_grad()를 불러 기울기를 지움",
        ),
        Mistake(
            "def train_step(model, optimizer, x, y):\n    loss = nn.functional.mse_loss(model(x), y)\n"
            "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    return loss",
            "item()",
            "loss Tensor를 그대로 돌려줌(계산 그래프까지 남음)",
        ),
    ),
    explanation="""
        `backward()`는 기울기를 `.grad`에 **더합니다**. 그래서 매번 `zero_grad()`로 지운 뒤 `backward()`를 부르고,
        `step()`이 그 기울기로 가중치를 옮깁니다. 손실은 `.item()`으로 숫자만 꺼내 돌려줍니다. Tensor를 그대로
        모으면 에폭마다 계산 그래프가 함께 남아 메모리를 차지합니다.
    """,
)
def _check_01_4(train_step: object) -> None:
    with seeded(5):
        x = torch.linspace(-2, 2, 16).unsqueeze(1)
        y = torch.sin(x) + 0.1 * torch.randn(16, 1)
    start = _reference_model()
    learner = copy.deepcopy(start)
    optimizer = torch.optim.SGD(learner.parameters(), lr=0.1)
    with torch.no_grad():
        first_loss = nn.functional.mse_loss(start(x), y).item()
    returned = call(train_step, "train_step을 처음 불렀을 때", learner, optimizer, x, y)
    if isinstance(returned, torch.Tensor):
        raise Wrong("손실을 Tensor로 돌려줍니다. loss.item()으로 숫자만 꺼내 돌려주세요.")
    value = as_number(returned, "train_step(...)의 반환값")
    if _same_parameters(learner, start):
        raise Wrong(
            "train_step을 부른 뒤에도 파라미터가 바뀌지 않았습니다. optimizer.step()을 불렀는지, 그리고 backward()와 "
            "step() 사이에서 기울기를 지우지 않았는지 보세요."
        )
    if abs(value - first_loss) > 1e-4 * max(1.0, abs(first_loss)):
        raise Wrong(f"돌려준 손실이 {value:.6g}입니다. 갱신 전 예측으로 계산한 평균 제곱 오차(MSE)와 다릅니다.")
    if not _same_parameters(learner, _reference_steps(start, x, y, steps=1)):
        raise Wrong(
            "한 번 부른 뒤의 파라미터가 MSE로 한 걸음 경사 하강한 결과와 다릅니다. 손실을 평균 제곱 오차로 계산했는지, "
            "받은 optimizer를 그대로 썼는지(새로 만들지 않았는지) 보세요."
        )
    call(train_step, "train_step을 두 번째로 불렀을 때", learner, optimizer, x, y)
    if _same_parameters(learner, _reference_steps(start, x, y, steps=2)):
        return None
    if _same_parameters(learner, _reference_steps(start, x, y, steps=2, zero_grad=False)):
        raise Wrong(
            "두 번째 호출에서 기울기가 앞 호출의 기울기에 누적되었습니다. backward() 전에 optimizer.zero_grad()로 "
            "지워야 합니다."
        )
    raise Wrong("두 번 부른 뒤의 파라미터가 MSE로 두 번 경사 하강한 결과와 다릅니다. 손실 계산을 확인하세요.")
