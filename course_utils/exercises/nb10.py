"""Exercises of 10_metrics: counting TP/TN/FP/FN, precision/recall/F1 from a confusion matrix,
the decision threshold, and torchmetrics' update/compute in an evaluation loop."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ..device import get_device
from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_int, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- shared helpers


def _ratio(num: torch.Tensor, den: torch.Tensor) -> torch.Tensor:
    """num / den with 0 where den is 0 (the zero_division=0 convention of torchmetrics and scikit-learn)."""
    return torch.where(den > 0, num / den.clamp(min=1e-12), torch.zeros_like(num))


def _prf(cm: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-class precision, recall and F1 of a confusion matrix (rows = true class, columns = predicted)."""
    cm = cm.double()
    tp = cm.diag()
    precision = _ratio(tp, cm.sum(dim=0))
    recall = _ratio(tp, cm.sum(dim=1))
    return precision, recall, _ratio(2 * precision * recall, precision + recall)


def _pair(value: Any, name: str, count: int) -> tuple[Any, ...]:
    """``value`` as a tuple of ``count`` items; :class:`Wrong` naming what came back otherwise."""
    if not isinstance(value, (tuple, list)):
        raise Wrong(f"`{name}`이(가) {type(value).__name__} 하나를 돌려줍니다. 값 {count}개를 튜플로 돌려주세요.")
    if len(value) != count:
        raise Wrong(f"`{name}`이(가) 값 {len(value)}개를 돌려줍니다. {count}개를 튜플로 돌려주세요.")
    return tuple(value)


def expect_int_like(value: Any, name: str) -> int:
    """``value`` as an int: an int or a 0-d integer tensor; :class:`Wrong` otherwise."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        return int(value.item())
    if isinstance(value, bool) or not isinstance(value, int):
        raise Wrong(f"`{name}`은(는) 정수여야 하는데 {type(value).__name__}입니다.")
    return value


# --------------------------------------------------------------------------- 10-1


@exercise(
    "10-1",
    title="TP, TN, FP, FN 세기",
    task="""
        정답 `y_true`와 예측 `y_pred`(둘 다 0과 1로 된 1차원 Tensor, 1 = 양성)를 받아 `(tp, tn, fp, fn)`
        네 개수를 정수로 돌려주는 함수 `confusion_counts`를 쓰세요. 인자 순서는 scikit-learn처럼
        `(y_true, y_pred)`입니다. check는 여러 입력으로 함수를 불러 봅니다.
    """,
    stub="""
        def confusion_counts(y_true: torch.Tensor, y_pred: torch.Tensor) -> tuple[int, int, int, int]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def confusion_counts(y_true: torch.Tensor, y_pred: torch.Tensor) -> tuple[int, int, int, int]:
            tp = int(((y_pred == 1) & (y_true == 1)).sum())
            tn = int(((y_pred == 0) & (y_true == 0)).sum())
            fp = int(((y_pred == 1) & (y_true == 0)).sum())
            fn = int(((y_pred == 0) & (y_true == 1)).sum())
            return tp, tn, fp, fn
    """,
    answers="confusion_counts",
    hints=(
        "이름을 두 부분으로 읽으세요. 뒤의 Positive/Negative는 **예측**이고, 앞의 True/False는 그 예측이 맞았는지입니다.",
        "FP는 '양성이라고 예측했는데(`y_pred == 1`) 실제는 음성(`y_true == 0`)'입니다. 두 조건을 `&`로 묶고 `.sum()`으로 세세요.",
    ),
    mistakes=(
        Mistake(
            "def confusion_counts(y_true, y_pred):\n"
            "    tp = int(((y_pred == 1) & (y_true == 1)).sum())\n"
            "    tn = int(((y_pred == 0) & (y_true == 0)).sum())\n"
            "    fp = int(((y_pred == 0) & (y_true == 1)).sum())\n"
            "    fn = int(((y_pred == 1) & (y_true == 0)).sum())\n"
            "    return tp, tn, fp, fn",
            "FP와 FN",
            "FP와 FN의 정의를 바꿔 씀 (인자 순서를 바꿔 넣은 것과 같은 결과)",
        ),
        Mistake(
            "def confusion_counts(y_true, y_pred):\n"
            "    tp = int((y_pred == y_true).sum())\n"
            "    tn = int(((y_pred == 0) & (y_true == 0)).sum())\n"
            "    fp = int(((y_pred == 1) & (y_true == 0)).sum())\n"
            "    fn = int(((y_pred == 0) & (y_true == 1)).sum())\n"
            "    return tp, tn, fp, fn",
            "TN까지",
            "TP를 '맞힌 것 전부'(y_pred == y_true)로 셈",
        ),
        Mistake(
            "def confusion_counts(y_true, y_pred):\n"
            "    tp = int(((y_pred == 1) and (y_true == 1)).sum())\n"
            "    tn = int(((y_pred == 0) and (y_true == 0)).sum())\n"
            "    fp = int(((y_pred == 1) and (y_true == 0)).sum())\n"
            "    fn = int(((y_pred == 0) and (y_true == 1)).sum())\n"
            "    return tp, tn, fp, fn",
            "`&`",
            "Tensor에 파이썬의 and를 씀",
        ),
    ),
    explanation="""
        네 칸은 조건 두 개(예측, 정답)의 조합입니다. `(y_pred == 1) & (y_true == 0)`처럼 원소별 Boolean Tensor를
        `&`로 묶고 `sum()`으로 세면 됩니다(파이썬의 `and`는 Tensor 전체를 참/거짓 하나로 바꾸려다 오류가 납니다).
        네 개수의 합은 항상 샘플 수입니다. 인자 순서를 바꿔 넣으면 FP와 FN이 서로 바뀝니다.
    """,
)
def _check_10_1(confusion_counts: object) -> None:
    with seeded(0):
        random_true = torch.randint(0, 2, (40,))
        random_pred = torch.randint(0, 2, (40,))
    cases = [
        (
            "정답 [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]인 예",
            torch.tensor([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
            torch.tensor([1, 1, 0, 0, 1, 0, 0, 0, 0, 0]),
        ),
        ("양성이 1개뿐인 예", torch.tensor([0, 0, 0, 1, 0, 0]), torch.tensor([1, 1, 0, 0, 0, 0])),
        ("무작위 40개", random_true, random_pred),
    ]
    for label, y_true, y_pred in cases:
        doing = f"{label}로 불렀을 때"
        try:
            result = call(confusion_counts, doing, y_true.clone(), y_pred.clone())
        except LearnerCodeError as exc:
            if "ambiguous" in str(exc.error):
                raise Wrong(
                    "오류가 났습니다: Tensor 두 개를 `and`로 묶었습니다. 원소별로 묶으려면 `&`를 쓰세요."
                ) from exc
            raise
        with case(doing):
            tp, tn, fp, fn = _pair(result, "confusion_counts(y_true, y_pred)", 4)
            expected = {
                "TP": int(((y_pred == 1) & (y_true == 1)).sum()),
                "TN": int(((y_pred == 0) & (y_true == 0)).sum()),
                "FP": int(((y_pred == 1) & (y_true == 0)).sum()),
                "FN": int(((y_pred == 0) & (y_true == 1)).sum()),
            }
            got = dict(zip(("TP", "TN", "FP", "FN"), (tp, tn, fp, fn), strict=True))
            numbers = {k: expect_int_like(v, k) for k, v in got.items()}
            swapped = (numbers["FP"], numbers["FN"]) == (expected["FN"], expected["FP"])
            same_diagonal = (numbers["TP"], numbers["TN"]) == (expected["TP"], expected["TN"])
            if expected["FP"] != expected["FN"] and swapped and same_diagonal:
                raise Wrong("FP와 FN이 뒤바뀌었습니다. FP는 '양성이라고 예측했는데 실제는 음성'입니다.")
            if numbers["TP"] == expected["TP"] + expected["TN"] and expected["TN"]:
                raise Wrong(
                    "TP가 너무 큽니다. TN까지 센 것은 아닌지 보세요: TP는 예측과 정답이 **둘 다** 1인 경우입니다."
                )
            for key in ("TP", "TN", "FP", "FN"):
                expect_int(numbers[key], expected[key], key)


# --------------------------------------------------------------------------- 10-2


@exercise(
    "10-2",
    title="혼동 행렬에서 클래스별 정밀도, 재현율, F1",
    task="""
        K개 클래스의 혼동 행렬 `cm`(정수 Tensor `(K, K)`, **행 = 정답, 열 = 예측**)을 받아 클래스별 정밀도,
        재현율, F1을 float Tensor `(K,)` 세 개로 돌려주는 함수 `per_class_prf`를 쓰세요. 분모가 0이면
        (그 클래스를 한 번도 예측하지 않았거나 정답에 없으면) 그 값은 0으로 합니다(`zero_division=0`).
    """,
    stub="""
        def per_class_prf(cm: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def per_class_prf(cm: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            cm = cm.double()
            tp = cm.diag()
            predicted = cm.sum(dim=0)  # column sums: how often each class was predicted
            actual = cm.sum(dim=1)  # row sums: how often each class is the true one (support)
            precision = torch.where(predicted > 0, tp / predicted, 0.0)
            recall = torch.where(actual > 0, tp / actual, 0.0)
            f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
            return precision, recall, f1
    """,
    answers="per_class_prf",
    hints=(
        "대각선 `cm.diag()`가 클래스별 TP입니다. 정밀도의 분모는 그 클래스로 **예측한** 개수, 재현율의 분모는 "
        "그 클래스가 **정답인** 개수입니다. 행과 열 중 어느 쪽이 예측인지 다시 보세요.",
        "열의 합은 `cm.sum(dim=0)`, 행의 합은 `cm.sum(dim=1)`입니다. F1은 산술 평균이 아니라 조화 평균 "
        "`2PR / (P + R)`입니다.",
        "0으로 나누는 칸은 `torch.where(den > 0, num / den, 0.0)`이나 `torch.nan_to_num(num / den)`으로 0으로 만드세요.",
    ),
    mistakes=(
        Mistake(
            "def per_class_prf(cm):\n    cm = cm.double()\n    tp = cm.diag()\n"
            "    precision = torch.nan_to_num(tp / cm.sum(dim=1))\n    recall = torch.nan_to_num(tp / cm.sum(dim=0))\n"
            "    f1 = torch.nan_to_num(2 * precision * recall / (precision + recall))\n    return precision, recall, f1",
            "행과 열",
            "정밀도와 재현율의 분모(행의 합, 열의 합)를 바꿔 씀",
        ),
        Mistake(
            "def per_class_prf(cm):\n    cm = cm.double()\n    tp = cm.diag()\n"
            "    precision = torch.nan_to_num(tp / cm.sum(dim=0))\n    recall = torch.nan_to_num(tp / cm.sum(dim=1))\n"
            "    f1 = (precision + recall) / 2\n    return precision, recall, f1",
            "산술 평균",
            "F1을 정밀도와 재현율의 산술 평균으로 계산함",
        ),
        Mistake(
            "def per_class_prf(cm):\n    cm = cm.double()\n    tp = cm.diag()\n"
            "    precision = tp / cm.sum(dim=0)\n    recall = tp / cm.sum(dim=1)\n"
            "    f1 = 2 * precision * recall / (precision + recall)\n    return precision, recall, f1",
            "nan",
            "0으로 나누는 경우(예측이 없는 클래스)를 처리하지 않음",
        ),
    ),
    explanation="""
        행 = 정답, 열 = 예측이므로 클래스 c의 정밀도는 `C[c, c] / (열 c의 합)`, 재현율은 `C[c, c] / (행 c의 합)`입니다.
        F1은 조화 평균이라 둘 중 작은 쪽에 끌려갑니다. 예측이 하나도 없는 클래스의 정밀도는 0/0이므로
        torchmetrics와 scikit-learn처럼 0으로 정합니다. 결과는
        `torchmetrics.functional.classification.multiclass_precision(..., average=None)`과 같습니다.
    """,
)
def _check_10_2(per_class_prf: object) -> None:
    never_predicted = torch.tensor([[5, 1, 0], [1, 2, 0], [1, 0, 0]])  # class 2 is never predicted
    with seeded(0):
        random_cm = torch.randint(0, 9, (4, 4))
    cases = [("4×4 혼동 행렬", random_cm), ("클래스 2를 한 번도 예측하지 않은 3×3 혼동 행렬", never_predicted)]
    for label, cm in cases:
        doing = f"{label}로 불렀을 때"
        original = cm.clone()
        result = call(per_class_prf, doing, cm)
        if not torch.equal(cm, original):
            raise Wrong(
                "함수가 입력 혼동 행렬을 바꿨습니다. 새 Tensor를 만들어 계산하세요(in-place 연산 `_`을 쓰지 마세요)."
            )
        with case(doing):
            precision, recall, f1 = _pair(result, "per_class_prf(cm)", 3)
            k = cm.shape[0]
            got = {}
            for name, value in (("정밀도", precision), ("재현율", recall), ("F1", f1)):
                tensor = expect_tensor(value, name, shape=(k,))
                if not tensor.is_floating_point():
                    raise Wrong(f"`{name}`의 dtype이 {tensor.dtype}입니다. 비율이므로 실수(float) Tensor여야 합니다.")
                if torch.isnan(tensor).any():
                    raise Wrong(
                        f"`{name}`에 nan이 있습니다. 분모가 0인 클래스(예측이나 정답이 하나도 없는 클래스)는 0으로 정하세요."
                    )
                got[name] = tensor.detach().cpu().double()
            want_p, want_r, want_f1 = _prf(cm)
            if not torch.allclose(want_p, want_r) and torch.allclose(got["정밀도"], want_r, atol=1e-6):
                raise Wrong(
                    "정밀도가 재현율의 정의로 계산되었습니다. 행과 열 중 어느 쪽이 예측인지 보세요(행 = 정답, 열 = 예측)."
                )
            expect_values(got["정밀도"], want_p, "정밀도", atol=1e-6)
            expect_values(got["재현율"], want_r, "재현율", atol=1e-6)
            if torch.allclose(got["F1"], (want_p + want_r) / 2, atol=1e-6) and not torch.allclose(
                want_f1, (want_p + want_r) / 2
            ):
                raise Wrong("F1이 정밀도와 재현율의 산술 평균입니다. F1은 조화 평균 2PR / (P + R)입니다.")
            expect_values(got["F1"], want_f1, "F1", atol=1e-6)


# --------------------------------------------------------------------------- 10-3


@exercise(
    "10-3",
    title="임계값에서의 정밀도와 재현율",
    task="""
        양성일 확률 `probs`(float Tensor `(N,)`), 정답 `target`(0/1 정수 Tensor `(N,)`), 임계값 `threshold`를 받아
        `(precision, recall)`을 float 두 개로 돌려주는 함수 `precision_recall_at`을 쓰세요. torchmetrics처럼
        `probs > threshold`(등호 없음)를 양성 예측으로 보고, 분모가 0이면 0을 돌려줍니다.
        직접 계산해도 되고 torchmetrics 함수를 써도 됩니다.
    """,
    stub="""
        def precision_recall_at(probs: torch.Tensor, target: torch.Tensor, threshold: float) -> tuple[float, float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def precision_recall_at(probs: torch.Tensor, target: torch.Tensor, threshold: float) -> tuple[float, float]:
            precision = tmf.binary_precision(probs, target, threshold=threshold)
            recall = tmf.binary_recall(probs, target, threshold=threshold)
            return precision.item(), recall.item()
    """,
    answers="precision_recall_at",
    hints=(
        "먼저 `predicted = probs > threshold`로 양성 예측을 만들고, `target == 1`과 함께 TP, FP, FN을 세세요.",
        "정밀도 = TP / (TP + FP), 재현율 = TP / (TP + FN). 분모가 0이면 0입니다. 또는 "
        "`tmf.binary_precision(probs, target, threshold=threshold)`와 `tmf.binary_recall(...)`을 쓰세요.",
    ),
    mistakes=(
        Mistake(
            "def precision_recall_at(probs, target, threshold):\n"
            "    predicted = probs >= threshold\n    positive = target == 1\n"
            "    tp = (predicted & positive).sum().item()\n    fp = (predicted & ~positive).sum().item()\n"
            "    fn = (~predicted & positive).sum().item()\n"
            "    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)",
            "정확히 임계값",
            "`>=`를 써서 확률이 임계값과 같은 샘플을 양성으로 셈",
        ),
        Mistake(
            "def precision_recall_at(probs, target, threshold):\n"
            "    predicted = probs > threshold\n    positive = target == 1\n"
            "    tp = (predicted & positive).sum().item()\n    fp = (predicted & ~positive).sum().item()\n"
            "    fn = (~predicted & positive).sum().item()\n    return tp / (tp + fp), tp / (tp + fn)",
            "양성 예측이 하나도 없",
            "양성 예측이 없을 때 0으로 나눔",
        ),
        Mistake(
            "def precision_recall_at(probs, target, threshold):\n"
            "    predicted = probs > threshold\n    positive = target == 1\n"
            "    tp = (predicted & positive).sum().item()\n    fp = (predicted & ~positive).sum().item()\n"
            "    fn = (~predicted & positive).sum().item()\n"
            "    return (tp / (tp + fn) if tp + fn else 0.0), (tp / (tp + fp) if tp + fp else 0.0)",
            "바뀌었",
            "정밀도와 재현율을 바꿔 돌려줌",
        ),
    ),
    explanation="""
        임계값은 모델이 아니라 우리가 정하는 값이고, 경계의 등호도 약속입니다. torchmetrics의 이진 지표는
        `probs > threshold`를 양성으로 보므로 확률이 정확히 0.5인 샘플은 음성입니다. 임계값을 올리면 양성 예측이
        줄어 재현율은 내려가기만 하고, 정밀도는 대체로 오릅니다. 양성 예측이 하나도 없으면 정밀도는 0/0이라 0으로 정합니다.
    """,
)
def _check_10_3(precision_recall_at: object) -> None:
    probs = torch.tensor([0.95, 0.8, 0.7, 0.5, 0.5, 0.3, 0.2, 0.1, 0.6, 0.4])
    target = torch.tensor([1, 1, 0, 1, 0, 1, 0, 0, 1, 0])
    cases = [(0.5, "임계값 0.5 (확률이 정확히 0.5인 샘플이 있음)"), (0.25, "임계값 0.25"), (0.99, "임계값 0.99")]
    for threshold, label in cases:
        doing = f"{label}로 불렀을 때"
        try:
            result = call(precision_recall_at, doing, probs.clone(), target.clone(), threshold)
        except LearnerCodeError as exc:
            if isinstance(exc.error, ZeroDivisionError) or "division by zero" in str(exc.error):
                raise Wrong(
                    f"{doing}: 0으로 나누는 오류가 났습니다. 양성 예측이 하나도 없을 때 정밀도는 0으로 정하세요."
                ) from exc
            raise
        with case(doing):
            precision, recall = _pair(result, "precision_recall_at(...)", 2)
            p, r = as_number(precision, "precision"), as_number(recall, "recall")
            if math.isnan(p) or math.isnan(r):
                raise Wrong("nan이 나왔습니다. 양성 예측이 하나도 없을 때(분모 0) 정밀도는 0으로 정하세요.")
            predicted = probs > threshold
            positive = target == 1
            tp = int((predicted & positive).sum())
            want_p = tp / int(predicted.sum()) if int(predicted.sum()) else 0.0
            want_r = tp / int(positive.sum())
            inclusive = probs >= threshold
            tp_inc = int((inclusive & positive).sum())
            if (abs(p - want_p) > 1e-6 or abs(r - want_r) > 1e-6) and abs(r - tp_inc / int(positive.sum())) < 1e-6:
                raise Wrong(
                    "확률이 정확히 임계값과 같은 샘플을 양성으로 세었습니다. `probs > threshold`(등호 없음)를 쓰세요."
                )
            if abs(want_p - want_r) > 1e-6 and abs(p - want_r) < 1e-6 and abs(r - want_p) < 1e-6:
                raise Wrong("정밀도와 재현율이 서로 바뀌었습니다. 돌려주는 순서는 (precision, recall)입니다.")
            if abs(p - want_p) > 1e-6:
                raise Wrong(f"정밀도 = {p:.4g}: 기대한 값과 다릅니다. 분모는 양성으로 **예측한** 개수(TP + FP)입니다.")
            if abs(r - want_r) > 1e-6:
                raise Wrong(f"재현율 = {r:.4g}: 기대한 값과 다릅니다. 분모는 **실제** 양성의 개수(TP + FN)입니다.")


# --------------------------------------------------------------------------- 10-4


class _Probe(nn.Module):
    """A fixed 4 -> 3 linear classifier that records, for each forward call, whether it was in
    training mode and whether autograd was recording."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 3)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 2.0, 0]]))
            self.linear.bias.zero_()
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.linear(x)


def _probe_batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Three uneven batches (8, 8, 3 samples) of 4 features and labels 0..2, seeded."""
    with seeded(seed):
        x = torch.randn(19, 4)
        y = torch.randint(0, 3, (19,))
    y[16:] = 2  # the small last batch holds only class 2: its own macro F1 is far from the whole one
    return [(x[:8], y[:8]), (x[8:16], y[8:16]), (x[16:], y[16:])]


def _macro_f1(preds: torch.Tensor, target: torch.Tensor) -> float:
    from torchmetrics.functional.classification import multiclass_f1_score

    return float(multiclass_f1_score(preds, target, num_classes=3, average="macro"))


@exercise(
    "10-4",
    title="평가 루프에서 torchmetrics로 macro F1 누적하기",
    task="""
        모델 `model`, `(x, y)` 배치들의 목록 `batches`, 클래스 수 `num_classes`, 장치 `device`를 받아 전체 데이터의
        macro F1을 float로 돌려주는 함수 `macro_f1`을 쓰세요. torchmetrics의 `MulticlassF1Score`로 배치마다
        `update`하고 마지막에 `compute`하며, 평가 루프의 규칙(`model.eval()`, `torch.no_grad()`, 배치를
        `device`로)을 지키세요. `model`은 이미 `device`에 있습니다.
    """,
    stub="""
        def macro_f1(model: nn.Module, batches, num_classes: int, device: torch.device) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def macro_f1(model: nn.Module, batches, num_classes: int, device: torch.device) -> float:
            metric = MulticlassF1Score(num_classes=num_classes, average="macro").to(device)
            model.eval()
            with torch.no_grad():
                for x, y in batches:
                    x, y = x.to(device), y.to(device)
                    metric.update(model(x), y)
            return metric.compute().item()
    """,
    answers="macro_f1",
    hints=(
        '지표 객체를 함수 안에서 만들고(`MulticlassF1Score(num_classes=..., average="macro").to(device)`), '
        "배치마다 `metric.update(logits, y)`, 끝에 `metric.compute()`입니다.",
        "루프 전에 `model.eval()`, 루프는 `with torch.no_grad():` 안에서 돌리세요. 배치 값의 평균은 전체 값과 다릅니다.",
    ),
    mistakes=(
        Mistake(
            "def macro_f1(model, batches, num_classes, device):\n"
            "    metric = MulticlassF1Score(num_classes=num_classes, average='macro').to(device)\n"
            "    model.eval()\n    values = []\n    with torch.no_grad():\n        for x, y in batches:\n"
            "            values.append(metric(model(x.to(device)), y.to(device)).item())\n"
            "    return sum(values) / len(values)",
            "배치별",
            "배치마다 값을 구해 단순 평균함 (compute 대신)",
        ),
        Mistake(
            "def macro_f1(model, batches, num_classes, device):\n"
            "    metric = MulticlassF1Score(num_classes=num_classes, average='macro').to(device)\n"
            "    with torch.no_grad():\n        for x, y in batches:\n"
            "            metric.update(model(x.to(device)), y.to(device))\n    return metric.compute().item()",
            "eval()",
            "model.eval()을 빠뜨림",
        ),
        Mistake(
            "def macro_f1(model, batches, num_classes, device):\n"
            "    metric = MulticlassF1Score(num_classes=num_classes, average='macro').to(device)\n"
            "    model.eval()\n    for x, y in batches:\n"
            "        metric.update(model(x.to(device)), y.to(device))\n    return metric.compute().item()",
            "no_grad",
            "torch.no_grad()를 빠뜨림",
        ),
        Mistake(
            "metric = MulticlassF1Score(num_classes=3, average='macro').to(device)\n\n\n"
            "def macro_f1(model, batches, num_classes, device):\n    model.eval()\n    with torch.no_grad():\n"
            "        for x, y in batches:\n            metric.update(model(x.to(device)), y.to(device))\n"
            "    return metric.compute().item()",
            "reset",
            "지표 객체를 함수 밖에서 한 번 만들고 reset 없이 다시 씀",
        ),
    ),
    explanation="""
        모듈형 지표는 배치마다 TP, FP, FN 같은 **개수**를 쌓아 두었다가 `compute()`에서 한 번 나누므로, 결과가
        전체 데이터로 한 번에 잰 값과 같습니다. 배치별 F1의 평균은 정의가 다른 값입니다(크기가 다르거나 클래스가
        빠진 배치가 있으면 크게 달라집니다). 지표를 함수 안에서 새로 만들면 `reset()`을 잊을 일이 없습니다.
        평가에서는 `eval()`(dropout, 배치 정규화를 평가 모드로)과 `no_grad()`(계산 그래프를 만들지 않음)를 함께 씁니다.
    """,
)
def _check_10_4(macro_f1: object) -> None:
    device = get_device()
    for run, seed in enumerate((0, 1), start=1):
        with seeded(0):  # nn.Linear's initialisation draws random numbers; keep the learner's RNG untouched
            probe = _Probe().to(device)
        batches = _probe_batches(seed)
        doing = "작은 모델과 배치 3개(8, 8, 3개)로 " + ("불렀을 때" if run == 1 else "두 번째로 불렀을 때")
        result = call(macro_f1, doing, probe, batches, 3, device)
        with case(doing):
            value = as_number(result, "macro_f1(...)")
            if not probe.calls:
                raise Wrong("모델을 한 번도 부르지 않았습니다. 배치마다 `model(x)`로 로짓을 구하세요.")
            if any(training for training, _ in probe.calls):
                raise Wrong("모델이 학습 모드로 예측했습니다. 평가 전에 `model.eval()`을 부르세요.")
            if any(grad for _, grad in probe.calls):
                raise Wrong("`torch.no_grad()` 없이 예측했습니다. 평가 루프는 `with torch.no_grad():` 안에서 돌리세요.")
            with torch.no_grad():
                logits = [probe.linear(x.to(device)).cpu() for x, _ in batches]
            targets = [y for _, y in batches]
            whole = _macro_f1(torch.cat(logits), torch.cat(targets))
            if abs(value - whole) <= 1e-5:
                continue
            batch_mean = sum(_macro_f1(lg, y) for lg, y in zip(logits, targets, strict=True)) / len(batches)
            if abs(value - batch_mean) <= 1e-5:
                raise Wrong(
                    f"결과 {value:.4f}: 배치별 F1의 단순 평균과 같습니다. 배치마다 `update`로 누적하고 끝에 `compute`를 부르세요."
                )
            accuracy = float((torch.cat(logits).argmax(dim=1) == torch.cat(targets)).double().mean())
            if abs(value - accuracy) <= 1e-5:
                raise Wrong(f'결과 {value:.4f}: 정확도(micro 평균)와 같습니다. `average="macro"`를 주세요.')
            if run == 2:
                raise Wrong(
                    "처음 부를 때는 맞았는데 두 번째로 부르자 값이 틀렸습니다. 이전 호출의 개수가 남아 있습니다: "
                    "지표를 함수 안에서 새로 만들거나 `reset()`을 부르세요."
                )
            raise Wrong(f"macro F1 = {value:.4f}: 기대한 값과 다릅니다. 모든 배치를 빠짐없이 `update`했는지 보세요.")
