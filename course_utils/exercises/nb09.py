"""Exercises of 09_kfold_cross_validation: mean ± std of fold scores, stratified folds by hand,
Subset + DataLoader for one fold, standardising with the training fold only, a fresh model per fold."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, SequentialSampler, TensorDataset

from .core import Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_tensor, seeded

# --------------------------------------------------------------------------- shared helpers


def _items(value: Any, name: str, count: int) -> tuple[Any, ...]:
    """``value`` as a tuple of ``count`` items; :class:`Wrong` naming what came back otherwise."""
    if not isinstance(value, (tuple, list)):
        raise Wrong(f"`{name}`이(가) {type(value).__name__} 하나를 돌려줍니다. 값 {count}개를 튜플로 돌려주세요.")
    if len(value) != count:
        raise Wrong(f"`{name}`이(가) 값 {len(value)}개를 돌려줍니다. {count}개를 돌려주세요.")
    return tuple(value)


def _index_array(value: Any, name: str) -> np.ndarray:
    """A 1-D integer index array from a NumPy array, a tensor or a list; :class:`Wrong` otherwise."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise Wrong(f"`{name}`을(를) 인덱스 배열로 바꿀 수 없습니다({type(value).__name__}).") from exc
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise Wrong(
            f"`{name}`은(는) 정수 인덱스의 1차원 배열이어야 하는데 dtype {array.dtype}, 모양 {array.shape}입니다."
        )
    return array.astype(np.int64)


# --------------------------------------------------------------------------- 09-1


@exercise(
    "09-1",
    title="폴드 점수의 평균 ± 표준편차",
    task="""
        폴드별 검증 정확도 `scores`(float 배열, 길이 K)를 받아 `(mean, std)`를 float 두 개로 돌려주는 함수
        `cv_summary`를 쓰세요. `std`는 이 노트북처럼 **표본 표준편차**(`ddof=1`, K−1로 나눔)입니다.
    """,
    stub="""
        def cv_summary(scores: np.ndarray) -> tuple[float, float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def cv_summary(scores: np.ndarray) -> tuple[float, float]:
            return float(np.mean(scores)), float(np.std(scores, ddof=1))
    """,
    answers="cv_summary",
    hints=(
        "평균은 `np.mean`, 표준편차는 `np.std`입니다. 둘 다 배열 하나를 받아 숫자 하나를 돌려줍니다.",
        "`np.std`의 기본값은 N으로 나누는 `ddof=0`입니다. 표본 표준편차는 `np.std(scores, ddof=1)`입니다"
        "(`torch.std`는 기본이 표본 표준편차입니다).",
    ),
    mistakes=(
        Mistake(
            "def cv_summary(scores):\n    return float(np.mean(scores)), float(np.std(scores))",
            "ddof",
            "np.std의 기본값(ddof=0, 모집단 표준편차)을 그대로 씀",
        ),
        Mistake(
            "def cv_summary(scores):\n    return float(np.mean(scores)), float(np.var(scores, ddof=1))",
            "분산",
            "표준편차 대신 분산을 돌려줌",
        ),
        Mistake(
            "def cv_summary(scores):\n    return float(np.max(scores)), float(np.std(scores, ddof=1))",
            "mean",
            "평균 대신 가장 좋은 폴드의 점수를 씀",
        ),
    ),
    explanation="""
        폴드 점수 K개는 같은 추정을 K번 한 표본이므로, 흩어짐은 K−1로 나누는 표본 표준편차로 적습니다
        (`np.std(..., ddof=1)` 또는 `torch.std`). K가 5처럼 작으면 ddof=0과 꽤 다릅니다(√(4/5) ≈ 0.89배).
        점수로는 가장 좋은 폴드가 아니라 평균을 보고합니다.
    """,
)
def _check_09_1(cv_summary: object) -> None:
    cases = [
        np.array([1.0, 0.967, 0.978, 0.978, 0.989]),
        np.array([0.923, 0.868, 0.802, 0.879, 0.901]),
        np.array([0.5, 0.7, 0.6]),
    ]
    for scores in cases:
        doing = f"scores = {scores.tolist()}로 불렀을 때"
        result = call(cv_summary, doing, scores.copy())
        with case(doing):
            mean, std = _items(result, "cv_summary(scores)", 2)
            mean, std = as_number(mean, "mean"), as_number(std, "std")
            want_mean, want_std = float(scores.mean()), float(scores.std(ddof=1))
            if abs(mean - want_mean) > 1e-6:
                if abs(mean - scores.max()) < 1e-9:
                    raise Wrong("`mean`이 가장 좋은 폴드의 점수와 같습니다. 모든 폴드 점수의 평균을 돌려주세요.")
                raise Wrong(f"`mean` = {mean:.6g}: 기대한 값과 다릅니다.")
            if abs(std - want_std) <= 1e-6:
                continue
            if abs(std - scores.std()) <= 1e-6:
                raise Wrong("`std`가 N으로 나눈 표준편차(ddof=0)입니다. K−1로 나누는 표본 표준편차(`ddof=1`)를 쓰세요.")
            if abs(std - want_std**2) <= 1e-6 or abs(std - scores.var()) <= 1e-6:
                raise Wrong("`std`가 분산입니다(제곱근을 씌우기 전). 표준편차를 돌려주세요.")
            raise Wrong(f"`std` = {std:.6g}: 기대한 값과 다릅니다.")


# --------------------------------------------------------------------------- 09-2


@exercise(
    "09-2",
    title="층화 폴드를 손으로 만들기",
    task="""
        레이블 배열 `y`(정수 NumPy 배열)와 폴드 수 `k`를 받아, 폴드마다 **검증 인덱스** 배열 하나씩, 모두 `k`개를
        리스트로 돌려주는 함수 `stratified_folds`를 쓰세요(`StratifiedKFold` 없이). 조건:
        - 모든 샘플이 정확히 한 폴드에 들어갑니다(빠지거나 겹치는 샘플 없음).
        - 클래스마다, 그 클래스의 샘플 수가 폴드 사이에서 최대 1개만 차이 납니다.
    """,
    stub="""
        def stratified_folds(y: np.ndarray, k: int) -> list[np.ndarray]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def stratified_folds(y: np.ndarray, k: int) -> list[np.ndarray]:
            by_class = np.argsort(y, kind="stable")  # indices, grouped class by class
            return [np.sort(by_class[fold::k]) for fold in range(k)]
    """,
    answers="stratified_folds",
    hints=(
        "클래스별로 따로 생각하세요. 한 클래스의 샘플 인덱스를 모아(`np.flatnonzero(y == c)`) 카드를 나눠 주듯 "
        "폴드 0, 1, ..., k−1, 0, 1, ... 순서로 돌아가며 나눠 주면 폴드마다 개수가 최대 1개 차이 납니다.",
        '`np.argsort(y, kind="stable")`은 인덱스를 클래스끼리 모아 줍니다. 그 배열을 `[fold::k]`로 건너뛰며 자르면 '
        "폴드 `fold`의 몫이 됩니다.",
    ),
    mistakes=(
        Mistake(
            "def stratified_folds(y, k):\n    return np.array_split(np.arange(len(y)), k)",
            "클래스",
            "레이블을 보지 않고 순서대로 잘라 KFold처럼 나눔",
        ),
        Mistake(
            "def stratified_folds(y, k):\n    return [np.arange(fold, len(y), k) for fold in range(k)]",
            "클래스",
            "위치를 k칸씩 건너뛰며 나눔 (정렬된 예에서만 층화처럼 보임)",
        ),
        Mistake(
            "def stratified_folds(y, k):\n    folds = [[] for _ in range(k)]\n    for c in np.unique(y):\n"
            "        idx = np.flatnonzero(y == c)\n        size = len(idx) // k\n        for f in range(k):\n"
            "            folds[f].extend(idx[f * size:(f + 1) * size])\n    return [np.array(f) for f in folds]",
            "한 번도",
            "클래스마다 n // k개씩만 나눠 나머지 샘플을 버림",
        ),
    ),
    explanation="""
        층화 분할은 클래스마다 따로 K등분한 뒤 합치는 것입니다. 인덱스를 클래스끼리 모아 돌아가며 나눠 주면
        클래스마다 폴드 사이의 개수 차이가 최대 1이 되고, 나머지 샘플도 버려지지 않습니다. 실제로는
        `StratifiedKFold(n_splits=k, shuffle=True, random_state=...)`가 같은 일을 하고, 클래스 안의 순서도 섞어 줍니다.
    """,
)
def _check_09_2(stratified_folds: object) -> None:
    rng = np.random.default_rng(0)
    cases = [
        ("정렬된 레이블 [0]*8 + [1]*4, k=4", np.array([0] * 8 + [1] * 4), 4),
        ("섞인 3-클래스 레이블 23개(13, 7, 3개), k=5", rng.permutation(np.array([0] * 13 + [1] * 7 + [2] * 3)), 5),
        ("섞인 이진 레이블 50개(35, 15개), k=5", rng.permutation(np.array([0] * 35 + [1] * 15)), 5),
    ]
    for label, y, k in cases:
        doing = f"{label}로 불렀을 때"
        result = call(stratified_folds, doing, y.copy(), k)
        with case(doing):
            if not isinstance(result, (list, tuple)):
                raise Wrong(f"{type(result).__name__}을(를) 돌려줍니다. 검증 인덱스 배열 {k}개의 리스트를 돌려주세요.")
            if len(result) != k:
                raise Wrong(f"폴드가 {len(result)}개입니다. k개의 폴드를 돌려주세요.")
            folds = [_index_array(fold, f"폴드 {i + 1}") for i, fold in enumerate(result)]
            every = np.concatenate(folds) if folds else np.array([], dtype=np.int64)
            if every.size and (every.min() < 0 or every.max() >= len(y)):
                raise Wrong(f"0~{len(y) - 1} 밖의 인덱스가 있습니다. 샘플의 위치 인덱스를 돌려주세요.")
            counts = np.bincount(every, minlength=len(y))
            if (counts > 1).any():
                raise Wrong(f"샘플 {int(np.flatnonzero(counts > 1)[0])}이(가) 두 폴드 이상에 들어 있습니다.")
            if (counts == 0).any():
                missing = int((counts == 0).sum())
                raise Wrong(
                    f"검증에 한 번도 쓰이지 않은 샘플이 {missing}개 있습니다. 나머지 샘플도 폴드에 나눠 넣으세요."
                )
            for c in np.unique(y):
                per_fold = [int((y[fold] == c).sum()) for fold in folds]
                if max(per_fold) - min(per_fold) > 1:
                    raise Wrong(
                        f"클래스 {int(c)}의 개수가 폴드마다 {per_fold}입니다. 클래스마다 폴드 사이의 차이가 최대 1이어야 합니다."
                    )


# --------------------------------------------------------------------------- 09-3


@exercise(
    "09-3",
    title="폴드 하나를 `Subset`과 `DataLoader`로",
    task="""
        `dataset`(PyTorch `Dataset`)과 한 폴드의 `train_idx`, `val_idx`(NumPy 인덱스 배열)를 받아
        `(train_loader, val_loader)`를 돌려주는 함수 `make_fold_loaders`를 쓰세요. 학습용은 학습 폴드의 샘플만
        `batch_size=16`으로 **섞어서**, 검증용은 검증 폴드의 샘플만 `batch_size=64`로 **섞지 않고** 냅니다.
    """,
    stub="""
        def make_fold_loaders(dataset, train_idx: np.ndarray, val_idx: np.ndarray) -> tuple[DataLoader, DataLoader]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def make_fold_loaders(dataset, train_idx: np.ndarray, val_idx: np.ndarray) -> tuple[DataLoader, DataLoader]:
            train_loader = DataLoader(Subset(dataset, train_idx), batch_size=16, shuffle=True)
            val_loader = DataLoader(Subset(dataset, val_idx), batch_size=64, shuffle=False)
            return train_loader, val_loader
    """,
    answers="make_fold_loaders",
    hints=(
        "`Subset(dataset, indices)`는 `indices` 위치의 샘플만 보이는 `Dataset`입니다. 폴드마다 두 개를 만드세요.",
        "`DataLoader(Subset(dataset, train_idx), batch_size=16, shuffle=True)`, 검증용은 `shuffle=False`입니다.",
    ),
    mistakes=(
        Mistake(
            "def make_fold_loaders(dataset, train_idx, val_idx):\n"
            "    return (DataLoader(Subset(dataset, val_idx), batch_size=16, shuffle=True),\n"
            "            DataLoader(Subset(dataset, train_idx), batch_size=64))",
            "검증 폴드",
            "학습용과 검증용 인덱스를 바꿔 넣음",
        ),
        Mistake(
            "def make_fold_loaders(dataset, train_idx, val_idx):\n"
            "    return (DataLoader(dataset, batch_size=16, shuffle=True),\n"
            "            DataLoader(Subset(dataset, val_idx), batch_size=64))",
            "검증 폴드",
            "학습용 DataLoader에 Subset 없이 데이터셋 전체를 넣음",
        ),
        Mistake(
            "def make_fold_loaders(dataset, train_idx, val_idx):\n"
            "    return (DataLoader(Subset(dataset, train_idx), batch_size=16),\n"
            "            DataLoader(Subset(dataset, val_idx), batch_size=64))",
            "섞",
            "학습용 DataLoader에 shuffle=True를 빠뜨림",
        ),
    ),
    explanation="""
        `KFold`/`StratifiedKFold`가 주는 것은 위치 인덱스뿐이고, `Subset`이 그 인덱스를 `Dataset`으로 바꿉니다.
        학습용은 에폭마다 순서를 섞어야(`shuffle=True`) 배치 구성이 매번 달라지고, 평가용은 섞을 이유가 없습니다.
        검증 폴드의 샘플이 학습용 `DataLoader`에 하나라도 들어가면 그 폴드의 점수는 믿을 수 없습니다.
    """,
)
def _check_09_3(make_fold_loaders: object) -> None:
    n = 40
    dataset = TensorDataset(torch.arange(n, dtype=torch.float32)[:, None], torch.arange(n))  # label = index
    rng = np.random.default_rng(0)
    val_idx = np.sort(rng.choice(n, size=10, replace=False))
    train_idx = np.setdiff1d(np.arange(n), val_idx)
    result = call(make_fold_loaders, "40개 샘플 중 검증 10개인 폴드로 불렀을 때", dataset, train_idx, val_idx)
    with case("40개 샘플 중 검증 10개인 폴드로 불렀을 때"):
        train_loader, val_loader = _items(result, "make_fold_loaders(...)", 2)
        for name, loader in (("train_loader", train_loader), ("val_loader", val_loader)):
            if not isinstance(loader, DataLoader):
                raise Wrong(f"`{name}`이(가) {type(loader).__name__}입니다. `DataLoader`를 돌려주세요.")
        with seeded(0):
            seen_train = torch.cat([y for _, y in train_loader]).numpy()
            seen_val = torch.cat([y for _, y in val_loader]).numpy()
        leaked = np.intersect1d(seen_train, val_idx)
        if leaked.size:
            raise Wrong(
                f"학습 DataLoader에 검증 폴드의 샘플이 {leaked.size}개 들어 있습니다. 학습용에는 `train_idx`의 샘플만 넣으세요."
            )
        if sorted(seen_train.tolist()) != train_idx.tolist():
            raise Wrong(
                f"학습 DataLoader가 {len(seen_train)}개 샘플을 냅니다. 학습 폴드의 샘플을 한 번씩 모두 내야 합니다."
            )
        if sorted(seen_val.tolist()) != val_idx.tolist():
            raise Wrong(f"검증 DataLoader가 {len(seen_val)}개 샘플을 냅니다. 검증 폴드의 샘플만 한 번씩 내야 합니다.")
        if not isinstance(train_loader.sampler, RandomSampler):
            raise Wrong("학습 DataLoader가 샘플을 섞지 않습니다. `shuffle=True`를 주세요.")
        if not isinstance(val_loader.sampler, SequentialSampler):
            raise Wrong("검증 DataLoader가 샘플을 섞습니다. 평가용은 섞지 않습니다(`shuffle=False`).")
        if train_loader.batch_size != 16 or val_loader.batch_size != 64:
            raise Wrong(
                f"배치 크기가 학습 {train_loader.batch_size}, 검증 {val_loader.batch_size}입니다. 문제의 배치 크기를 주세요."
            )


# --------------------------------------------------------------------------- 09-4


def _fold_data() -> tuple[torch.Tensor, np.ndarray, np.ndarray]:
    """20 samples of 3 features on very different scales; the validation rows are shifted on purpose."""
    with seeded(0):
        X = torch.randn(20, 3) * torch.tensor([1.0, 10.0, 100.0]) + torch.tensor([0.0, 50.0, 500.0])
    val_idx = np.array([2, 7, 11, 15, 18])
    X[val_idx] += torch.tensor([3.0, 30.0, 300.0])
    train_idx = np.setdiff1d(np.arange(20), val_idx)
    return X, train_idx, val_idx


@exercise(
    "09-4",
    title="학습 폴드의 통계로만 표준화하기",
    task="""
        특성 행렬 `X`(float Tensor `(N, D)`)와 한 폴드의 `train_idx`, `val_idx`를 받아, **학습 폴드의 샘플만으로**
        구한 특성별 평균과 표준편차로 두 부분을 표준화해 `(X_train, X_val)`을 돌려주는 함수 `standardize_fold`를
        쓰세요. `X_train`은 `(len(train_idx), D)`, `X_val`은 `(len(val_idx), D)`입니다.
    """,
    stub="""
        def standardize_fold(X: torch.Tensor, train_idx: np.ndarray, val_idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def standardize_fold(X: torch.Tensor, train_idx: np.ndarray, val_idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
            X_train, X_val = X[train_idx], X[val_idx]
            mean, std = X_train.mean(dim=0), X_train.std(dim=0)  # one value per feature, training fold only
            return (X_train - mean) / std, (X_val - mean) / std
    """,
    answers="standardize_fold",
    hints=(
        "통계는 `X[train_idx]`에서만 구하고, 같은 평균과 표준편차로 학습 폴드와 검증 폴드를 **둘 다** 변환합니다.",
        "특성별 통계이므로 샘플 차원을 따라 줄입니다: `X_train.mean(dim=0)`, `X_train.std(dim=0)`(모양 `(D,)`).",
    ),
    mistakes=(
        Mistake(
            "def standardize_fold(X, train_idx, val_idx):\n    mean, std = X.mean(dim=0), X.std(dim=0)\n"
            "    Z = (X - mean) / std\n    return Z[train_idx], Z[val_idx]",
            "누수",
            "폴드로 나누기 전에 전체 데이터로 통계를 계산함 (데이터 누수)",
        ),
        Mistake(
            "def standardize_fold(X, train_idx, val_idx):\n    Xt, Xv = X[train_idx], X[val_idx]\n"
            "    return (Xt - Xt.mean(dim=0)) / Xt.std(dim=0), (Xv - Xv.mean(dim=0)) / Xv.std(dim=0)",
            "자신의 통계",
            "검증 폴드를 검증 폴드 자신의 통계로 표준화함",
        ),
        Mistake(
            "def standardize_fold(X, train_idx, val_idx):\n    Xt, Xv = X[train_idx], X[val_idx]\n"
            "    mean, std = Xt.mean(), Xt.std()\n    return (Xt - mean) / std, (Xv - mean) / std",
            "특성별",
            "dim=0 없이 모든 값의 평균 하나로 표준화함",
        ),
    ),
    explanation="""
        검증 폴드는 "아직 보지 못한 데이터" 역할이므로, 전처리가 배우는 값(평균, 표준편차)도 학습 폴드로만
        정하고 검증 폴드에는 그 값을 그대로 적용합니다. 전체 데이터로 통계를 구하면 검증 폴드의 정보가 학습 쪽에
        새어 들어가고(데이터 누수), 검증 폴드를 자기 통계로 바꾸면 새 환자 한 명을 평가할 때는 할 수 없는 일을 한
        셈입니다. `std`는 `torch.std`(표본 표준편차)든 N으로 나눈 값이든 받아들입니다.
    """,
)
def _check_09_4(standardize_fold: object) -> None:
    X, train_idx, val_idx = _fold_data()
    original = X.clone()
    doing = "학습 15개, 검증 5개인 폴드로 불렀을 때"
    result = call(standardize_fold, doing, X, train_idx.copy(), val_idx.copy())
    if not torch.equal(X, original):
        raise Wrong("함수가 입력 `X`를 바꿨습니다. 새 Tensor를 만들어 돌려주세요(in-place 연산을 쓰지 마세요).")
    with case(doing):
        X_train, X_val = _items(result, "standardize_fold(...)", 2)
        X_train = expect_tensor(X_train, "X_train", shape=(len(train_idx), 3)).detach().cpu().double()
        X_val = expect_tensor(X_val, "X_val", shape=(len(val_idx), 3)).detach().cpu().double()
        Xd = X.double()
        tr, va = Xd[train_idx], Xd[val_idx]

        def standardise(
            part: torch.Tensor, stats_from: torch.Tensor, *, per_feature: bool = True
        ) -> list[torch.Tensor]:
            dims = {"dim": 0} if per_feature else {}
            mean = stats_from.mean(**dims)
            return [(part - mean) / stats_from.std(**dims, correction=c) for c in (1, 0)]

        def close(a: torch.Tensor, options: list[torch.Tensor]) -> bool:
            return any(torch.allclose(a, b, rtol=1e-4, atol=1e-4) for b in options)

        if close(X_val, standardise(va, Xd)) or close(X_train, standardise(tr, Xd)):
            raise Wrong(
                "통계에 검증 폴드의 샘플까지 들어갔습니다(데이터 누수). 평균과 표준편차는 `X[train_idx]`로만 구하세요."
            )
        if close(X_val, standardise(va, va)):
            raise Wrong(
                "검증 폴드를 검증 폴드 자신의 통계로 표준화했습니다. 검증 폴드에도 학습 폴드에서 구한 통계를 쓰세요."
            )
        if close(X_train, standardise(tr, tr, per_feature=False)):
            raise Wrong("평균과 표준편차가 특성별이 아닙니다. `dim=0`으로 특성마다 하나씩(모양 (D,)) 구하세요.")
        if not close(X_train, standardise(tr, tr)):
            raise Wrong("`X_train`의 값이 다릅니다. 학습 폴드의 특성별 평균을 빼고 표준편차로 나눴는지 보세요.")
        if not close(X_val, standardise(va, tr)):
            raise Wrong("`X_val`의 값이 다릅니다. 학습 폴드에서 구한 평균과 표준편차로 변환했는지 보세요.")


# --------------------------------------------------------------------------- 09-5


class _FoldProbe(nn.Module):
    """A 4 -> 2 linear classifier that records each forward call: (training mode, grad enabled, input rows)."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 2)
        self.calls: list[tuple[bool, bool, torch.Tensor]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append((self.training, torch.is_grad_enabled(), x.detach().cpu().clone()))
        return self.linear(x)


def _cv_data() -> tuple[torch.Tensor, torch.Tensor, list[tuple[np.ndarray, np.ndarray]]]:
    """36 samples, 4 features, labels from a noisy linear rule, 3 folds of 12."""
    with seeded(1):
        X = torch.randn(36, 4)
        flip = torch.rand(36) < 0.2
    y = ((X[:, 1] + 0.5 * X[:, 2] > 0) ^ flip).long()
    order = np.random.default_rng(1).permutation(36)
    folds = [(np.sort(np.setdiff1d(order, order[f::3])), np.sort(order[f::3])) for f in range(3)]
    return X, y, folds


def _train_reference(init: dict[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor, epochs: int, zero_grad: bool):
    """Full-batch SGD(lr=0.1) with CrossEntropyLoss from ``init``; the final state_dict."""
    with seeded(0):  # nn.Linear's initialisation draws random numbers; the learner's RNG stays untouched
        model = nn.Linear(4, 2)
    model.load_state_dict(init)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        if zero_grad:
            optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _rows_of(x: torch.Tensor, X: torch.Tensor) -> set[int]:
    """Row numbers of ``X`` that appear in ``x`` (rows are matched exactly)."""
    match = (x[:, None, :] == X[None, :, :]).all(dim=2)
    return set(torch.nonzero(match)[:, 1].tolist())


@exercise(
    "09-5",
    title="폴드마다 새 모델로 교차 검증하기",
    task="""
        `new_model()`(부를 때마다 새 모델을 돌려주는 함수), 특성 `X`, 레이블 `y`, 폴드 목록 `folds`(`(train_idx,
        val_idx)` 쌍들), 에폭 수 `epochs`를 받아 폴드별 검증 정확도를 float 리스트로 돌려주는 함수 `cross_validate`를
        쓰세요. 폴드마다:
        - 새 모델과 `torch.optim.SGD(model.parameters(), lr=0.1)`를 만들고,
        - 학습 폴드 전체를 한 번에(full batch) `epochs`번 `nn.CrossEntropyLoss()`로 학습한 뒤,
        - `model.eval()`과 `torch.no_grad()` 안에서 검증 폴드의 정확도를 잽니다.

        모델과 데이터는 모두 CPU에 있습니다.
    """,
    stub="""
        def cross_validate(new_model, X: torch.Tensor, y: torch.Tensor, folds, epochs: int) -> list[float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def cross_validate(new_model, X: torch.Tensor, y: torch.Tensor, folds, epochs: int) -> list[float]:
            loss_fn = nn.CrossEntropyLoss()
            scores = []
            for train_idx, val_idx in folds:
                model = new_model()  # fresh weights for every fold
                optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # fresh optimizer state too
                model.train()
                for _ in range(epochs):
                    optimizer.zero_grad()
                    loss = loss_fn(model(X[train_idx]), y[train_idx])
                    loss.backward()
                    optimizer.step()
                model.eval()
                with torch.no_grad():
                    predicted = model(X[val_idx]).argmax(dim=1)
                scores.append((predicted == y[val_idx]).float().mean().item())
            return scores
    """,
    answers="cross_validate",
    hints=(
        "반복문 `for train_idx, val_idx in folds:` **안에서** `new_model()`과 옵티마이저를 만드세요. 학습은 07의 "
        "다섯 줄(`zero_grad` → 순전파 → 손실 → `backward` → `step`)을 `epochs`번 반복하면 됩니다.",
        "평가는 `model.eval()` 뒤 `with torch.no_grad():` 안에서 `model(X[val_idx]).argmax(dim=1)`을 `y[val_idx]`와 "
        "비교합니다. 정확도는 `(predicted == y[val_idx]).float().mean().item()`입니다.",
    ),
    mistakes=(
        Mistake(
            "def cross_validate(new_model, X, y, folds, epochs):\n    model = new_model()\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n    loss_fn = nn.CrossEntropyLoss()\n"
            "    scores = []\n    for train_idx, val_idx in folds:\n        model.train()\n"
            "        for _ in range(epochs):\n            optimizer.zero_grad()\n"
            "            loss_fn(model(X[train_idx]), y[train_idx]).backward()\n            optimizer.step()\n"
            "        model.eval()\n        with torch.no_grad():\n"
            "            scores.append((model(X[val_idx]).argmax(1) == y[val_idx]).float().mean().item())\n"
            "    return scores",
            "한 번만",
            "모델을 반복문 밖에서 한 번만 만들어 폴드 사이에 재사용함",
        ),
        Mistake(
            "def cross_validate(new_model, X, y, folds, epochs):\n    loss_fn = nn.CrossEntropyLoss()\n"
            "    scores = []\n    for train_idx, val_idx in folds:\n        model = new_model()\n"
            "        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n        for _ in range(epochs):\n"
            "            loss_fn(model(X[train_idx]), y[train_idx]).backward()\n            optimizer.step()\n"
            "        model.eval()\n        with torch.no_grad():\n"
            "            scores.append((model(X[val_idx]).argmax(1) == y[val_idx]).float().mean().item())\n"
            "    return scores",
            "zero_grad",
            "optimizer.zero_grad()를 빠뜨려 기울기가 누적됨",
        ),
        Mistake(
            "def cross_validate(new_model, X, y, folds, epochs):\n    loss_fn = nn.CrossEntropyLoss()\n"
            "    scores = []\n    for train_idx, val_idx in folds:\n        model = new_model()\n"
            "        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n        for _ in range(epochs):\n"
            "            optimizer.zero_grad()\n            loss_fn(model(X[train_idx]), y[train_idx]).backward()\n"
            "            optimizer.step()\n"
            "        scores.append((model(X[val_idx]).argmax(1) == y[val_idx]).float().mean().item())\n"
            "    return scores",
            "eval()",
            "검증할 때 model.eval()과 torch.no_grad()를 빠뜨림",
        ),
        Mistake(
            "def cross_validate(new_model, X, y, folds, epochs):\n    loss_fn = nn.CrossEntropyLoss()\n"
            "    scores = []\n    for train_idx, val_idx in folds:\n        model = new_model()\n"
            "        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n        for _ in range(epochs):\n"
            "            optimizer.zero_grad()\n            loss_fn(model(X), y).backward()\n            optimizer.step()\n"
            "        model.eval()\n        with torch.no_grad():\n"
            "            scores.append((model(X[val_idx]).argmax(1) == y[val_idx]).float().mean().item())\n"
            "    return scores",
            "검증 폴드의 샘플",
            "학습에 학습 폴드가 아니라 데이터 전체(검증 폴드 포함)를 씀",
        ),
    ),
    explanation="""
        폴드마다 모델과 옵티마이저를 반복문 안에서 새로 만들어야 각 폴드의 점수가 "그 폴드를 본 적 없는 모델"의
        점수가 됩니다. 모델을 재사용하면 2회차부터는 이전 회차에 학습한 샘플이 검증 폴드에 들어 있어 점수가
        부풀려집니다. 학습 단계마다 `zero_grad`로 기울기를 비우고, 평가는 `eval()`과 `no_grad()` 안에서 합니다.
    """,
)
def _check_09_5(cross_validate: object) -> None:
    X, y, folds = _cv_data()
    epochs = 20
    made: list[_FoldProbe] = []
    inits: list[dict[str, torch.Tensor]] = []

    def new_model() -> _FoldProbe:
        with seeded(100 + len(made)):
            probe = _FoldProbe()
        made.append(probe)
        inits.append({k: v.detach().clone() for k, v in probe.linear.state_dict().items()})
        return probe

    doing = "폴드 3개(각 검증 12개), 20 에폭으로 불렀을 때"
    with seeded(0):
        result = call(cross_validate, doing, new_model, X.clone(), y.clone(), folds, epochs)
    with case(doing):
        if len(made) == 0:
            raise Wrong("`new_model()`을 한 번도 부르지 않았습니다. 폴드마다 `new_model()`로 새 모델을 만드세요.")
        if len(made) == 1:
            raise Wrong(
                "모델을 한 번만 만들었습니다. 폴드마다 반복문 안에서 `new_model()`을 불러 새 모델로 시작하세요"
                "(재사용하면 이전 폴드에서 검증 샘플을 이미 학습한 상태가 됩니다)."
            )
        if len(made) != len(folds):
            raise Wrong(f"폴드가 {len(folds)}개인데 모델을 {len(made)}개 만들었습니다. 폴드마다 하나씩 만드세요.")
        if not isinstance(result, (list, tuple)) or len(result) != len(folds):
            what = (
                f"길이 {len(result)}인 {type(result).__name__}"
                if isinstance(result, (list, tuple))
                else type(result).__name__
            )
            raise Wrong(f"{what}을(를) 돌려줍니다. 폴드마다 정확도 하나씩, {len(folds)}개의 리스트를 돌려주세요.")
        for fold, (probe, (train_idx, val_idx)) in enumerate(zip(made, folds, strict=True), start=1):
            val_rows = set(val_idx.tolist())
            evals = [(t, g) for t, g, x in probe.calls if _rows_of(x, X) == val_rows]
            if not evals:
                raise Wrong(
                    f"폴드 {fold}의 모델로 검증 폴드 전체를 예측한 적이 없습니다. `model(X[val_idx])`로 평가하세요."
                )
            if any(training for training, _ in evals):
                raise Wrong(f"폴드 {fold}: 검증 폴드를 학습 모드로 예측했습니다. 평가 전에 `model.eval()`을 부르세요.")
            if any(grad for _, grad in evals):
                raise Wrong(
                    f"폴드 {fold}: 검증을 `torch.no_grad()` 없이 했습니다. 평가는 `with torch.no_grad():` 안에서 하세요."
                )
            for training, grad, x in probe.calls:
                if training and grad and _rows_of(x, X) & val_rows:
                    raise Wrong(
                        f"폴드 {fold}: 학습에 검증 폴드의 샘플이 들어갔습니다. 학습에는 `X[train_idx]`, `y[train_idx]`만 쓰세요."
                    )
            trained = {k: v.detach() for k, v in probe.linear.state_dict().items()}
            want = _train_reference(inits[fold - 1], X[train_idx], y[train_idx], epochs, zero_grad=True)
            if not all(torch.allclose(trained[k], want[k], atol=1e-5) for k in want):
                piled = _train_reference(inits[fold - 1], X[train_idx], y[train_idx], epochs, zero_grad=False)
                if all(torch.allclose(trained[k], piled[k], atol=1e-5) for k in piled):
                    raise Wrong(
                        f"폴드 {fold}: 기울기가 단계마다 누적되었습니다. `backward()` 전에 `optimizer.zero_grad()`를 부르세요."
                    )
                raise Wrong(
                    f"폴드 {fold}: 학습 후 가중치가 기대와 다릅니다. SGD(lr=0.1), CrossEntropyLoss, 학습 폴드 전체로 "
                    f"{epochs}번 갱신했는지 보세요."
                )
            with torch.no_grad():
                predicted = probe.linear(X[val_idx]).argmax(dim=1)
            want_acc = float((predicted == y[val_idx]).float().mean())
            got = as_number(result[fold - 1], f"폴드 {fold}의 점수")
            if math.isnan(got) or abs(got - want_acc) > 1e-6:
                raise Wrong(f"폴드 {fold}의 점수 {got:.4g}: 검증 폴드의 정확도(맞힌 비율, 0~1)와 다릅니다.")
