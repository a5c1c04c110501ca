"""Exercises of 14_initialization_regularization: He initialisation by hand, inverted dropout, the
early-stopping rule, and batch normalisation in eval mode from the running statistics."""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from .core import LearnerCodeError, Mistake, Wrong, call, exercise
from .expect import case, expect_int, expect_tensor, expect_values, seeded

# --------------------------------------------------------------------------- 14-1


@exercise(
    "14-1",
    title="He 초기화를 손으로",
    task="""
        `nn.Linear` 층 하나를 받아 가중치를 He(Kaiming) 정규분포 $\\mathcal{N}(0,\\ 2/n_\\text{in})$에서 새로 뽑고 편향을
        0으로 채우는 함수 `he_init_`를 쓰세요(1절의 표). `nn.init`은 쓰지 말고 `torch.randn` 또는 Tensor의 `normal_`로
        직접 채웁니다. 새 Tensor를 대입하지 말고 층이 가진 파라미터를 **제자리에서** 바꾸세요(이름 끝의 `_`가 그 뜻).
    """,
    stub="""
        def he_init_(layer: nn.Linear) -> None:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def he_init_(layer: nn.Linear) -> None:
            fan_in = layer.weight.shape[1]  # weight is (out_features, in_features)
            with torch.no_grad():  # filling parameters is not part of any graph
                layer.weight.normal_(0.0, math.sqrt(2 / fan_in))
                if layer.bias is not None:
                    layer.bias.zero_()
    """,
    answers="he_init_",
    hints=(
        "$n_\\text{in}$은 입력 특성 수입니다. `nn.Linear`의 `weight` 모양은 `(out_features, in_features)`이므로 "
        "`layer.weight.shape[1]`(또는 `layer.in_features`)입니다. 정규분포의 인자는 분산이 아니라 **표준편차**입니다.",
        "`with torch.no_grad():` 안에서 `layer.weight.normal_(0.0, math.sqrt(2 / fan_in))`와 `layer.bias.zero_()`를 "
        "부르세요. `no_grad` 없이 파라미터를 제자리에서 바꾸면 오류가 납니다.",
    ),
    mistakes=(
        Mistake(
            "def he_init_(layer):\n"
            "    with torch.no_grad():\n"
            "        layer.weight.normal_(0.0, math.sqrt(2 / layer.weight.shape[0]))\n"
            "        layer.bias.zero_()",
            "out_features",
            "fan_in 대신 출력 수(weight.shape[0])를 씀",
        ),
        Mistake(
            "def he_init_(layer):\n"
            "    with torch.no_grad():\n"
            "        layer.weight.normal_(0.0, 2 / layer.in_features)\n"
            "        layer.bias.zero_()",
            "표준편차",
            "분산 2/fan_in을 표준편차 자리에 넣음",
        ),
        Mistake(
            "def he_init_(layer):\n"
            "    with torch.no_grad():\n"
            "        layer.weight.normal_(0.0, math.sqrt(2 / layer.in_features))",
            "편향",
            "편향을 0으로 채우지 않음",
        ),
        Mistake(
            "def he_init_(layer):\n"
            "    layer.weight.normal_(0.0, math.sqrt(2 / layer.in_features))\n"
            "    layer.bias.zero_()",
            "no_grad",
            "torch.no_grad() 없이 파라미터를 제자리에서 바꿈",
        ),
        Mistake(
            "def he_init_(layer):\n"
            "    layer.weight = nn.Parameter(torch.randn(layer.out_features, layer.in_features)\n"
            "                                * math.sqrt(2 / layer.in_features))\n"
            "    layer.bias = nn.Parameter(torch.zeros(layer.out_features))",
            "제자리",
            "새 Parameter를 대입해 옵티마이저가 가진 파라미터와 끊어짐",
        ),
    ),
    explanation="""
        ReLU 층 하나를 지나면 분산이 $\\tfrac12 n_\\text{in}\\mathrm{Var}(W)$배가 되므로 $\\mathrm{Var}(W) = 2/n_\\text{in}$이면
        깊이와 상관없이 분산이 유지됩니다. `normal_(mean, std)`의 둘째 인자는 표준편차라 $\\sqrt{2/n_\\text{in}}$을 넣습니다.
        파라미터는 `requires_grad=True`인 잎(leaf) Tensor라서 `torch.no_grad()` 안에서만 제자리 연산을 할 수 있습니다.
        새 `nn.Parameter`를 대입하면 모양은 같아도 이미 만든 옵티마이저가 들고 있는 옛 Tensor와 연결이 끊어집니다.
        `nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")`가 같은 일을 합니다.
    """,
)
def _check_14_1(he_init_: object) -> None:
    for fan_in, fan_out, seed in ((400, 1000, 41), (1500, 300, 42)):
        with seeded(seed):
            layer = nn.Linear(fan_in, fan_out)
        weight, bias = layer.weight, layer.bias
        doing = f"`he_init_(nn.Linear({fan_in}, {fan_out}))`을 불렀을 때"
        with case(doing):
            try:
                with seeded(seed + 100):  # keep the learner's RNG untouched
                    result = call(he_init_, doing, layer)
            except LearnerCodeError as exc:
                if "leaf Variable that requires grad" in str(exc.error):
                    raise Wrong(
                        "파라미터를 제자리에서 바꾸다 오류가 났습니다. `with torch.no_grad():` 안에서 바꾸세요."
                    ) from exc
                raise
            if layer.weight is not weight or layer.bias is not bias:
                raise Wrong(
                    "층의 파라미터가 새 객체로 바뀌었습니다. 옵티마이저가 이미 들고 있는 파라미터와 연결이 끊어지므로 "
                    "`layer.weight.normal_(...)`처럼 제자리에서 채우세요."
                )
            if result is not None and not isinstance(result, nn.Module):
                raise Wrong("함수는 층을 제자리에서 바꾸기만 하고 아무것도 돌려주지 않으면 됩니다.")
            expect_tensor(layer.weight, "layer.weight", shape=(fan_out, fan_in), dtype=torch.float32)
            if not layer.weight.requires_grad:
                raise Wrong("`layer.weight.requires_grad`가 False가 되었습니다. 학습할 수 있는 파라미터로 남겨 두세요.")
            if not torch.equal(layer.bias, torch.zeros_like(layer.bias)):
                raise Wrong("편향이 0이 아닙니다. He 초기화에서는 편향을 0으로 채웁니다.")
            std = layer.weight.std().item()
            mean = layer.weight.mean().item()
            target = math.sqrt(2 / fan_in)
            if abs(std / target - 1) < 0.03 and abs(mean) < 0.05 * target:
                continue
            if abs(std / math.sqrt(2 / fan_out) - 1) < 0.03:
                raise Wrong(
                    f"표준편차가 {std:.4f}로 √(2/out_features)에 가깝습니다. He 초기화의 n_in은 입력 수(fan_in)입니다."
                )
            if abs(std / (2 / fan_in) - 1) < 0.03:
                raise Wrong(f"표준편차가 {std:.4f}입니다. 분산 2/n_in을 표준편차 자리에 넣지 않았는지 보세요.")
            raise Wrong(f"가중치의 평균이 {mean:.4f}, 표준편차가 {std:.4f}로 N(0, 2/n_in)에서 뽑은 값 같지 않습니다.")


# --------------------------------------------------------------------------- 14-2


@exercise(
    "14-2",
    title="드롭아웃을 손으로",
    task="""
        `nn.Dropout`과 같은 일을 하는 함수 `dropout(x, p, training)`을 쓰세요(3절). 학습 모드(`training=True`)에서는 각
        원소를 확률 `p`로 0으로 만들고 남은 원소를 $1/(1-p)$배 합니다. 평가 모드에서는 `x`를 그대로 돌려줍니다.
        받은 `x`는 바꾸지 마세요. 난수는 `torch.rand`로 뽑으면 됩니다.
    """,
    stub="""
        def dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
            if not training or p == 0:
                return x  # eval: the identity
            keep = torch.rand(x.shape, device=x.device) >= p  # True with probability 1 - p
            return x * keep / (1 - p)  # inverted dropout: scale at training time, nothing to do at eval time
    """,
    answers="dropout",
    hints=(
        "`torch.rand(x.shape)`는 0과 1 사이 균등분포라서 `torch.rand(x.shape) >= p`는 확률 $1-p$로 True인 마스크입니다. "
        "평가 모드에서는 아무 계산도 하지 않습니다.",
        "`x * keep / (1 - p)`: 남은 원소를 $1/(1-p)$배 하면 출력의 기댓값이 입력과 같아서 평가 때 아무것도 곱할 필요가 "
        "없습니다. `x[mask] = 0`처럼 받은 `x`를 제자리에서 바꾸지 마세요.",
    ),
    mistakes=(
        Mistake(
            "def dropout(x, p, training):\n"
            "    if not training:\n"
            "        return x\n"
            "    return x * (torch.rand(x.shape) >= p)",
            "1/(1-p)",
            "남은 원소를 1/(1-p)배 하지 않음",
        ),
        Mistake(
            "def dropout(x, p, training):\n"
            "    if not training:\n"
            "        return x * (1 - p)\n"
            "    return x * (torch.rand(x.shape) >= p) / (1 - p)",
            "평가 모드",
            "평가 때 (1-p)를 곱하는 옛 방식을 섞음",
        ),
        Mistake(
            "def dropout(x, p, training):\n"
            "    if not training:\n"
            "        return x\n"
            "    return x * (torch.rand(x.shape) < p) / (1 - p)",
            "0이 된 비율",
            "확률 p로 남기고 1-p로 지움(마스크 방향이 반대)",
        ),
        Mistake(
            "def dropout(x, p, training):\n    return x * (torch.rand(x.shape) >= p) / (1 - p)",
            "평가 모드",
            "training을 무시하고 평가 때도 지움",
        ),
        Mistake(
            "def dropout(x, p, training):\n"
            "    if training:\n"
            "        x[torch.rand(x.shape) < p] = 0\n"
            "        x /= 1 - p\n"
            "    return x",
            "바뀌었습니다",
            "받은 x를 제자리에서 바꿈",
        ),
    ),
    explanation="""
        PyTorch의 드롭아웃은 *inverted dropout*입니다. 학습 때 남은 값을 $1/(1-p)$배 해서 출력의 기댓값을 입력과 같게
        맞추므로, 평가 때는 항등 함수입니다. 원 논문처럼 평가 때 $(1-p)$를 곱하는 방식과 섞으면 평가 출력이 작아집니다.
        마스크는 `torch.rand(...) >= p`(확률 $1-p$로 남김)이고, 받은 Tensor를 제자리에서 바꾸면 autograd가 쓸 값이나
        호출한 쪽의 데이터가 망가집니다.
    """,
)
def _check_14_2(dropout: object) -> None:
    for p in (0.3, 0.5):
        x = torch.ones(200_000)
        doing = f"`dropout(x, p={p}, training=True)`(x는 1로 채운 200,000개)"
        with case(doing):
            with seeded(43):
                out = call(dropout, doing, x, p, True)
            if not torch.equal(x, torch.ones(200_000)):
                raise Wrong("받은 x의 값이 바뀌었습니다. 새 Tensor를 만들어 돌려주세요.")
            out = expect_tensor(out, "dropout(x, p, True)", shape=x.shape, dtype=x.dtype)
            zero_share = (out == 0).float().mean().item()
            if abs(zero_share - p) > 0.01:
                raise Wrong(f"0이 된 비율이 {zero_share:.3f}입니다. 각 원소는 확률 p로 0이 되어야 합니다.")
            kept = out[out != 0]
            if not torch.allclose(kept, torch.full_like(kept, 1 / (1 - p))):
                raise Wrong(
                    f"남은 원소의 값이 {kept[0].item():.4f}입니다. 남은 원소는 1/(1-p)배가 되어야 기댓값이 유지됩니다."
                )
    with seeded(44):
        x = torch.randn(4, 6)
    original = x.clone()
    doing = "`dropout(x, p=0.5, training=False)`(평가 모드)"
    with case(doing):
        with seeded(45):
            out = call(dropout, doing, x, 0.5, False)
        if not torch.equal(x, original):
            raise Wrong("받은 x의 값이 바뀌었습니다.")
        out = expect_tensor(out, "dropout(x, p, False)", shape=x.shape, dtype=x.dtype)
        if not torch.equal(out, original):
            raise Wrong("평가 모드의 출력이 입력과 다릅니다. 평가 모드에서 드롭아웃은 아무것도 하지 않습니다.")


# --------------------------------------------------------------------------- 14-3


def _early_stop(val_losses: list[float], patience: int) -> tuple[int, int]:
    best_loss, best_epoch = math.inf, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
        if epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch


@exercise(
    "14-3",
    title="조기 종료 규칙",
    task="""
        에폭마다 잰 검증 손실의 리스트 `val_losses`(첫 값이 epoch 1)와 `patience`를 받아, 5절의 규칙으로 학습을 멈추는
        에폭과 되돌릴 에폭을 `(stop_epoch, best_epoch)`로 돌려주는 함수 `early_stopping`을 쓰세요. 에폭 번호는 1부터
        셉니다. 새 최저값은 지금까지의 최저값보다 **작을 때만**입니다(같으면 나아진 것이 아님). 끝까지 멈추지 않으면
        `stop_epoch`은 마지막 에폭입니다.
    """,
    stub="""
        def early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
            best_loss, best_epoch = float("inf"), 0
            for epoch, loss in enumerate(val_losses, start=1):
                if loss < best_loss:  # a new minimum: remember this epoch
                    best_loss, best_epoch = loss, epoch
                if epoch - best_epoch >= patience:  # `patience` epochs without a new minimum
                    return epoch, best_epoch
            return len(val_losses), best_epoch
    """,
    answers="early_stopping",
    hints=(
        "지금까지의 최저 손실과 그 에폭을 기억하며 리스트를 한 번 돕니다. `enumerate(val_losses, start=1)`로 1부터 세세요.",
        "각 에폭에서 먼저 `loss < best_loss`면 최저값과 `best_epoch`를 갱신하고, 그다음 `epoch - best_epoch >= patience`"
        "이면 `(epoch, best_epoch)`를 돌려줍니다.",
    ),
    mistakes=(
        Mistake(
            "def early_stopping(val_losses, patience):\n"
            "    best_loss, best_epoch = float('inf'), 0\n"
            "    for epoch, loss in enumerate(val_losses):\n"
            "        if loss < best_loss:\n"
            "            best_loss, best_epoch = loss, epoch\n"
            "        if epoch - best_epoch >= patience:\n"
            "            return epoch, best_epoch\n"
            "    return len(val_losses) - 1, best_epoch",
            "1부터",
            "에폭을 0부터 셈",
        ),
        Mistake(
            "def early_stopping(val_losses, patience):\n"
            "    best_loss, best_epoch = float('inf'), 0\n"
            "    for epoch, loss in enumerate(val_losses, start=1):\n"
            "        if loss < best_loss:\n"
            "            best_loss, best_epoch = loss, epoch\n"
            "        elif True:\n"
            "            return epoch, best_epoch\n"
            "    return len(val_losses), best_epoch",
            "patience",
            "한 번 나빠지면 바로 멈춤(patience를 무시)",
        ),
        Mistake(
            "def early_stopping(val_losses, patience):\n"
            "    best_loss, best_epoch = float('inf'), 0\n"
            "    for epoch, loss in enumerate(val_losses, start=1):\n"
            "        if loss <= best_loss:\n"
            "            best_loss, best_epoch = loss, epoch\n"
            "        if epoch - best_epoch >= patience:\n"
            "            return epoch, best_epoch\n"
            "    return len(val_losses), best_epoch",
            "같은 값",
            "같은 손실도 나아진 것으로 셈(<=)",
        ),
        Mistake(
            "def early_stopping(val_losses, patience):\n"
            "    best_loss, best_epoch = float('inf'), 0\n"
            "    for epoch, loss in enumerate(val_losses, start=1):\n"
            "        if loss < best_loss:\n"
            "            best_loss, best_epoch = loss, epoch\n"
            "        if epoch - best_epoch >= patience:\n"
            "            return epoch, epoch\n"
            "    return len(val_losses), len(val_losses)",
            "되돌릴",
            "멈춘 에폭의 가중치를 그대로 씀(최고 에폭으로 되돌리지 않음)",
        ),
    ),
    explanation="""
        조기 종료는 검증 손실의 최저값을 기억해 두었다가 `patience` 에폭 동안 새 최저값이 없으면 멈추고, 최저값을 낸
        에폭의 가중치로 되돌립니다. 멈춘 시점의 가중치는 이미 `patience` 에폭만큼 과적합이 진행된 가중치입니다.
        검증 손실에는 잡음이 있어 patience가 너무 작으면 일찍 멈추고, 너무 크면 시간을 낭비합니다. 같은 값을 나아진
        것으로 세면 손실이 평평할 때 끝없이 계속되므로 `<`로 비교합니다.
    """,
)
def _check_14_3(early_stopping: object) -> None:
    cases = (
        ([1.00, 0.80, 0.70, 0.75, 0.72, 0.71, 0.60], 3),
        ([0.90, 0.70, 0.72, 0.69, 0.71, 0.73, 0.74, 0.80], 2),
        ([0.50, 0.50, 0.50, 0.40], 2),
        ([1.0, 0.9, 0.8, 0.7], 2),
        ([0.9, 1.0, 0.8, 1.1, 1.2], 1),
    )
    for losses, patience in cases:
        doing = f"`early_stopping({losses}, patience={patience})`"
        with case(doing):
            result = call(early_stopping, doing, list(losses), patience)
            if not isinstance(result, tuple) or len(result) != 2:
                raise Wrong(f"결과가 {type(result).__name__}입니다. `(stop_epoch, best_epoch)` 튜플을 돌려주세요.")
            stop, best = _early_stop(losses, patience)
            got_stop, got_best = result
            if isinstance(got_stop, int) and isinstance(got_best, int) and (got_stop, got_best) == (stop - 1, best - 1):
                raise Wrong("두 값이 모두 하나씩 작습니다. 에폭 번호는 1부터 셉니다.")
            if isinstance(got_best, int) and len(set(losses)) < len(losses) and got_best != best:
                raise Wrong(
                    f"best_epoch = {got_best}: 같은 값이 되풀이되는 리스트입니다. 같은 손실은 나아진 것이 아닙니다."
                )
            if isinstance(got_best, int) and got_best == got_stop and best != stop:
                raise Wrong(
                    f"best_epoch가 멈춘 에폭({got_stop})과 같습니다. 되돌릴 에폭은 검증 손실이 가장 낮았던 에폭입니다."
                )
            if isinstance(got_stop, int) and got_stop < stop:
                raise Wrong(
                    f"stop_epoch = {got_stop}: 너무 일찍 멈춥니다. 새 최저값 없이 patience 에폭이 지나야 멈춥니다."
                )
            expect_int(got_stop, stop, "stop_epoch")
            expect_int(got_best, best, "best_epoch")


# --------------------------------------------------------------------------- 14-4


class _WatchedBatchNorm(nn.BatchNorm1d):
    """A BatchNorm1d whose forward is off limits in exercise 14-4 (the learner computes it by hand)."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        raise Wrong(
            "`bn(x)`를 부르지 말고 `bn.running_mean`, `bn.running_var`, `bn.weight`, `bn.bias`로 직접 계산하세요."
        )


def _trained_batchnorm(features: int, seed: int, eps: float) -> nn.BatchNorm1d:
    with seeded(seed):
        bn = _WatchedBatchNorm(features, eps=eps)
        with torch.no_grad():
            bn.running_mean.copy_(torch.randn(features))
            bn.running_var.copy_(torch.rand(features) * 3 + 0.05)
            bn.weight.copy_(torch.randn(features))
            bn.bias.copy_(torch.randn(features))
    return bn.train()


def _bn_eval(x: torch.Tensor, bn: nn.BatchNorm1d, eps: float | None = None, affine: bool = True) -> torch.Tensor:
    eps = bn.eps if eps is None else eps
    out = (x - bn.running_mean) / torch.sqrt(bn.running_var + eps)
    return out * bn.weight + bn.bias if affine else out


@exercise(
    "14-4",
    title="평가 모드의 배치 정규화를 손으로",
    task="""
        `nn.BatchNorm1d` 층 `bn`과 입력 `x`(모양 `(N, C)`)를 받아, `bn`이 **평가 모드**에서 내는 출력을 직접 계산하는
        함수 `batchnorm_eval`을 쓰세요(4절). `bn(x)`를 부르지 말고 `bn`의 러닝 평균·분산(`running_mean`,
        `running_var`), `eps`, 학습되는 `weight`($\\gamma$)와 `bias`($\\beta$)로 계산합니다. `bn`은 바꾸지 마세요.
    """,
    stub="""
        def batchnorm_eval(x: torch.Tensor, bn: nn.BatchNorm1d) -> torch.Tensor:
            ...  # 여기에 코드를 쓰세요
    """,
    solution="""
        def batchnorm_eval(x: torch.Tensor, bn: nn.BatchNorm1d) -> torch.Tensor:
            x_hat = (x - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)  # running, not batch, statistics
            return x_hat * bn.weight + bn.bias  # gamma and beta, one per channel
    """,
    answers="batchnorm_eval",
    hints=(
        "평가 모드는 배치의 평균·분산이 아니라 학습 중에 모아 둔 `bn.running_mean`, `bn.running_var`를 씁니다. 식은 "
        "$\\gamma\\,(x - \\mu)/\\sqrt{\\sigma^2 + \\epsilon} + \\beta$입니다.",
        "`(x - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)`에 `bn.weight`를 곱하고 `bn.bias`를 더하세요. "
        "`(C,)` 모양의 값들은 `(N, C)`에 브로드캐스트됩니다.",
    ),
    mistakes=(
        Mistake(
            "def batchnorm_eval(x, bn):\n"
            "    x_hat = (x - x.mean(dim=0)) / torch.sqrt(x.var(dim=0, correction=0) + bn.eps)\n"
            "    return x_hat * bn.weight + bn.bias",
            "배치",
            "러닝 통계 대신 배치의 평균·분산을 씀(학습 모드의 계산)",
        ),
        Mistake(
            "def batchnorm_eval(x, bn):\n    return (x - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)",
            "weight",
            "γ와 β를 빠뜨림",
        ),
        Mistake(
            "def batchnorm_eval(x, bn):\n"
            "    x_hat = (x - bn.running_mean) / (bn.running_var + bn.eps)\n"
            "    return x_hat * bn.weight + bn.bias",
            "제곱근",
            "분산으로 나눔(표준편차가 아님)",
        ),
        Mistake(
            "def batchnorm_eval(x, bn):\n"
            "    x_hat = (x - bn.running_mean) / torch.sqrt(bn.running_var)\n"
            "    return x_hat * bn.weight + bn.bias",
            "eps",
            "분산에 eps를 더하지 않음",
        ),
        Mistake(
            "def batchnorm_eval(x, bn):\n    bn.eval()\n    return bn(x)",
            "부르지 말고",
            "bn(x)를 불러 직접 계산하지 않음",
        ),
    ),
    explanation="""
        학습 모드의 배치 정규화는 지금 배치의 평균과 분산으로 정규화하고, 그 값을 지수 이동 평균으로 `running_mean`,
        `running_var`에 모읍니다. 평가 모드는 모아 둔 값을 쓰므로 한 샘플의 출력이 배치의 다른 샘플에 따라 달라지지
        않습니다. `eps`는 분산이 0일 때 0으로 나누지 않게 하고, 마지막에 채널마다 학습된 $\\gamma$를 곱하고 $\\beta$를
        더해 정규화가 표현력을 빼앗지 않게 합니다. `model.eval()`을 잊으면 평가 결과가 배치 구성에 따라 흔들립니다.
    """,
)
def _check_14_4(batchnorm_eval: object) -> None:
    for n, features, seed, eps in ((8, 5, 46, 1e-5), (3, 12, 47, 0.1)):
        bn = _trained_batchnorm(features, seed, eps)
        before = copy.deepcopy(bn.state_dict())
        with seeded(seed + 10):
            x = torch.randn(n, features) * 2 + 1
        doing = (
            f"모양 {(n, features)}인 x와 `nn.BatchNorm1d({features}, eps={eps:g})`(러닝 통계가 쌓인 상태)로 불렀을 때"
        )
        with case(doing):
            result = call(batchnorm_eval, doing, x.clone(), bn)
            if not bn.training or any(not torch.equal(v, before[k]) for k, v in bn.state_dict().items()):
                raise Wrong("받은 `bn`의 상태(모드나 러닝 통계)가 바뀌었습니다. 값을 읽기만 하세요.")
            result = expect_tensor(result, "batchnorm_eval(x, bn)", shape=x.shape, dtype=x.dtype)
            with torch.no_grad():
                expected = _bn_eval(x, bn)
                if torch.allclose(result, expected, atol=1e-5):
                    continue
                batch = (x - x.mean(dim=0)) / torch.sqrt(x.var(dim=0, correction=0) + bn.eps) * bn.weight + bn.bias
                if torch.allclose(result, batch, atol=1e-4):
                    raise Wrong(
                        "배치의 평균·분산으로 정규화했습니다. 평가 모드는 `running_mean`, `running_var`를 씁니다."
                    )
                if torch.allclose(result, _bn_eval(x, bn, affine=False), atol=1e-5):
                    raise Wrong("정규화까지는 맞습니다. 마지막에 `bn.weight`(γ)를 곱하고 `bn.bias`(β)를 더하세요.")
                if torch.allclose(result, _bn_eval(x, bn, eps=0.0), atol=1e-5):
                    raise Wrong(
                        "분산에 `bn.eps`를 더하지 않았습니다. 분산이 0에 가까운 채널에서 0으로 나누지 않도록 더합니다."
                    )
                if torch.allclose(result, (x - bn.running_mean) / (bn.running_var + bn.eps) * bn.weight + bn.bias):
                    raise Wrong("분산으로 나누었습니다. 표준편차, 곧 분산에 eps를 더한 값의 제곱근으로 나누세요.")
                expect_values(result, expected, "batchnorm_eval(x, bn)", atol=1e-5)
