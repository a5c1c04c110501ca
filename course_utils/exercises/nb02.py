"""Exercises of 02_ml_workflow_basics: splitting, leak-free standardisation, a validation pass, R²."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

from .core import Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_number, expect_tensor, seeded

# --------------------------------------------------------------------------- 02-1


def _index_set(value: object, name: str) -> set[int]:
    """The indices in ``value`` (array, list or tensor of integers) as a set; Wrong if they repeat or are not integers."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        raise Wrong(f"{name}이(가) 인덱스 배열이 아닙니다({type(value).__name__}).") from None
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise Wrong(
            f"{name}은(는) 정수 인덱스의 1차원 배열이어야 하는데 모양 {array.shape}, dtype {array.dtype}입니다."
        )
    found = {int(i) for i in array}
    if len(found) != len(array):
        raise Wrong(f"{name} 안에 같은 인덱스가 두 번 이상 들어 있습니다.")
    return found


def _three_sets(result: object, doing: str) -> tuple[set[int], set[int], set[int]]:
    if not isinstance(result, Iterable) or isinstance(result, (str, bytes, torch.Tensor, np.ndarray)):
        raise Wrong(f"{doing}: (train_idx, val_idx, test_idx) 세 개를 튜플로 돌려주세요.")
    parts = list(result)
    if len(parts) != 3:
        raise Wrong(f"{doing}: 값을 {len(parts)}개 돌려줍니다. (train_idx, val_idx, test_idx) 세 개여야 합니다.")
    names = ("train_idx", "val_idx", "test_idx")
    return tuple(_index_set(part, name) for part, name in zip(parts, names, strict=True))  # type: ignore[return-value]


@exercise(
    "02-1",
    title="학습·검증·테스트 세트로 나누기",
    task="""
        샘플 수 `n`과 시드 `seed`를 받아 인덱스 `0 … n-1`을 학습 세트 60%, 검증 세트 20%, 테스트 세트 20%로
        무작위로 나누고 `(train_idx, val_idx, test_idx)`를 돌려주는 함수 `split_indices`를 쓰세요. 2절처럼
        scikit-learn의 `train_test_split`을 두 번 쓰고, 같은 `seed`면 언제나 같은 분할이 나와야 합니다.
    """,
    stub="""
        from sklearn.model_selection import train_test_split


        def split_indices(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        from sklearn.model_selection import train_test_split


        def split_indices(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            train_idx, rest_idx = train_test_split(np.arange(n), test_size=0.4, random_state=seed)
            val_idx, test_idx = train_test_split(rest_idx, test_size=0.5, random_state=seed)
            return train_idx, val_idx, test_idx
    """,
    answers="split_indices",
    hints=(
        "먼저 전체를 학습 세트와 '나머지'로 나누고, 그 나머지를 다시 반으로 나눕니다. 두 번째 분할의 비율은 "
        "'나머지' 기준입니다.",
        "`train_test_split(np.arange(n), test_size=0.4, random_state=seed)`로 60% / 40%, 그 40%를 "
        "`test_size=0.5`로 다시 나누면 20% / 20%입니다.",
    ),
    mistakes=(
        Mistake(
            "from sklearn.model_selection import train_test_split\n\n"
            "def split_indices(n, seed):\n"
            "    train_idx, test_idx = train_test_split(np.arange(n), test_size=0.2, random_state=seed)\n"
            "    train_idx, val_idx = train_test_split(train_idx, test_size=0.2, random_state=seed)\n"
            "    return train_idx, val_idx, test_idx",
            "학습 세트",
            "두 번째 분할의 비율을 전체 기준으로 착각함(64% / 16% / 20%)",
        ),
        Mistake(
            "from sklearn.model_selection import train_test_split\n\n"
            "def split_indices(n, seed):\n"
            "    train_idx, test_idx = train_test_split(np.arange(n), test_size=0.2, random_state=seed)\n"
            "    _, val_idx = train_test_split(np.arange(n), test_size=0.2, random_state=seed + 1)\n"
            "    return train_idx, val_idx, test_idx",
            "겹칩니다",
            "검증 세트를 전체에서 따로 뽑아 학습 세트와 겹침",
        ),
        Mistake(
            "from sklearn.model_selection import train_test_split\n\n"
            "def split_indices(n, seed):\n"
            "    train_idx, rest_idx = train_test_split(np.arange(n), test_size=0.4)\n"
            "    val_idx, test_idx = train_test_split(rest_idx, test_size=0.5)\n"
            "    return train_idx, val_idx, test_idx",
            "같은 seed",
            "random_state를 주지 않아 부를 때마다 분할이 바뀜",
        ),
        Mistake(
            "def split_indices(n, seed):\n"
            "    idx = np.arange(n)\n"
            "    a, b = int(n * 0.6), int(n * 0.8)\n"
            "    return idx[:a], idx[a:b], idx[b:]",
            "섞지 않고",
            "섞지 않고 앞에서부터 잘라 나눔",
        ),
    ),
    explanation="""
        두 번째 `train_test_split`의 `test_size`는 '나머지 40%'에 대한 비율이라 0.5여야 20% / 20%가 됩니다.
        `random_state`가 없으면 부를 때마다 다른 분할이 나와 실험을 비교할 수 없고, 앞에서부터 자르면 데이터가
        정렬되어 있을 때(예: 날짜순, 클래스순) 세 세트의 분포가 달라집니다. 세 세트는 서로 겹치지 않아야 합니다.
    """,
)
def _check_02_1(split_indices: object) -> None:
    for n in (100, 442):
        doing = f"split_indices({n}, seed=0)"
        train, val, test = _three_sets(call(split_indices, f"{doing}를 불렀을 때", n, 0), doing)
        for name, part, other_name, other in (
            ("학습 세트", train, "검증 세트", val),
            ("학습 세트", train, "테스트 세트", test),
            ("검증 세트", val, "테스트 세트", test),
        ):
            common = part & other
            if common:
                raise Wrong(
                    f"{doing}: {name}와 {other_name}가 {len(common)}개 샘플에서 겹칩니다. 세 세트는 서로 겹치면 안 됩니다."
                )
        everything = train | val | test
        if everything != set(range(n)):
            missing = n - len(everything & set(range(n)))
            raise Wrong(
                f"{doing}: 세 세트 어디에도 없는 샘플이 {missing}개 있습니다(또는 0 … n-1 밖의 인덱스가 있습니다)."
            )
        for name, part, share in (("학습 세트", train, 0.6), ("검증 세트", val, 0.2), ("테스트 세트", test, 0.2)):
            if abs(len(part) - share * n) > 1:
                raise Wrong(
                    f"{doing}: {name}가 {len(part)}개({len(part) / n:.0%})입니다. 문제에서 요구한 비율이 아닙니다."
                )
        if train == set(range(len(train))):
            raise Wrong(
                f"{doing}: 학습 세트가 앞쪽 샘플 {len(train)}개 그대로입니다. 섞지 않고 앞에서부터 잘랐습니다. "
                "데이터가 정렬되어 있으면 세 세트의 분포가 달라집니다."
            )
        again = _three_sets(call(split_indices, f"{doing}를 두 번째로 불렀을 때", n, 0), doing)
        if again != (train, val, test):
            raise Wrong(
                "같은 seed(0)로 두 번 불렀는데 분할이 다릅니다. train_test_split에 random_state를 주었는지 보세요."
            )
    other = _three_sets(call(split_indices, "split_indices(100, seed=1)을 불렀을 때", 100, 1), "split_indices(100, 1)")
    first = _three_sets(call(split_indices, "split_indices(100, seed=0)을 불렀을 때", 100, 0), "split_indices(100, 0)")
    if other == first:
        raise Wrong("seed 0과 seed 1의 분할이 같습니다. random_state에 seed 인자를 넘기세요(숫자를 직접 쓰지 말고).")


# --------------------------------------------------------------------------- 02-2


@exercise(
    "02-2",
    title="학습 세트의 통계로만 표준화하기",
    task="""
        3-2절처럼, 학습 세트의 특성 `x_train` `(N, d)`와 다른 세트(검증 또는 테스트)의 특성 `x_other` `(M, d)`를
        받아 둘 다 표준화해 `(x_train_std, x_other_std)`로 돌려주는 함수 `standardize`를 쓰세요. 평균과 표준편차는
        특성(열)마다 구하고, 데이터 누수가 없어야 합니다. 입력 Tensor는 바꾸지 마세요.
    """,
    stub="""
        def standardize(x_train: torch.Tensor, x_other: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def standardize(x_train: torch.Tensor, x_other: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            mean, std = x_train.mean(dim=0), x_train.std(dim=0)  # statistics of the TRAINING set only
            return (x_train - mean) / std, (x_other - mean) / std
    """,
    answers="standardize",
    hints=(
        "평균과 표준편차는 학습 세트에서만 구하고, 그 **같은 값**으로 두 세트를 모두 변환합니다.",
        "`x_train.mean(dim=0)`과 `x_train.std(dim=0)`은 특성마다 하나씩, 모양 `(d,)`입니다. 브로드캐스팅으로 "
        "`(x - mean) / std`를 두 세트에 적용하세요.",
    ),
    mistakes=(
        Mistake(
            "def standardize(x_train, x_other):\n"
            "    both = torch.cat([x_train, x_other])\n"
            "    mean, std = both.mean(dim=0), both.std(dim=0)\n"
            "    return (x_train - mean) / std, (x_other - mean) / std",
            "누수",
            "학습 세트와 다른 세트를 합친 통계를 씀(데이터 누수)",
        ),
        Mistake(
            "def standardize(x_train, x_other):\n"
            "    return ((x_train - x_train.mean(dim=0)) / x_train.std(dim=0),\n"
            "            (x_other - x_other.mean(dim=0)) / x_other.std(dim=0))",
            "자기 자신",
            "각 세트를 자기 통계로 표준화함",
        ),
        Mistake(
            "def standardize(x_train, x_other):\n"
            "    mean, std = x_train.mean(), x_train.std()\n"
            "    return (x_train - mean) / std, (x_other - mean) / std",
            "특성(열)마다",
            "dim 없이 전체 평균·표준편차 하나를 씀",
        ),
        Mistake(
            "def standardize(x_train, x_other):\n"
            "    mean = x_train.mean(dim=0)\n"
            "    return x_train - mean, x_other - mean",
            "표준편차",
            "평균만 빼고 표준편차로 나누지 않음",
        ),
    ),
    explanation="""
        전처리 통계도 학습의 일부입니다. 검증·테스트 세트를 넣어 평균을 구하면 그 세트의 정보가 모델에 새어
        들어가고, 각 세트를 자기 통계로 표준화하면 세트마다 다른 변환을 쓰게 됩니다. 학습 세트의 `mean`, `std`를
        저장해 두었다가 새 데이터에도 똑같이 적용합니다(scikit-learn의 `StandardScaler().fit(x_train)`과 같은 생각).
    """,
)
def _check_02_2(standardize: object) -> None:
    with seeded(2):
        scale = torch.tensor([1.0, 10.0, 100.0])
        x_train = torch.randn(40, 3) * scale + torch.tensor([0.0, 50.0, -200.0])
        x_other = torch.randn(15, 3) * scale * 1.5 + torch.tensor([3.0, 70.0, -100.0])  # a shifted distribution
    originals = (x_train.clone(), x_other.clone())
    result = call(standardize, "x_train (40, 3), x_other (15, 3)으로 불렀을 때", x_train, x_other)
    if not (torch.equal(x_train, originals[0]) and torch.equal(x_other, originals[1])):
        raise Wrong("함수가 입력 Tensor를 바꿨습니다. in-place 연산(-=, /=, sub_ 등) 대신 새 Tensor를 만드세요.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Wrong("(x_train_std, x_other_std) 두 개를 튜플로 돌려주세요.")
    got_train = expect_tensor(result[0], "x_train_std", shape=(40, 3)).detach().cpu().double()
    got_other = expect_tensor(result[1], "x_other_std", shape=(15, 3)).detach().cpu().double()
    train, other = originals[0].double(), originals[1].double()

    def same(a: torch.Tensor, b: torch.Tensor) -> bool:
        return torch.allclose(a, b, atol=1e-4, rtol=1e-4)

    both = torch.cat([train, other])
    if same(got_other, (other - both.mean(0)) / both.std(0)) or same(got_train, (train - both.mean(0)) / both.std(0)):
        raise Wrong(
            "학습 세트와 다른 세트를 합친 통계로 표준화했습니다. 다른 세트의 정보가 전처리를 통해 새어 들어갑니다"
            "(데이터 누수). 통계는 학습 세트에서만 구하세요."
        )
    if same(got_other, (other - other.mean(0)) / other.std(0)) or same(
        got_other, (other - other.mean(0)) / other.std(0, correction=0)
    ):
        raise Wrong(
            "x_other를 자기 자신의 평균과 표준편차로 표준화했습니다. 두 세트 모두 학습 세트의 통계로 변환해야 합니다."
        )
    if same(got_train, (train - train.mean()) / train.std()):
        raise Wrong("평균과 표준편차를 전체 값 하나로 구했습니다. 특성(열)마다, 즉 dim=0 방향으로 구하세요.")
    if same(got_train, train - train.mean(0)):
        raise Wrong(
            "평균은 뺐지만 표준편차로 나누지 않았습니다. 표준화한 학습 세트의 각 열은 표준편차가 1이어야 합니다."
        )
    mean = train.mean(0)
    for correction in (1, 0):  # torch's default (N-1) or NumPy/scikit-learn's (N): both are fine
        std = train.std(0, correction=correction)
        if same(got_train, (train - mean) / std) and same(got_other, (other - mean) / std):
            return None
    raise Wrong(
        "결과가 학습 세트의 특성별 평균·표준편차로 표준화한 값과 다릅니다. 두 세트에 같은 (x - mean) / std를 "
        "적용했는지 보세요."
    )


# --------------------------------------------------------------------------- 02-3


class _Probe(nn.Module):
    """A small model with dropout that records, at every forward call, the train/eval mode and grad recording."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.dropout = nn.Dropout(p=0.5)
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.linear(self.dropout(x))


@exercise(
    "02-3",
    title="검증 손실 재기: eval()과 no_grad()",
    task="""
        5절의 학습 루프에서 검증 손실을 재는 부분을 함수 `validation_loss`로 쓰세요. 모델 `model`, 입력 `x`,
        정답 `y`를 받아 평균 제곱 오차(MSE)를 Python 숫자로 돌려줍니다. 드롭아웃 같은 층이 추론 동작을 하도록
        평가 모드로 바꾸고, 계산 그래프를 기록하지 않게 하세요. (학습 루프가 에폭마다 `model.train()`을 다시
        부르므로, 함수가 끝난 뒤 모델이 평가 모드로 남아 있어도 됩니다.)
    """,
    stub="""
        def validation_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def validation_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
            model.eval()           # dropout / batch norm in inference mode
            with torch.no_grad():  # no graph, no gradients: faster and lighter
                loss = nn.functional.mse_loss(model(x), y)
            return loss.item()
    """,
    answers="validation_loss",
    hints=(
        "두 가지가 필요합니다: 모델을 평가 모드로 바꾸는 메서드 호출, 그리고 기울기 기록을 끄는 `with` 블록.",
        "`model.eval()`을 부른 뒤 `with torch.no_grad():` 안에서 `nn.functional.mse_loss(model(x), y)`를 계산하고 "
        "`.item()`을 돌려주세요.",
    ),
    mistakes=(
        Mistake(
            "def validation_loss(model, x, y):\n    with torch.no_grad():\n"
            "        return nn.functional.mse_loss(model(x), y).item()",
            "학습 모드",
            "model.eval()을 빠뜨림",
        ),
        Mistake(
            "def validation_loss(model, x, y):\n    model.eval\n    with torch.no_grad():\n"
            "        return nn.functional.mse_loss(model(x), y).item()",
            "학습 모드",
            "model.eval에 괄호를 빠뜨려 메서드를 부르지 않음",
        ),
        Mistake(
            "def validation_loss(model, x, y):\n    model.eval()\n    return nn.functional.mse_loss(model(x), y).item()",
            "no_grad",
            "torch.no_grad()를 빠뜨려 계산 그래프를 기록함",
        ),
        Mistake(
            "def validation_loss(model, x, y):\n    model.eval()\n    with torch.no_grad():\n"
            "        return ((model(x) - y) ** 2).sum().item()",
            "기대한 값보다",
            "평균 대신 합을 구함",
        ),
    ),
    explanation="""
        `model.eval()`은 드롭아웃과 배치 정규화 같은 층을 추론 동작으로 바꿀 뿐, 기울기 기록은 그대로입니다.
        `torch.no_grad()`는 계산 그래프를 기록하지 않아 메모리와 시간을 아낄 뿐, 층의 동작은 바꾸지 않습니다.
        둘은 하는 일이 달라서 검증과 추론에는 둘 다 씁니다. 둘 중 어느 것도 가중치를 지켜 주는 장치는 아닙니다.
        가중치는 `optimizer.step()`을 부를 때만 바뀝니다.
    """,
)
def _check_02_3(validation_loss: object) -> None:
    with seeded(6):
        probe = _Probe()
        x = torch.randn(32, 3)
        y = torch.randn(32, 1)
    probe.train()  # as it is right after a training step
    with torch.no_grad():
        probe.eval()
        expected = nn.functional.mse_loss(probe(x), y).item()
        probe.train()
    probe.calls.clear()
    with seeded(7):  # dropout in training mode draws random numbers: keep them away from the learner's RNG
        value = call(validation_loss, "작은 모델 (드롭아웃 포함)로 불렀을 때", probe, x, y)
    if not probe.calls:
        raise Wrong("함수 안에서 model(x)를 부르지 않았습니다. 받은 model로 예측해야 합니다.")
    if any(training for training, _ in probe.calls):
        raise Wrong(
            "model의 forward가 학습 모드(model.training == True)에서 불렸습니다. 드롭아웃이 켜진 채로 쟀습니다. "
            "평가 모드로 바꾸는 메서드를 불렀는지(괄호까지) 보세요."
        )
    if any(grad for _, grad in probe.calls):
        raise Wrong(
            "forward가 기울기 기록이 켜진 상태에서 불렸습니다. 검증에서는 계산 그래프가 필요 없습니다: "
            "torch.no_grad() 블록 안에서 계산하세요."
        )
    if isinstance(value, torch.Tensor) and value.requires_grad:
        raise Wrong("돌려준 값이 계산 그래프를 붙든 Tensor입니다. .item()으로 숫자를 꺼내세요.")
    with case("작은 모델로 잰 손실"):
        expect_number(value, expected, "validation_loss(model, x, y)", tol=1e-4, relative=True)


# --------------------------------------------------------------------------- 02-4


@exercise(
    "02-4",
    title="결정 계수 R² 직접 계산하기",
    task="""
        8절의 결정 계수 $R^2 = 1 - \\dfrac{\\sum_i (y_i - \\hat{y}_i)^2}{\\sum_i (y_i - \\bar{y})^2}$를 계산하는 함수
        `r_squared`를 쓰세요. 1차원 Tensor `y_true`와 `y_pred`를 받아 숫자(float)를 돌려줍니다. $\\bar{y}$는
        정답 `y_true`의 평균입니다.
    """,
    stub="""
        def r_squared(y_true: torch.Tensor, y_pred: torch.Tensor) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def r_squared(y_true: torch.Tensor, y_pred: torch.Tensor) -> float:
            residual = ((y_true - y_pred) ** 2).sum()        # what the model still gets wrong
            total = ((y_true - y_true.mean()) ** 2).sum()    # what always answering the mean gets wrong
            return (1 - residual / total).item()
    """,
    answers="r_squared",
    hints=(
        "분자는 모델의 오차 제곱합, 분모는 '항상 평균을 답하는 모델'의 오차 제곱합입니다. 평균은 정답의 평균입니다.",
        "`((y_true - y_pred) ** 2).sum()`과 `((y_true - y_true.mean()) ** 2).sum()`을 구해 `1 - 분자 / 분모`를 "
        "`.item()`으로 돌려주세요.",
    ),
    mistakes=(
        Mistake(
            "def r_squared(y_true, y_pred):\n"
            "    return (((y_true - y_pred) ** 2).sum() / ((y_true - y_true.mean()) ** 2).sum()).item()",
            "완벽한 예측",
            "1에서 빼는 것을 빠뜨림",
        ),
        Mistake(
            "def r_squared(y_true, y_pred):\n"
            "    return (1 - ((y_true - y_pred) ** 2).sum() / ((y_pred - y_pred.mean()) ** 2).sum()).item()",
            "평균을 답하는",
            "분모의 평균과 편차를 예측값으로 계산함",
        ),
        Mistake(
            "def r_squared(y_true, y_pred):\n"
            "    return (1 - (y_true - y_pred).abs().sum() / (y_true - y_true.mean()).abs().sum()).item()",
            "일반적인 예측",
            "제곱 대신 절댓값을 씀",
        ),
    ),
    explanation="""
        $R^2$는 '항상 평균을 답하는 모델'보다 오차 제곱합을 얼마나 줄였는지입니다. 완벽하면 1, 평균만큼이면 0이고,
        평균보다 못하면 음수가 됩니다(9절의 기준 모델이 테스트 세트에서 음수였던 이유). 분모의 평균은 정답의
        평균이어야 합니다. `torchmetrics.functional.r2_score(y_pred, y_true)`와 같은 값입니다(인자 순서에 주의).
    """,
)
def _check_02_4(r_squared: object) -> None:
    with seeded(8):
        y_true = torch.randn(50) * 3 + 10
        noise = torch.randn(50)
    y_mean = torch.full_like(y_true, float(y_true.mean()))
    y_general = 0.6 * y_true + 5 + noise  # its mean differs from the mean of y_true

    def reference(pred: torch.Tensor) -> float:
        return float(1 - ((y_true - pred) ** 2).sum() / ((y_true - y_true.mean()) ** 2).sum())

    cases = (
        ("완벽한 예측(y_pred == y_true)", y_true.clone(), "완벽한 예측의 R²는 1이어야 합니다."),
        ("항상 평균을 답하는 예측", y_mean, "평균과 같은 만큼 틀리는 모델의 R²는 0이어야 합니다."),
        ("일반적인 예측(예측의 평균이 정답의 평균과 다름)", y_general, ""),
    )
    for label, pred, why in cases:
        value = call(r_squared, f"{label}으로 불렀을 때", y_true.clone(), pred.clone())
        number = as_number(value, "r_squared(y_true, y_pred)")
        expected = reference(pred)
        if math.isnan(number):
            raise Wrong(f"{label}에서 r_squared가 nan입니다. 0을 0으로 나눈 곳이 있는지 보세요. {why}".rstrip())
        if abs(number - expected) > 1e-4:
            direction = "큽니다" if number > expected else "작습니다"
            raise Wrong(f"{label}에서 r_squared가 {number:.4g}입니다: 기대한 값보다 {direction}. {why}".rstrip())
