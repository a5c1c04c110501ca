"""Exercises of 06_neural_network: an nn.Module class, a network-building function, counting
trainable parameters, and predicting in eval mode without gradients.

Generic helpers defined here (other notebooks may import them):

- :func:`build` instantiates the learner's class or calls their builder under a fixed seed and
  turns the usual construction errors (a forgotten ``super().__init__()``) into feedback.
- :func:`forward` runs a model and explains a shape error from a forgotten flatten.
- :func:`expect_logits` rejects outputs squashed by a final Sigmoid, Softmax or ReLU.
- :func:`expect_nonlinear` rejects a stack of linear layers without an activation between them.
"""

from __future__ import annotations

import copy
from itertools import pairwise
from typing import Any

import torch
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import case, expect_int, expect_tensor, expect_values, seeded


def build(factory: Any, doing: str, *args: Any) -> nn.Module:
    """``factory(*args)`` under seed 0 (the learner's RNG untouched); :class:`Wrong` unless it is an ``nn.Module``."""
    with seeded(0):
        try:
            model = call(factory, doing, *args)
        except LearnerCodeError as exc:
            if "before Module.__init__() call" in str(exc.error):
                raise Wrong(
                    "층을 `self`에 두기 전에 `nn.Module`이 준비되지 않았습니다. `__init__`의 첫 줄에서 "
                    "`super().__init__()`을 불렀는지 보세요."
                ) from exc
            if isinstance(exc.error, TypeError) and "is not a Module subclass" in str(exc.error):
                raise Wrong(
                    "`nn.Sequential`에 리스트를 그대로 넘겼습니다. `nn.Sequential`은 층을 하나씩 인자로 받습니다."
                ) from exc
            raise
    if not isinstance(model, nn.Module):
        raise Wrong(f"{doing}: 결과가 {type(model).__name__}입니다. `nn.Module`(모델)이어야 합니다.")
    return model


def forward(model: nn.Module, x: torch.Tensor, doing: str) -> torch.Tensor:
    """``model(x)`` with the learner's code; a shape error names the likely cause (no flatten)."""
    try:
        return call(model, doing, x)
    except LearnerCodeError as exc:
        text = str(exc.error)
        if "cannot be multiplied" in text and x.ndim > 2:
            raise Wrong(
                f"행렬 곱에서 모양이 맞지 않았습니다({text}). `nn.Linear`에 넣기 전에 "
                "이미지 배치를 (N, 특성 수)로 펼쳤는지 보세요."
            ) from exc
        if "is invalid for input of size" in text:
            raise Wrong(
                f"모양을 바꾸다 오류가 났습니다({text}). 배치 크기를 숫자로 고정했는지 보세요. 배치 크기는 "
                "입력마다 다릅니다."
            ) from exc
        raise


def expect_logits(out: torch.Tensor, name: str) -> None:
    """:class:`Wrong` if ``out`` (N, C) looks squashed by a final Softmax, Sigmoid or ReLU instead of raw logits."""
    values = out.detach().float().cpu()
    if torch.allclose(values.sum(dim=1), torch.ones(len(values)), atol=1e-4) and bool((values >= 0).all()):
        raise Wrong(
            f"`{name}`의 각 행의 합이 1입니다: 마지막에 softmax를 적용했습니다. 모델은 로짓(logit)을 내고, "
            "`nn.CrossEntropyLoss`가 안에서 softmax를 계산합니다."
        )
    if bool(((values > 0) & (values < 1)).all()):
        raise Wrong(
            f"`{name}`의 값이 모두 0과 1 사이입니다: 마지막 층 뒤에 Sigmoid가 있습니다. 분류 모델의 마지막 층은 "
            "활성 함수 없이 로짓(logit)을 냅니다."
        )
    if bool((values >= 0).all()):
        raise Wrong(
            f"`{name}`에 음수가 하나도 없습니다: 마지막 층 뒤에 ReLU 같은 활성 함수가 있습니다. 마지막 층은 "
            "활성 함수 없이 로짓(logit)을 냅니다."
        )


def expect_nonlinear(model: nn.Module, shape: tuple[int, ...], name: str) -> None:
    """:class:`Wrong` if ``model`` is affine on inputs of ``shape`` (no activation between its linear layers).

    An affine map f satisfies f(a) + f(b) = f(a + b) + f(0); a ReLU network in general does not.
    """
    with seeded(1):
        a, b = torch.rand(shape), torch.rand(shape)
    with torch.no_grad():
        gap = model(a) + model(b) - model(a + b) - model(torch.zeros(shape))
    if float(gap.abs().max()) < 1e-4:
        raise Wrong(
            f"`{name}`이(가) 입력에 대해 선형입니다: 층 사이에 활성 함수(ReLU)가 없습니다. 선형 층을 여러 개 쌓아도 "
            "활성 함수가 없으면 선형 층 하나와 같습니다."
        )


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def mlp_params(sizes: list[int]) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in pairwise(sizes))


# --------------------------------------------------------------------------- 06-1


@exercise(
    "06-1",
    title="`nn.Module`로 작은 신경망 만들기",
    task="""
        `(N, 1, 28, 28)` 이미지 배치를 받아 숫자 10개의 로짓 `(N, 10)`을 내는 클래스 `SmallNet`을 완성하세요.
        구조는 펼치기 → `Linear(784, 32)` → ReLU → `Linear(32, 10)`입니다. `__init__`에서 층을 만들고
        `forward`에서 순전파를 정의하세요. 배치 크기 N이 무엇이든 동작해야 합니다.
    """,
    stub="""
        class SmallNet(nn.Module):
            def __init__(self) -> None:
                ...  # 층을 만드세요

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                ...  # 순전파를 쓰세요
    """,
    solution="""
        class SmallNet(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.fc1 = nn.Linear(784, 32)
                self.fc2 = nn.Linear(32, 10)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                x = torch.flatten(x, start_dim=1)
                x = torch.relu(self.fc1(x))
                return self.fc2(x)
    """,
    answers="SmallNet",
    hints=(
        "`__init__`은 `super().__init__()`으로 시작하고, 층 두 개를 `self.fc1`, `self.fc2`처럼 속성으로 둡니다.",
        "`forward`: `torch.flatten(x, start_dim=1)`로 펼치고, 첫 층 → `torch.relu` → 둘째 층. 마지막 층 뒤에는 "
        "아무것도 두지 않습니다(로짓).",
    ),
    mistakes=(
        Mistake(
            "class SmallNet(nn.Module):\n"
            "    def __init__(self):\n"
            "        self.fc1 = nn.Linear(784, 32)\n"
            "        self.fc2 = nn.Linear(32, 10)\n\n"
            "    def forward(self, x):\n"
            "        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))",
            "super().__init__()",
            "super().__init__()을 부르지 않음",
        ),
        Mistake(
            "class SmallNet(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1 = nn.Linear(784, 32)\n"
            "        self.fc2 = nn.Linear(32, 10)\n\n"
            "    def forward(self, x):\n"
            "        return torch.sigmoid(self.fc2(torch.relu(self.fc1(torch.flatten(x, 1)))))",
            "Sigmoid",
            "강의 노트처럼 마지막에 Sigmoid를 둠",
        ),
        Mistake(
            "class SmallNet(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1 = nn.Linear(784, 32)\n"
            "        self.fc2 = nn.Linear(32, 10)\n\n"
            "    def forward(self, x):\n"
            "        return self.fc2(self.fc1(torch.flatten(x, 1)))",
            "활성 함수",
            "두 층 사이에 ReLU를 빠뜨림",
        ),
        Mistake(
            "class SmallNet(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc1 = nn.Linear(784, 32)\n"
            "        self.fc2 = nn.Linear(32, 10)\n\n"
            "    def forward(self, x):\n"
            "        return self.fc2(torch.relu(self.fc1(x)))",
            "펼쳤는지",
            "이미지를 펼치지 않고 Linear에 넣음",
        ),
    ),
    explanation="""
        `super().__init__()`이 `nn.Module`의 준비(파라미터 추적)를 하므로 층을 만들기 전에 불러야 합니다.
        `flatten(start_dim=1)`은 배치 차원을 지키고, ReLU가 없으면 두 선형 층은 선형 층 하나와 같습니다.
        마지막 층은 로짓을 내고, softmax는 `nn.CrossEntropyLoss`가 안에서 계산합니다. 파라미터는
        784·32 + 32 + 32·10 + 10 = 25,450개입니다.
    """,
)
def _check_06_1(SmallNet: object) -> None:
    model = build(SmallNet, "SmallNet()을 만들 때")
    expect_int(n_params(model), mlp_params([784, 32, 10]), "sum(p.numel() for p in SmallNet().parameters())")
    for n in (5, 1):
        with seeded(2):
            x = torch.rand(n, 1, 28, 28)
        doing = f"입력 ({n}, 1, 28, 28)로 불렀을 때"
        with case(doing), torch.no_grad():
            out = expect_tensor(forward(model, x, doing), "SmallNet()(x)", shape=(n, 10))
            expect_logits(out, "SmallNet()(x)")
    expect_nonlinear(model, (4, 1, 28, 28), "SmallNet()")


# --------------------------------------------------------------------------- 06-2


@exercise(
    "06-2",
    title="`nn.Sequential`을 만드는 함수, 드롭아웃까지",
    task="""
        층의 크기 목록 `sizes`(예: `[784, 64, 32, 10]`)와 드롭아웃 확률 `p`를 받아 `nn.Sequential`을 돌려주는
        함수 `make_mlp`를 쓰세요. 맨 앞에 `nn.Flatten()`, 그다음 이웃한 크기마다 `nn.Linear`를 두고, **은닉층**
        뒤에는 `nn.ReLU()`와 `nn.Dropout(p)`를 차례로 둡니다. 마지막 `nn.Linear` 뒤에는 아무것도 두지 않습니다
        (로짓). `sizes`가 `[784, 10]`이면 `Flatten`과 `Linear` 하나뿐입니다.
    """,
    stub="""
        def make_mlp(sizes: list[int], p: float) -> nn.Sequential:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def make_mlp(sizes: list[int], p: float) -> nn.Sequential:
            layers: list[nn.Module] = [nn.Flatten()]
            for n_in, n_out in pairwise(sizes[:-1]):
                layers += [nn.Linear(n_in, n_out), nn.ReLU(), nn.Dropout(p)]
            layers.append(nn.Linear(sizes[-2], sizes[-1]))
            return nn.Sequential(*layers)
    """,
    answers="make_mlp",
    hints=(
        "층을 리스트에 모은 뒤 `nn.Sequential(*layers)`로 묶습니다. 크기가 k개면 `nn.Linear`는 k - 1개입니다.",
        "은닉층은 마지막 하나를 뺀 `Linear`들입니다: `pairwise(sizes[:-1])`(마지막 크기를 뺀 이웃 쌍)마다 Linear, ReLU, Dropout을 넣고, "
        "끝에 `nn.Linear(sizes[-2], sizes[-1])`만 붙이세요.",
    ),
    mistakes=(
        Mistake(
            "def make_mlp(sizes, p):\n"
            "    layers = [nn.Flatten()]\n"
            "    for n_in, n_out in pairwise(sizes):\n"
            "        layers += [nn.Linear(n_in, n_out), nn.ReLU(), nn.Dropout(p)]\n"
            "    return nn.Sequential(*layers)",
            "마지막 층 뒤",
            "마지막 Linear 뒤에도 ReLU와 Dropout을 붙임",
        ),
        Mistake(
            "def make_mlp(sizes, p):\n"
            "    layers = [nn.Flatten()]\n"
            "    for n_in, n_out in pairwise(sizes[:-1]):\n"
            "        layers += [nn.Linear(n_in, n_out), nn.ReLU()]\n"
            "    layers.append(nn.Linear(sizes[-2], sizes[-1]))\n"
            "    return nn.Sequential(*layers)",
            "Dropout",
            "Dropout을 빠뜨림",
        ),
        Mistake(
            "def make_mlp(sizes, p):\n"
            "    layers = [nn.Flatten()]\n"
            "    for i in range(len(sizes) - 2):\n"
            "        layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU(), nn.Dropout(p)]\n"
            "    return nn.Sequential(*layers)",
            "모양",
            "반복 범위를 하나 적게 잡아 마지막 Linear가 빠짐",
        ),
        Mistake(
            "def make_mlp(sizes, p):\n"
            "    layers = [nn.Flatten()]\n"
            "    for n_in, n_out in pairwise(sizes[:-1]):\n"
            "        layers += [nn.Linear(n_in, n_out), nn.ReLU(), nn.Dropout(p)]\n"
            "    layers.append(nn.Linear(sizes[-2], sizes[-1]))\n"
            "    return nn.Sequential(layers)",
            "리스트",
            "nn.Sequential에 리스트를 그대로 넘김(*를 빠뜨림)",
        ),
    ),
    explanation="""
        `nn.Sequential(*layers)`는 리스트를 풀어 층을 순서대로 넣습니다. 드롭아웃은 학습 모드(`train()`)에서만
        출력의 일부를 0으로 만들고, 평가 모드(`eval()`)에서는 아무것도 하지 않습니다. 마지막 층 뒤에 ReLU나
        Dropout을 두면 로짓이 잘리거나 0이 되어 `CrossEntropyLoss`가 받을 값이 망가집니다.
    """,
)
def _check_06_2(make_mlp: object) -> None:
    for sizes in ([784, 32, 10], [784, 64, 32, 10], [784, 10]):
        label = f"make_mlp({sizes}, p=0.5)"
        model = build(make_mlp, f"{label}을 만들 때", sizes, 0.5)
        with case(label):
            if not isinstance(model, nn.Sequential):
                raise Wrong(f"결과가 {type(model).__name__}입니다. `nn.Sequential`을 돌려주세요.")
            with seeded(2):
                x = torch.rand(6, 1, 28, 28)
            model.eval()
            with torch.no_grad():
                out = expect_tensor(forward(model, x, "eval() 모드에서 불렀을 때"), "출력", shape=(6, sizes[-1]))
            expect_int(n_params(model), mlp_params(sizes), "파라미터 수")
            expect_logits(out, "eval() 모드의 출력")
            model.train()
            with seeded(3), torch.no_grad():
                first, second = model(x), model(x)
            if bool((first == 0).any()):
                raise Wrong(
                    "train() 모드의 출력(로짓)에 정확히 0인 값이 있습니다: 마지막 층 뒤에 Dropout이 있습니다. "
                    "드롭아웃은 은닉층 뒤에만 둡니다."
                )
            hidden = len(sizes) > 2
            if hidden and torch.equal(first, second):
                raise Wrong("train() 모드에서 같은 입력의 출력이 매번 같습니다: 은닉층 뒤에 Dropout이 없습니다.")
            if not hidden and not torch.equal(first, second):
                raise Wrong("은닉층이 없는데 train() 모드의 출력이 매번 다릅니다: Dropout을 둘 곳이 없습니다.")
            model.eval()
            if hidden:
                expect_nonlinear(model, (4, 1, 28, 28), label)


# --------------------------------------------------------------------------- 06-3


@exercise(
    "06-3",
    title="학습할 파라미터 세기",
    task="""
        모델을 받아 **학습으로 바뀌는**(옵티마이저가 갱신하는) 숫자의 개수를 돌려주는 함수 `count_trainable`을
        쓰세요. `requires_grad=False`로 얼려 둔 파라미터와, `BatchNorm`의 평균·분산 같은 버퍼(buffer)는 세지
        않습니다. 결과는 정수입니다.
    """,
    stub="""
        def count_trainable(model: nn.Module) -> int:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def count_trainable(model: nn.Module) -> int:
            return sum(p.numel() for p in model.parameters() if p.requires_grad)
    """,
    answers="count_trainable",
    hints=(
        "학습 대상은 `model.parameters()`에 있고, 각 Tensor의 원소 수는 `numel()`입니다.",
        "`sum(p.numel() for p in model.parameters() if ...)`에서 `...`에 들어갈 조건은 파라미터의 속성 하나입니다.",
    ),
    mistakes=(
        Mistake(
            "def count_trainable(model):\n    return len(list(model.parameters()))",
            "Tensor의 개수",
            "원소 수가 아니라 파라미터 Tensor의 개수를 셈",
        ),
        Mistake(
            "def count_trainable(model):\n    return sum(p.numel() for p in model.parameters())",
            "requires_grad=False",
            "얼려 둔(requires_grad=False) 파라미터까지 셈",
        ),
        Mistake(
            "def count_trainable(model):\n    return sum(t.numel() for t in model.state_dict().values())",
            "버퍼",
            "state_dict()로 세어 버퍼(BatchNorm의 running_mean 등)까지 셈",
        ),
    ),
    explanation="""
        `parameters()`는 옵티마이저에 넘기는 Tensor들이고, `requires_grad=False`인 것은 기울기가 없어 갱신되지
        않습니다. `state_dict()`에는 파라미터 말고도 버퍼(`running_mean`, `running_var`, `num_batches_tracked`)가
        있어 저장에는 쓰지만 학습 대상은 아닙니다. `torchinfo.summary`의 `Trainable params`가 같은 값입니다.
    """,
)
def _check_06_3(count_trainable: object) -> None:
    with seeded(0):
        plain = nn.Linear(3, 4)
        frozen = nn.Sequential(nn.Linear(10, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2))
    frozen[0].requires_grad_(False)
    cases = [("nn.Linear(3, 4)", plain), ("첫 층을 얼리고 BatchNorm1d를 넣은 모델", frozen)]
    for label, model in cases:
        expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
        value = call(count_trainable, f"{label}로 불렀을 때", model)
        with case(f"{label}로 불렀을 때"):
            if isinstance(value, int) and not isinstance(value, bool) and value != expected:
                if value == len(list(model.parameters())):
                    raise Wrong(
                        f"{value}를 돌려줍니다: 파라미터 Tensor의 개수입니다. Tensor마다 원소 수를 더해야 합니다."
                    )
                if value == sum(p.numel() for p in model.parameters()):
                    raise Wrong("requires_grad=False인(얼려 둔) 파라미터까지 셌습니다.")
                if value == sum(t.numel() for t in model.state_dict().values()):
                    raise Wrong("버퍼(BatchNorm의 running_mean 등)까지 셌습니다. 버퍼는 학습 대상이 아닙니다.")
            expect_int(value, expected, "count_trainable(model)")


# --------------------------------------------------------------------------- 06-4


class _Probe(nn.Module):
    """A tiny classifier with Dropout that records, at each call, whether it was in training mode and
    whether autograd was recording."""

    def __init__(self) -> None:
        super().__init__()
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(6, 4)
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.fc(self.drop(x))


def _probe_and_reference(seed: int, n: int) -> tuple[_Probe, torch.Tensor, torch.Tensor]:
    with seeded(seed):
        probe = _Probe()
        x = torch.randn(n, 6)
    reference = copy.deepcopy(probe).eval()
    with torch.no_grad():
        wanted = reference(x).argmax(dim=1)
    return probe, x, wanted


@exercise(
    "06-4",
    title="평가 모드로 예측하기",
    task="""
        학습한 분류 모델 `model`과 입력 배치 `images`를 받아 샘플마다 예측한 클래스 번호 `(N,)`(int64)를
        돌려주는 함수 `predict`를 쓰세요. 평가할 때의 두 가지, 즉 평가 모드와 기울기 기록 끄기를 모두
        지켜야 합니다. `model`과 `images`는 이미 같은 장치에 있습니다.
    """,
    stub="""
        def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
            model.eval()
            with torch.no_grad():
                logits = model(images)
            return logits.argmax(dim=1)
    """,
    answers="predict",
    hints=(
        "평가 모드는 `model.eval()`, 기울기 기록 끄기는 `with torch.no_grad():` 블록입니다.",
        "로짓 `(N, 클래스 수)`에서 샘플마다 가장 큰 값의 위치는 `logits.argmax(dim=1)`입니다.",
    ),
    mistakes=(
        Mistake(
            "def predict(model, images):\n    with torch.no_grad():\n        return model(images).argmax(dim=1)",
            "eval()",
            "model.eval()을 부르지 않음(Dropout이 켜진 채 예측)",
        ),
        Mistake(
            "def predict(model, images):\n    model.eval\n    with torch.no_grad():\n        return model(images).argmax(dim=1)",
            "eval()",
            "괄호 없이 model.eval이라고만 씀(메서드를 부르지 않음)",
        ),
        Mistake(
            "def predict(model, images):\n    model.eval()\n    return model(images).argmax(dim=1)",
            "no_grad",
            "torch.no_grad()를 쓰지 않음",
        ),
        Mistake(
            "def predict(model, images):\n    model.eval()\n    with torch.no_grad():\n        return model(images).argmax(dim=0)",
            "모양",
            "argmax의 차원을 0으로(배치 방향으로) 씀",
        ),
        Mistake(
            "def predict(model, images):\n"
            "    model.eval()\n"
            "    with torch.no_grad():\n"
            "        return torch.softmax(model(images), dim=1)",
            "모양",
            "클래스 번호 대신 확률을 돌려줌",
        ),
    ),
    explanation="""
        `model.eval()`은 Dropout과 BatchNorm을 평가 동작으로 바꾸고(기울기와는 무관), `torch.no_grad()`는 계산
        그래프를 기록하지 않아 메모리와 시간을 아낍니다. 둘은 하는 일이 달라 둘 다 필요합니다. 클래스 번호는
        로짓이 가장 큰 위치이므로 softmax를 거치지 않아도 `argmax(dim=1)`로 같은 답이 나옵니다.
    """,
)
def _check_06_4(predict: object) -> None:
    for seed, n in ((0, 7), (1, 3)):
        probe, x, wanted = _probe_and_reference(seed, n)
        doing = f"입력 ({n}, 6)과 Dropout이 있는 모델로 불렀을 때"
        with seeded(seed), case(doing):
            result = call(predict, doing, probe, x)
            if not probe.calls:
                raise Wrong("모델을 한 번도 부르지 않았습니다.")
            training, grad = probe.calls[-1]
            if training:
                raise Wrong(
                    "모델이 학습 모드(training=True)에서 불렸습니다: Dropout이 켜진 채 예측했습니다. "
                    "`model.eval()`을 (괄호까지) 불렀는지 보세요."
                )
            if grad:
                raise Wrong("모델이 기울기 기록을 켠 채 불렸습니다. 예측은 `torch.no_grad()` 블록 안에서 합니다.")
            if isinstance(result, tuple):
                raise Wrong(
                    f"Tensor가 아니라 값 {len(result)}개의 묶음(tuple)을 돌려줍니다. `torch.max(logits, 1)`은 "
                    "(최댓값, 위치) 두 가지를 돌려주니 그중 위치만 돌려주세요."
                )
            tensor = expect_tensor(result, "predict(model, images)")
            if tensor.ndim == 2:
                raise Wrong(
                    f"결과의 모양이 {tuple(tensor.shape)}입니다: 샘플마다 클래스 번호 하나가 아니라 점수(로짓이나 "
                    "확률) 전체를 돌려줍니다. 샘플마다 가장 큰 점수의 위치를 고르세요."
                )
            if tensor.ndim == 1 and len(tensor) != n:
                raise Wrong(
                    f"결과의 모양이 {tuple(tensor.shape)}입니다: 길이가 샘플 수 {n}과 다릅니다. argmax를 어느 "
                    "차원으로 했는지 보세요(0번 차원은 배치)."
                )
            expect_tensor(tensor, "predict(model, images)", shape=(n,))
            if tensor.dtype != torch.int64:
                raise Wrong(f"dtype이 {tensor.dtype}입니다. 클래스 번호(int64)를 돌려주세요.")
            expect_values(tensor, wanted, "predict(model, images)", what="예측")
