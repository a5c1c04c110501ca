"""Exercises of 04_dataset_dataloader: batch counts, a Dataset class and its DataLoader, random_split, Subset labels."""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, Subset

from .core import Mistake, Wrong, call, exercise, is_blank
from .expect import case, expect_int, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- helpers for these checks


def empty_methods(cls: Any, names: tuple[str, ...]) -> list[str]:
    """The methods among ``names`` that ``cls`` defines itself with a body of only ``...`` (not written yet)."""
    return [name for name in names if name in vars(cls) and is_blank(vars(cls)[name])]


def items_of(part: Any, doing: str) -> list[Any]:
    """Every item of a Dataset-like ``part`` (``len`` and indexing), read through the learner's object."""
    try:
        return [part[i] for i in range(len(part))]
    except Exception as exc:
        raise Wrong(
            f"{doing}: 돌려준 값을 len()과 [i]로 읽을 수 없습니다({type(exc).__name__}). Dataset이나 Subset을 돌려주세요."
        ) from exc


# --------------------------------------------------------------------------- 04-1


@exercise(
    "04-1",
    title="배치는 몇 개일까",
    task="""
        샘플 `n`개를 `batch_size`개씩 묶을 때 DataLoader가 만드는 배치의 개수(`len(loader)`)를 돌려주는 함수
        `num_batches(n, batch_size, drop_last)`를 쓰세요. `drop_last=True`이면 크기가 모자란 마지막 배치를 버립니다.
        식으로 계산해도 되고, DataLoader를 만들어 `len`으로 재도 됩니다.
    """,
    stub="""
        def num_batches(n: int, batch_size: int, drop_last: bool) -> int:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def num_batches(n: int, batch_size: int, drop_last: bool) -> int:
            if drop_last:
                return n // batch_size  # only full batches
            return (n + batch_size - 1) // batch_size  # ceil(n / batch_size): the last batch may be smaller
    """,
    answers="num_batches",
    hints=(
        "100개를 32개씩 묶어 보세요: 32 + 32 + 32 + 4. `drop_last`가 False일 때와 True일 때 배치는 각각 몇 개인가요?",
        "`drop_last=True`이면 n / batch_size의 내림(`n // batch_size`), False이면 올림입니다. "
        "정수만으로 올림하려면 `(n + batch_size - 1) // batch_size`를 씁니다.",
        "식이 헷갈리면 DataLoader에게 물어보세요: `len(DataLoader(range(n), batch_size=batch_size, drop_last=drop_last))`.",
    ),
    mistakes=(
        Mistake(
            "def num_batches(n, batch_size, drop_last):\n    return n // batch_size",
            "마지막 배치",
            "drop_last=False에서도 내림(//)을 써서 모자란 마지막 배치를 세지 않음",
        ),
        Mistake(
            "def num_batches(n, batch_size, drop_last):\n"
            "    return n // batch_size if drop_last else n // batch_size + 1",
            "나누어떨어지면",
            "'몫 + 1'로 올림을 흉내 내서 나누어떨어질 때 하나를 더 셈",
        ),
        Mistake(
            "import math\n\ndef num_batches(n, batch_size, drop_last):\n    return math.ceil(n / batch_size)",
            "drop_last=True",
            "drop_last를 무시함",
        ),
        Mistake(
            "def num_batches(n, batch_size, drop_last):\n    return n / batch_size",
            "정수",
            "나눗셈(/) 결과인 float를 그대로 돌려줌",
        ),
    ),
    explanation="""
        배치 수는 `drop_last=False`이면 ⌈n / B⌉(올림), True이면 ⌊n / B⌋(내림)입니다. 예를 들어
        학습 세트 50,000장을 64장씩 묶으면 782개(마지막 배치는 16장) 또는 781개입니다. DataLoader도 같은 계산을
        합니다: `len(DataLoader(range(n), batch_size=B, drop_last=...))`로 언제든 확인할 수 있습니다.
    """,
)
def _check_04_1(num_batches: object) -> None:
    cases = [(100, 32, False), (100, 32, True), (100, 50, False), (100, 50, True), (10, 4, False), (5, 8, True)]
    cases += [(5, 8, False), (50_000, 64, False), (50_000, 64, True)]
    for n, batch_size, drop_last in cases:
        label = f"n={n:,}, batch_size={batch_size}, drop_last={drop_last}"
        expected = len(DataLoader(range(n), batch_size=batch_size, drop_last=drop_last))
        value = call(num_batches, f"{label}로 불렀을 때", n, batch_size, drop_last)
        with case(f"{label}일 때"):
            if isinstance(value, int) and not isinstance(value, bool) and value != expected:
                if not drop_last and n % batch_size and value == n // batch_size:
                    raise Wrong(f"{value}개입니다. 크기가 모자란 마지막 배치도 하나의 배치로 셉니다.")
                if not drop_last and n % batch_size == 0 and value == n // batch_size + 1:
                    raise Wrong(
                        f"{value}개입니다. n이 batch_size로 나누어떨어지면 남는 샘플이 없으니 배치를 더 만들지 않습니다."
                    )
                if drop_last and n % batch_size and value == n // batch_size + 1:
                    raise Wrong(f"{value}개입니다. drop_last=True이면 크기가 모자란 마지막 배치는 버립니다.")
            expect_int(value, expected, "num_batches")


# --------------------------------------------------------------------------- 04-2

SOLUTION_04_2 = """
    class PairsDataset(Dataset):
        def __init__(self, features: torch.Tensor, labels: torch.Tensor, transform=None) -> None:
            self.features = features
            self.labels = labels
            self.transform = transform

        def __len__(self) -> int:
            return len(self.features)  # the number of samples N

        def __getitem__(self, index: int):
            x = self.features[index]
            if self.transform is not None:
                x = self.transform(x)
            return x, self.labels[index]


    def make_loader(dataset: Dataset) -> DataLoader:
        return DataLoader(dataset, batch_size=4, shuffle=True)
"""


def _variant(old: str, new: str) -> str:
    """The 04-2 solution with ``old`` replaced by ``new`` (a realistic mistake)."""
    solution = textwrap.dedent(SOLUTION_04_2)
    assert old in solution, old
    return solution.replace(old, new)


@exercise(
    "04-2",
    title="나만의 Dataset과 DataLoader",
    task="""
        특성 `features` `(N, F)`와 레이블 `labels` `(N,)` 두 Tensor를 감싸는 `Dataset` 클래스 `PairsDataset`을
        완성하세요. `len(dataset)`은 샘플 수이고, `dataset[i]`는 `i`번째 샘플을 `(특성, 레이블)`로 돌려주며,
        `transform`을 받았다면 특성에 적용합니다. 그리고 Dataset을 받아 배치 크기 4로, 에폭마다 섞어 읽는
        DataLoader를 돌려주는 함수 `make_loader`를 쓰세요.
    """,
    stub="""
        class PairsDataset(Dataset):
            def __init__(self, features: torch.Tensor, labels: torch.Tensor, transform=None) -> None:
                ...  # 여기에 코드를 쓰세요

            def __len__(self) -> int:
                ...  # 여기에 코드를 쓰세요

            def __getitem__(self, index: int):
                ...  # 여기에 코드를 쓰세요


        def make_loader(dataset: Dataset) -> DataLoader:
            ...  # 여기에 코드를 쓰세요
    """,
    solution=SOLUTION_04_2,
    answers=("PairsDataset", "make_loader"),
    hints=(
        "`__init__`은 받은 것을 `self`에 저장만 하고, `__len__`은 샘플 수 N을, `__getitem__`은 `index`번째 "
        "샘플 하나를 `(특성, 레이블)` 튜플로 돌려줍니다.",
        "`features`의 모양은 `(N, F)`이므로 `len(self.features)`가 N입니다. `__getitem__`에서는 "
        "`self.features[index]`에 (있으면) `self.transform`을 적용하고 `self.labels[index]`와 함께 돌려주세요.",
        "`make_loader`는 한 줄입니다: `DataLoader(dataset, batch_size=..., shuffle=...)`.",
    ),
    mistakes=(
        Mistake(
            _variant("return len(self.features)  # the number of samples N", "return self.features.shape[1]"),
            "샘플 수",
            "len을 특성 수(F, shape[1])로 돌려줌",
        ),
        Mistake(
            _variant("return x, self.labels[index]", "return x"),
            "(특성, 레이블)",
            "__getitem__이 레이블 없이 특성만 돌려줌",
        ),
        Mistake(
            _variant(
                "x = self.features[index]\n        if self.transform is not None:\n            x = self.transform(x)",
                "x = self.features[index]",
            ),
            "transform",
            "받은 transform을 적용하지 않음",
        ),
        Mistake(
            _variant("DataLoader(dataset, batch_size=4, shuffle=True)", "DataLoader(dataset, batch_size=4)"),
            "섞지",
            "학습용 DataLoader에 shuffle=True를 빠뜨림",
        ),
        Mistake(
            _variant(
                "DataLoader(dataset, batch_size=4, shuffle=True)",
                "DataLoader(dataset, batch_size=4, shuffle=True, drop_last=True)",
            ),
            "drop_last",
            "drop_last=True로 마지막 샘플들을 버림",
        ),
    ),
    explanation="""
        Dataset은 세 메서드만 있으면 됩니다: `__init__`은 준비(여기서는 저장), `__len__`은 샘플 수,
        `__getitem__`은 샘플 하나. 배치로 묶기(collate)와 섞기는 DataLoader의 일이라 Dataset에는 없습니다.
        Tensor 두 개를 감싸는 이 Dataset은 PyTorch에 `torch.utils.data.TensorDataset`으로 이미 있습니다.
        학습용 DataLoader는 `shuffle=True`로 에폭마다 순서를 섞습니다.
    """,
)
def _check_04_2(pairs_dataset: object, make_loader: object) -> None:
    if isinstance(pairs_dataset, type):
        empty = empty_methods(pairs_dataset, ("__init__", "__len__", "__getitem__"))
        if empty:
            raise Wrong(f"`PairsDataset`의 {', '.join(f'`{m}`' for m in empty)}이(가) 아직 `...`입니다. 채워 주세요.")
    with seeded(0):
        features = torch.randn(7, 3)
    labels = torch.tensor([0, 2, 1, 1, 0, 2, 1])
    doing = "PairsDataset(features (7, 3), labels (7,))"
    dataset = call(pairs_dataset, f"{doing}을 만들 때", features, labels)
    length = call(lambda: dataset.__len__(), f"{doing}에 len()을 부를 때")
    if length is None:
        raise Wrong("len(dataset)을 부르니 `__len__`이 None을 돌려줍니다. `return`을 빠뜨렸는지 보세요.")
    if length == features.shape[1]:
        raise Wrong(f"len(dataset)이 {length}입니다. 특성의 수(F)가 아니라 샘플 수(N)를 돌려주어야 합니다.")
    with case(doing):
        expect_int(length, 7, "len(dataset)")
    sample = call(lambda: dataset[2], f"{doing}에서 dataset[2]를 읽을 때")
    if sample is None:
        raise Wrong("dataset[2]가 None입니다. `__getitem__`에서 `return`을 빠뜨렸는지 보세요.")
    if not isinstance(sample, (tuple, list)) or len(sample) != 2:
        raise Wrong(f"dataset[2]가 {type(sample).__name__} 하나입니다. 샘플은 (특성, 레이블) 두 값이어야 합니다.")
    x, y = sample
    with case("dataset[2]의 특성"):
        expect_tensor(x, "x", shape=(3,))
        expect_values(x, features[2], "x")
    with case("dataset[2]의 레이블"):
        expect_int(y, int(labels[2]), "y")
    scaled = call(
        pairs_dataset,
        f"{doing}에 transform=lambda x: x * 10을 주어 만들 때",
        features,
        labels,
        transform=lambda t: t * 10,
    )
    x, y = call(lambda: scaled[1], "transform을 준 Dataset에서 [1]을 읽을 때")
    if isinstance(x, torch.Tensor) and torch.equal(x, features[1]):
        raise Wrong("transform을 주었는데 특성이 바뀌지 않았습니다. `__getitem__`에서 transform을 적용하세요.")
    with case("transform=lambda x: x * 10을 준 Dataset의 [1]"):
        expect_values(expect_tensor(x, "x", shape=(3,)), features[1] * 10, "x")
        expect_int(y, int(labels[1]), "y")
    loader = call(make_loader, f"make_loader({doing})를 부를 때", dataset)
    if not isinstance(loader, DataLoader):
        raise Wrong(f"make_loader가 {type(loader).__name__}을(를) 돌려줍니다. DataLoader를 돌려주세요.")
    if loader.batch_size != 4:
        raise Wrong(f"DataLoader의 batch_size가 {loader.batch_size}입니다. 문제의 배치 크기와 다릅니다.")
    if not isinstance(loader.sampler, RandomSampler):
        raise Wrong("DataLoader가 샘플을 섞지 않습니다. 학습용 DataLoader는 에폭마다 순서를 섞어야 합니다.")
    with seeded(0):
        batches = call(list, "make_loader가 돌려준 DataLoader로 한 에폭을 읽을 때", loader)
    seen = sum(len(b[1]) for b in batches)
    if seen != 7:
        raise Wrong(f"한 에폭에 샘플이 {seen}개만 나왔습니다. drop_last=True로 마지막 배치를 버리지 마세요.")
    with case("첫 배치"):
        expect_tensor(batches[0][0], "특성 배치", shape=(4, 3))
        expect_tensor(batches[0][1], "레이블 배치", shape=(4,), dtype=torch.int64)


# --------------------------------------------------------------------------- 04-3


@exercise(
    "04-3",
    title="재현 가능한 검증 세트 떼어 내기",
    task="""
        Dataset을 학습 부분과 검증 부분으로 나눠 `(train_part, val_part)`로 돌려주는 함수
        `split_train_val(dataset, val_fraction, seed)`를 쓰세요. 검증 부분은 전체의 `val_fraction`(예: 0.1)이고,
        두 부분은 겹치지 않고 합치면 전체이며, 무작위로 나누되 같은 `seed`로 부르면 언제나 똑같이 나뉘어야 합니다.
        함수가 전역 난수 상태(`torch.manual_seed`)를 바꾸면 안 됩니다.
    """,
    stub="""
        def split_train_val(dataset: Dataset, val_fraction: float, seed: int) -> tuple[Subset, Subset]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def split_train_val(dataset: Dataset, val_fraction: float, seed: int) -> tuple[Subset, Subset]:
            split_generator = torch.Generator().manual_seed(seed)  # its own generator: the global RNG is untouched
            train_part, val_part = random_split(dataset, [1 - val_fraction, val_fraction], generator=split_generator)
            return train_part, val_part
    """,
    answers="split_train_val",
    hints=(
        "`random_split(dataset, [학습 비율, 검증 비율], generator=...)`가 겹치지 않는 무작위 `Subset` 두 개를 돌려줍니다.",
        "재현성은 `generator=`로 얻습니다. 함수 안에서 `torch.Generator().manual_seed(seed)`로 만든 generator를 넘기세요. "
        "`torch.manual_seed(seed)`는 노트북 전체의 난수 상태를 바꿉니다.",
    ),
    mistakes=(
        Mistake(
            "def split_train_val(dataset, val_fraction, seed):\n"
            "    return random_split(dataset, [1 - val_fraction, val_fraction])",
            "같은 seed",
            "generator를 넘기지 않아 부를 때마다 다르게 나뉨",
        ),
        Mistake(
            "def split_train_val(dataset, val_fraction, seed):\n"
            "    return random_split(dataset, [val_fraction, 1 - val_fraction], generator=torch.Generator().manual_seed(seed))",
            "검증 부분이",
            "비율의 순서를 바꿔 학습 부분이 작아짐",
        ),
        Mistake(
            "def split_train_val(dataset, val_fraction, seed):\n"
            "    n_train = len(dataset) - int(len(dataset) * val_fraction)\n"
            "    return Subset(dataset, range(n_train)), Subset(dataset, range(n_train, len(dataset)))",
            "마지막",
            "섞지 않고 뒷부분을 잘라 검증 세트로 씀",
        ),
        Mistake(
            "def split_train_val(dataset, val_fraction, seed):\n"
            "    torch.manual_seed(seed)\n"
            "    return random_split(dataset, [1 - val_fraction, val_fraction])",
            "전역 난수",
            "torch.manual_seed로 전역 난수 상태를 바꿈",
        ),
    ),
    explanation="""
        `random_split`은 인덱스를 무작위로 섞어 나누므로, 클래스 순서로 정렬된 데이터(폴더에서 읽은 Dataset처럼)에서도
        두 부분에 클래스가 고루 들어갑니다. 뒷부분을 잘라 쓰면 검증 세트에 마지막 클래스만 들어갈 수 있습니다.
        전용 `torch.Generator`를 넘기면 나누기가 재현되고, 노트북의 다른 난수(가중치 초기화, 섞기)에는 영향이 없습니다.
    """,
)
def _check_04_3(split_train_val: object) -> None:
    for n, fraction in ((50, 0.2), (37, 0.1)):
        dataset = list(range(n))  # item i is i, so the items of each part are its indices
        label = f"샘플 {n}개, val_fraction={fraction}, seed=0"
        with seeded(123):
            before = torch.get_rng_state()
            result = call(split_train_val, f"{label}로 불렀을 때", dataset, fraction, 0)
            rng_changed = not torch.equal(before, torch.get_rng_state())
            again = call(split_train_val, f"{label}로 다시 불렀을 때", dataset, fraction, 0)
            other = call(split_train_val, "seed=1로 불렀을 때", dataset, fraction, 1)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Wrong(f"{type(result).__name__}을(를) 돌려줍니다. (train_part, val_part) 두 값을 돌려주세요.")
        train, val = (items_of(part, label) for part in result)
        with case(label):
            if len(val) > len(train):
                raise Wrong(
                    f"검증 부분이 {len(val)}개로 학습 부분({len(train)}개)보다 큽니다. 비율의 순서를 확인하세요."
                )
            if set(train) & set(val):
                raise Wrong("학습 부분과 검증 부분에 같은 샘플이 있습니다. 두 부분은 겹치면 안 됩니다.")
            if sorted(train + val) != dataset:
                raise Wrong(f"두 부분을 합치면 {len(train) + len(val)}개로, 원래 Dataset과 같지 않습니다.")
            low = int(n * fraction)
            if len(val) not in (low, low + 1):
                raise Wrong(f"검증 부분이 {len(val)}개입니다. 전체의 val_fraction이 아닙니다.")
            if sorted(val) == list(range(n - len(val), n)):
                raise Wrong(
                    "검증 부분이 데이터의 마지막 샘플들 그대로입니다. 클래스 순서로 정렬된 데이터라면 검증 세트에 "
                    "마지막 클래스만 들어갑니다. 무작위로 나누세요."
                )
            if [items_of(part, label) for part in again] != [train, val]:
                raise Wrong("같은 seed로 두 번 나누었더니 결과가 다릅니다. 나누기가 재현되지 않습니다.")
            if rng_changed:
                raise Wrong(
                    "함수가 전역 난수 상태를 바꿉니다(torch.manual_seed 또는 전역 난수 사용). "
                    "함수 안에서 만든 torch.Generator만 쓰세요."
                )
            if [items_of(part, label) for part in other] == [train, val]:
                raise Wrong("seed를 바꿔도 똑같이 나뉩니다. seed로 무작위 나누기를 정해야 합니다.")


# --------------------------------------------------------------------------- 04-4


class _LabelledImages(Dataset):
    """A CIFAR-10-like Dataset: ``targets`` and ``classes`` attributes; counts how often an image is read."""

    def __init__(self, targets: list[int], classes: list[str]) -> None:
        self.targets = targets
        self.classes = classes
        self.reads = 0

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        self.reads += 1
        return torch.zeros(3, 4, 4), self.targets[index]


@exercise(
    "04-4",
    title="Subset의 클래스별 개수",
    task="""
        `Subset`(예: `random_split`으로 떼어 낸 검증 세트)에 클래스마다 샘플이 몇 개인지 `{클래스 이름: 개수}`
        딕셔너리로 돌려주는 함수 `class_counts(subset)`를 쓰세요. 원래 Dataset(`subset.dataset`)에는 CIFAR-10처럼
        레이블 목록 `targets`와 클래스 이름 목록 `classes`가 있습니다. 이미지는 읽지 말고 레이블만 보세요
        (개수가 0인 클래스는 넣어도 되고 빼도 됩니다).
    """,
    stub="""
        def class_counts(subset: Subset) -> dict[str, int]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def class_counts(subset: Subset) -> dict[str, int]:
            base = subset.dataset
            counts = Counter(base.targets[i] for i in subset.indices)  # labels only: no image is read
            return {base.classes[label]: count for label, count in sorted(counts.items())}
    """,
    answers="class_counts",
    hints=(
        "`Subset`에는 원래 Dataset(`subset.dataset`)과 그 안에서 고른 인덱스 목록(`subset.indices`)이 있습니다.",
        "`subset.dataset.targets[i]`를 `subset.indices`의 `i`마다 모아 `Counter`로 세고, "
        "키를 `subset.dataset.classes[레이블]`로 바꾸세요.",
    ),
    mistakes=(
        Mistake(
            "def class_counts(subset):\n"
            "    base = subset.dataset\n"
            "    return {base.classes[k]: v for k, v in Counter(base.targets).items()}",
            "전체",
            "Subset이 아니라 원래 Dataset 전체를 셈",
        ),
        Mistake(
            "def class_counts(subset):\n    return dict(Counter(subset.dataset.targets[i] for i in subset.indices))",
            "키",
            "클래스 이름 대신 클래스 번호를 키로 씀",
        ),
        Mistake(
            "def class_counts(subset):\n    return dict(Counter(subset.targets))",
            "targets",
            "Subset에 targets가 있다고 생각함",
        ),
        Mistake(
            "def class_counts(subset):\n"
            "    base = subset.dataset\n"
            "    counts = Counter(base.targets[i] for i in range(len(subset)))\n"
            "    return {base.classes[k]: v for k, v in counts.items()}",
            "indices",
            "Subset 안의 위치(0, 1, 2, ...)를 원래 Dataset의 인덱스로 씀",
        ),
        Mistake(
            "def class_counts(subset):\n"
            "    counts = Counter(label for _image, label in subset)\n"
            "    return {subset.dataset.classes[k]: v for k, v in counts.items()}",
            "이미지를",
            "레이블을 세려고 이미지까지 모두 읽음",
        ),
    ),
    explanation="""
        `Subset`은 원래 Dataset과 인덱스 목록만 가진 얇은 포장입니다. `subset[j]`는 `subset.dataset[subset.indices[j]]`이고,
        `targets` 같은 속성은 원래 Dataset에만 있습니다. `targets`로 세면 이미지 파일을 하나도 열지 않으므로
        50,000장이어도 순식간입니다(`for image, label in subset`은 이미지를 전부 읽고 변환합니다).
    """,
)
def _check_04_4(class_counts: object) -> None:
    classes = ["airplane", "bird", "cat", "dog", "ship"]
    targets = [0] * 6 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * 2  # sorted by class, like a folder Dataset
    base = _LabelledImages(targets, classes)
    indices = [19, 0, 7, 3, 16, 12, 8, 5]
    subset = Subset(base, indices)
    expected = Counter(classes[targets[i]] for i in indices)
    result = call(class_counts, "클래스 5개, 샘플 20개인 Dataset에서 고른 Subset(8개)으로 불렀을 때", subset)
    if not isinstance(result, dict):
        raise Wrong(f"{type(result).__name__}을(를) 돌려줍니다. {{클래스 이름: 개수}} 딕셔너리를 돌려주세요.")
    counts = {key: value for key, value in result.items() if value != 0}
    if any(not isinstance(key, str) for key in counts):
        kinds = sorted({type(key).__name__ for key in counts})
        raise Wrong(
            f"딕셔너리의 키가 {', '.join(kinds)}입니다. 클래스 번호가 아니라 클래스 이름(`classes[번호]`)을 키로 쓰세요."
        )
    total = sum(int(v) for v in counts.values())
    if total == len(base) != len(subset):
        raise Wrong(f"개수를 모두 더하면 {total}개로, Subset이 아니라 원래 Dataset 전체를 셌습니다.")
    by_position = Counter(classes[targets[j]] for j in range(len(subset)))
    for name in classes:
        if counts.get(name, 0) != expected.get(name, 0):
            why = ""
            if counts == dict(by_position):
                why = " Subset 안의 위치(0, 1, 2, ...)가 아니라 `subset.indices`가 원래 Dataset의 인덱스입니다."
            raise Wrong(f"클래스 '{name}'의 개수가 {counts.get(name, 0)}개로 다릅니다.{why}")
    if base.reads:
        raise Wrong(
            f"개수는 맞지만 이미지를 {base.reads}번 읽었습니다. 50,000장이면 50,000장을 모두 열고 변환합니다. "
            "레이블은 원래 Dataset의 `targets`에서 읽으세요."
        )
