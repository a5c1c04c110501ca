"""Exercises of 03_tensors: creation, dtype, shape, matrix product, autograd."""

from __future__ import annotations

import torch

from ..device import get_device
from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_number, expect_tensor, expect_values, seeded


@exercise(
    "03-1",
    title="모양, dtype, 장치를 정해 Tensor 만들기",
    task="""
        값이 모두 1이고 모양이 `(2, 3, 4)`, dtype이 `torch.float16`인 Tensor를 이 기계의 `device`에 만들어
        `answer`에 넣으세요. 한 줄로 쓸 수 있습니다.
    """,
    stub="""
        answer = ...  # 모양 (2, 3, 4), 값은 모두 1, float16, device 위에
    """,
    solution="""
        answer = torch.ones(2, 3, 4, dtype=torch.float16, device=device)
    """,
    hints=(
        "`torch.ones`는 모양 다음에 `dtype=`과 `device=` 키워드 인자를 받습니다.",
        "`torch.ones(2, 3, 4, dtype=..., device=...)`의 빈칸을 채워 보세요. 반정밀도 실수는 `torch.float16`입니다.",
    ),
    mistakes=(
        Mistake("answer = torch.ones(2, 3, 4, device=device)", "dtype", "dtype을 정하지 않아 기본값 float32가 됨"),
        Mistake("answer = torch.ones(3, 2, 4, dtype=torch.float16, device=device)", "모양", "차원 순서를 바꿔 씀"),
        Mistake("answer = torch.zeros(2, 3, 4, dtype=torch.float16, device=device)", "값", "ones 대신 zeros"),
    ),
    explanation="""
        만들 때 `dtype`과 `device`를 함께 주면 CPU에서 만든 뒤 옮기는 복사가 없습니다. `device` 변수를 쓰면 같은
        코드가 CPU, CUDA, MPS에서 모두 돕니다.
    """,
)
def _check_03_1(answer: object) -> None:
    tensor = expect_tensor(answer, "answer", shape=(2, 3, 4), dtype=torch.float16, device=get_device())
    expect_values(tensor, torch.ones(2, 3, 4, dtype=torch.float16), "answer")


@exercise(
    "03-2",
    title="이미지 픽셀을 0~1 실수로",
    task="""
        이미지는 보통 `uint8`(0\\~255)로 읽지만 모델에는 `float32`(0\\~1)로 넣습니다. `uint8` Tensor를 받아 같은
        모양의 `float32` Tensor로, 값은 0\\~1 범위로(255 → 1.0) 바꿔 돌려주는 함수 `to_unit_float`를 완성하세요.
    """,
    stub="""
        def to_unit_float(images: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def to_unit_float(images: torch.Tensor) -> torch.Tensor:
            return images.to(torch.float32) / 255
    """,
    answers="to_unit_float",
    hints=(
        "두 단계입니다: dtype 바꾸기, 그리고 최댓값 255로 나누기.",
        "`images.to(torch.float32)`로 바꾼 뒤 `255`로 나누세요. 순서를 바꿔 정수끼리 나누면 어떻게 될지도 생각해 보세요.",
    ),
    mistakes=(
        Mistake(
            "def to_unit_float(images):\n    return images.to(torch.float32)",
            "0~255",
            "dtype만 바꾸고 255로 나누지 않음",
        ),
        Mistake("def to_unit_float(images):\n    return images.half() / 255", "dtype", "float16으로 바꿈"),
        Mistake("def to_unit_float(images):\n    return images // 255", "dtype", "정수 나눗셈(//)을 씀"),
    ),
    explanation="""
        `uint8`은 0~255 정수만 담습니다. 먼저 실수로 바꾼 뒤 나누어야 소수점이 남습니다(`/`는 정수 Tensor도
        실수로 나누지만, `//`는 정수 나눗셈이라 0과 1만 남습니다).
    """,
)
def _check_03_2(to_unit_float: object) -> None:
    with seeded(0):
        images = torch.randint(0, 256, (2, 3, 4, 4), dtype=torch.uint8)
    images[0, 0, 0, 0], images[0, 0, 0, 1] = 0, 255
    original = images.clone()
    result = call(to_unit_float, "uint8 이미지 배치 (2, 3, 4, 4)로 불렀을 때", images)
    if not torch.equal(images, original):
        raise Wrong("함수가 입력 Tensor를 바꿨습니다. 새 Tensor를 돌려주세요(in-place 연산 `_`을 쓰지 마세요).")
    tensor = expect_tensor(result, "to_unit_float(images)", shape=images.shape, dtype=torch.float32)
    if float(tensor.max()) > 1.0:
        raise Wrong(
            f"결과의 최댓값이 {float(tensor.max()):.0f}입니다. 값이 아직 0~255 범위에 있습니다. 0~1로 바꿔야 합니다."
        )
    expect_values(tensor, images.float() / 255, "to_unit_float(images)")


@exercise(
    "03-3",
    title="배치 차원 지키기",
    task="""
        `(N, 1, 28, 28)` 이미지 배치를 MLP에 넣을 수 있게 `(N, 784)`로 펼치는 함수 `flatten_batch`를 쓰세요.
        N이 무엇이든, 그리고 `transpose`나 `permute` 뒤처럼 메모리 순서가 바뀐(contiguous하지 않은) 입력에도
        동작해야 합니다.
    """,
    stub="""
        def flatten_batch(images: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def flatten_batch(images: torch.Tensor) -> torch.Tensor:
            return images.flatten(start_dim=1)
    """,
    answers="flatten_batch",
    hints=(
        "배치 차원(첫 번째)은 그대로 두고 나머지 차원을 한 줄로 펼칩니다. 배치 크기를 숫자로 쓰면 안 됩니다.",
        "`view`는 contiguous한 Tensor에서만 됩니다. `flatten(start_dim=1)`이나 `reshape(len(images), -1)`을 보세요.",
    ),
    mistakes=(
        Mistake(
            "def flatten_batch(images):\n    return images.view(64, 784)", "배치 크기 5", "배치 크기를 64로 고정함"
        ),
        Mistake(
            "def flatten_batch(images):\n    return images.view(images.shape[0], -1)",
            "contiguous",
            "view를 써서 contiguous하지 않은 입력에서 실패함",
        ),
        Mistake("def flatten_batch(images):\n    return images.flatten()", "모양", "배치 차원까지 펼침"),
    ),
    explanation="""
        `flatten(start_dim=1)`은 배치 차원을 지키고, 입력이 contiguous하지 않으면 알아서 복사합니다.
        `view(64, 784)`는 마지막 배치(예: 60,000 = 64 × 937 + 32)에서 실패하고, `view`는 `transpose`나
        `permute` 뒤의 Tensor에서 실패합니다.
    """,
)
def _check_03_3(flatten_batch: object) -> None:
    with seeded(0):
        cases = [
            ("배치 크기 64인 입력 (64, 1, 28, 28)", torch.rand(64, 1, 28, 28)),
            ("배치 크기 5인 입력 (5, 1, 28, 28)", torch.rand(5, 1, 28, 28)),
        ]
        transposed = torch.rand(3, 1, 28, 28).transpose(2, 3)  # same shape, not contiguous
    cases.append(("transpose로 만든 contiguous하지 않은 입력 (3, 1, 28, 28)", transposed))
    for doing, images in cases:
        with case(f"{doing}으로 불렀을 때"):
            try:
                result = call(flatten_batch, doing, images)
            except LearnerCodeError as exc:
                if "view size is not compatible" in str(exc.error):
                    raise Wrong("오류가 났습니다. `view`는 contiguous한 Tensor에서만 동작합니다.") from exc
                if "is invalid for input of size" in str(exc.error):
                    raise Wrong(f"오류가 났습니다({exc.error}). 배치 크기를 숫자로 고정했는지 보세요.") from exc
                raise
            expect_tensor(result, "flatten_batch(images)", shape=(images.shape[0], 784))
            expect_values(result, images.reshape(images.shape[0], -1), "flatten_batch(images)", what="원소 순서")


@exercise(
    "03-4",
    title="`nn.Linear`를 손으로: y = x Wᵀ + b",
    task="""
        `nn.Linear(in_features, out_features)`는 입력 `x` `(N, in)`, 가중치 `W` `(out, in)`, 편향 `b` `(out,)`로
        `y = x Wᵀ + b` `(N, out)`을 계산합니다. 같은 계산을 하는 함수 `linear`를 행렬 곱으로 쓰세요.
    """,
    stub="""
        def linear(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def linear(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            return x @ W.T + b
    """,
    answers="linear",
    hints=(
        "행렬 곱은 `@`, 원소별 곱은 `*`입니다. `x`는 `(N, in)`, `W`는 `(out, in)`이니 곱하기 전에 `W`의 모양을 맞춰야 합니다.",
        "`W.T`는 `(in, out)`입니다. `(N, in) @ (in, out)` → `(N, out)`에 브로드캐스팅으로 `b`를 더하세요.",
    ),
    mistakes=(
        Mistake("def linear(x, W, b):\n    return x @ W + b", "전치", "W를 전치하지 않고 곱함"),
        Mistake("def linear(x, W, b):\n    return x @ W.T", "편향", "편향을 더하지 않음"),
        Mistake("def linear(x, W, b):\n    return (x * W).sum(dim=1) + b", "모양", "원소별 곱으로 계산함"),
    ),
    explanation="""
        `nn.Linear`는 `W`를 `(out, in)`으로 저장하므로 `x @ W.T`입니다. `b`는 `(out,)`이라 브로드캐스팅으로
        모든 행에 더해집니다. `torch.testing.assert_close(linear(x, layer.weight, layer.bias), layer(x))`로 직접
        확인해 보세요.
    """,
)
def _check_03_4(linear: object) -> None:
    with seeded(0):
        x_sq, w_sq, b_sq = torch.randn(3, 3), torch.randn(3, 3), torch.randn(3)
        layer = torch.nn.Linear(5, 2)
        x = torch.randn(4, 5)
    with case("x (3, 3), W (3, 3), b (3,)로 불렀을 때"):
        got = call(linear, "x (3, 3), W (3, 3), b (3,)로 불렀을 때", x_sq, w_sq, b_sq)
        got = expect_tensor(got, "linear(x, W, b)", shape=(3, 3))
        if torch.allclose(got, x_sq @ w_sq + b_sq):
            raise Wrong("결과가 x @ W + b와 같습니다. W의 모양은 (out, in)이므로 전치(transpose)가 필요합니다.")
        if torch.allclose(got, x_sq @ w_sq.T):
            raise Wrong("결과에 편향 b가 빠졌습니다.")
    with case("x (4, 5), W (2, 5), b (2,)로 불렀을 때"), torch.no_grad():
        result = call(linear, "x (4, 5), W (2, 5), b (2,)로 불렀을 때", x, layer.weight, layer.bias)
        tensor = expect_tensor(result, "linear(x, W, b)", shape=(4, 2))
        expect_values(tensor, layer(x), "linear(x, W, b)")


@exercise(
    "03-5",
    title="autograd로 기울기 구하기",
    task="""
        실수를 받는 함수 `f`(torch 연산으로 쓴 것)와 점 `x0`를 받아, autograd로 구한 기울기 $f'(x_0)$를 숫자로
        돌려주는 함수 `slope`를 쓰세요. 예: `slope(lambda x: x**3, 2.0)`은 12.0입니다.
    """,
    stub="""
        def slope(f, x0: float) -> float:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def slope(f, x0: float) -> float:
            x = torch.tensor(x0, requires_grad=True)
            f(x).backward()
            return x.grad.item()
    """,
    answers="slope",
    hints=(
        "`x0`로 `requires_grad=True`인 Tensor를 만들고, `f(x)`에 `backward()`를 부른 뒤 `x.grad`를 읽습니다.",
        "`x = torch.tensor(x0, requires_grad=True)`, `f(x).backward()`, `return x.grad.item()`의 세 줄입니다.",
    ),
    mistakes=(
        Mistake(
            "def slope(f, x0):\n    x = torch.tensor(x0)\n    f(x).backward()\n    return x.grad.item()",
            "requires_grad",
            "requires_grad=True를 빠뜨림",
        ),
        Mistake(
            "def slope(f, x0):\n    x = torch.tensor(x0, requires_grad=True)\n    return f(x).item()",
            "기대한 값",
            "기울기 대신 함수값을 돌려줌",
        ),
        Mistake(
            "def slope(f, x0):\n    h = 1e-2\n    return ((f(torch.tensor(x0 + h)) - f(torch.tensor(x0))) / h).item()",
            "기대한 값",
            "autograd 대신 수치 미분(근삿값)을 씀",
        ),
    ),
    explanation="""
        `backward()`는 스칼라 결과에서 그래프를 거꾸로 따라가 `requires_grad=True`인 잎(leaf) Tensor의 `.grad`에
        기울기를 채웁니다. 부를 때마다 새 `x`를 만들므로 기울기가 누적되지 않습니다.
    """,
)
def _check_03_5(slope: object) -> None:
    cases = [
        ("x**3, x0=2", lambda x: x**3, 2.0, 12.0),
        ("sin(x), x0=0", torch.sin, 0.0, 1.0),
        ("exp(2x), x0=0.5", lambda x: torch.exp(2 * x), 0.5, 2 * float(torch.exp(torch.tensor(1.0)))),
    ]
    for label, f, x0, expected in cases:
        try:
            value = call(slope, f"f(x) = {label}로 불렀을 때", f, x0)
        except LearnerCodeError as exc:
            if "does not require grad" in str(exc.error):
                raise Wrong(
                    "backward()가 실패했습니다: 기울기를 구할 Tensor에 requires_grad=True를 주었는지 보세요."
                ) from exc
            raise
        if value is None:
            raise Wrong("None을 돌려줍니다. backward()를 부른 뒤 x.grad를 돌려주었는지 보세요.")
        as_number(value, f"slope(f, {x0})")
        expect_number(value, expected, f"slope({label})", tol=1e-5)
