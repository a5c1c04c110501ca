"""Exercises of 05_transforms: Normalize statistics, a v2 evaluation pipeline, a one-hot target, post-processing."""

from __future__ import annotations

import math
import textwrap
import warnings
from typing import Any

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import v2

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- helpers for these checks


def test_photo(width: int, height: int, seed: int) -> Image.Image:
    """A small RGB photo stand-in: colour gradients (so geometry matters) plus seeded noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], axis=-1)
    return Image.fromarray(np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8))


def plain(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` as a plain ``torch.Tensor`` (a ``tv_tensors.Image`` stays one through most operations)."""
    return tensor.as_subclass(torch.Tensor)


# --------------------------------------------------------------------------- 05-1


def _batch(shape: tuple[int, ...]) -> torch.Tensor:
    """Seeded images in [0, 1) whose channels have clearly different means and spreads."""
    with seeded(0):
        images = torch.rand(shape)
    channels = shape[1]
    offsets = torch.linspace(0.0, 0.5, channels).view(1, channels, 1, 1)
    scales = torch.linspace(0.3, 1.0, channels).view(1, channels, 1, 1)
    return images * scales + offsets


@exercise(
    "05-1",
    title="Normalize에 넣을 채널별 평균과 표준편차",
    task="""
        `Normalize(mean, std)`의 `mean`과 `std`는 학습 이미지에서 채널마다 구합니다. 이미지 배치 `images`
        `(N, C, H, W)`를 받아 채널별 평균과 표준편차를 `(mean, std)`로 돌려주는 함수 `channel_stats`를 쓰세요.
        둘 다 모양이 `(C,)`인 Tensor입니다(채널 수 C는 3이 아닐 수도 있습니다).
    """,
    stub="""
        def channel_stats(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def channel_stats(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            dims = (0, 2, 3)  # every image, every row, every column: all but the channel dimension
            return images.mean(dim=dims), images.std(dim=dims)
    """,
    answers="channel_stats",
    hints=(
        "채널마다 값 하나가 남아야 합니다. 어떤 차원들을 없애고(평균 내고) 어떤 차원을 남겨야 할까요?",
        "`mean`과 `std`는 `dim=`에 차원 번호의 튜플을 받습니다. `(N, C, H, W)`에서 C(1번)만 남기세요.",
    ),
    mistakes=(
        Mistake(
            "def channel_stats(images):\n    return images.mean(), images.std()",
            "모양",
            "모든 값을 한꺼번에 평균 내서 숫자 하나가 됨",
        ),
        Mistake(
            "def channel_stats(images):\n    return images.mean(dim=(1, 2, 3)), images.std(dim=(1, 2, 3))",
            "모양",
            "이미지마다 평균을 냄 (채널이 아니라 배치 차원을 남김)",
        ),
        Mistake(
            "def channel_stats(images):\n"
            "    flat = images.view(images.shape[1], -1)\n"
            "    return flat.mean(dim=1), flat.std(dim=1)",
            "view",
            "view(C, -1)로 펼쳐서 채널이 섞임 (permute 없이)",
        ),
        Mistake(
            "def channel_stats(images):\n"
            "    flat = images.permute(1, 0, 2, 3).reshape(3, -1)\n"
            "    return flat.mean(dim=1), flat.std(dim=1)",
            "채널 1개",
            "채널 수를 3으로 고정함",
        ),
    ),
    explanation="""
        `dim=(0, 2, 3)`은 배치, 높이, 너비를 평균 내고 채널 차원만 남깁니다. `view(C, -1)`은 메모리 순서
        (N, C, H, W)를 그대로 C 조각으로 자를 뿐이라 한 조각에 여러 채널이 섞입니다. 펼쳐서 구하려면
        `images.permute(1, 0, 2, 3).reshape(C, -1)`처럼 채널을 맨 앞으로 옮긴 뒤 펼칩니다. 표준편차는 `std`의
        기본값(표본 표준편차)이든 `correction=0`이든 이미지 픽셀 수가 많아 거의 같습니다.
    """,
)
def _check_05_1(channel_stats: object) -> None:
    for label, shape in (("RGB 배치 (8, 3, 5, 7)", (8, 3, 5, 7)), ("채널 1개인 흑백 배치 (4, 1, 6, 6)", (4, 1, 6, 6))):
        images = _batch(shape)
        original = images.clone()
        result = call(channel_stats, f"{label}로 불렀을 때", images)
        if not torch.equal(images, original):
            raise Wrong("함수가 입력 Tensor를 바꿨습니다. 새 Tensor를 돌려주세요(in-place 연산 `_`을 쓰지 마세요).")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Wrong(f"{type(result).__name__}을(를) 돌려줍니다. (mean, std) 두 값을 돌려주세요.")
        channels = shape[1]
        mean_ref, std_ref = images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))
        mixed = images.reshape(channels, -1)
        with case(f"{label}의 평균"):
            mean = expect_tensor(result[0], "mean", shape=(channels,))
            if channels > 1 and torch.allclose(plain(mean).float(), mixed.mean(dim=1), atol=1e-5):
                raise Wrong(
                    "채널별로 모이지 않았습니다. (N, C, H, W)를 `view(C, -1)`로 펼치면 한 줄에 여러 채널의 값이 "
                    "섞입니다(메모리에서 채널 차원은 맨 앞이 아닙니다)."
                )
            expect_values(mean, mean_ref, "mean", atol=1e-4)
        with case(f"{label}의 표준편차"):
            std = expect_tensor(result[1], "std", shape=(channels,))
            expect_values(std, std_ref, "std", atol=1e-3, rtol=2e-2)


# --------------------------------------------------------------------------- 05-2

SOLUTION_05_2 = """
    def make_eval_transform(size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> v2.Compose:
        return v2.Compose(
            [
                v2.Resize(size),  # the shorter side becomes `size`, the aspect ratio is kept
                v2.CenterCrop(size),
                v2.ToImage(),  # PIL -> tv_tensors.Image, uint8 (C, H, W)
                v2.ToDtype(torch.float32, scale=True),  # 0~255 -> 0.0~1.0
                v2.Normalize(mean, std),
            ]
        )
"""


def _variant(old: str, new: str) -> str:
    """The 05-2 solution with ``old`` replaced by ``new`` (a realistic mistake)."""
    solution = textwrap.dedent(SOLUTION_05_2)
    assert old in solution, old
    return solution.replace(old, new)


def _reference(
    size: int, mean: tuple[float, ...], std: tuple[float, ...], squash: bool = False, normalize: bool = True
) -> v2.Compose:
    """The expected pipeline, or the one a mistake builds (squashed, or not normalised)."""
    resize = [v2.Resize((size, size))] if squash else [v2.Resize(size), v2.CenterCrop(size)]
    last = [v2.Normalize(mean, std)] if normalize else []
    return v2.Compose([*resize, v2.ToImage(), v2.ToDtype(torch.float32, scale=True), *last])


def _build(make: Any, label: str, size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> Any:
    """Call the learner's ``make_eval_transform``; a deprecation warning (v2.ToTensor) becomes feedback."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        transform = call(make, label, size, mean, std)
    if any("deprecated" in str(w.message) for w in caught):
        raise Wrong(
            "deprecated 경고가 났습니다. v2의 `ToTensor()`는 곧 사라집니다: "
            "`v2.ToImage()`와 `v2.ToDtype(torch.float32, scale=True)`를 쓰세요."
        )
    if not isinstance(transform, v2.Transform):
        raise Wrong(
            f"{type(transform).__module__}.{type(transform).__name__}을(를) 돌려줍니다. "
            "`v2.Compose([...])`를 돌려주세요(이 강의는 05부터 v2를 씁니다)."
        )
    steps = getattr(transform, "transforms", [transform])
    old = [type(step).__name__ for step in steps if not isinstance(step, v2.Transform)]
    if old:
        raise Wrong(
            f"v2.Compose 안에 기존(v1) 변환 {', '.join(old)}이(가) 섞여 있습니다. 같은 이름의 v2 변환을 쓰세요 "
            "(ToTensor 대신 ToImage와 ToDtype)."
        )
    return transform


def _apply(transform: Any, image: Image.Image, label: str) -> Any:
    try:
        return call(transform, f"{label}에 적용할 때", image)
    except LearnerCodeError as exc:
        if "should be a float tensor" in str(exc.error):
            raise Wrong(
                "Normalize가 uint8 Tensor를 받아 오류가 났습니다(float Tensor에만 쓸 수 있음). "
                "Compose 안의 순서를 확인하세요."
            ) from exc
        raise


@exercise(
    "05-2",
    title="v2로 평가용 전처리 만들기",
    task="""
        PIL 이미지를 받아 ① 짧은 변을 `size`로 줄이고(가로세로 비율 유지) ② 가운데 `size`×`size`를 잘라
        ③ 0~1 범위의 float32 Tensor `(3, size, size)`로 바꾼 뒤 ④ `Normalize(mean, std)`를 적용하는 평가용 변환을
        `v2.Compose`로 만들어 돌려주는 함수 `make_eval_transform(size, mean, std)`를 쓰세요.
    """,
    stub="""
        def make_eval_transform(size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> v2.Compose:
            ...  # 여기에 코드를 쓰세요
    """,
    solution=SOLUTION_05_2,
    answers="make_eval_transform",
    hints=(
        "변환 다섯 개를 순서대로 `v2.Compose([...])`에 넣습니다: 크기 조정, 가운데 자르기, Tensor로, float로, 정규화.",
        "`v2.Resize(size)`(정수 하나)는 짧은 변만 맞춥니다. PIL → Tensor는 `v2.ToImage()`, 0~255 → 0~1은 "
        "`v2.ToDtype(torch.float32, scale=True)`입니다.",
        "`v2.Normalize(mean, std)`는 float Tensor만 받으므로 맨 뒤에 둡니다. 평가용 변환에는 무작위 변환을 넣지 않습니다.",
    ),
    mistakes=(
        Mistake(
            _variant("v2.ToDtype(torch.float32, scale=True)", "v2.ToDtype(torch.float32)"),
            "scale",
            "ToDtype에 scale=True를 빠뜨려 값이 0~255로 남음",
        ),
        Mistake(
            _variant("v2.Resize(size),", "v2.Resize((size, size)),").replace("            v2.CenterCrop(size),\n", ""),
            "비율",
            "Resize((size, size))로 사진을 찌그러뜨림",
        ),
        Mistake(
            _variant(
                "v2.ToDtype(torch.float32, scale=True),  # 0~255 -> 0.0~1.0\n            v2.Normalize(mean, std),",
                "v2.Normalize(mean, std),\n            v2.ToDtype(torch.float32, scale=True),",
            ),
            "Normalize",
            "Normalize를 ToDtype보다 앞에 둠",
        ),
        Mistake(
            _variant(
                "v2.ToImage(),  # PIL -> tv_tensors.Image, uint8 (C, H, W)\n"
                "            v2.ToDtype(torch.float32, scale=True),  # 0~255 -> 0.0~1.0",
                "transforms.ToTensor(),",
            ),
            "기존(v1)",
            "v2.Compose 안에 기존 transforms.ToTensor()를 섞어 씀",
        ),
        Mistake(
            _variant(
                "v2.ToImage(),  # PIL -> tv_tensors.Image, uint8 (C, H, W)\n"
                "            v2.ToDtype(torch.float32, scale=True),  # 0~255 -> 0.0~1.0",
                "v2.ToTensor(),",
            ),
            "deprecated",
            "deprecated된 v2.ToTensor()를 씀",
        ),
        Mistake(
            _variant("v2.CenterCrop(size),", "v2.CenterCrop(size),\n            v2.RandomHorizontalFlip(),"),
            "무작위",
            "평가용 변환에 데이터 증강(무작위 뒤집기)을 넣음",
        ),
    ),
    explanation="""
        순서가 중요합니다. `Resize`와 `CenterCrop`은 PIL 이미지에도 Tensor에도 쓸 수 있지만, `Normalize`는 float
        Tensor에만 쓸 수 있으므로 `ToImage`와 `ToDtype(torch.float32, scale=True)` 뒤에 둡니다. `scale=True`가 없으면
        dtype만 바뀌고 값은 0~255 그대로입니다. 평가용 변환은 무작위가 없어 같은 입력에 언제나 같은 Tensor를 냅니다.
        v2의 `ToTensor()`는 deprecated이고, 기존 `transforms.ToTensor()`는 v1 API입니다.
    """,
)
def _check_05_2(make_eval_transform: object) -> None:
    mean, std = (0.5, 0.4, 0.3), (0.25, 0.2, 0.15)
    for size, (width, height) in ((24, (40, 30)), (16, (30, 50)), (16, (37, 37))):
        label = f"size={size}, 사진 (W, H) = ({width}, {height})"
        transform = _build(make_eval_transform, f"make_eval_transform({size}, mean, std)를 부를 때", size, mean, std)
        photo = test_photo(width, height, seed=size + width)
        with seeded(0):
            outputs = [_apply(transform, photo, label) for _ in range(6)]
        with case(label):
            out = expect_tensor(outputs[0], "결과", shape=(3, size, size), dtype=torch.float32)
            if any(not isinstance(o, torch.Tensor) or not torch.equal(plain(out), plain(o)) for o in outputs[1:]):
                raise Wrong(
                    "같은 사진에 여러 번 적용한 결과가 서로 다릅니다. 평가용 변환에는 무작위 변환(증강)을 넣지 않습니다."
                )
            top = float(out.max())
            if top > 20:
                raise Wrong(
                    f"값이 너무 큽니다(최댓값 {top:.0f}). 0~255 값을 0~1로 바꾸지 않고 정규화했습니다: `ToDtype`의 "
                    "scale 인자를 보세요."
                )
            expected = _reference(size, mean, std)(photo)
            if torch.allclose(plain(out), plain(_reference(size, mean, std, normalize=False)(photo)), atol=0.05):
                raise Wrong("값이 0~1 범위 그대로입니다. 마지막에 `Normalize(mean, std)`를 적용하세요.")
            if width != height and torch.allclose(
                plain(out), plain(_reference(size, mean, std, squash=True)(photo)), atol=0.05
            ):
                raise Wrong(
                    "사진의 가로세로 비율이 바뀌었습니다(찌그러짐). 짧은 변만 size로 줄인 뒤 가운데를 잘라 내세요."
                )
            gap = float((plain(out) - plain(expected)).abs().max())
            if gap > 0.05:
                raise Wrong(
                    f"결과가 기대한 전처리와 다릅니다(가장 큰 차이 {gap:.3f}). 변환의 종류와 순서를 확인하세요."
                )


# --------------------------------------------------------------------------- 05-3


@exercise(
    "05-3",
    title="정답을 원-핫 벡터로: target transform",
    task="""
        정수 레이블 하나(예: `3`)를 길이 `num_classes`인 원-핫 벡터(one-hot vector: 정답 자리만 1.0, 나머지는 0.0인 float32
        Tensor)로 바꾸는 함수 `one_hot_target(label, num_classes=10)`를 쓰세요. Dataset의 `target_transform=`에
        넣으면 `dataset[i]`의 레이블이 이 벡터로 나옵니다. Dataset은 레이블을 파이썬 `int`로 줍니다.
    """,
    stub="""
        def one_hot_target(label: int, num_classes: int = 10) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def one_hot_target(label: int, num_classes: int = 10) -> torch.Tensor:
            return nn.functional.one_hot(torch.tensor(label), num_classes).float()
    """,
    answers="one_hot_target",
    hints=(
        "`nn.functional.one_hot`은 정수 Tensor를 받아 원-핫 벡터를 만듭니다. 레이블은 `int`이니 먼저 Tensor로 바꾸세요.",
        "`one_hot`의 결과 dtype은 `int64`입니다. 손실 함수에 확률처럼 넣으려면 `.float()`로 바꿉니다. "
        "`torch.zeros(num_classes)`를 만들고 `label` 자리에 1을 넣어도 됩니다.",
    ),
    mistakes=(
        Mistake(
            "def one_hot_target(label, num_classes=10):\n    return nn.functional.one_hot(torch.tensor(label), num_classes)",
            "dtype",
            "one_hot의 int64 결과를 float로 바꾸지 않음",
        ),
        Mistake(
            "def one_hot_target(label, num_classes=10):\n    return nn.functional.one_hot(label, num_classes).float()",
            "Tensor",
            "int 레이블을 그대로 one_hot에 넘김",
        ),
        Mistake(
            "def one_hot_target(label, num_classes=10):\n"
            "    target = torch.zeros(num_classes)\n"
            "    target[label - 1] = 1.0\n"
            "    return target",
            "자리",
            "레이블을 1부터 센다고 생각해 한 칸 어긋남",
        ),
        Mistake(
            "def one_hot_target(label, num_classes=10):\n"
            "    return nn.functional.one_hot(torch.tensor([label]), num_classes).float()",
            "모양",
            "레이블을 리스트로 감싸 모양이 (1, K)가 됨",
        ),
        Mistake(
            "def one_hot_target(label, num_classes=10):\n    return torch.eye(10)[label]",
            "num_classes=5",
            "클래스 수를 10으로 고정함",
        ),
    ),
    explanation="""
        `nn.functional.one_hot`은 정수 Tensor를 받아 `int64` 원-핫 벡터를 돌려주므로 `torch.tensor(label)`로 감싸고
        `.float()`로 바꿉니다. 레이블은 0부터 셉니다. 분류의 `nn.CrossEntropyLoss`에는 보통 정수 레이블을 그대로
        주면 되고, 원-핫 벡터(확률 분포) 정답은 MixUp처럼 정답 자체가 섞일 때 씁니다.
    """,
)
def _check_05_3(one_hot_target: object) -> None:
    for label, classes in ((3, 10), (0, 10), (9, 10), (2, 5)):
        doing = f"one_hot_target({label}, num_classes={classes})"
        result = call(one_hot_target, f"{doing}로 불렀을 때", label, classes)
        with case(doing):
            vector = expect_tensor(result, "결과", shape=(classes,), dtype=torch.float32)
            ones = [int(i) for i in torch.nonzero(plain(vector).cpu() == 1.0).flatten()]
            if len(ones) == 1 and ones[0] != label and float(plain(vector).abs().sum()) == 1.0:
                raise Wrong(f"1이 {ones[0]}번 자리에 있습니다. 정답 레이블의 자리가 아닙니다(레이블은 0부터 셉니다).")
            expect_values(vector, torch.nn.functional.one_hot(torch.tensor(label), classes).float(), "결과")


# --------------------------------------------------------------------------- 05-4


@exercise(
    "05-4",
    title="후처리: 로짓 → 확률 → 클래스 이름",
    task="""
        분류 모델의 출력 `logits` `(B, K)`(샘플 B개, 클래스 K개의 로짓)와 클래스 이름 목록 `classes`를 받아,
        샘플마다 `(예측한 클래스 이름, 그 클래스의 softmax 확률)`을 담은 리스트를 돌려주는 함수
        `postprocess(logits, classes)`를 쓰세요. 확률은 파이썬 `float`입니다.
    """,
    stub="""
        def postprocess(logits: torch.Tensor, classes: list[str]) -> list[tuple[str, float]]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def postprocess(logits: torch.Tensor, classes: list[str]) -> list[tuple[str, float]]:
            probs = torch.softmax(logits, dim=1)  # one probability distribution per sample (row)
            confidence, index = probs.max(dim=1)  # the largest probability and its class index, per row
            return [(classes[i], p) for i, p in zip(index.tolist(), confidence.tolist(), strict=True)]
    """,
    answers="postprocess",
    hints=(
        "세 단계입니다: 행(샘플)마다 softmax로 확률을 만들고, 가장 큰 확률의 클래스 번호를 고르고, 번호를 이름으로 바꿉니다.",
        "`torch.softmax(logits, dim=1)`은 행마다 합이 1인 확률을 만듭니다. `probs.max(dim=1)`은 행마다 가장 큰 값과 "
        "그 위치를 함께 돌려줍니다. `.tolist()`로 파이썬 값으로 바꾸세요.",
    ),
    mistakes=(
        Mistake(
            "def postprocess(logits, classes):\n"
            "    probs = torch.softmax(logits, dim=0)\n"
            "    confidence, index = probs.max(dim=1)\n"
            "    return [(classes[i], p) for i, p in zip(index.tolist(), confidence.tolist())]",
            "확률",
            "softmax를 dim=0(샘플 방향)으로 계산함",
        ),
        Mistake(
            "def postprocess(logits, classes):\n"
            "    confidence, index = logits.max(dim=1)\n"
            "    return [(classes[i], p) for i, p in zip(index.tolist(), confidence.tolist())]",
            "0~1",
            "softmax 없이 가장 큰 로짓을 확률이라고 돌려줌",
        ),
        Mistake(
            "def postprocess(logits, classes):\n"
            "    probs = torch.softmax(logits, dim=1)\n"
            "    confidence, index = probs.max(dim=0)\n"
            "    return [(classes[i], p) for i, p in zip(index.tolist(), confidence.tolist())]",
            "샘플",
            "argmax(max)를 dim=0으로 구함",
        ),
        Mistake(
            "def postprocess(logits, classes):\n"
            "    probs = torch.softmax(logits, dim=1)\n"
            "    confidence, index = probs.max(dim=1)\n"
            "    return list(zip(index.tolist(), confidence.tolist()))",
            "이름",
            "클래스 번호를 이름으로 바꾸지 않음",
        ),
    ),
    explanation="""
        softmax는 행(샘플)마다 계산해야(`dim=1`) 각 샘플의 확률 합이 1이 됩니다. softmax는 순서를 바꾸지 않으므로
        예측 클래스는 로짓의 argmax와 같지만, 사람에게 보여 줄 '얼마나 확신하는지'는 확률로 말합니다. 번호를
        이름으로 바꾸는 마지막 단계(`classes[번호]`)까지가 후처리입니다.
    """,
)
def _check_05_4(postprocess: object) -> None:
    cases = [
        (
            "로짓 (4, 3)",
            torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [-0.5, 1.5, 1.0], [4.0, 3.5, -2.0]]),
            ["cat", "dog", "frog"],
        ),
    ]
    with seeded(0):
        cases.append(("로짓 (2, 5)", torch.randn(2, 5) * 3, ["plane", "car", "bird", "cat", "deer"]))
    for label, logits, classes in cases:
        given = logits.clone()
        result = call(postprocess, f"{label}로 불렀을 때", logits, classes)
        if not torch.equal(logits, given):
            raise Wrong("함수가 입력 로짓을 바꿨습니다. in-place 연산을 쓰지 마세요.")
        probs = torch.softmax(logits, dim=1)
        confidence, index = probs.max(dim=1)
        with case(label):
            if not isinstance(result, (list, tuple)):
                raise Wrong(
                    f"{type(result).__name__}을(를) 돌려줍니다. 샘플마다 (이름, 확률)을 담은 리스트를 돌려주세요."
                )
            if len(result) != len(logits):
                raise Wrong(f"결과가 {len(result)}개입니다. 샘플(로짓의 행) 하나에 하나씩이어야 합니다.")
            for row, item in enumerate(result):
                if not isinstance(item, (tuple, list)) or len(item) != 2:
                    raise Wrong(f"샘플 {row}의 결과가 (이름, 확률) 두 값이 아닙니다.")
                name, prob = item
                if not isinstance(name, str):
                    raise Wrong(
                        f"샘플 {row}의 예측이 {type(name).__name__}입니다. 클래스 번호가 아니라 이름을 돌려주세요."
                    )
                if name != classes[int(index[row])]:
                    raise Wrong(f"샘플 {row}의 예측 클래스가 '{name}'입니다. 확률(로짓)이 가장 큰 클래스가 아닙니다.")
                value = as_number(prob, f"샘플 {row}의 확률")
                if not 0.0 <= value <= 1.0 or math.isnan(value):
                    raise Wrong(f"샘플 {row}의 확률이 {value:.3g}로 0~1 밖입니다. 로짓은 확률이 아닙니다.")
                if abs(value - float(confidence[row])) > 1e-4:
                    raise Wrong(
                        f"샘플 {row}의 확률이 {value:.4f}입니다. 그 샘플의 클래스 확률(합이 1인 한 행)에서 구한 값이 아닙니다."
                    )
