"""Exercises of 08_mlp_cifar10: per-channel statistics, v2 train/eval transforms, a batch flip with its own
generator, an MLP for 3x32x32 images that returns logits, and a checkpoint that is a real copy."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import case, expect_int, expect_tensor, expect_values, seeded, shape_text


def _two(value: Any, name: str) -> tuple[Any, Any]:
    """``value`` as a pair; :class:`Wrong` naming what came back otherwise."""
    if not isinstance(value, (tuple, list)):
        raise Wrong(f"`{name}`이(가) {type(value).__name__} 하나를 돌려줍니다. 값 2개를 튜플로 돌려주세요.")
    if len(value) != 2:
        raise Wrong(f"`{name}`이(가) 값 {len(value)}개를 돌려줍니다. 2개를 튜플로 돌려주세요.")
    return value[0], value[1]


# --------------------------------------------------------------------------- 08-1


@exercise(
    "08-1",
    title="채널별 평균과 표준편차",
    task="""
        0~1 실수로 된 이미지 배치 `images`(`(N, C, H, W)`)를 받아 채널별 평균과 표준편차를 `(mean, std)`로
        돌려주는 함수 `channel_stats`를 쓰세요. 둘 다 모양 `(C,)`인 Tensor입니다(`Normalize(mean, std)`에 넣을 값).
        채널 수 C가 3이 아니어도 동작해야 합니다.
    """,
    stub="""
        def channel_stats(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def channel_stats(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))
    """,
    answers="channel_stats",
    hints=(
        "채널마다 값 하나가 남아야 합니다. 모양 `(N, C, H, W)`에서 없애야 할 차원은 어느 것들인가요?",
        "채널 차원(1)만 남기고 나머지를 줄입니다: `images.mean(dim=(0, 2, 3))`. 본문에서는 `(N, H, W, C)` 배열이라 "
        "`dim=(0, 1, 2)`였습니다.",
    ),
    mistakes=(
        Mistake(
            "def channel_stats(images):\n    return images.mean(), images.std()",
            "모양",
            "모든 값의 평균 하나를 구함 (채널별이 아님)",
        ),
        Mistake(
            "def channel_stats(images):\n    return images.mean(dim=(0, 1, 2)), images.std(dim=(0, 1, 2))",
            "채널 차원",
            "HWC 배열에서 쓰던 dim=(0, 1, 2)를 CHW 배치에 그대로 씀",
        ),
        Mistake(
            "def channel_stats(images):\n    return images.mean(dim=0), images.std(dim=0)",
            "모양",
            "배치 차원만 줄여 픽셀마다 평균을 구함",
        ),
    ),
    explanation="""
        `(N, C, H, W)`에서 채널(차원 1)만 남기고 배치, 높이, 너비(0, 2, 3)를 함께 줄이면 채널마다 모든 이미지의 모든
        픽셀에 대한 평균과 표준편차가 나옵니다. 표준편차는 `torch.std`(표본)든 N으로 나눈 값이든 픽셀이 아주 많아
        거의 같습니다. 이 값은 **학습 세트에서만** 구해 검증/테스트에도 그대로 씁니다.
    """,
)
def _check_08_1(channel_stats: object) -> None:
    with seeded(0):
        cases = [
            ("(6, 3, 4, 5) 배치", torch.rand(6, 3, 4, 5) * torch.tensor([1.0, 0.6, 0.3]).view(1, 3, 1, 1)),
            ("채널이 1개인 (4, 1, 6, 6) 배치", torch.rand(4, 1, 6, 6) * 0.5),
        ]
    for label, images in cases:
        doing = f"{label}로 불렀을 때"
        original = images.clone()
        result = call(channel_stats, doing, images)
        if not torch.equal(images, original):
            raise Wrong("함수가 입력 이미지를 바꿨습니다. in-place 연산(`_`로 끝나는 메서드)을 쓰지 마세요.")
        with case(doing):
            mean, std = _two(result, "channel_stats(images)")
            channels = images.shape[1]
            for name, value in (("mean", mean), ("std", std)):
                if isinstance(value, torch.Tensor) and tuple(value.shape) != (channels,):
                    if value.ndim == 1 and value.shape[0] == images.shape[3]:
                        raise Wrong(
                            f"`{name}`의 모양이 {shape_text(value.shape)}입니다. 너비(W) 차원이 남았습니다: "
                            "`(N, C, H, W)`에서 남겨야 할 것은 채널 차원(1)입니다."
                        )
                expect_tensor(value, name, shape=(channels,))
            expect_values(mean, images.mean(dim=(0, 2, 3)), "mean", atol=1e-5)
            unbiased, biased = images.std(dim=(0, 2, 3)), images.std(dim=(0, 2, 3), correction=0)
            if not torch.allclose(std.detach().cpu().double(), biased.double(), atol=1e-5):
                expect_values(std, unbiased, "std", atol=1e-5)


# --------------------------------------------------------------------------- 08-2


def _pil_images(count: int) -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)) for _ in range(count)]


def _as_plain(value: Any, name: str) -> torch.Tensor:
    tensor = expect_tensor(value, name, shape=(3, 32, 32))
    if not tensor.is_floating_point():
        raise Wrong(
            f"`{name}`의 dtype이 {tensor.dtype}입니다. 모델에는 float32를 넣습니다: `v2.ToDtype`을 넣었는지 보세요."
        )
    return tensor.detach().cpu().as_subclass(torch.Tensor).float()


@exercise(
    "08-2",
    title="`transforms.v2`로 학습용과 평가용 변환 만들기",
    task="""
        채널별 `mean`, `std`를 받아 `(train_transform, eval_transform)`을 돌려주는 함수 `make_transforms`를
        `transforms.v2`로 쓰세요. 둘 다 PIL 이미지(32×32 RGB)를 받아 정규화된 float32 Tensor `(3, 32, 32)`를 냅니다.
        - `train_transform`: 4픽셀 덧댄 무작위 자르기(`RandomCrop(32, padding=4)`)와 무작위 좌우 뒤집기를 포함
        - `eval_transform`: 증강 없이 변환과 정규화만
    """,
    stub="""
        def make_transforms(mean: list[float], std: list[float]) -> tuple[v2.Compose, v2.Compose]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def make_transforms(mean: list[float], std: list[float]) -> tuple[v2.Compose, v2.Compose]:
            train_transform = v2.Compose([
                v2.ToImage(),
                v2.RandomCrop(32, padding=4),
                v2.RandomHorizontalFlip(),
                v2.ToDtype(torch.float32, scale=True),
                v2.Normalize(mean, std),
            ])
            eval_transform = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean, std)])
            return train_transform, eval_transform
    """,
    answers="make_transforms",
    hints=(
        "v2에서 PIL → float Tensor는 `v2.ToImage()` 다음 `v2.ToDtype(torch.float32, scale=True)`입니다(`scale=True`가 "
        "255로 나눕니다). `Normalize`는 float Tensor에만 쓸 수 있으니 맨 뒤에 둡니다.",
        "증강(`v2.RandomCrop(32, padding=4)`, `v2.RandomHorizontalFlip()`)은 `train_transform`에만 넣습니다. "
        "평가용은 매번 같은 출력을 내야 합니다.",
    ),
    mistakes=(
        Mistake(
            "def make_transforms(mean, std):\n    steps = [v2.ToImage(), v2.RandomCrop(32, padding=4), v2.RandomHorizontalFlip(),\n"
            "             v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean, std)]\n"
            "    return v2.Compose(steps), v2.Compose(steps)",
            "eval_transform",
            "평가용 변환에도 증강을 넣음",
        ),
        Mistake(
            "def make_transforms(mean, std):\n    tail = [v2.ToDtype(torch.float32), v2.Normalize(mean, std)]\n"
            "    return (v2.Compose([v2.ToImage(), v2.RandomCrop(32, padding=4), v2.RandomHorizontalFlip(), *tail]),\n"
            "            v2.Compose([v2.ToImage(), *tail]))",
            "scale=True",
            "ToDtype에 scale=True를 빠뜨려 0~255 값을 그대로 정규화함",
        ),
        Mistake(
            "def make_transforms(mean, std):\n"
            "    return (v2.Compose([v2.ToImage(), v2.Normalize(mean, std), v2.RandomCrop(32, padding=4),\n"
            "                        v2.RandomHorizontalFlip(), v2.ToDtype(torch.float32, scale=True)]),\n"
            "            v2.Compose([v2.ToImage(), v2.Normalize(mean, std), v2.ToDtype(torch.float32, scale=True)]))",
            "순서",
            "uint8 이미지에 Normalize를 먼저 적용함",
        ),
    ),
    explanation="""
        v2 파이프라인의 순서는 PIL → `ToImage`(uint8 Tensor) → 증강(uint8에서도 됨) → `ToDtype(float32, scale=True)`
        (0~1) → `Normalize`입니다. 증강은 학습용에만 넣습니다. 평가용 변환이 무작위이면 같은 모델을 두 번 평가해도
        점수가 달라집니다. v2의 `ToTensor`는 deprecated이므로 `ToImage` + `ToDtype`을 씁니다.
    """,
)
def _check_08_2(make_transforms: object) -> None:
    mean, std = [0.49, 0.48, 0.45], [0.25, 0.24, 0.26]
    result = call(make_transforms, "mean, std로 불렀을 때", list(mean), list(std))
    train_transform, eval_transform = _two(result, "make_transforms(mean, std)")
    images = _pil_images(3)
    m, s = torch.tensor(mean).view(3, 1, 1), torch.tensor(std).view(3, 1, 1)
    with seeded(0):
        for name, transform in (("eval_transform", eval_transform), ("train_transform", train_transform)):
            try:
                call(transform, f"`{name}`에 PIL 이미지를 넣었을 때", images[0])
            except LearnerCodeError as exc:
                if "float" in str(exc.error):
                    raise Wrong(
                        f"`{name}`에서 오류가 났습니다({exc.error}). `Normalize`는 float Tensor에만 쓸 수 있습니다: "
                        "변환의 순서를 보세요(`ToDtype`이 먼저)."
                    ) from exc
                raise
        for image in images:
            want = (torch.from_numpy(np.array(image)).permute(2, 0, 1).float() / 255 - m) / s
            first = _as_plain(
                call(eval_transform, "`eval_transform`에 PIL 이미지를 넣었을 때", image), "eval_transform(image)"
            )
            again = _as_plain(
                call(eval_transform, "`eval_transform`에 PIL 이미지를 넣었을 때", image), "eval_transform(image)"
            )
            if not torch.equal(first, again):
                raise Wrong(
                    "`eval_transform`의 출력이 부를 때마다 다릅니다. 평가용 변환에는 증강(무작위 변환)을 넣지 마세요."
                )
            if float(first.abs().max()) > 50:
                raise Wrong(
                    f"`eval_transform` 출력의 최댓값이 {float(first.abs().max()):.0f}입니다. 0~255 값을 그대로 정규화했습니다: "
                    "`v2.ToDtype(torch.float32, scale=True)`로 0~1로 바꾸세요."
                )
            unit = torch.from_numpy(np.array(image)).permute(2, 0, 1).float() / 255
            if torch.allclose(first, unit, atol=1e-5):
                raise Wrong(
                    "`eval_transform`의 출력이 0~1 값 그대로입니다. 정규화(`v2.Normalize(mean, std)`)가 빠졌습니다."
                )
            with case("`eval_transform(image)`"):
                expect_values(first, want, "eval_transform(image)", atol=1e-5, rtol=1e-5)
        outputs = [
            _as_plain(
                call(train_transform, "`train_transform`에 PIL 이미지를 넣었을 때", images[0]), "train_transform(image)"
            )
            for _ in range(12)
        ]
    if float(outputs[0].abs().max()) > 50:
        raise Wrong("`train_transform` 출력의 값이 0~255 범위로 정규화되었습니다. `ToDtype`에 `scale=True`를 주세요.")
    if all(torch.equal(outputs[0], out) for out in outputs[1:]):
        raise Wrong("`train_transform`의 출력이 12번 모두 같습니다. 무작위 자르기와 좌우 뒤집기를 넣었는지 보세요.")
    plain = (torch.from_numpy(np.array(images[0])).permute(2, 0, 1).float() / 255 - m) / s
    if not any(
        torch.allclose(out, plain.flip(dims=[2]), atol=1e-5) or _shifted(out, plain.flip(dims=[2])) for out in outputs
    ):
        raise Wrong("12번 가운데 좌우로 뒤집힌 출력이 하나도 없습니다. `v2.RandomHorizontalFlip()`을 넣었는지 보세요.")


def _shifted(out: torch.Tensor, image: torch.Tensor) -> bool:
    """True if ``out`` is ``image`` moved by some crop offset within 4 pixels (compared where both are defined)."""
    for dy in range(-4, 5):
        for dx in range(-4, 5):
            a = out[:, max(0, -dy) : 32 - max(0, dy), max(0, -dx) : 32 - max(0, dx)]
            b = image[:, max(0, dy) : 32 - max(0, -dy), max(0, dx) : 32 - max(0, -dx)]
            if torch.allclose(a, b, atol=1e-5):
                return True
    return False


# --------------------------------------------------------------------------- 08-3


@exercise(
    "08-3",
    title="배치 전체를 무작위로 좌우 뒤집기",
    task="""
        이미지 배치 `batch`(`(B, C, H, W)`)의 각 이미지를 **따로** 50% 확률로 좌우로 뒤집어 새 Tensor로 돌려주는
        함수 `random_flip`을 쓰세요. 난수는 인자로 받은 `generator`(`torch.Generator`)에서만 뽑아, 같은 시드의
        generator를 주면 같은 결과가 나와야 합니다. 입력 Tensor는 바꾸지 않습니다.
    """,
    stub="""
        def random_flip(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def random_flip(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
            flip = torch.rand(batch.shape[0], generator=generator) < 0.5  # one coin per image
            flip = flip.view(-1, 1, 1, 1).to(batch.device)
            return torch.where(flip, batch.flip(dims=[3]), batch)
    """,
    answers="random_flip",
    hints=(
        "이미지마다 동전 하나: `torch.rand(B, generator=generator) < 0.5`는 Boolean Tensor `(B,)`입니다. "
        "좌우는 너비 차원(3)입니다.",
        "`torch.where(조건, 뒤집은 배치, 원래 배치)`에서 조건의 모양을 `(B, 1, 1, 1)`로 바꾸면 이미지마다 고릅니다. "
        "뒤집은 배치는 `batch.flip(dims=[3])`입니다.",
    ),
    mistakes=(
        Mistake(
            "def random_flip(batch, generator):\n    flip = torch.rand(batch.shape[0], generator=generator) < 0.5\n"
            "    return torch.where(flip.view(-1, 1, 1, 1), batch.flip(dims=[2]), batch)",
            "위아래",
            "높이 차원(dims=[2])을 뒤집어 위아래로 뒤집음",
        ),
        Mistake(
            "def random_flip(batch, generator):\n    if torch.rand(1, generator=generator) < 0.5:\n"
            "        return batch.flip(dims=[3])\n    return batch.clone()",
            "함께",
            "배치 전체에 동전 하나를 던짐",
        ),
        Mistake(
            "def random_flip(batch, generator):\n    flip = torch.rand(batch.shape[0]) < 0.5\n"
            "    return torch.where(flip.view(-1, 1, 1, 1), batch.flip(dims=[3]), batch)",
            "generator",
            "받은 generator를 쓰지 않고 전역 난수를 씀",
        ),
    ),
    explanation="""
        증강은 이미지마다 따로 정합니다. 동전 `(B,)`를 `(B, 1, 1, 1)`로 바꾸면 `torch.where`가 브로드캐스팅으로
        이미지 단위로 고릅니다. 난수를 전용 `generator`에서 뽑으면 증강이 모델 초기화나 배치 순서의 난수와 섞이지
        않아, 증강만 다르게 한 통제된 실험을 할 수 있습니다.
    """,
)
def _check_08_3(random_flip: object) -> None:
    with seeded(0):
        batch = torch.randn(200, 2, 3, 5)
    original = batch.clone()
    doing = "배치 (200, 2, 3, 5)로 불렀을 때"
    results = []
    with seeded(7):
        for _ in range(2):
            given = original.clone()
            results.append(call(random_flip, doing, given, torch.Generator().manual_seed(0)))
            if not torch.equal(given, original):
                raise Wrong("함수가 입력 배치를 바꿨습니다. 새 Tensor를 돌려주세요(in-place 연산을 쓰지 마세요).")
    first, second = results
    with case(doing):
        result = expect_tensor(first, "random_flip(batch, generator)", shape=batch.shape).detach().cpu()
        flipped = [torch.equal(r, b.flip(dims=[2])) for r, b in zip(result, batch, strict=True)]
        kept = [torch.equal(r, b) for r, b in zip(result, batch, strict=True)]
        if not all(f or k for f, k in zip(flipped, kept, strict=True)):
            if all(torch.equal(r, b) or torch.equal(r, b.flip(dims=[1])) for r, b in zip(result, batch, strict=True)):
                raise Wrong("이미지가 위아래로 뒤집혔습니다. 좌우는 너비 차원(마지막 차원, `dims=[3]`)입니다.")
            raise Wrong(
                "원래 이미지도, 좌우로 뒤집은 이미지도 아닌 결과가 있습니다. 이미지마다 둘 중 하나를 골라야 합니다."
            )
        share = sum(flipped) / len(flipped)
        if share in (0.0, 1.0):
            raise Wrong(
                f"200장이 모두 함께 {'뒤집혔' if share else '그대로였'}습니다. 동전은 배치에 하나가 아니라 이미지마다 하나씩 던지세요."
            )
        if not 0.35 <= share <= 0.65:
            raise Wrong(f"200장 중 {share:.0%}가 뒤집혔습니다. 확률은 50%여야 합니다.")
        if not torch.equal(first.detach().cpu(), second.detach().cpu()):
            raise Wrong(
                "같은 시드의 generator를 두 번 주었는데 결과가 다릅니다. 난수를 `generator=generator`로 뽑으세요."
            )


# --------------------------------------------------------------------------- 08-4

_MLP_PARAMS = 3 * 32 * 32 * 256 + 256 + 256 * 10 + 10


@exercise(
    "08-4",
    title="3×32×32 이미지를 위한 MLP",
    task="""
        CIFAR-10 이미지 배치 `(N, 3, 32, 32)`를 받아 10개 클래스의 로짓 `(N, 10)`을 내는 `nn.Module` 클래스
        `CifarMLP`를 쓰세요. 구조: 펼치기(3×32×32 = 3,072) → `Linear(3072, 256)` → ReLU → `Linear(256, 10)`.
        `nn.CrossEntropyLoss`와 함께 쓸 모델입니다.
    """,
    stub="""
        class CifarMLP(nn.Module):
            def __init__(self):
                super().__init__()
                ...  # 층을 만드세요

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                ...  # 로짓 (N, 10)을 돌려주세요
    """,
    solution="""
        class CifarMLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.flatten = nn.Flatten()
                self.hidden = nn.Linear(3 * 32 * 32, 256)
                self.out = nn.Linear(256, 10)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return self.out(torch.relu(self.hidden(self.flatten(x))))
    """,
    answers="CifarMLP",
    hints=(
        "`nn.Linear`는 `(N, 특성)`을 받습니다. 먼저 `nn.Flatten()`(또는 `x.flatten(start_dim=1)`)으로 배치 차원은 "
        "두고 나머지를 펼치세요. 배치 크기를 숫자로 쓰면 안 됩니다.",
        "마지막 층의 출력(로짓)을 그대로 돌려주세요. `CrossEntropyLoss`가 안에서 softmax를 하므로 모델 끝에 "
        "`Softmax`를 넣지 않습니다.",
    ),
    mistakes=(
        Mistake(
            "class CifarMLP(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.hidden = nn.Linear(3072, 256)\n        self.out = nn.Linear(256, 10)\n\n"
            "    def forward(self, x):\n        return self.out(torch.relu(self.hidden(x)))",
            "펼치",
            "입력을 펼치지 않고 Linear에 넣음",
        ),
        Mistake(
            "class CifarMLP(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(3072, 256), nn.ReLU(), nn.Linear(256, 10),\n"
            "                                    nn.Softmax(dim=1))\n\n    def forward(self, x):\n        return self.layers(x)",
            "softmax",
            "CrossEntropyLoss 앞에 Softmax를 넣음",
        ),
        Mistake(
            "class CifarMLP(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(3072, 256), nn.Linear(256, 10))\n\n"
            "    def forward(self, x):\n        return self.layers(x)",
            "ReLU",
            "층 사이의 ReLU를 빠뜨림",
        ),
        Mistake(
            "class CifarMLP(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.hidden = nn.Linear(3072, 256)\n        self.out = nn.Linear(256, 10)\n\n"
            "    def forward(self, x):\n        return self.out(torch.relu(self.hidden(x.view(64, -1))))",
            "배치 크기",
            "view(64, -1)로 배치 크기를 고정함",
        ),
    ),
    explanation="""
        MLP는 이미지를 3,072개 숫자의 목록으로 봅니다. `nn.Flatten()`은 배치 차원을 지키며 펼치므로 배치 크기가
        무엇이든 됩니다. 파라미터는 3,072 × 256 + 256 + 256 × 10 + 10 = 789,258개이고 대부분이 첫 층에 있습니다.
        ReLU가 없으면 두 층은 선형 층 하나와 같고, 끝에 `Softmax`를 넣으면 `CrossEntropyLoss`가 softmax를 두 번
        하게 되어 학습이 느려집니다.
    """,
)
def _check_08_4(CifarMLP: object) -> None:
    with seeded(0):
        model = call(CifarMLP, "`CifarMLP()`로 모델을 만들 때")
        x5, x1 = torch.randn(5, 3, 32, 32), torch.randn(1, 3, 32, 32)
    if not isinstance(model, nn.Module):
        raise Wrong(f"`CifarMLP()`가 {type(model).__name__}입니다. `nn.Module`을 상속한 클래스를 쓰세요.")
    count = sum(p.numel() for p in model.parameters())
    expect_int(count, _MLP_PARAMS, "파라미터 수")
    model.eval()
    for label, x in (("배치 크기 5인 입력 (5, 3, 32, 32)", x5), ("배치 크기 1인 입력 (1, 3, 32, 32)", x1)):
        doing = f"{label}을 넣었을 때"
        try:
            with torch.no_grad():
                out = call(model, doing, x)
        except LearnerCodeError as exc:
            text = str(exc.error)
            shapes = re.search(r"\((\d+)x(\d+) and (\d+)x(\d+)\)", text)
            if shapes and int(shapes.group(2)) == x.shape[-1]:
                raise Wrong(
                    f"{doing}: 오류가 났습니다({text}). 입력을 펼치지 않았습니다: `nn.Flatten()`이나 "
                    "`x.flatten(start_dim=1)`로 (N, 3072)를 만드세요."
                ) from exc
            if (shapes and int(shapes.group(1)) != x.shape[0]) or "is invalid for input of size" in text:
                raise Wrong(f"{doing}: 오류가 났습니다({text}). 배치 크기를 숫자로 고정했는지 보세요.") from exc
            raise
        with case(doing):
            out = expect_tensor(out, "model(x)", shape=(x.shape[0], 10))
            rows = out.detach().sum(dim=1)
            if bool(((out >= 0) & (out <= 1)).all()) and torch.allclose(rows, torch.ones_like(rows), atol=1e-4):
                raise Wrong(
                    "출력이 확률(행마다 합 1)입니다. softmax를 빼고 로짓을 돌려주세요: `CrossEntropyLoss`가 안에서 softmax를 합니다."
                )
    with torch.no_grad():
        zero = model(torch.zeros(1, 3, 32, 32))
        linear_like = torch.allclose(model(x1) + model(-x1), 2 * zero, atol=1e-4)
    if linear_like:
        raise Wrong("모델이 선형입니다(f(x) + f(−x) = 2·f(0)). 두 `Linear` 사이에 ReLU를 넣으세요.")


# --------------------------------------------------------------------------- 08-5


@exercise(
    "08-5",
    title="최고 체크포인트를 제대로 복사해 두기",
    task="""
        학습 중 검증 정확도가 새 최고일 때 부를 함수 `snapshot(model)`을 쓰세요. 지금의 `state_dict`를 담은 dict를
        돌려주되, 그 뒤에 모델을 계속 학습해도 **저장해 둔 값은 바뀌지 않아야** 합니다. 돌려준 dict는
        `model.load_state_dict(...)`로 다시 불러올 수 있어야 합니다.
    """,
    stub="""
        def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
            return copy.deepcopy(model.state_dict())
    """,
    answers="snapshot",
    hints=(
        "`model.state_dict()`가 돌려주는 Tensor들은 모델의 파라미터와 **같은 메모리**를 가리킵니다. 옵티마이저가 "
        "파라미터를 바꾸면 그 dict 안의 값도 바뀝니다.",
        "`copy.deepcopy(model.state_dict())`나 `{k: v.detach().clone() for k, v in model.state_dict().items()}`로 "
        "Tensor까지 복사하세요. `dict(...)`나 `copy.copy(...)`는 dict만 새로 만들고 Tensor는 그대로 공유합니다.",
    ),
    mistakes=(
        Mistake(
            "def snapshot(model):\n    return model.state_dict()",
            "바뀌었습니다",
            "state_dict()를 복사하지 않고 그대로 저장함",
        ),
        Mistake(
            "def snapshot(model):\n    return copy.copy(model.state_dict())",
            "바뀌었습니다",
            "copy.copy나 dict(...)로 얕게 복사함",
        ),
        Mistake(
            "def snapshot(model):\n    return {name: p.detach().clone() for name, p in model.named_parameters()}",
            "running_mean",
            "named_parameters()만 복사해 버퍼(배치 정규화의 running_mean 등)를 빠뜨림",
        ),
    ),
    explanation="""
        `state_dict()`는 모델의 파라미터와 버퍼를 **참조**하는 dict입니다. 그대로 두면 학습이 이어지면서 "최고"였던
        값이 마지막 값으로 바뀌어 버립니다. `copy.deepcopy`로 Tensor까지 복사해야 그 순간의 가중치가 남습니다.
        `cu.fit`의 `best_state`도 같은 이유로 복사본(CPU)을 저장합니다. 파일로 저장할 때는 `torch.save`가 그 순간의
        값을 디스크에 쓰므로 이 문제가 없습니다.
    """,
)
def _check_08_5(snapshot: object) -> None:
    with seeded(0):
        model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
        model.train()
        model(torch.randn(8, 4))  # give the batch-norm buffers non-default values
        probe = torch.randn(5, 4)
    model.eval()
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        expected_out = model(probe)
    saved = call(snapshot, "작은 모델(Linear + BatchNorm1d)로 불렀을 때", model)
    if isinstance(saved, nn.Module):
        raise Wrong("모델 전체를 돌려줍니다. `state_dict`처럼 이름 → Tensor인 dict를 돌려주세요.")
    if not isinstance(saved, dict):
        raise Wrong(f"{type(saved).__name__}을(를) 돌려줍니다. 이름 → Tensor인 dict를 돌려주세요.")
    missing = [k for k in before if k not in saved]
    if missing:
        raise Wrong(
            f"저장한 dict에 {', '.join(missing[:3])}이(가) 없습니다. 파라미터뿐 아니라 버퍼까지 담긴 `state_dict()`를 쓰세요."
        )
    with torch.no_grad():  # "keep training": every parameter and buffer moves on
        for value in model.state_dict().values():
            if value.is_floating_point():
                value.add_(1.0)
    changed = [k for k, v in before.items() if not torch.equal(torch.as_tensor(saved[k]).detach().cpu(), v)]
    if changed:
        raise Wrong(
            f"모델을 더 학습하자 저장해 둔 값도 바뀌었습니다({changed[0]} 등). 저장한 Tensor가 모델과 메모리를 공유합니다: "
            "Tensor까지 복사하세요."
        )
    model.load_state_dict(saved)  # our own model: back to the saved weights
    with torch.no_grad():
        if not torch.allclose(model(probe), expected_out, atol=1e-6):
            raise Wrong("저장한 dict를 불러온 모델의 출력이 저장할 때와 다릅니다.")
