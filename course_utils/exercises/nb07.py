"""Exercises of 07_mlp_mnist: normalisation statistics from the training split, one training epoch,
accuracy over a loader, a confusion matrix, and restoring a saved state_dict.

Each check builds its own small seeded data and models on the CPU; the learner's functions are
called on them, so nothing the learner made in the notebook is touched.
"""

from __future__ import annotations

import copy
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_number, expect_tensor, expect_values, seeded
from .nb06 import _Probe

# --------------------------------------------------------------------------- 07-1


def _stats(images: torch.Tensor) -> tuple[float, float]:
    pixels = images.float() / 255
    return float(pixels.mean()), float(pixels.std())


def _pair(value: Any, name: str) -> tuple[float, float]:
    """Two numbers from a (mean, std) answer; :class:`Wrong` otherwise."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = type(value).__name__ + (f" (길이 {len(value)})" if isinstance(value, (tuple, list)) else "")
        raise Wrong(f"`{name}`이(가) {kind}입니다. (평균, 표준편차) 두 숫자를 돌려주세요.")
    return as_number(value[0], "평균"), as_number(value[1], "표준편차")


@exercise(
    "07-1",
    title="정규화 통계는 학습 세트에서만",
    task="""
        `Normalize(mean, std)`에 쓸 픽셀 평균과 표준편차를 구하는 함수 `train_stats`를 쓰세요. `images`는
        학습용 원본 전체(`uint8`, 모양 `(N, 28, 28)`, 값 0\\~255)이고 `train_idx`는 그중 **학습 세트**로 나눈
        샘플의 번호(리스트 또는 Tensor)입니다. 나머지는 검증 세트이니 통계에 넣으면 안 됩니다. 픽셀 값을
        0\\~1로 바꾼 뒤의 `(평균, 표준편차)`를 숫자 두 개로 돌려주세요.
    """,
    stub="""
        def train_stats(images: torch.Tensor, train_idx) -> tuple[float, float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def train_stats(images: torch.Tensor, train_idx) -> tuple[float, float]:
            pixels = images[train_idx].float() / 255
            return pixels.mean().item(), pixels.std().item()
    """,
    answers="train_stats",
    hints=(
        "세 단계입니다: 학습 세트의 이미지만 고르기(`images[train_idx]`), 0~1 실수로 바꾸기, 평균과 표준편차.",
        "`uint8` Tensor는 평균을 구할 수 없으니 먼저 `.float()`로 바꾸고 255로 나누세요. 숫자 하나는 `.item()`으로 꺼냅니다.",
    ),
    mistakes=(
        Mistake(
            "def train_stats(images, train_idx):\n    pixels = images.float() / 255\n"
            "    return pixels.mean().item(), pixels.std().item()",
            "누수",
            "검증 세트 이미지까지 넣어 통계를 계산함(데이터 누수)",
        ),
        Mistake(
            "def train_stats(images, train_idx):\n    pixels = images[train_idx].float()\n"
            "    return pixels.mean().item(), pixels.std().item()",
            "0~255",
            "255로 나누지 않음",
        ),
        Mistake(
            "def train_stats(images, train_idx):\n    pixels = images[train_idx]\n"
            "    return pixels.mean().item() / 255, pixels.std().item() / 255",
            "uint8",
            "uint8 Tensor에 바로 mean()을 부름",
        ),
        Mistake(
            "def train_stats(images, train_idx):\n    pixels = images[train_idx].float() / 255\n"
            "    return pixels.mean().item(), pixels.std(dim=(1, 2)).mean().item()",
            "이미지마다",
            "이미지마다 구한 표준편차를 평균함",
        ),
    ),
    explanation="""
        검증·테스트 세트는 학습이 끝날 때까지 본 적 없는 데이터 역할을 해야 하므로, 그 픽셀로 구한 통계를
        전처리에 넣으면 평가 데이터의 정보가 학습 쪽으로 새어 들어갑니다(데이터 누수). 통계는 나눈 뒤 학습
        세트에서만 구하고, 검증·테스트에는 같은 값을 씁니다. 표준편차는 모든 픽셀에 대해 한 번에 구합니다.
        이미지마다 구한 표준편차의 평균은 이미지 사이의 밝기 차이를 빼먹어 더 작습니다.
    """,
)
def _check_07_1(train_stats: object) -> None:
    cases = []
    for seed, n_train, n_val, as_tensor in ((0, 20, 8, False), (1, 13, 9, True)):
        with seeded(seed):
            # each image has its own brightness (so per-image and overall std differ); validation images are brighter
            train = torch.rand(n_train, 28, 28) * torch.linspace(40, 160, n_train).view(-1, 1, 1)
            val = 90 + torch.rand(n_val, 28, 28) * 165
            images = torch.cat([train, val]).to(torch.uint8)
            order = torch.randperm(len(images))
        images = images[order]
        train_idx = torch.argsort(order)[:n_train].sort().values  # where the training images went
        index = train_idx if as_tensor else train_idx.tolist()
        kind = "Tensor" if as_tensor else "리스트"
        cases.append((f"이미지 {len(images)}장 중 학습 {n_train}장(번호는 {kind})", images, index, train_idx))
    for label, images, index, train_idx in cases:
        original = images.clone()
        doing = f"{label}으로 불렀을 때"
        try:
            value = call(train_stats, doing, images, index)
        except LearnerCodeError as exc:
            if "could not infer output dtype" in str(exc.error) or "Byte" in str(exc.error):
                raise Wrong(
                    f"{doing}: 오류가 났습니다({exc.error}). `uint8` Tensor에는 평균을 바로 구할 수 없습니다. "
                    "먼저 실수로 바꾸세요."
                ) from exc
            raise
        if not torch.equal(images, original):
            raise Wrong(
                "함수가 입력 이미지를 바꿨습니다. 새 Tensor를 만들어 계산하세요(in-place 연산 `_`을 쓰지 마세요)."
            )
        with case(doing):
            mean, std = _pair(value, "train_stats(images, train_idx)")
            want_mean, want_std = _stats(images[train_idx])
            leak_mean, leak_std = _stats(images)
            if mean > 1.0 or std > 1.0:
                raise Wrong(f"평균이 {mean:.4g}입니다: 픽셀을 0~255 그대로 썼습니다. 0~1로 바꾼 값의 통계여야 합니다.")
            if math.isclose(mean, leak_mean, rel_tol=1e-3) and not math.isclose(mean, want_mean, rel_tol=1e-3):
                raise Wrong(
                    "학습 세트가 아닌 이미지(검증 세트)까지 넣어 계산했습니다. 평가 데이터의 정보가 새어 "
                    "들어가는 데이터 누수입니다. `train_idx`의 이미지만 쓰세요."
                )
            expect_number(mean, want_mean, "평균", tol=1e-3, relative=True)
            per_image = float((images[train_idx].float() / 255).std(dim=(1, 2)).mean())
            if math.isclose(std, per_image, rel_tol=1e-3):
                raise Wrong(
                    "표준편차가 이미지마다 구한 표준편차의 평균입니다. 학습 세트의 모든 픽셀에 대해 한 번에 구하세요."
                )
            if math.isclose(std, leak_std, rel_tol=1e-3):
                raise Wrong(
                    "표준편차를 검증 세트 이미지까지 넣어 계산했습니다(데이터 누수). `train_idx`의 이미지만 쓰세요."
                )
            expect_number(std, want_std, "표준편차", tol=1e-3, relative=True)


# --------------------------------------------------------------------------- 07-2


class _Recorder(nn.Module):
    """A small classifier that records whether it was in training mode at each call."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 3))
        self.modes: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.modes.append(self.training)
        return self.net(x)


def _reference_epoch(model: nn.Module, loader: DataLoader, zero_grad: bool = True) -> tuple[nn.Module, list[float]]:
    """The course's loop on a copy of ``model`` (optionally without zero_grad); return it and the batch losses."""
    net = copy.deepcopy(model)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    losses = []
    for inputs, targets in loader:
        if zero_grad:
            optimizer.zero_grad()
        loss = loss_fn(net(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return net, losses


def _same_weights(a: nn.Module, b: nn.Module, atol: float = 1e-6) -> bool:
    return all(torch.allclose(p, q, atol=atol, rtol=1e-5) for p, q in zip(a.parameters(), b.parameters(), strict=True))


@exercise(
    "07-2",
    title="한 에폭 학습하는 함수",
    task="""
        모델을 `loader`의 미니배치로 한 에폭 학습시키고, 그 에폭의 평균 손실(샘플당)을 숫자로 돌려주는 함수
        `train_one_epoch`를 쓰세요. 배치를 `device`로 옮기고, 배치마다 파라미터를 한 번 갱신합니다. 모델이
        평가 모드로 넘어와도 학습은 학습 모드에서 해야 합니다.
    """,
    stub="""
        def train_one_epoch(model: nn.Module, loader, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                            device: torch.device) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def train_one_epoch(model: nn.Module, loader, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                            device: torch.device) -> float:
            model.train()
            running_loss, seen = 0.0, 0
            for inputs, targets in loader:
                inputs, targets = inputs.to(device), targets.to(device)
                optimizer.zero_grad()
                loss = loss_fn(model(inputs), targets)
                loss.backward()
                optimizer.step()
                running_loss += loss.item() * len(targets)
                seen += len(targets)
            return running_loss / seen
    """,
    answers="train_one_epoch",
    hints=(
        "에폭을 시작할 때 `model.train()`. 배치마다: 장치로 옮기기, `zero_grad`, 순전파와 손실, `backward`, `step`.",
        "평균 손실은 `loss.item() * len(targets)`를 더한 값을 본 샘플 수로 나눈 것입니다. `.item()`으로 숫자만 "
        "더해야 계산 그래프가 쌓이지 않습니다.",
    ),
    mistakes=(
        Mistake(
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n"
            "    model.train()\n    total, seen = 0.0, 0\n"
            "    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n"
            "        loss = loss_fn(model(x), y)\n        loss.backward()\n        optimizer.step()\n"
            "        total += loss.item() * len(y)\n        seen += len(y)\n    return total / seen",
            "zero_grad",
            "optimizer.zero_grad()를 빠뜨려 기울기가 누적됨",
        ),
        Mistake(
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n"
            "    total, seen = 0.0, 0\n"
            "    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n        optimizer.zero_grad()\n"
            "        loss = loss_fn(model(x), y)\n        loss.backward()\n        optimizer.step()\n"
            "        total += loss.item() * len(y)\n        seen += len(y)\n    return total / seen",
            "train()",
            "model.train()을 부르지 않아 평가 모드로 학습함",
        ),
        Mistake(
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n"
            "    model.train()\n    total, seen = 0.0, 0\n"
            "    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n        optimizer.zero_grad()\n"
            "        loss = loss_fn(model(x), y)\n        optimizer.step()\n        loss.backward()\n"
            "        total += loss.item() * len(y)\n        seen += len(y)\n    return total / seen",
            "step()",
            "backward() 전에 step()을 부름",
        ),
        Mistake(
            "def train_one_epoch(model, loader, loss_fn, optimizer, device):\n"
            "    model.train()\n    total = 0.0\n"
            "    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n        optimizer.zero_grad()\n"
            "        loss = loss_fn(model(x), y)\n        loss.backward()\n        optimizer.step()\n"
            "        total += loss\n    return total / len(loader)",
            "계산 그래프",
            "loss.item() 없이 손실 Tensor를 더함(그래프가 쌓임)",
        ),
    ),
    explanation="""
        PyTorch는 `backward()`가 구한 기울기를 `.grad`에 더하므로 배치마다 `zero_grad()`로 지워야 합니다.
        `step()`은 `backward()`가 채운 기울기로 갱신하므로 그 뒤에 부릅니다. `model.train()`은 Dropout과
        BatchNorm을 학습 동작으로 바꾸고, 평가 함수가 `eval()`로 바꿔 둔 모델을 되돌립니다. 손실을 Tensor
        그대로 더하면 배치마다 계산 그래프가 붙어 메모리가 쌓이니 `.item()`으로 숫자만 더합니다.
    """,
)
def _check_07_2(train_one_epoch: object) -> None:
    with seeded(0):
        start = _Recorder()
        x = torch.randn(48, 20)
        y = torch.randint(0, 3, (48,))
    loader = DataLoader(TensorDataset(x, y), batch_size=16)
    with seeded(1):  # iterating a DataLoader draws a seed from torch's RNG
        reference, losses = _reference_epoch(start, loader)
        no_zero_grad, _ = _reference_epoch(start, loader, zero_grad=False)
    model = copy.deepcopy(start).eval()  # arrives in eval mode, as after an evaluation
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    doing = "입력 (48, 20), 배치 16개씩 3번, SGD(lr=0.1, momentum=0.9)로 불렀을 때"
    with seeded(1), case(doing):
        result = call(train_one_epoch, doing, model, loader, nn.CrossEntropyLoss(), optimizer, torch.device("cpu"))
        if not model.modes:
            raise Wrong("모델을 한 번도 부르지 않았습니다.")
        if not all(model.modes):
            raise Wrong(
                "모델이 평가 모드(training=False)에서 학습했습니다. 에폭을 시작할 때 `model.train()`을 부르세요."
            )
        if len(model.modes) != len(loader):
            raise Wrong(f"모델을 {len(model.modes)}번 불렀습니다. 배치는 {len(loader)}개입니다.")
        if _same_weights(model, start, atol=0.0):
            raise Wrong(
                "가중치가 하나도 바뀌지 않았습니다. `optimizer.step()`은 `loss.backward()`가 구한 기울기로 갱신합니다. "
                "배치마다 zero_grad → 순전파 → 손실 → backward → step 순서로 불렀는지 보세요."
            )
        if not _same_weights(model, reference):
            if _same_weights(model, no_zero_grad):
                raise Wrong(
                    "가중치가 기대와 다릅니다: 이전 배치의 기울기가 지워지지 않고 더해졌습니다. "
                    "배치마다 `optimizer.zero_grad()`를 부르세요."
                )
            raise Wrong(
                "가중치가 기대와 다릅니다. 배치마다 zero_grad → 순전파 → 손실 → backward → step 순서인지, "
                "배치마다 한 번씩만 갱신하는지 보세요."
            )
        if isinstance(result, torch.Tensor) and result.requires_grad:
            raise Wrong(
                "계산 그래프가 달린 Tensor를 돌려줍니다. 손실을 Tensor 그대로 더하면 배치마다 그래프가 쌓입니다. "
                "`loss.item()`으로 숫자만 더하세요."
            )
        value = as_number(result, "train_one_epoch(...)")
        if math.isclose(value, sum(losses), rel_tol=1e-5):
            raise Wrong("배치 손실을 더하기만 하고 나누지 않았습니다. 에폭의 평균 손실을 돌려주세요.")
        if math.isclose(value, losses[-1], rel_tol=1e-5):
            raise Wrong("마지막 배치의 손실만 돌려줍니다. 에폭 전체의 평균 손실이어야 합니다.")
        expect_number(value, sum(losses) / len(losses), "train_one_epoch(...)", tol=1e-5, relative=True)


# --------------------------------------------------------------------------- 07-3


def _accuracy_case(seed: int, n: int, batch_size: int) -> tuple[_Probe, DataLoader, float, float, int]:
    """A probe model, a loader over n samples, the accuracy, the mean of per-batch accuracies, the correct count."""
    with seeded(seed):
        probe = _Probe()
        x = torch.randn(n, 6)
    with torch.no_grad():
        predicted = copy.deepcopy(probe).eval()(x).argmax(dim=1)
    y = predicted.clone()
    y[::3] = (y[::3] + 1) % 4  # every third sample is wrong
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size)
    hits = predicted == y
    per_batch = [float(chunk.float().mean()) for chunk in hits.split(batch_size)]
    return probe, loader, float(hits.float().mean()), sum(per_batch) / len(per_batch), int(hits.sum())


@exercise(
    "07-3",
    title="데이터 전체의 정확도",
    task="""
        `loader`의 모든 샘플에 대한 정확도(0~1, 맞힌 샘플 수 ÷ 전체 샘플 수)를 돌려주는 함수 `accuracy`를 쓰세요.
        평가할 때의 규칙(평가 모드, 기울기 기록 끄기)을 지키고, 마지막 배치가 더 작을 수 있다는 점도 생각하세요.
    """,
    stub="""
        def accuracy(model: nn.Module, loader, device: torch.device) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def accuracy(model: nn.Module, loader, device: torch.device) -> float:
            model.eval()
            correct, seen = 0, 0
            with torch.no_grad():
                for inputs, targets in loader:
                    inputs, targets = inputs.to(device), targets.to(device)
                    predicted = model(inputs).argmax(dim=1)
                    correct += (predicted == targets).sum().item()
                    seen += len(targets)
            return correct / seen
    """,
    answers="accuracy",
    hints=(
        "`model.eval()`과 `with torch.no_grad():` 안에서 배치를 돌며 맞힌 수와 본 샘플 수를 따로 더합니다.",
        "나누는 것은 배치 수(`len(loader)`)가 아니라 샘플 수입니다. 배치마다 구한 정확도를 평균하면 작은 마지막 "
        "배치가 너무 큰 비중을 얻습니다.",
    ),
    mistakes=(
        Mistake(
            "def accuracy(model, loader, device):\n    model.eval()\n    correct = 0\n    with torch.no_grad():\n"
            "        for x, y in loader:\n            correct += (model(x.to(device)).argmax(1) == y.to(device)).sum().item()\n"
            "    return correct / len(loader)",
            "배치 수",
            "맞힌 수를 배치 수로 나눔",
        ),
        Mistake(
            "def accuracy(model, loader, device):\n    model.eval()\n    accs = []\n    with torch.no_grad():\n"
            "        for x, y in loader:\n"
            "            accs.append((model(x.to(device)).argmax(1) == y.to(device)).float().mean().item())\n"
            "    return sum(accs) / len(accs)",
            "평균",
            "배치마다 구한 정확도를 평균함(작은 마지막 배치)",
        ),
        Mistake(
            "def accuracy(model, loader, device):\n    correct, seen = 0, 0\n    with torch.no_grad():\n"
            "        for x, y in loader:\n            correct += (model(x.to(device)).argmax(1) == y.to(device)).sum().item()\n"
            "            seen += len(y)\n    return correct / seen",
            "eval()",
            "model.eval()을 부르지 않음(강의 노트의 평가 코드)",
        ),
    ),
    explanation="""
        정확도는 (맞힌 샘플 수) ÷ (샘플 수)입니다. 배치 크기가 모두 같지 않으면(마지막 배치) 배치별 정확도의
        평균은 이 값과 다릅니다. 강의 노트의 평가 코드는 `torch.no_grad()`만 쓰고 `model.eval()`을 빠뜨렸는데,
        Dropout이나 BatchNorm이 있는 모델에서는 예측이 달라집니다.
    """,
)
def _check_07_3(accuracy: object) -> None:
    for seed, n, batch_size in ((0, 50, 16), (1, 21, 8)):
        probe, loader, acc, batch_mean, correct = _accuracy_case(seed, n, batch_size)
        doing = f"샘플 {n}개, 배치 크기 {batch_size}(마지막 배치 {n % batch_size}개)로 불렀을 때"
        with seeded(seed), case(doing):
            result = call(accuracy, doing, probe, loader, torch.device("cpu"))
            if not probe.calls:
                raise Wrong("모델을 한 번도 부르지 않았습니다.")
            if any(training for training, _ in probe.calls):
                raise Wrong(
                    "모델이 학습 모드(training=True)에서 불렸습니다: Dropout이 켜진 채 평가했습니다. `model.eval()`을 부르세요."
                )
            if any(grad for _, grad in probe.calls):
                raise Wrong("모델이 기울기 기록을 켠 채 불렸습니다. 평가는 `torch.no_grad()` 블록 안에서 합니다.")
            value = as_number(result, "accuracy(...)")
            if math.isclose(value, correct / len(loader), rel_tol=1e-6):
                raise Wrong(f"{value:.4g}를 돌려줍니다: 맞힌 수를 배치 수로 나눴습니다. 샘플 수로 나누세요.")
            if math.isclose(value, 100 * acc, rel_tol=1e-6):
                raise Wrong("백분율(0~100)을 돌려줍니다. 0~1 사이의 비율을 돌려주세요.")
            if math.isclose(value, batch_mean, rel_tol=1e-6):
                raise Wrong(
                    "배치마다 구한 정확도의 평균을 돌려줍니다. 마지막 배치가 작으면 전체 정확도와 다릅니다. "
                    "맞힌 수와 샘플 수를 따로 모으세요."
                )
            expect_number(value, acc, "accuracy(...)", tol=1e-6)


# --------------------------------------------------------------------------- 07-4


def _as_matrix(value: Any, name: str) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    tensor = expect_tensor(value, name)
    if tensor.is_floating_point() and not bool((tensor == tensor.round()).all()):
        raise Wrong(f"`{name}`에 정수가 아닌 값이 있습니다. 칸마다 샘플 수(개수)를 세어야 합니다.")
    return tensor.long()


@exercise(
    "07-4",
    title="혼동 행렬 만들기",
    task="""
        정답 `targets`와 예측 `preds`(둘 다 클래스 번호가 든 1차원 Tensor)와 클래스 수 `num_classes`를 받아
        혼동 행렬을 돌려주는 함수 `confusion`을 쓰세요. 모양은 `(num_classes, num_classes)`, **행은 정답, 열은
        예측**이고 `[i, j]`는 정답이 i인데 j로 예측한 샘플 수입니다. 한 번도 나오지 않은 클래스도 행과 열이
        있어야 합니다. scikit-learn을 써도, PyTorch로 직접 세어도 됩니다(NumPy 배열이나 Tensor로 돌려주세요).
    """,
    stub="""
        def confusion(targets: torch.Tensor, preds: torch.Tensor, num_classes: int):
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        from sklearn.metrics import confusion_matrix


        def confusion(targets: torch.Tensor, preds: torch.Tensor, num_classes: int):
            return confusion_matrix(targets.numpy(), preds.numpy(), labels=list(range(num_classes)))
    """,
    answers="confusion",
    hints=(
        "`sklearn.metrics.confusion_matrix(y_true, y_pred, labels=...)`: 인자의 순서가 행(정답)과 열(예측)을 정합니다.",
        "`labels=list(range(num_classes))`를 주지 않으면 데이터에 나온 클래스만 행과 열이 됩니다.",
    ),
    mistakes=(
        Mistake(
            "from sklearn.metrics import confusion_matrix\n\n"
            "def confusion(targets, preds, num_classes):\n"
            "    return confusion_matrix(preds.numpy(), targets.numpy(), labels=list(range(num_classes)))",
            "행과 열",
            "confusion_matrix에 예측과 정답을 거꾸로 넘김",
        ),
        Mistake(
            "from sklearn.metrics import confusion_matrix\n\n"
            "def confusion(targets, preds, num_classes):\n"
            "    return confusion_matrix(targets.numpy(), preds.numpy())",
            "나오지 않은",
            "labels를 주지 않아 나오지 않은 클래스의 행과 열이 빠짐",
        ),
        Mistake(
            "def confusion(targets, preds, num_classes):\n"
            "    return torch.bincount(targets * num_classes + preds).view(num_classes, num_classes)",
            "minlength",
            "bincount에 minlength를 주지 않음",
        ),
    ),
    explanation="""
        `confusion_matrix(y_true, y_pred)`는 첫 인자를 행, 둘째 인자를 열로 셉니다. 거꾸로 넘기면 전치된 행렬이
        나와 "3을 8로 헷갈림"과 "8을 3으로 헷갈림"이 뒤바뀝니다. 테스트 세트가 작거나 FAST 모드처럼 일부만 쓰면
        어떤 클래스가 아예 없을 수 있으니 `labels`로 클래스 목록을 정해 줍니다. 대각선의 합은 맞힌 개수입니다.
    """,
)
def _check_07_4(confusion: object) -> None:
    cases = [
        ("클래스 3개, 샘플 12개", torch.tensor([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0, 1]), 3),
        ("클래스 4개 중 3번이 한 번도 나오지 않는 샘플 9개", torch.tensor([0, 1, 2, 2, 1, 0, 0, 2, 1]), 4),
    ]
    flips = [torch.tensor([0, 2, 0, 1, 0, 1, 1, 2, 2, 2, 0, 2]), torch.tensor([0, 1, 2, 1, 1, 0, 2, 2, 0])]
    for (label, targets, k), preds in zip(cases, flips, strict=True):
        expected = torch.zeros(k, k, dtype=torch.long)
        for t, p in zip(targets.tolist(), preds.tolist(), strict=True):
            expected[t, p] += 1
        doing = f"{label}로 불렀을 때"
        try:
            value = call(confusion, doing, targets.clone(), preds.clone(), k)
        except LearnerCodeError as exc:
            if "is invalid for input of size" in str(exc.error):
                raise Wrong(
                    f"{doing}: 모양을 바꾸다 오류가 났습니다({exc.error}). 칸의 수가 num_classes²가 아닙니다. "
                    "`torch.bincount`는 `minlength`를 주지 않으면 나온 가장 큰 값까지만 칸을 만듭니다."
                ) from exc
            raise
        with case(doing):
            matrix = _as_matrix(value, "confusion(...)")
            if matrix.ndim == 2 and matrix.shape[0] == matrix.shape[1] and matrix.shape[0] < k:
                raise Wrong(
                    f"결과의 모양이 {tuple(matrix.shape)}입니다: 데이터에 나오지 않은 클래스의 행과 열이 빠졌습니다. "
                    "클래스 목록을 직접 정해 주세요."
                )
            expect_tensor(matrix, "confusion(...)", shape=(k, k))
            if not torch.equal(matrix, expected) and torch.equal(matrix, expected.T):
                raise Wrong("행과 열이 바뀌었습니다. 행은 정답, 열은 예측이어야 합니다.")
            expect_values(matrix, expected, "confusion(...)", what="개수")


# --------------------------------------------------------------------------- 07-5


def _small_model() -> nn.Module:
    return nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))


@exercise(
    "07-5",
    title="저장한 `state_dict`로 모델 되살리기",
    task="""
        `torch.save(model.state_dict(), path)`로 저장한 파일을 불러와, 가중치가 저장할 때와 같은 모델을 돌려주는
        함수 `restore`를 쓰세요. `make_model()`은 같은 구조의 새 모델(가중치는 무작위)을 만들어 주는 함수입니다.
        파일은 안전하게(Tensor만) 불러오고, 모델은 `device`에 두세요.
    """,
    stub="""
        def restore(make_model, path, device: torch.device) -> nn.Module:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def restore(make_model, path, device: torch.device) -> nn.Module:
            model = make_model().to(device)
            state = torch.load(path, map_location=device, weights_only=True)
            model.load_state_dict(state)
            return model
    """,
    answers="restore",
    hints=(
        "두 단계입니다: `make_model()`로 빈 모델을 만들고, `torch.load`로 읽은 사전을 `load_state_dict`로 넣습니다.",
        "`torch.load(path, map_location=device, weights_only=True)`가 돌려주는 것은 모델이 아니라 이름 → Tensor "
        "사전입니다. `load_state_dict`는 모델을 돌려주지 않으니 모델은 따로 돌려주세요.",
    ),
    mistakes=(
        Mistake(
            "def restore(make_model, path, device):\n    return torch.load(path, map_location=device, weights_only=True)",
            "사전",
            "torch.load의 결과(state_dict)를 모델로 여김",
        ),
        Mistake(
            "def restore(make_model, path, device):\n    model = make_model().to(device)\n"
            "    return model.load_state_dict(torch.load(path, map_location=device, weights_only=True))",
            "load_state_dict",
            "load_state_dict의 반환값을 모델로 돌려줌",
        ),
        Mistake(
            "def restore(make_model, path, device):\n    model = make_model().to(device)\n"
            "    torch.load(path, map_location=device, weights_only=True)\n    return model",
            "가중치",
            "파일을 읽기만 하고 모델에 넣지 않음",
        ),
    ),
    explanation="""
        `state_dict`는 이름 → Tensor 사전이라 클래스 정의 없이도 읽을 수 있고, `weights_only=True`(torch 2.6부터
        기본값)로 Tensor와 기본 자료형만 허용해 파일이 코드를 실행하지 못하게 막습니다. 대신 모델 구조는 코드로
        다시 만들고 `load_state_dict`로 값을 채웁니다. `load_state_dict`는 모델이 아니라 빠지거나 남은 키의
        목록을 돌려줍니다. `map_location=device`는 GPU에서 저장한 파일을 CPU에서도 읽게 합니다.
    """,
)
def _check_07_5(restore: object) -> None:
    with seeded(0):
        saved = _small_model()
        x = torch.randn(4, 5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "small.pt"
        torch.save(saved.state_dict(), path)
        doing = "state_dict를 저장한 파일로 불렀을 때"
        with seeded(1), case(doing):
            result = call(restore, doing, _small_model, path, torch.device("cpu"))
            if isinstance(result, dict):
                raise Wrong(
                    "사전(dict)을 돌려줍니다. `torch.load`가 읽은 것은 모델이 아니라 이름 → Tensor 사전(state_dict)입니다. "
                    "새 모델에 넣어 주세요."
                )
            if type(result).__name__ == "_IncompatibleKeys":
                raise Wrong(
                    "`load_state_dict`의 반환값(빠지거나 남은 키 목록)을 돌려줍니다. `load_state_dict`는 모델을 그 "
                    "자리에서 바꾸고 모델을 돌려주지 않습니다."
                )
            if not isinstance(result, nn.Module):
                raise Wrong(f"{type(result).__name__}을(를) 돌려줍니다. 모델(`nn.Module`)을 돌려주세요.")
            state = result.state_dict()
            if set(state) != set(saved.state_dict()):
                raise Wrong("돌려준 모델의 구조(state_dict의 키)가 저장한 모델과 다릅니다. `make_model()`로 만드세요.")
            for name, tensor in saved.state_dict().items():
                if state[name].device.type != "cpu":
                    raise Wrong(f"`{name}`이(가) {state[name].device.type}에 있습니다. `device`에 두세요.")
                if not torch.equal(state[name].detach().cpu(), tensor):
                    raise Wrong(f"`{name}`의 가중치가 저장한 것과 다릅니다. 읽은 값을 모델에 넣었는지 보세요.")
            result.eval()
            with torch.no_grad():
                expect_values(result(x), saved(x), "restore(...)(x)", what="출력")
