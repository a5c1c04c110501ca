"""Exercises of 11_loss_functions: cross entropy by hand from logits, the binary loss with the right
target dtype and shape, the Gaussian negative log-likelihood, and the KL divergence with ``nn.KLDivLoss``.

Generic helper defined here (other notebooks may import it):

- :func:`expect_loss` accepts a 0-d tensor (or a number) and names a loss that is not a single
  finite number: one loss per sample, nan or inf.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_number, seeded


def expect_loss(value: Any, name: str, *, tensor: bool = True) -> float:
    """The loss ``value`` as a float; :class:`Wrong` unless it is one finite number (a 0-d tensor if ``tensor``)."""
    if tensor and not isinstance(value, torch.Tensor):
        raise Wrong(
            f"`{name}`의 자료형이 {type(value).__name__}입니다. 손실은 `backward()`를 부를 수 있게 "
            "torch.Tensor(0차원)로 돌려주세요(`.item()`을 부르지 마세요)."
        )
    if isinstance(value, torch.Tensor) and value.numel() > 1:
        raise Wrong(
            f"`{name}`의 모양이 {tuple(value.shape)}입니다: 샘플마다 손실을 하나씩 돌려줍니다. "
            "배치 전체의 평균 하나(0차원 Tensor)여야 합니다."
        )
    number = as_number(value, name)
    if math.isnan(number) or math.isinf(number):
        raise Wrong(
            f"`{name}`이(가) {number}입니다. 큰 값에서 exp가 넘치거나(overflow) 확률이 0이 되어 log(0)을 "
            "계산한 곳이 있는지 보세요."
        )
    return number


def _close(a: float, b: float, tol: float = 1e-4) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


# --------------------------------------------------------------------------- 11-1


def _ce_cases() -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    with seeded(11):
        small = torch.randn(3, 4)
        batch = 2 * torch.randn(5, 3)
    big = torch.tensor([[1000.0, 0.0, 0.0], [0.0, -1000.0, 1000.0]])
    return [
        ("로짓 모양이 (3, 4)일 때", small, torch.tensor([0, 3, 1])),
        ("로짓 모양이 (5, 3)일 때", batch, torch.tensor([2, 0, 1, 1, 0])),
        ("로짓이 ±1000처럼 클 때 (모양 (2, 3))", big, torch.tensor([1, 2])),
    ]


@exercise(
    "11-1",
    title="로짓에서 교차 엔트로피를 손으로",
    task="""
        로짓 `logits` `(N, K)`와 클래스 번호 `targets` `(N,)`(int64)를 받아 배치의 평균 교차 엔트로피를 0차원
        Tensor로 돌려주는 함수 `cross_entropy`를 쓰세요. `nn.CrossEntropyLoss`, `F.cross_entropy`, `F.nll_loss`는
        쓰지 말고 4절의 두 단계(log-softmax, 그리고 정답 클래스의 값 고르기)로 계산합니다. 로짓이 1000처럼 커도
        inf나 nan이 나오면 안 되고, 결과에서 `backward()`를 부를 수 있어야 합니다.
    """,
    stub="""
        def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            log_probs = logits - logits.logsumexp(dim=1, keepdim=True)  # log-softmax, safe for large logits
            picked = log_probs[torch.arange(len(targets)), targets]     # log p of each sample's true class
            return -picked.mean()
    """,
    answers="cross_entropy",
    hints=(
        "4절처럼 두 단계입니다. 샘플마다 로그 확률 $\\log p = z - \\text{logsumexp}(z)$를 구하고, 정답 클래스의 "
        "값을 골라 부호를 바꾼 뒤 평균합니다.",
        "`logits.logsumexp(dim=1, keepdim=True)`(또는 `F.log_softmax(logits, dim=1)`)는 큰 로짓에서도 넘치지 않습니다. "
        "샘플 i의 정답 클래스 값은 `log_probs[torch.arange(N), targets]`로 한 번에 고릅니다.",
    ),
    mistakes=(
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    probs = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)\n"
            "    return -torch.log(probs[torch.arange(len(targets)), targets]).mean()",
            "넘치거나",
            "softmax 식을 그대로 써서 큰 로짓에서 exp가 넘침(nan)",
        ),
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    probs = torch.softmax(logits, dim=1)\n"
            "    return -torch.log(probs[torch.arange(len(targets)), targets]).mean()",
            "log(0)",
            "softmax 다음에 log를 따로 해서 확률 0의 log가 inf가 됨",
        ),
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    log_probs = torch.log_softmax(torch.softmax(logits, dim=1), dim=1)\n"
            "    return -log_probs[torch.arange(len(targets)), targets].mean()",
            "softmax를 먼저",
            "로짓에 softmax를 먼저 적용함(softmax를 두 번)",
        ),
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    log_probs = torch.log_softmax(logits, dim=1)\n"
            "    return log_probs[torch.arange(len(targets)), targets].mean()",
            "음수",
            "음의 로그 가능도의 부호(−)를 빠뜨림",
        ),
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    log_probs = torch.log_softmax(logits, dim=1)\n"
            "    return -log_probs[:, targets].mean()",
            "인덱싱",
            "log_probs[:, targets]로 골라 (N, N) 행렬의 평균을 냄",
        ),
        Mistake(
            "def cross_entropy(logits, targets):\n"
            "    log_probs = torch.log_softmax(logits, dim=1)\n"
            "    return -log_probs[torch.arange(len(targets)), targets].sum()",
            "평균",
            "평균 대신 합을 냄",
        ),
    ),
    explanation="""
        $\\log \\text{softmax}(z)_k = z_k - \\log\\sum_j e^{z_j}$이고, `logsumexp`는 가장 큰 값을 빼고 계산하므로 로짓이
        커도 넘치지 않습니다. softmax를 먼저 구한 뒤 log를 취하면 아주 작은 확률이 0으로 반올림되어 $\\log 0 = -\\infty$가
        됩니다. `nn.CrossEntropyLoss`가 로짓을 받는 이유가 이것입니다. 고르기는 `log_probs[torch.arange(N), targets]`
        (샘플 i의 열 `targets[i]`)이고, `log_probs[:, targets]`는 모든 샘플에 대해 모든 정답 열을 고른 `(N, N)`입니다.
    """,
)
def _check_11_1(cross_entropy: object) -> None:
    for label, logits, targets in _ce_cases():
        doing = label
        leaf = logits.clone().requires_grad_(True)
        with case(doing):
            result = call(cross_entropy, doing, leaf, targets.clone())
            value = expect_loss(result, "cross_entropy(logits, targets)")
            expected = F.cross_entropy(logits, targets).item()
            if _close(value, expected):
                if not result.requires_grad:
                    raise Wrong(
                        "값은 맞지만 결과에서 backward()를 부를 수 없습니다(requires_grad=False). 계산 그래프를 끊는 "
                        "`.detach()`나 `torch.tensor(...)`로 새로 만들지 말고 Tensor 연산 결과를 그대로 돌려주세요."
                    )
                continue
            log_probs = F.log_softmax(logits, dim=1)
            picked = log_probs[torch.arange(len(targets)), targets]
            if value < 0:
                raise Wrong(f"결과가 음수({value:.4g})입니다. 교차 엔트로피는 0 이상입니다: 부호를 확인하세요.")
            if _close(value, -picked.sum().item()):
                raise Wrong(f"결과가 {value:.4g}로 샘플 수({len(targets)})배만큼 큽니다: 합 대신 평균을 내세요.")
            if _close(value, F.cross_entropy(torch.softmax(logits, dim=1), targets).item()):
                raise Wrong(
                    "로짓에 softmax를 먼저 적용한 값과 같습니다. log-softmax가 softmax를 이미 포함하므로 로짓을 그대로 "
                    "쓰세요."
                )
            if _close(value, -log_probs[:, targets].mean().item()):
                raise Wrong(
                    "정답 클래스를 고르는 인덱싱이 다릅니다: `[:, targets]`는 모든 샘플에서 모든 정답 열을 골라 "
                    "(N, N)이 됩니다. 샘플 i에서는 열 targets[i] 하나만 골라야 합니다."
                )
            expect_number(value, expected, "cross_entropy(logits, targets)", tol=1e-4 * max(1.0, abs(expected)))


# --------------------------------------------------------------------------- 11-2


@exercise(
    "11-2",
    title="이진 분류 손실: 로짓과 정답의 dtype, 모양",
    task="""
        이진 분류 모델은 출력 뉴런 하나의 로짓 `logits` `(N, 1)`을 냅니다. 데이터셋의 정답 `labels`는 흔히 모양
        `(N,)`인 정수(int64) 0/1입니다. 이 둘로 배치의 평균 이진 교차 엔트로피를 돌려주는 함수 `binary_loss`를
        `nn`의 손실 클래스로 쓰세요. 로짓이 ±200처럼 커도 정확해야 하고, 배치 크기 N이 1이어도 동작해야 합니다.
    """,
    stub="""
        def binary_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def binary_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            targets = labels.float().unsqueeze(1)  # (N,) int64 -> (N, 1) float, like the logits
            return nn.BCEWithLogitsLoss()(logits, targets)
    """,
    answers="binary_loss",
    hints=(
        "5절의 표에서 이진 분류의 손실과 정답 형식을 보세요. 손실은 로짓을 받아 시그모이드를 안에서 계산하는 것을 씁니다.",
        "`nn.BCEWithLogitsLoss()(logits, targets)`에서 `targets`는 로짓과 같은 모양 `(N, 1)`의 float입니다: "
        "`labels.float().unsqueeze(1)`. `squeeze()`는 N = 1일 때 배치 차원까지 없앱니다.",
    ),
    mistakes=(
        Mistake(
            "def binary_loss(logits, labels):\n    return nn.BCEWithLogitsLoss()(logits, labels.float())",
            "모양",
            "정답을 (N,) 그대로 두어 로짓 (N, 1)과 모양이 다름",
        ),
        Mistake(
            "def binary_loss(logits, labels):\n    return nn.BCEWithLogitsLoss()(logits.squeeze(1), labels)",
            "dtype",
            "정답을 int64 그대로 넘김",
        ),
        Mistake(
            "def binary_loss(logits, labels):\n"
            "    return nn.BCELoss()(torch.sigmoid(logits), labels.float().unsqueeze(1))",
            "큰 로짓",
            "sigmoid 다음에 BCELoss를 써서 큰 로짓에서 값이 잘림",
        ),
        Mistake(
            "def binary_loss(logits, labels):\n"
            "    return nn.BCEWithLogitsLoss()(torch.sigmoid(logits), labels.float().unsqueeze(1))",
            "시그모이드를 두 번",
            "BCEWithLogitsLoss에 확률을 넘김(시그모이드를 두 번)",
        ),
        Mistake(
            "def binary_loss(logits, labels):\n    return nn.CrossEntropyLoss()(logits, labels)",
            "CrossEntropyLoss",
            "출력이 1개인 모델에 CrossEntropyLoss를 씀",
        ),
        Mistake(
            "def binary_loss(logits, labels):\n    return nn.BCEWithLogitsLoss()(logits.squeeze(), labels.float())",
            "배치 크기 1",
            "squeeze()로 배치 크기 1의 배치 차원까지 없앰",
        ),
    ),
    explanation="""
        `nn.BCEWithLogitsLoss`는 로짓과 **같은 모양의 float** 정답을 받습니다. 그래서 `(N,)` int64 레이블을
        `labels.float().unsqueeze(1)`로 `(N, 1)` float로 바꿉니다(또는 `logits.squeeze(1)`과 `labels.float()`).
        시그모이드를 먼저 계산하고 `nn.BCELoss`를 쓰면 float32에서 큰 로짓의 확률이 0이나 1로 반올림되어 손실이
        100에서 잘립니다(3-1절). 출력이 하나인 모델에 `CrossEntropyLoss`를 쓰면 클래스가 하나뿐이라 레이블 1이 범위를
        벗어납니다.
    """,
)
def _check_11_2(binary_loss: object) -> None:
    with seeded(12):
        moderate = torch.randn(5, 1)
    cases = [
        ("로짓 (5, 1)과 레이블 (5,)일 때", moderate, torch.tensor([1, 0, 0, 1, 1])),
        (
            "로짓이 ±200처럼 클 때 (로짓 (3, 1), 레이블 (3,))",
            torch.tensor([[200.0], [-200.0], [3.0]]),
            torch.tensor([0, 0, 1]),
        ),
        ("배치 크기 1일 때 (로짓 (1, 1), 레이블 (1,))", torch.tensor([[0.7]]), torch.tensor([1])),
    ]
    for label, logits, labels in cases:
        doing = label
        with case(doing):
            try:
                result = call(binary_loss, doing, logits.clone(), labels.clone())
            except LearnerCodeError as exc:
                text = str(exc.error)
                if "Target size" in text and "input size (torch.Size([]))" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). 배치 크기 1에서 `squeeze()`가 배치 차원까지 없앴습니다. "
                        "없앨 차원을 `squeeze(1)`처럼 정하거나 정답 쪽을 `unsqueeze(1)`하세요."
                    ) from exc
                if "Target size" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). 정답의 모양이 로짓의 모양과 다릅니다. BCE 손실은 로짓과 같은 모양의 "
                        "정답을 받습니다."
                    ) from exc
                if "can't be cast" in text or "Long" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). 정답의 dtype이 정수(int64)입니다. BCE 손실의 정답은 float입니다."
                    ) from exc
                if "out of bounds" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). 출력이 하나인 모델에 CrossEntropyLoss를 쓰면 클래스가 0 하나뿐입니다. "
                        "이진 분류의 손실을 쓰세요."
                    ) from exc
                raise
            value = expect_loss(result, "binary_loss(logits, labels)", tensor=False)
            targets = labels.float().unsqueeze(1)
            expected = F.binary_cross_entropy_with_logits(logits, targets).item()
            if _close(value, expected):
                continue
            if _close(value, F.binary_cross_entropy_with_logits(torch.sigmoid(logits), targets).item()):
                raise Wrong(
                    "시그모이드를 두 번 적용한 값과 같습니다. `BCEWithLogitsLoss`는 안에서 시그모이드를 계산하므로 "
                    "로짓을 그대로 넘기세요."
                )
            if _close(value, F.binary_cross_entropy_with_logits(logits, targets, reduction="sum").item()):
                raise Wrong(f"값이 샘플 수({len(labels)})배만큼 큽니다: 배치의 평균이 아니라 합을 냈습니다.")
            if logits.abs().max() > 100:
                raise Wrong(
                    f"큰 로짓에서 값({value:.4g})이 다릅니다. 시그모이드를 먼저 계산하면 float32에서 확률이 정확히 0이나 "
                    "1이 되어 손실이 잘립니다(3-1절). 로짓을 받는 손실을 쓰세요."
                )
            expect_number(value, expected, "binary_loss(logits, labels)", tol=1e-4)


# --------------------------------------------------------------------------- 11-3


@exercise(
    "11-3",
    title="가우스 잡음의 음의 로그 가능도",
    task="""
        예측 `y_pred`, 정답 `y`(같은 모양의 float Tensor), 잡음의 표준편차 `sigma`(양수 float)를 받아, 정답이
        $\\mathcal{N}(\\hat y, \\sigma^2)$를 따른다고 할 때 샘플당 평균 음의 로그 가능도(상수항 포함)를 돌려주는
        함수 `gaussian_nll`을 쓰세요. 7-1절의 식을 직접 써도 되고, `torch.distributions`나 `nn`의 손실 클래스를
        써도 됩니다.
    """,
    stub="""
        def gaussian_nll(y_pred: torch.Tensor, y: torch.Tensor, sigma: float) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def gaussian_nll(y_pred: torch.Tensor, y: torch.Tensor, sigma: float) -> torch.Tensor:
            noise = torch.distributions.Normal(y_pred, sigma)  # y ~ N(y_pred, sigma^2)
            return -noise.log_prob(y).mean()
    """,
    answers="gaussian_nll",
    hints=(
        "샘플 하나의 값은 $\\frac{(y - \\hat y)^2}{2\\sigma^2} + \\frac{1}{2}\\log(2\\pi\\sigma^2)$이고, 이것을 평균합니다.",
        "`torch.distributions.Normal(y_pred, sigma).log_prob(y)`가 샘플마다 로그 가능도를 줍니다. 부호를 바꿔 평균하세요. "
        "`nn.GaussianNLLLoss`를 쓴다면 셋째 인자는 표준편차가 아니라 분산이고, 상수항은 `full=True`일 때만 더합니다.",
    ),
    mistakes=(
        Mistake(
            "def gaussian_nll(y_pred, y, sigma):\n"
            "    return nn.GaussianNLLLoss()(y_pred, y, torch.full_like(y_pred, sigma**2))",
            "full=False",
            "nn.GaussianNLLLoss의 기본값(full=False)을 써서 상수항 ½·log 2π가 빠짐",
        ),
        Mistake(
            "def gaussian_nll(y_pred, y, sigma):\n"
            "    return nn.GaussianNLLLoss(full=True)(y_pred, y, torch.full_like(y_pred, sigma))",
            "분산",
            "nn.GaussianNLLLoss의 var 자리에 표준편차를 넣음",
        ),
        Mistake(
            "def gaussian_nll(y_pred, y, sigma):\n    return ((y - y_pred) ** 2).mean() / (2 * sigma**2)",
            "상수항",
            "MSE를 2σ²로 나누기만 하고 상수항 ½·log(2πσ²)를 뺌",
        ),
        Mistake(
            "def gaussian_nll(y_pred, y, sigma):\n    return torch.distributions.Normal(y_pred, sigma).log_prob(y).mean()",
            "부호",
            "로그 가능도의 부호를 바꾸지 않음",
        ),
        Mistake(
            "def gaussian_nll(y_pred, y, sigma):\n    return -torch.distributions.Normal(y_pred, sigma).log_prob(y).sum()",
            "평균",
            "평균 대신 합을 냄",
        ),
    ),
    explanation="""
        $-\\log p(y \\mid \\hat y) = \\frac{(y - \\hat y)^2}{2\\sigma^2} + \\frac{1}{2}\\log(2\\pi\\sigma^2)$이므로 σ가 고정이면
        평균 NLL은 MSE에 $\\frac{1}{2\\sigma^2}$를 곱하고 상수를 더한 것이고, 최소점이 MSE와 같습니다.
        `nn.GaussianNLLLoss(full=True)(y_pred, y, var)`도 같은 값이며 `var`은 분산 $\\sigma^2$입니다. 기본값
        `full=False`는 학습에 영향이 없는 상수 $\\frac{1}{2}\\log 2\\pi$를 뺀 값을 냅니다. σ가 작으면 확률 밀도가 1보다
        커질 수 있어 NLL이 음수일 수도 있습니다.
    """,
)
def _check_11_3(gaussian_nll: object) -> None:
    with seeded(13):
        cases = [
            ("모양 (6,), sigma=0.5", torch.randn(6), torch.randn(6), 0.5),
            ("모양 (2, 3), sigma=2.0", torch.randn(2, 3), 3 * torch.randn(2, 3), 2.0),
            ("모양 (4,), sigma=0.1", torch.randn(4), torch.randn(4), 0.1),
        ]
    for label, y_pred, y, sigma in cases:
        doing = f"{label}일 때"
        with case(doing):
            value = expect_loss(
                call(gaussian_nll, doing, y_pred.clone(), y.clone(), sigma), "gaussian_nll(...)", tensor=False
            )
            per_sample = -torch.distributions.Normal(y_pred, sigma).log_prob(y)
            expected = per_sample.mean().item()
            if _close(value, expected):
                continue
            half_log_2pi = 0.5 * math.log(2 * math.pi)
            if _close(value, -expected):
                raise Wrong("부호가 반대입니다: 로그 가능도가 아니라 그 음수(음의 로그 가능도)를 평균해야 합니다.")
            if _close(value, per_sample.sum().item()):
                raise Wrong(f"값이 원소 수({y.numel()})배만큼 큽니다: 합 대신 평균을 내세요.")
            if _close(value, expected - half_log_2pi):
                raise Wrong(
                    "상수항 ½·log 2π만큼 작습니다. `nn.GaussianNLLLoss`의 기본값(full=False)은 이 상수를 빼고 계산합니다."
                )
            if _close(value, expected - 0.5 * math.log(2 * math.pi * sigma**2)):
                raise Wrong("제곱 오차 항만 있고 상수항 ½·log(2πσ²)가 빠졌습니다. 문제는 상수항까지 포함한 값입니다.")
            as_std = nn.GaussianNLLLoss(full=True)(y_pred, y, torch.full_like(y_pred, sigma)).item()
            if _close(value, as_std):
                raise Wrong(
                    "분산 σ² 자리에 표준편차 σ를 쓴 값과 같습니다. `nn.GaussianNLLLoss`의 셋째 인자 `var`은 분산입니다."
                )
            expect_number(value, expected, "gaussian_nll(...)", tol=1e-4 * max(1.0, abs(expected)))


# --------------------------------------------------------------------------- 11-4


def _kl(p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """Per-sample KL(p || q) with the convention 0 log 0 = 0."""
    return (torch.xlogy(p, p) - p * log_q).sum(dim=1)


@exercise(
    "11-4",
    title="`nn.KLDivLoss`로 정답 분포와 모델의 KL 발산",
    task="""
        정답 분포 `p`(확률, `(N, K)`, 각 행의 합 1)와 모델의 로짓 `logits` `(N, K)`를 받아, $q = \\text{softmax}(\\text{logits})$일 때
        샘플당 평균 $D_{KL}(p \\,\\|\\, q)$를 돌려주는 함수 `kl_to_model`을 `nn.KLDivLoss`로 쓰세요. `p`에는 0인 항이
        있을 수 있습니다($0 \\cdot \\log 0 = 0$으로 봅니다).
    """,
    stub="""
        def kl_to_model(p: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def kl_to_model(p: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
            log_q = F.log_softmax(logits, dim=1)                     # input: the model's log-probabilities
            return nn.KLDivLoss(reduction="batchmean")(log_q, p)      # target: the true distribution p
    """,
    answers="kl_to_model",
    hints=(
        "7-4절의 두 가지 규칙을 보세요: `nn.KLDivLoss`의 첫 인자와 둘째 인자가 각각 무엇인지, 그리고 어떤 `reduction`이 "
        "샘플당 평균을 주는지.",
        '첫 인자는 모델의 로그 확률 `F.log_softmax(logits, dim=1)`, 둘째 인자는 확률 `p`이고, `reduction="batchmean"`입니다.',
    ),
    mistakes=(
        Mistake(
            "def kl_to_model(p, logits):\n    return nn.KLDivLoss()(F.log_softmax(logits, dim=1), p)",
            "reduction",
            "기본값 reduction='mean'을 써서 K로 한 번 더 나눔",
        ),
        Mistake(
            "def kl_to_model(p, logits):\n"
            '    return nn.KLDivLoss(reduction="batchmean")(torch.softmax(logits, dim=1), p)',
            "로그 확률",
            "첫 인자에 로그 확률 대신 확률을 넘김",
        ),
        Mistake(
            'def kl_to_model(p, logits):\n    return nn.KLDivLoss(reduction="batchmean")(logits, p)',
            "로짓",
            "로짓을 그대로 로그 확률 자리에 넘김",
        ),
        Mistake(
            "def kl_to_model(p, logits):\n"
            '    return nn.KLDivLoss(reduction="batchmean")(p.log(), torch.softmax(logits, dim=1))',
            "순서",
            "수식의 순서대로 넣어 KL(q‖p)를 계산함",
        ),
        Mistake(
            "def kl_to_model(p, logits):\n"
            "    q = torch.softmax(logits, dim=1)\n"
            "    return (p * (p / q).log()).sum(dim=1).mean()",
            "0인 항",
            "식을 그대로 써서 p = 0인 항이 0·log 0 = nan이 됨",
        ),
    ),
    explanation="""
        `nn.KLDivLoss()(input, target)`은 `input`을 모델의 **로그 확률** $\\log q$로, `target`을 확률 $p$로 받아
        $\\sum p\\,(\\log p - \\log q)$, 즉 $D_{KL}(p \\,\\|\\, q)$를 계산합니다(수식과 인자 순서가 반대). 샘플당 평균은
        `reduction="batchmean"`이고, 기본값 `"mean"`은 원소 수 $N \\times K$로 나누어 K배 작은 값을 냅니다. `target`이 0인
        항은 0으로 처리하므로 one-hot 정답도 됩니다. 직접 계산할 때는 `torch.xlogy(p, p)`가 $0 \\cdot \\log 0 = 0$을 지킵니다.
    """,
)
def _check_11_4(kl_to_model: object) -> None:
    with seeded(14):
        p_soft = torch.softmax(torch.randn(3, 4), dim=1)
        logits_soft = 2 * torch.randn(3, 4)
        logits_hard = torch.randn(2, 3)
    p_hard = torch.tensor([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    cases = [
        ("p에 0이 없을 때 (모양 (3, 4))", p_soft, logits_soft),
        ("p에 0인 항이 있을 때 (모양 (2, 3))", p_hard, logits_hard),
    ]
    for label, p, logits in cases:
        doing = label
        with case(doing), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # KLDivLoss warns on reduction='mean'; the message below says why
            result = call(kl_to_model, doing, p.clone(), logits.clone())
            if isinstance(result, torch.Tensor) and result.numel() == 1 and torch.isnan(result).any():
                raise Wrong(
                    "결과가 nan입니다. p = 0인 항에서 0·log 0을 계산했습니다. 그 항은 0으로 쳐야 합니다"
                    "(`nn.KLDivLoss`나 `torch.xlogy`가 그렇게 합니다)."
                )
            value = expect_loss(result, "kl_to_model(p, logits)", tensor=False)
            log_q = F.log_softmax(logits, dim=1)
            per_sample = _kl(p, log_q)
            expected = per_sample.mean().item()
            if _close(value, expected):
                continue
            n, k = p.shape
            if _close(value, per_sample.sum().item() / (n * k)):
                raise Wrong(
                    f"값이 샘플당 평균의 1/{k}입니다: reduction 기본값 'mean'은 원소 수 N×K로 나눕니다(PyTorch도 경고를 "
                    "냅니다). 샘플 수로만 나누는 reduction을 쓰세요."
                )
            if _close(value, per_sample.sum().item()) and n > 1:
                raise Wrong(f"값이 샘플당 평균의 {n}배입니다: reduction='sum'은 배치 전체의 합을 냅니다.")
            q = torch.softmax(logits, dim=1)
            if _close(value, (torch.xlogy(p, p) - p * q).sum().item() / n):
                raise Wrong("첫 인자에 확률을 넣은 값과 같습니다. `nn.KLDivLoss`의 첫 인자는 모델의 로그 확률입니다.")
            if _close(value, (torch.xlogy(p, p) - p * logits).sum().item() / n):
                raise Wrong(
                    "로짓을 그대로 첫 인자로 넣은 값과 같습니다. 로짓은 로그 확률이 아닙니다(합이 1이 되도록 "
                    "log-softmax를 거쳐야 합니다)."
                )
            if _close(value, _kl(q, p.log()).mean().item()):
                raise Wrong(
                    "KL(q‖p)를 계산했습니다: 인자의 순서가 반대입니다. `nn.KLDivLoss`는 (모델의 로그 확률, 정답 분포) "
                    "순서로 받아 KL(p‖q)를 냅니다."
                )
            expect_number(value, expected, "kl_to_model(p, logits)", tol=1e-4 * max(1.0, abs(expected)))
