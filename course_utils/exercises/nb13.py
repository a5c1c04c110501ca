"""Exercises of 13_activation_functions: activation derivatives by hand, merging two stacked linear layers
into one, per-layer gradient norms, and the output layer and loss for each kind of task."""

from __future__ import annotations

import copy

import torch
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import as_number, case, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- 13-1


def _autograd_slope(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    point = x.clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(module(point).sum(), point)
    return slope


@exercise(
    "13-1",
    title="활성 함수의 도함수를 손으로",
    task="""
        autograd를 쓰지 않고 원소별 도함수를 계산하는 두 함수를 쓰세요. `sigmoid_grad(x)`는 $\\sigma'(x)$,
        `relu_grad(x)`는 ReLU의 도함수입니다(PyTorch처럼 $x = 0$에서는 0). 결과는 `x`와 같은 모양, 같은 dtype이고,
        $x = -1000$처럼 큰 값에서도 nan이 나오면 안 됩니다. 3절의 표를 보세요.
    """,
    stub="""
        def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요


        def relu_grad(x: torch.Tensor) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
            s = torch.sigmoid(x)  # stable for large |x|
            return s * (1 - s)


        def relu_grad(x: torch.Tensor) -> torch.Tensor:
            return (x > 0).to(x.dtype)  # 1 where x > 0, 0 elsewhere (also at x = 0)
    """,
    answers=("sigmoid_grad", "relu_grad"),
    hints=(
        "sigmoid의 도함수는 sigmoid 자신으로 쓸 수 있습니다: $\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$. ReLU의 도함수는 "
        "$x > 0$이면 1, 아니면 0입니다.",
        "`s = torch.sigmoid(x)`를 먼저 구해 `s * (1 - s)`. ReLU는 비교 결과(bool)를 `x.dtype`으로 바꾸세요: "
        "`(x > 0).to(x.dtype)`. 등호(`>=`)를 넣으면 0에서 값이 달라집니다.",
    ),
    mistakes=(
        Mistake(
            "def sigmoid_grad(x):\n    return x * (1 - x)\n\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)",
            "σ(x) 자리에",
            "σ(x)(1 − σ(x))의 σ(x) 자리에 x를 그대로 넣음",
        ),
        Mistake(
            "def sigmoid_grad(x):\n    return torch.exp(-x) / (1 + torch.exp(-x)) ** 2\n\n"
            "def relu_grad(x):\n    return (x > 0).to(x.dtype)",
            "넘칩니다",
            "e^(−x)/(1 + e^(−x))²를 그대로 써서 x = −1000에서 nan",
        ),
        Mistake(
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\n\n"
            "def relu_grad(x):\n    return (x >= 0).to(x.dtype)",
            "x = 0",
            "x >= 0으로 써서 0에서의 도함수가 1이 됨",
        ),
        Mistake(
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\n\n"
            "def relu_grad(x):\n    return x > 0",
            "dtype",
            "ReLU 도함수를 bool Tensor로 돌려줌",
        ),
        Mistake(
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\n\n"
            "def relu_grad(x):\n    return torch.relu(x)",
            "함수값",
            "도함수 대신 ReLU 함수값을 돌려줌",
        ),
    ),
    explanation="""
        $\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$는 최대 0.25이고(x = 0), $|x|$가 커지면 0으로 갑니다. `torch.sigmoid`는
        큰 $|x|$에서도 안정적이지만 $e^{-x}$를 직접 쓰면 $x = -1000$에서 $e^{1000} = \\infty$가 되어 $\\infty/\\infty$ = nan입니다.
        ReLU는 $x = 0$에서 미분할 수 없고, PyTorch는 그 점의 도함수를 0으로 정합니다. 비교 연산의 결과는 bool이므로
        계산에 쓰려면 입력과 같은 dtype으로 바꿉니다.
    """,
)
def _check_13_1(sigmoid_grad: object, relu_grad: object) -> None:
    with seeded(21):
        random64 = 3 * torch.randn(2, 3, dtype=torch.float64)
    cases = [
        ("x = [-1000, -3, -0.5, 0, 0.5, 3, 20] (float32)", torch.tensor([-1000.0, -3.0, -0.5, 0.0, 0.5, 3.0, 20.0])),
        ("모양 (2, 3)인 float64 x", random64),
    ]
    for name, func, module in (("sigmoid_grad", sigmoid_grad, nn.Sigmoid()), ("relu_grad", relu_grad, nn.ReLU())):
        for label, x in cases:
            doing = f"`{name}`을(를) {label}로 불렀을 때"
            with case(doing):
                result = call(func, doing, x.clone())
                if isinstance(result, torch.Tensor) and result.dtype == torch.bool:
                    raise Wrong(
                        f"`{name}(x)`의 dtype이 bool입니다. 비교 결과를 계산에 쓰려면 x와 같은 dtype(`x.dtype`)으로 "
                        "바꾸세요."
                    )
                tensor = expect_tensor(result, f"{name}(x)", shape=x.shape, dtype=x.dtype)
                if torch.isnan(tensor).any():
                    where = int(torch.isnan(tensor).nonzero()[0][0]) if tensor.ndim == 1 else 0
                    shown = f" (x = {x.flatten()[where].item():g})" if tensor.ndim == 1 else ""
                    raise Wrong(
                        f"`{name}(x)`에 nan이 있습니다{shown}. 큰 |x|에서 exp가 넘칩니다(overflow). "
                        "torch.sigmoid처럼 안정된 함수를 쓰세요."
                    )
                expected = _autograd_slope(module, x)
                if torch.allclose(tensor, expected, atol=1e-6):
                    continue
                if name == "sigmoid_grad" and torch.allclose(tensor, x * (1 - x)):
                    raise Wrong("`sigmoid_grad(x)`가 x(1 − x)와 같습니다: 식의 σ(x) 자리에 x를 넣었습니다.")
                if name == "relu_grad":
                    if torch.allclose(tensor, torch.relu(x)):
                        raise Wrong("`relu_grad(x)`가 ReLU의 함수값과 같습니다. 도함수(기울기)를 돌려주세요.")
                    zero = (x == 0) & (tensor != expected)
                    if zero.any():
                        raise Wrong("`relu_grad(x)`가 x = 0에서 다릅니다. PyTorch는 0에서의 도함수를 0으로 정합니다.")
                expect_values(tensor, expected, f"{name}(x)", atol=1e-6)


# --------------------------------------------------------------------------- 13-2


@exercise(
    "13-2",
    title="활성 함수 없는 두 층을 한 층으로",
    task="""
        활성 함수 없이 이어진 두 층 `first = nn.Linear(n_in, n_hidden)`과 `second = nn.Linear(n_hidden, n_out)`을 받아,
        모든 입력 `x`에서 `second(first(x))`와 같은 출력을 내는 `nn.Linear(n_in, n_out)` **하나**를 만들어 돌려주는 함수
        `merge_linear`를 쓰세요(1절의 등가 $W$, $b$). 받은 두 층은 바꾸지 마세요.
    """,
    stub="""
        def merge_linear(first: nn.Linear, second: nn.Linear) -> nn.Linear:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def merge_linear(first: nn.Linear, second: nn.Linear) -> nn.Linear:
            merged = nn.Linear(first.in_features, second.out_features)
            with torch.no_grad():  # copying values into parameters is not part of any graph
                merged.weight.copy_(second.weight @ first.weight)
                merged.bias.copy_(second.weight @ first.bias + second.bias)
            return merged
    """,
    answers="merge_linear",
    hints=(
        "$y = W_2(W_1 x + b_1) + b_2$를 전개하면 $W = W_2 W_1$, $b = W_2 b_1 + b_2$입니다. `nn.Linear`의 `weight`는 "
        "`(out, in)` 모양입니다.",
        "`merged = nn.Linear(first.in_features, second.out_features)`를 만들고, `with torch.no_grad():` 안에서 "
        "`merged.weight.copy_(...)`, `merged.bias.copy_(...)`로 값을 넣으세요.",
    ),
    mistakes=(
        Mistake(
            "def merge_linear(first, second):\n"
            "    merged = nn.Linear(first.in_features, second.out_features)\n"
            "    with torch.no_grad():\n"
            "        merged.weight.copy_(first.weight @ second.weight)\n"
            "        merged.bias.copy_(second.weight @ first.bias + second.bias)\n"
            "    return merged",
            "순서",
            "가중치를 W₁W₂ 순서로 곱함",
        ),
        Mistake(
            "def merge_linear(first, second):\n"
            "    merged = nn.Linear(first.in_features, second.out_features)\n"
            "    with torch.no_grad():\n"
            "        merged.weight.copy_(second.weight @ first.weight)\n"
            "        merged.bias.copy_(second.bias)\n"
            "    return merged",
            "편향",
            "둘째 층의 편향만 쓰고 첫 층의 편향이 둘째 층을 거치는 몫을 빠뜨림",
        ),
        Mistake(
            "def merge_linear(first, second):\n"
            "    merged = nn.Linear(first.in_features, second.out_features)\n"
            "    with torch.no_grad():\n"
            "        merged.weight.copy_(second.weight @ first.weight)\n"
            "        merged.bias.copy_(first.bias + second.bias)\n"
            "    return merged",
            "편향",
            "두 편향을 그냥 더함",
        ),
        Mistake(
            "def merge_linear(first, second):\n"
            "    merged = nn.Linear(first.in_features, second.out_features)\n"
            "    merged.weight.copy_(second.weight @ first.weight)\n"
            "    merged.bias.copy_(second.weight @ first.bias + second.bias)\n"
            "    return merged",
            "no_grad",
            "torch.no_grad() 없이 파라미터에 copy_함",
        ),
        Mistake(
            "def merge_linear(first, second):\n"
            "    merged = nn.Linear(first.in_features, second.out_features)\n"
            "    merged.weight = second.weight @ first.weight\n"
            "    merged.bias = second.weight @ first.bias + second.bias\n"
            "    return merged",
            "nn.Parameter",
            "계산한 Tensor를 `weight` 속성에 바로 대입함",
        ),
        Mistake(
            "def merge_linear(first, second):\n    return nn.Sequential(first, second)",
            "하나",
            "두 층을 nn.Sequential로 묶기만 함",
        ),
    ),
    explanation="""
        $W_2(W_1 x + b_1) + b_2 = (W_2 W_1)x + (W_2 b_1 + b_2)$이므로 두 층은 `nn.Linear` 하나와 같습니다. 행렬 곱의 순서는
        `(out, hidden) @ (hidden, in)` → `(out, in)`이어야 모양이 맞습니다. 파라미터에 값을 넣는 일은 학습이 아니므로
        `torch.no_grad()` 안에서 `copy_`합니다. 파라미터 속성에는 `nn.Parameter`만 대입할 수 있습니다.
    """,
)
def _check_13_2(merge_linear: object) -> None:
    for n_in, n_hidden, n_out, seed in ((4, 5, 3, 22), (3, 2, 6, 23)):
        with seeded(seed):
            first, second = nn.Linear(n_in, n_hidden), nn.Linear(n_hidden, n_out)
            x = torch.randn(7, n_in)
        before = copy.deepcopy((first.state_dict(), second.state_dict()))
        doing = f"first = nn.Linear({n_in}, {n_hidden}), second = nn.Linear({n_hidden}, {n_out})일 때"
        with case(doing):
            try:
                with seeded(seed):  # nn.Linear(...) draws its initial weights: keep the learner's RNG untouched
                    merged = call(merge_linear, doing, first, second)
            except LearnerCodeError as exc:
                text = str(exc.error)
                if "cannot be multiplied" in text:
                    raise Wrong(f"행렬 곱에서 오류가 났습니다({text}). 곱하는 순서를 확인하세요.") from exc
                if "must match the size" in text:
                    raise Wrong(
                        f"편향을 더하다가 오류가 났습니다({text}). 첫 층의 편향은 (n_hidden,)이라 그대로는 (n_out,)에 "
                        "더할 수 없습니다."
                    ) from exc
                if "leaf Variable that requires grad" in text:
                    raise Wrong(
                        "파라미터를 제자리에서 바꾸다 오류가 났습니다. `with torch.no_grad():` 안에서 `copy_` 하세요."
                    ) from exc
                if "cannot assign" in text:
                    raise Wrong(
                        f"오류가 났습니다({text}). `weight` 속성에는 nn.Parameter만 대입할 수 있습니다. "
                        "`merged.weight.copy_(...)`로 값을 넣으세요."
                    ) from exc
                raise
            for layer, state in zip((first, second), before, strict=True):
                if any(not torch.equal(p, state[k]) for k, p in layer.state_dict().items()):
                    raise Wrong("받은 층의 파라미터가 바뀌었습니다. 새 nn.Linear에 값을 넣고, 받은 층은 그대로 두세요.")
            if not isinstance(merged, nn.Linear):
                raise Wrong(
                    f"결과가 {type(merged).__name__}입니다. 두 층과 같은 일을 하는 nn.Linear 하나를 만들어 돌려주세요."
                )
            if (merged.in_features, merged.out_features) != (n_in, n_out):
                raise Wrong(
                    f"결과가 nn.Linear({merged.in_features}, {merged.out_features})입니다. 입력 {n_in}개, 출력 {n_out}개여야 "
                    "합니다."
                )
            with torch.no_grad():
                wanted = second(first(x))
                got = merged(x)
                if not torch.allclose(got, wanted, atol=1e-5):
                    if torch.allclose(merged.weight, second.weight @ first.weight, atol=1e-5):
                        raise Wrong(
                            "가중치는 맞지만 편향이 다릅니다. 첫 층의 편향도 둘째 층의 가중치를 거쳐 출력에 들어갑니다."
                        )
                    raise Wrong("가중치가 다릅니다. y = W₂(W₁x + b₁) + b₂를 전개해 x에 곱해지는 행렬을 구하세요.")


# --------------------------------------------------------------------------- 13-3


def _grad_model() -> tuple[nn.Sequential, torch.Tensor, torch.Tensor]:
    with seeded(24):
        model = nn.Sequential(nn.Linear(6, 5), nn.Sigmoid(), nn.Linear(5, 5), nn.Sigmoid(), nn.Linear(5, 3))
        x = torch.randn(8, 6)
        y = torch.randint(0, 3, (8,))
    return model, x, y


def _norms(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    model = copy.deepcopy(model)
    model.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    return [layer.weight.grad.norm().item() for layer in model if isinstance(layer, nn.Linear)]


@exercise(
    "13-3",
    title="층별 기울기 크기 재기",
    task="""
        분류 모델 `model`(`nn.Sequential`), 입력 `x`, 클래스 번호 `y`를 받아 교차 엔트로피 손실에 `backward()`를 한 번
        하고, 모델 안의 `nn.Linear`마다 **가중치** 기울기의 노름 $\\|\\partial l / \\partial W\\|$를 입력 쪽 층부터 차례로
        담은 float 리스트를 돌려주는 함수 `weight_grad_norms`를 쓰세요(4절의 측정). 모델의 `.grad`에는 앞에서 한
        계산의 기울기가 남아 있을 수 있습니다.
    """,
    stub="""
        def weight_grad_norms(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> list[float]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def weight_grad_norms(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> list[float]:
            model.zero_grad()  # drop gradients left over from earlier backward() calls
            nn.functional.cross_entropy(model(x), y).backward()
            return [layer.weight.grad.norm().item() for layer in model if isinstance(layer, nn.Linear)]
    """,
    answers="weight_grad_norms",
    hints=(
        "세 단계입니다: 남은 기울기 지우기, 손실에 `backward()`, 그리고 `nn.Linear`마다 `weight.grad`의 노름.",
        "`model.zero_grad()` 다음 `nn.functional.cross_entropy(model(x), y).backward()`. `for layer in model`로 층을 돌며 "
        "`isinstance(layer, nn.Linear)`인 것의 `layer.weight.grad.norm().item()`을 모으세요.",
    ),
    mistakes=(
        Mistake(
            "def weight_grad_norms(model, x, y):\n"
            "    nn.functional.cross_entropy(model(x), y).backward()\n"
            "    return [layer.weight.grad.norm().item() for layer in model if isinstance(layer, nn.Linear)]",
            "남아",
            "zero_grad() 없이 backward()를 불러 이전 기울기에 더해짐",
        ),
        Mistake(
            "def weight_grad_norms(model, x, y):\n"
            "    model.zero_grad()\n"
            "    nn.functional.cross_entropy(model(x), y).backward()\n"
            "    return [layer.weight.norm().item() for layer in model if isinstance(layer, nn.Linear)]",
            "가중치 자체",
            "기울기 대신 가중치 자체의 노름을 잼",
        ),
        Mistake(
            "def weight_grad_norms(model, x, y):\n"
            "    model.zero_grad()\n"
            "    nn.functional.cross_entropy(model(x), y).backward()\n"
            "    return [p.grad.norm().item() for p in model.parameters()]",
            "개",
            "편향까지 모든 파라미터의 기울기를 잼",
        ),
        Mistake(
            "def weight_grad_norms(model, x, y):\n"
            "    model.zero_grad()\n"
            "    nn.functional.cross_entropy(model(x), y).backward()\n"
            "    return [layer.weight.grad.norm().item() for layer in reversed(model) if isinstance(layer, nn.Linear)]",
            "순서",
            "출력 쪽 층부터 거꾸로 담음",
        ),
    ),
    explanation="""
        `backward()`는 `.grad`에 더하므로 측정 전에 `model.zero_grad()`로 지워야 이번 손실의 기울기만 남습니다.
        `nn.Sequential`은 층을 순서대로 돌려주므로 `isinstance(layer, nn.Linear)`로 거르면 입력 쪽부터 가중치 층만
        남습니다. 깊은 Sigmoid 신경망에서 이 목록의 앞쪽(입력 쪽) 값이 뒤쪽보다 훨씬 작으면 기울기 소실입니다.
    """,
)
def _check_13_3(weight_grad_norms: object) -> None:
    model, x, y = _grad_model()
    expected = _norms(model, x, y)
    with seeded(25):  # leave a stale gradient behind, as an earlier training step would
        nn.functional.cross_entropy(model(torch.randn(8, 6)), torch.randint(0, 3, (8,))).backward()
    weights = [layer.weight.detach().clone() for layer in model if isinstance(layer, nn.Linear)]
    result = call(weight_grad_norms, "Sigmoid 은닉층 2개, nn.Linear 3개인 모델로 불렀을 때", model, x, y)
    if not isinstance(result, list | tuple):
        raise Wrong(f"결과가 {type(result).__name__}입니다. nn.Linear마다 숫자 하나씩, 리스트를 돌려주세요.")
    values = [as_number(v, f"결과의 {i}번째 값") for i, v in enumerate(result)]
    if len(values) != len(expected):
        raise Wrong(
            f"값이 {len(values)}개입니다. 모델에 nn.Linear가 {len(expected)}개 있으니 층마다 하나(가중치만)여야 합니다."
        )
    close = [abs(v - e) <= 1e-4 * max(1.0, e) for v, e in zip(values, expected, strict=True)]
    if all(close):
        return None
    if all(abs(v - w.norm().item()) <= 1e-4 for v, w in zip(values, weights, strict=True)):
        raise Wrong("가중치 자체의 크기를 쟀습니다. 필요한 것은 가중치의 기울기 `.grad`의 노름입니다.")
    if all(abs(v - e) <= 1e-4 * max(1.0, e) for v, e in zip(values, reversed(expected), strict=True)):
        raise Wrong("값의 순서가 반대입니다. 입력 쪽 층부터 차례로 담으세요.")
    first_bad = close.index(False)
    raise Wrong(
        f"{first_bad}번째 층의 값 {values[first_bad]:.4g}이(가) 이번 손실의 기울기 크기와 다릅니다. 모델의 .grad에 앞에서 "
        "남아 있던 기울기가 더해지지 않았는지(backward() 전에 지웠는지) 보세요."
    )


# --------------------------------------------------------------------------- 13-4

_TARGETS = {
    "regression": "float (N, 1)",
    "binary": "float 0/1 (N, 1)",
    "multiclass": "int64 클래스 번호 (N,)",
}
_LOSSES = {"regression": nn.MSELoss, "binary": nn.BCEWithLogitsLoss, "multiclass": nn.CrossEntropyLoss}


def _affine_gap(head: nn.Module, hidden: int) -> float:
    with seeded(26), torch.no_grad():
        a, b = 5 * torch.randn(6, hidden), 5 * torch.randn(6, hidden)
        gap = head(a) + head(b) - head(a + b) - head(torch.zeros(6, hidden))
    return float(gap.abs().max())


@exercise(
    "13-4",
    title="출력층과 손실 함수 짝 짓기",
    task="""
        문제 종류 `task`(`"regression"`, `"binary"`, `"multiclass"`), 은닉 특성 수 `hidden`, 클래스 수 `n_classes`를 받아
        `(출력층, 손실 함수)`를 돌려주는 함수 `head_and_loss`를 쓰세요. 출력층은 은닉 특성 `(N, hidden)`을 받는
        모듈이고, 손실 함수는 그 출력과 5절 표의 정답 형식(회귀: float `(N, 1)`, 이진 분류: float 0/1 `(N, 1)`, 다중 분류:
        int64 `(N,)`)을 받는 `nn` 손실입니다. 수치적으로 안정된 짝을 고르세요.
    """,
    stub="""
        def head_and_loss(task: str, hidden: int, n_classes: int) -> tuple[nn.Module, nn.Module]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def head_and_loss(task: str, hidden: int, n_classes: int) -> tuple[nn.Module, nn.Module]:
            if task == "regression":
                return nn.Linear(hidden, 1), nn.MSELoss()
            if task == "binary":
                return nn.Linear(hidden, 1), nn.BCEWithLogitsLoss()  # sigmoid inside the loss
            return nn.Linear(hidden, n_classes), nn.CrossEntropyLoss()  # log-softmax inside the loss
    """,
    answers="head_and_loss",
    hints=(
        "5절의 표를 보세요. 세 경우 모두 출력층은 활성 함수 없는 `nn.Linear` 하나이고, 분류의 sigmoid/softmax는 손실 "
        "함수 안에 있습니다.",
        "회귀: `nn.Linear(hidden, 1)`과 `nn.MSELoss()`. 이진 분류: 출력 1개와 `nn.BCEWithLogitsLoss()`. 다중 분류: "
        "출력 `n_classes`개와 `nn.CrossEntropyLoss()`.",
    ),
    mistakes=(
        Mistake(
            "def head_and_loss(task, hidden, n_classes):\n"
            "    if task == 'regression':\n"
            "        return nn.Linear(hidden, 1), nn.MSELoss()\n"
            "    if task == 'binary':\n"
            "        return nn.Linear(hidden, 1), nn.BCEWithLogitsLoss()\n"
            "    return nn.Sequential(nn.Linear(hidden, n_classes), nn.Softmax(dim=1)), nn.CrossEntropyLoss()",
            "softmax",
            "다중 분류 출력층에 Softmax를 두고 CrossEntropyLoss를 씀",
        ),
        Mistake(
            "def head_and_loss(task, hidden, n_classes):\n"
            "    if task == 'regression':\n"
            "        return nn.Linear(hidden, 1), nn.MSELoss()\n"
            "    if task == 'binary':\n"
            "        return nn.Sequential(nn.Linear(hidden, 1), nn.Sigmoid()), nn.BCELoss()\n"
            "    return nn.Linear(hidden, n_classes), nn.CrossEntropyLoss()",
            "BCEWithLogitsLoss",
            "이진 분류에 Sigmoid 출력층과 BCELoss를 씀(큰 로짓에서 불안정)",
        ),
        Mistake(
            "def head_and_loss(task, hidden, n_classes):\n"
            "    if task == 'regression':\n"
            "        return nn.Sequential(nn.Linear(hidden, 1), nn.ReLU()), nn.MSELoss()\n"
            "    if task == 'binary':\n"
            "        return nn.Linear(hidden, 1), nn.BCEWithLogitsLoss()\n"
            "    return nn.Linear(hidden, n_classes), nn.CrossEntropyLoss()",
            "음수",
            "회귀 출력층에 ReLU를 둠",
        ),
        Mistake(
            "def head_and_loss(task, hidden, n_classes):\n"
            "    if task == 'regression':\n"
            "        return nn.Linear(hidden, 1), nn.MSELoss()\n"
            "    if task == 'binary':\n"
            "        return nn.Linear(hidden, n_classes), nn.BCEWithLogitsLoss()\n"
            "    return nn.Linear(hidden, n_classes), nn.CrossEntropyLoss()",
            "모양",
            "이진 분류 출력층을 클래스 수(2)만큼 만듦",
        ),
    ),
    explanation="""
        회귀는 어떤 실수든 낼 수 있게 활성 함수 없이 `nn.Linear`로 끝내고 `nn.MSELoss`를 씁니다. 분류는 로짓을 내고,
        시그모이드(`nn.BCEWithLogitsLoss`)와 log-softmax(`nn.CrossEntropyLoss`)를 손실 함수가 안에서 안정된 식으로
        계산합니다. 출력층에 Softmax를 두면 softmax가 두 번 적용되고, Sigmoid + `nn.BCELoss`는 큰 로짓에서 손실이
        잘립니다(11). 이진 분류를 출력 2개로 풀려면 `nn.CrossEntropyLoss`와 짝을 지어야 합니다.
    """,
)
def _check_13_4(head_and_loss: object) -> None:
    hidden = 8
    for task, n_classes in (("regression", 1), ("binary", 2), ("multiclass", 4)):
        doing = f'head_and_loss("{task}", {hidden}, {n_classes})'
        with case(doing):
            with seeded(27):
                pair = call(head_and_loss, f"{doing}을(를) 불렀을 때", task, hidden, n_classes)
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise Wrong(f"결과가 {type(pair).__name__}입니다. (출력층, 손실 함수) 두 개의 tuple을 돌려주세요.")
            head, loss_fn = pair
            if not isinstance(head, nn.Module) or not isinstance(loss_fn, nn.Module):
                raise Wrong("출력층과 손실 함수는 둘 다 nn 모듈(예: nn.Linear(...), nn.MSELoss())이어야 합니다.")
            wanted = 1 if task != "multiclass" else n_classes
            with seeded(28), torch.no_grad():
                h = 5 * torch.randn(6, hidden)
                out = call(head, "출력층에 (6, hidden) 특성을 넣었을 때", h)
            if task == "binary" and isinstance(out, torch.Tensor) and out.ndim == 2 and out.shape[1] == 2:
                raise Wrong(
                    "출력층의 출력 모양이 (N, 2)입니다. BCEWithLogitsLoss로 푸는 이진 분류는 샘플마다 로짓 하나, "
                    "(N, 1)을 냅니다(출력 2개는 CrossEntropyLoss와 짝입니다)."
                )
            out = expect_tensor(out, "출력층의 출력", shape=(6, wanted))
            if _affine_gap(head, hidden) > 1e-4:
                if bool(((out > 0) & (out < 1)).all()):
                    if task == "multiclass":
                        raise Wrong(
                            "출력이 모두 0과 1 사이이고 합이 1입니다: 출력층 끝에 softmax가 있습니다. CrossEntropyLoss가 "
                            "안에서 softmax를 계산하므로 출력층은 로짓을 냅니다."
                        )
                    raise Wrong(
                        "출력이 모두 0과 1 사이입니다: 출력층 끝에 Sigmoid가 있습니다. 로짓을 내고 시그모이드가 들어 있는 "
                        "BCEWithLogitsLoss를 쓰세요(큰 로짓에서도 안정적)."
                    )
                if bool((out >= 0).all()):
                    raise Wrong("출력에 음수가 없습니다: 출력층 끝에 ReLU 같은 활성 함수가 있어 음수를 낼 수 없습니다.")
                raise Wrong("출력층이 선형이 아닙니다. 출력층은 활성 함수 없는 nn.Linear 하나입니다.")
            if not isinstance(loss_fn, _LOSSES[task]):
                raise Wrong(
                    f"손실 함수가 {type(loss_fn).__name__}입니다. 이 문제의 출력(로짓)과 정답 형식 {_TARGETS[task]}에 맞는 "
                    "5절 표의 손실이 아닙니다."
                )
            with seeded(29):
                target = (
                    torch.randint(0, n_classes, (6,))
                    if task == "multiclass"
                    else torch.randint(0, 2, (6, 1)).float()
                    if task == "binary"
                    else torch.randn(6, 1)
                )
            loss = call(loss_fn, f"손실 함수에 출력과 정답 {_TARGETS[task]}을 넣었을 때", out, target)
            expect_tensor(loss, "손실", shape=())
