"""The training and evaluation loop of 07_mlp_mnist, as reusable functions, and a fast in-memory batch loader.

07_mlp_mnist writes the loop out in full; later notebooks call :func:`fit` and :func:`evaluate`.

Model mode: :func:`train_epoch` puts the model in ``train()`` and :func:`evaluate` in ``eval()``
(under ``torch.no_grad()``); each of them, and :func:`fit`, gives the model back in the mode it
had when it was called. Nothing else changes behind the caller's back: the model is not moved
(it must already be on ``device``), no seed, thread count or grad mode is changed globally, and
files are only written when :func:`fit` is given a ``checkpoint``.

Supported losses (the loop also reports accuracy, so it must know how to turn outputs into
predictions): ``nn.CrossEntropyLoss`` / ``nn.NLLLoss`` (outputs ``(N, C)``, int64 class-index
targets ``(N,)``) and ``nn.BCEWithLogitsLoss`` (raw logits ``(N,)`` or ``(N, 1)`` and float 0/1
targets of the same shape). Wrong shapes or dtypes are rejected with a message that says what
was expected.

Non-finite losses: the loss is summed on the device without a host sync per batch; every
``CHECK_EVERY`` batches (and at the end of a pass) one sync checks that sum. Once a batch loss
is nan or inf the sum stays non-finite, so the first bad batch is found exactly among the losses
kept since the previous check, and :class:`NonFiniteLossError` names it. :func:`fit` never keeps,
saves or returns non-finite weights as the best ones.
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from .data import data_root, new_temp_file, require_writable

CHECKPOINT_DIR = "checkpoints"
HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")
CHECK_EVERY = 20  # batches between two finiteness checks of the summed loss (one host sync each)

Batch = tuple[torch.Tensor, torch.Tensor]


# --------------------------------------------------------------------------- in-memory batches


class TensorBatches:
    """Mini-batches sliced from tensors that are already in memory: a fast stand-in for a DataLoader.

    ``inputs[i]`` and ``targets[i]`` are sample ``i``. Each pass (epoch) yields ``(inputs, targets)``
    batches of ``batch_size``; with ``shuffle=True`` the order is a fresh ``torch.randperm(n,
    generator=generator)`` per pass (give a DataLoader ``sampler=`` those same indices to make it
    visit the samples in the same order). ``transform`` (optional) is applied to each batch of
    inputs, e.g. augmentation done on a whole batch at once.

    Use it when the whole dataset fits in memory: normalise once into one tensor, then each batch
    is one indexing operation instead of ``batch_size`` per-sample transforms and a collate.
    Without a ``generator``, a shuffled loader seeds its own from torch's global RNG once, here.
    """

    def __init__(
        self,
        inputs: torch.Tensor,
        targets: torch.Tensor,
        batch_size: int,
        shuffle: bool = False,
        generator: torch.Generator | None = None,
        drop_last: bool = False,
        transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ) -> None:
        if not isinstance(inputs, torch.Tensor) or not isinstance(targets, torch.Tensor):
            raise TypeError(
                f"TensorBatches needs tensors, got {type(inputs).__name__} and {type(targets).__name__}; "
                "convert with torch.as_tensor(...) first."
            )
        if inputs.ndim == 0 or targets.ndim == 0:
            raise ValueError("inputs and targets need a first (sample) dimension; got a 0-d tensor.")
        if len(inputs) != len(targets):
            raise ValueError(f"{len(inputs)} inputs but {len(targets)} targets: they must have the same length.")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}.")
        if shuffle and generator is None:
            seed = int(torch.empty((), dtype=torch.int64).random_().item())
            generator = torch.Generator().manual_seed(seed)
        self.inputs = inputs
        self.targets = targets
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last
        self.transform = transform

    @property
    def num_samples(self) -> int:
        """Number of samples per pass (before ``drop_last``)."""
        return len(self.inputs)

    def __len__(self) -> int:
        """Number of batches per pass, like ``len(DataLoader)``."""
        if self.drop_last:
            return self.num_samples // self.batch_size
        return math.ceil(self.num_samples / self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        n = self.num_samples
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            if order is None:
                x = self.inputs[start : start + self.batch_size]
                y = self.targets[start : start + self.batch_size]
            else:
                index = order[start : start + self.batch_size].to(self.inputs.device)
                x = self.inputs[index]
                y = self.targets[index.to(self.targets.device)]
            if self.transform is not None:
                x = self.transform(x)
            yield x, y

    def __repr__(self) -> str:
        return (
            f"TensorBatches({self.num_samples:,} samples, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, batches={len(self)})"
        )


# --------------------------------------------------------------------------- non-finite losses


class NonFiniteLossError(FloatingPointError):
    """The loss (or the weights) stopped being a finite number: training diverged, or the data holds NaN/inf.

    Attributes say where: ``phase`` is ``"training"``, ``"validation"``, ``"evaluation"`` or
    ``"weights"`` (finite losses, but the weights after the epoch are not); ``epoch`` is 1-based
    (None outside :func:`fit`); ``batch`` is the 1-based index of the first batch whose loss was
    nan or inf, of ``batches`` per pass (None when unknown). From :func:`fit`, ``result`` is the
    :class:`FitResult` of the epochs that finished with finite values (``result.best_state``
    holds the best finite weights, empty if there were none); otherwise None.
    """

    def __init__(
        self,
        message: str,
        *,
        phase: str,
        batch: int | None = None,
        batches: int | None = None,
        epoch: int | None = None,
        result: FitResult | None = None,
    ) -> None:
        super().__init__(message)
        self.phase = phase
        self.batch = batch
        self.batches = batches
        self.epoch = epoch
        self.result = result


@dataclass(frozen=True)
class _BadBatch:
    """The first batch whose loss was not finite: its 0-based step, its loss and the finite losses just before."""

    step: int
    value: float
    before: tuple[float, ...]


def _accumulator_dtype(device: torch.device) -> torch.dtype:
    """float64 for the summed loss, except on Apple MPS, which has no float64."""
    return torch.float32 if device.type == "mps" else torch.float64


class _LossSum:
    """Sum of ``n * loss`` over one pass, kept on the device, that notices the first non-finite batch loss.

    ``add`` costs no host sync; every ``CHECK_EVERY`` batches ``check`` syncs once. A nan or inf
    batch loss makes the sum non-finite for good, so the bad batch is among the losses kept since
    the previous check; ``check`` returns it (or None).
    """

    def __init__(self, device: torch.device) -> None:
        self.total = torch.zeros((), dtype=_accumulator_dtype(device), device=device)
        self.losses: list[torch.Tensor] = []  # batch losses since the last check
        self.steps: list[int] = []  # their 0-based batch indices
        self.before: list[torch.Tensor] = []  # the last few (finite) losses before them, for the message

    def add(self, loss: torch.Tensor, n: int, step: int) -> _BadBatch | None:
        loss = loss.detach()
        self.total.add_(loss, alpha=n)  # in the sum's dtype: float64 cannot overflow here, float32 n * loss could
        self.losses.append(loss)
        self.steps.append(step)
        return self.check() if len(self.losses) >= CHECK_EVERY else None

    def check(self) -> _BadBatch | None:
        if not self.losses:
            return None
        if bool(torch.isfinite(self.total)):
            self.before = self.losses[-3:]
            self.losses, self.steps = [], []
            return None
        values = torch.stack(self.losses).tolist()
        first = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
        if first is None:  # finite losses whose sum overflowed (float32 on MPS): blame the largest
            first = max(range(len(values)), key=lambda i: abs(values[i]))
        before = torch.stack(self.before).tolist() if self.before else []
        return _BadBatch(self.steps[first], values[first], tuple([*before, *values[:first]][-3:]))


def _non_finite_error(
    phase: str,
    bad: _BadBatch,
    batches: int | None,
    model: nn.Module,
    epoch: int | None,
    lr: float | None = None,
) -> NonFiniteLossError:
    """The error for the first non-finite loss in ``phase`` ("training", "validation" or "evaluation")."""
    where = (f"epoch {epoch}, " if epoch is not None else "") + f"batch {bad.step + 1}"
    where += f" of {batches}" if batches is not None else ""
    value = "nan" if math.isnan(bad.value) else f"{bad.value:g}"
    before = ", ".join(f"{v:.4g}" for v in bad.before)
    history = f" (the losses just before it: {before})" if before else ""
    if phase == "training":
        lr_text = f" (now lr={lr:g})" if lr is not None else ""
        message = (
            f"the training loss became {value} at {where}{history}, so training stopped: the model's weights "
            "are no longer usable. Usual causes: a learning rate that is too high (the updates grow until they "
            "overflow; the loss rises before it becomes nan), or inputs/targets that contain NaN or inf (a sudden "
            f"nan after normal losses). Try a 10x smaller learning rate{lr_text}, check the data with "
            "torch.isfinite(x).all(), normalise the inputs, then create the model and the optimizer again "
            "(their weights and state now hold NaN).\n"
            "학습 손실이 nan/inf(유한하지 않은 값)가 되어 학습을 멈췄습니다. 보통 학습률이 너무 크거나(손실이 커지다가 "
            "nan이 됨) 입력/정답에 NaN이나 inf가 있을 때(정상이던 손실이 갑자기 nan이 됨) 생깁니다. 학습률을 10배 "
            "줄이거나 데이터를 확인한 뒤, 모델과 옵티마이저를 새로 만들어 처음부터 다시 실행하세요."
        )
    else:
        name = "validation" if phase == "validation" else "evaluation"
        if _weights_finite(model):
            cause = (
                "The model's weights are finite, so this batch's inputs (or targets) contain NaN or inf: check them "
                "with torch.isfinite(x).all().\n입력이나 정답에 NaN/inf가 있습니다: 그 batch의 데이터를 확인하세요."
            )
        else:
            cause = (
                "The model's weights hold NaN or inf: training diverged earlier (learning rate too high?). Train a "
                "new model with a smaller learning rate.\n모델 가중치가 이미 nan/inf입니다: 학습률을 줄여 모델을 "
                "새로 학습시키세요."
            )
        message = f"the {name} loss is {value} at {where}: the model's outputs are not finite numbers. {cause}"
    return NonFiniteLossError(message, phase=phase, batch=bad.step + 1, batches=batches, epoch=epoch)


def _weights_finite(model: nn.Module) -> bool:
    """True when every floating-point parameter and buffer of ``model`` is finite (one host sync)."""
    tensors = [t for t in (*model.parameters(), *model.buffers()) if t.is_floating_point()]
    if not tensors:
        return True
    return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


def _state_finite(state: dict[str, torch.Tensor]) -> bool:
    return all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())


# --------------------------------------------------------------------------- checks


def _positive_int(value: Any, name: str, hint: str = "") -> int:
    """``value`` as an int when it is a positive integer (not a bool); else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer{hint}, got {value!r}.")
    return int(value)


def _task(loss_fn: nn.Module) -> str:
    """'multiclass' or 'binary' for the supported losses; a clear error for any other."""
    if isinstance(loss_fn, type) and issubclass(loss_fn, nn.Module):
        raise ValueError(
            f"loss_fn is the class {loss_fn.__name__}, not a loss object: pass an instance, e.g. "
            f"loss_fn = nn.{loss_fn.__name__}() (note the parentheses)."
        )
    if not isinstance(loss_fn, nn.Module) and callable(loss_fn):
        raise ValueError(
            f"loss_fn is the function {getattr(loss_fn, '__name__', loss_fn)!r}; the loop needs the loss module "
            "so it knows the task: use nn.CrossEntropyLoss() (K classes) or nn.BCEWithLogitsLoss() (binary)."
        )
    if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)):
        task = "multiclass"
    elif isinstance(loss_fn, nn.BCEWithLogitsLoss):
        task = "binary"
    elif isinstance(loss_fn, nn.BCELoss):
        raise ValueError(
            "BCELoss expects probabilities after a Sigmoid; this loop works on raw logits: remove the final "
            "Sigmoid and use nn.BCEWithLogitsLoss (numerically stable), or nn.CrossEntropyLoss for K classes."
        )
    else:
        raise ValueError(
            f"{type(loss_fn).__name__} is not supported: the loop reports accuracy, so it needs a classification "
            "loss: nn.CrossEntropyLoss (K classes, class-index targets) or nn.BCEWithLogitsLoss (binary)."
        )
    reduction = getattr(loss_fn, "reduction", "mean")
    if reduction != "mean":
        raise ValueError(f"loss reduction={reduction!r}; the loop averages per batch: use reduction='mean'.")
    return task


def _split_batch(batch: Any) -> Batch:
    """``(inputs, targets)`` from one batch; a clear error for anything else."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        kind = type(batch).__name__ + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else "")
        raise TypeError(
            f"each batch must be a pair (inputs, targets), got a {kind}. A Dataset's __getitem__ should "
            "return (x, y); for a dict-style batch, wrap the loader so it yields (x, y)."
        )
    inputs, targets = batch
    if not isinstance(inputs, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError(
            f"a batch must hold tensors, got ({type(inputs).__name__}, {type(targets).__name__}); "
            "add transforms.ToTensor() (or torch.as_tensor) so the loader yields tensors."
        )
    return inputs, targets


def check_outputs(
    outputs: torch.Tensor, targets: torch.Tensor, loss_fn: nn.Module, num_classes: int | None = None
) -> None:
    """Raise ``ValueError`` unless ``outputs`` and ``targets`` fit ``loss_fn`` (shape, dtype, class range).

    ``num_classes``, when given, is the number of logits the model must produce per sample.
    """
    task = _task(loss_fn)
    if not isinstance(outputs, torch.Tensor):
        raise TypeError(
            f"the model returned a {type(outputs).__name__}, not a tensor of logits; the loop needs forward to "
            "return one (N, C) tensor: return only the logits (e.g. `return logits`, not `return logits, features`)."
        )
    if outputs.ndim == 0 or targets.ndim == 0:
        raise ValueError("outputs and targets need a batch dimension; got a 0-d tensor.")
    if outputs.shape[0] != targets.shape[0]:
        raise ValueError(
            f"the model returned {outputs.shape[0]} rows for a batch of {targets.shape[0]} targets "
            f"(outputs {tuple(outputs.shape)}, targets {tuple(targets.shape)}); check the reshape in forward "
            "(use x.flatten(start_dim=1), not x.view(-1, features), so the batch dimension is kept)."
        )
    if task == "multiclass":
        name = type(loss_fn).__name__
        if outputs.ndim != 2:
            raise ValueError(
                f"{name} here expects outputs of shape (N, C) = (batch, classes), got {tuple(outputs.shape)}; "
                "flatten the input and end the model with nn.Linear(..., C)."
            )
        if targets.is_floating_point() or targets.dtype == torch.bool:
            raise ValueError(
                f"{name} here expects class-index targets of dtype int64 (torch.long) and shape (N,), got "
                f"{targets.dtype} {tuple(targets.shape)}; convert with targets.long() (one-hot or probability "
                "targets cannot give an accuracy)."
            )
        if targets.ndim != 1:
            raise ValueError(
                f"{name} here expects class-index targets of shape (N,), got {tuple(targets.shape)}; "
                "use targets.squeeze(1) for (N, 1) or targets.argmax(1) for one-hot targets."
            )
        if targets.dtype != torch.int64:
            raise ValueError(
                f"{name} expects class-index targets of dtype int64 (torch.long), got {targets.dtype}; "
                "convert with targets.long()."
            )
        classes = outputs.shape[1]
        if num_classes is not None and classes != num_classes:
            raise ValueError(
                f"the model returns {classes} logits per sample but there are {num_classes} classes; "
                f"make its last layer nn.Linear(..., {num_classes})."
            )
        if targets.numel():
            low, high = int(targets.min()), int(targets.max())
            if low < 0 or high >= classes:
                raise ValueError(
                    f"targets hold class {high if high >= classes else low}, but the model returns {classes} logits "
                    f"(classes 0..{classes - 1}); make its last layer nn.Linear(..., number of classes)."
                )
    else:
        if outputs.shape != targets.shape:
            raise ValueError(
                f"BCEWithLogitsLoss expects outputs and targets of the same shape, got outputs "
                f"{tuple(outputs.shape)} and targets {tuple(targets.shape)}; use one output unit and "
                "outputs.squeeze(1) or targets.float().unsqueeze(1)."
            )
        if not targets.is_floating_point():
            raise ValueError(
                f"BCEWithLogitsLoss expects float targets (0.0 or 1.0), got {targets.dtype}; convert with "
                "targets.float()."
            )


def _predictions(outputs: torch.Tensor, task: str) -> torch.Tensor:
    if task == "multiclass":
        return outputs.argmax(dim=1)
    return (outputs > 0).long()


def _as_index(targets: torch.Tensor, task: str) -> torch.Tensor:
    return targets if task == "multiclass" else targets.long()


def _model_device(model: nn.Module) -> torch.device | None:
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return None


def _same_device(a: torch.device, b: torch.device) -> bool:
    if a.type != b.type:
        return False
    return a.index is None or b.index is None or a.index == b.index or a.type == "cpu"


def _resolve_device(model: nn.Module, device: torch.device | str | None) -> torch.device:
    """The device to run on; the model must already be there (this loop never moves it)."""
    here = _model_device(model)
    if device is None:
        return here or torch.device("cpu")
    device = torch.device(device)
    if here is not None and not _same_device(here, device):
        raise ValueError(
            f"the model is on {here} but device is {device}: call model.to(device) before training "
            "(the loop moves the batches, not the model)."
        )
    return device


def _check_loader(loader: Any, name: str, passes: int = 1) -> None:
    """Reject what is not an iterable of batches, and, for ``passes`` > 1, one-shot iterators and empty loaders."""
    if isinstance(loader, torch.Tensor) or not isinstance(loader, Iterable):
        raise TypeError(
            f"{name} must be an iterable of (inputs, targets) batches such as a DataLoader or "
            f"cu.TensorBatches, got {type(loader).__name__}."
        )
    if passes > 1 and isinstance(loader, Iterator):
        raise TypeError(
            f"{name} is a one-shot iterator ({type(loader).__name__}, e.g. a generator, zip or iter(...)): it is "
            f"used up after the first pass and would yield nothing in the next epoch. Pass a DataLoader, "
            "cu.TensorBatches or a list of (inputs, targets) batches."
        )
    if _total(loader) == 0:
        raise ValueError(
            f"{name} has no batches (len 0): is the dataset empty, or is batch_size larger than the dataset "
            "with drop_last=True?"
        )


def _check_optimizer(model: nn.Module, optimizer: Any) -> None:
    """The optimizer must be an object that updates (some of) this model's trainable parameters."""
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer is the class {optimizer.__name__}, not an optimizer: create one for this model, e.g. "
            f"torch.optim.{optimizer.__name__}(model.parameters(), lr=0.01)."
        )
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
    params = list(model.parameters())
    if not params:
        raise ValueError(f"{type(model).__name__} has no parameters to train (no nn.Linear or similar layer).")
    if not any(p.requires_grad for p in params):
        raise ValueError(
            "no parameter of the model has requires_grad=True (all frozen), so nothing can be trained: "
            "unfreeze the layers to train with p.requires_grad_(True)."
        )
    own = {id(p) for p in params}
    if not any(id(p) in own for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "the optimizer does not update this model's parameters: it was created for another model (for "
            "example before the cell that builds the model was run again). Create it after the model: "
            "optimizer = torch.optim.SGD(model.parameters(), lr=...).\n"
            "옵티마이저가 이 모델의 파라미터를 갖고 있지 않습니다: 모델을 만든 다음에 옵티마이저를 다시 만드세요."
        )


def _check_scheduler(scheduler: Any, optimizer: torch.optim.Optimizer, epochs: int) -> None:
    """A scheduler object for this optimizer that can be stepped once per epoch for ``epochs`` epochs."""
    if scheduler is None:
        return
    if isinstance(scheduler, type):
        raise TypeError(
            f"scheduler is the class {scheduler.__name__}, not a scheduler: create one for the optimizer, e.g. "
            f"torch.optim.lr_scheduler.{scheduler.__name__}(optimizer, ...)."
        )
    if isinstance(scheduler, torch.optim.Optimizer) or not callable(getattr(scheduler, "step", None)):
        raise TypeError(
            f"scheduler must be a learning-rate scheduler from torch.optim.lr_scheduler (got "
            f"{type(scheduler).__name__}), e.g. torch.optim.lr_scheduler.StepLR(optimizer, step_size=10)."
        )
    if getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise ValueError(
            "the scheduler was created for another optimizer, so it would change that one's learning rate, not "
            "this one's: create the scheduler from this optimizer, after it."
        )
    total = getattr(scheduler, "total_steps", None)
    if isinstance(scheduler, torch.optim.lr_scheduler.OneCycleLR) and total is not None and total < epochs:
        raise ValueError(
            f"OneCycleLR has total_steps={total} but fit steps the scheduler once per epoch for {epochs} epochs: "
            f"create it with total_steps={epochs} (or epochs={epochs}, steps_per_epoch=1)."
        )


def _dtype_hint(model: nn.Module, inputs: torch.Tensor) -> str | None:
    """Why ``model(inputs)`` may have failed when the inputs' dtype is not the weights' dtype (else None)."""
    weight = next((p for p in model.parameters() if p.is_floating_point()), None)
    if weight is None or inputs.dtype == weight.dtype:
        return None
    if inputs.is_floating_point():
        fix = (
            f"convert them once with x = x.to({weight.dtype}) (for float32: x.float()); NumPy arrays become "
            "float64 with torch.from_numpy / torch.tensor, so pass dtype=torch.float32 there"
        )
    else:
        fix = (
            f"{inputs.dtype} inputs are usually raw pixel values 0..255 or labels: convert with x.float() / 255 "
            "(or transforms.ToTensor() in the Dataset), and normalise"
        )
    return (
        f"the inputs have dtype {inputs.dtype} but the model's weights are {weight.dtype}: {fix}.\n"
        "입력의 dtype이 모델 가중치와 다릅니다: 입력을 모델과 같은 float 형식으로 바꾸세요."
    )


def _forward(model: nn.Module, inputs: torch.Tensor, first: bool) -> Any:
    """``model(inputs)``; on the first batch, a failure caused by the inputs' dtype gets a message that says so."""
    if not first:
        return model(inputs)
    try:
        return model(inputs)
    except RuntimeError as exc:
        hint = _dtype_hint(model, inputs)
        if hint is None:
            raise
        raise TypeError(hint) from exc


# --------------------------------------------------------------------------- one pass


@dataclass
class EvalResult:
    """What :func:`evaluate` measured: mean loss, accuracy (0..1), and every prediction with its target (CPU)."""

    loss: float
    acc: float
    preds: torch.Tensor
    targets: torch.Tensor

    def __repr__(self) -> str:
        return f"EvalResult(loss={self.loss:.4f}, acc={self.acc:.4f}, samples={len(self.targets):,})"


def _total(loader: Any) -> int | None:
    """``len(loader)``, or None when it has none (a DataLoader over an IterableDataset without ``__len__``)."""
    if not isinstance(loader, Sized):
        return None
    try:
        return len(loader)
    except TypeError:
        return None


def train_epoch(
    model: nn.Module,
    loader: Iterable,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device | str | None = None,
    num_classes: int | None = None,
    progress: bool | str = False,
) -> tuple[float, float]:
    """One pass over ``loader`` with updates; return (mean loss, accuracy) over the samples seen.

    The model is in ``train()`` during the pass and gets its previous mode back afterwards. Each
    batch is moved to ``device``; ``progress`` is False or the text for a tqdm bar. Empty batches
    are skipped. Raises :class:`NonFiniteLossError` (naming the batch) when a loss is nan or inf.
    """
    return _train_pass(model, loader, loss_fn, optimizer, device, num_classes, progress, epoch=None)


def _train_pass(
    model: nn.Module,
    loader: Iterable,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device | str | None,
    num_classes: int | None,
    progress: bool | str,
    epoch: int | None,
) -> tuple[float, float]:
    task = _task(loss_fn)
    _check_loader(loader, "loader")
    _check_optimizer(model, optimizer)
    device = _resolve_device(model, device)
    was_training = model.training
    losses = _LossSum(device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    seen = 0
    checked = False
    total = _total(loader)
    bar = tqdm(total=total, desc=progress if isinstance(progress, str) else None, leave=False, disable=not progress)
    model.train()
    try:
        for step, batch in enumerate(loader):
            inputs, targets = _split_batch(batch)
            n = targets.shape[0] if targets.ndim else 1
            if n == 0:  # the mean loss of no samples is nan: skip, do not step
                bar.update(1)
                continue
            inputs = inputs.to(device, non_blocking=True)
            targets = targets.to(device, non_blocking=True)
            optimizer.zero_grad()
            outputs = _forward(model, inputs, first=not checked)
            if not checked or outputs.shape[0] != targets.shape[0]:
                check_outputs(outputs, targets, loss_fn, num_classes)
                checked = True
            loss = loss_fn(outputs, targets)
            loss.backward()
            optimizer.step()
            seen += n
            bad = losses.add(loss, n, step)
            if bad is not None:
                raise _non_finite_error("training", bad, total, model, epoch, optimizer.param_groups[0]["lr"])
            correct += (_predictions(outputs.detach(), task) == _as_index(targets, task)).sum()
            bar.update(1)
            if progress and (step % 20 == 0):
                bar.set_postfix_str(f"loss {losses.total.item() / seen:.3f}", refresh=False)
        bad = losses.check()
        if bad is not None:
            raise _non_finite_error("training", bad, total, model, epoch, optimizer.param_groups[0]["lr"])
    finally:
        bar.close()
        model.train(was_training)
    if seen == 0:
        raise ValueError("the training loader yielded no batches; is the dataset empty?")
    return losses.total.item() / seen, correct.item() / seen


def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: nn.Module,
    device: torch.device | str | None = None,
    num_classes: int | None = None,
    progress: bool | str = False,
) -> EvalResult:
    """Mean loss and accuracy of ``model`` on ``loader`` under ``torch.no_grad()`` and ``eval()``.

    Also returns every prediction and target (int64, on the CPU) for a confusion matrix. The
    model gets its previous train/eval mode back afterwards. Raises :class:`NonFiniteLossError`
    (naming the batch, and whether the weights or the data are to blame) when a loss is nan or inf.
    """
    return _evaluate(model, loader, loss_fn, device, num_classes, progress, phase="evaluation", epoch=None)


def _evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: nn.Module,
    device: torch.device | str | None,
    num_classes: int | None,
    progress: bool | str,
    phase: str,
    epoch: int | None,
) -> EvalResult:
    task = _task(loss_fn)
    _check_loader(loader, "loader")
    device = _resolve_device(model, device)
    was_training = model.training
    losses = _LossSum(device)
    seen = 0
    checked = False
    total = _total(loader)
    preds: list[torch.Tensor] = []
    trues: list[torch.Tensor] = []
    bar = tqdm(total=total, desc=progress if isinstance(progress, str) else None, leave=False, disable=not progress)
    model.eval()
    try:
        with torch.no_grad():
            for step, batch in enumerate(loader):
                inputs, targets = _split_batch(batch)
                n = targets.shape[0] if targets.ndim else 1
                if n == 0:
                    bar.update(1)
                    continue
                inputs = inputs.to(device, non_blocking=True)
                targets = targets.to(device, non_blocking=True)
                outputs = _forward(model, inputs, first=not checked)
                if not checked or outputs.shape[0] != targets.shape[0]:
                    check_outputs(outputs, targets, loss_fn, num_classes)
                    checked = True
                seen += n
                bad = losses.add(loss_fn(outputs, targets), n, step)
                if bad is not None:
                    raise _non_finite_error(phase, bad, total, model, epoch)
                preds.append(_predictions(outputs, task).cpu())
                trues.append(_as_index(targets, task).cpu())
                bar.update(1)
            bad = losses.check()
            if bad is not None:
                raise _non_finite_error(phase, bad, total, model, epoch)
    finally:
        bar.close()
        model.train(was_training)
    if seen == 0:
        raise ValueError("the evaluation loader yielded no batches; is the dataset empty?")
    all_preds, all_targets = torch.cat(preds), torch.cat(trues)
    acc = (all_preds == all_targets).double().mean().item()
    return EvalResult(losses.total.item() / seen, acc, all_preds, all_targets)


# --------------------------------------------------------------------------- many epochs


@dataclass
class FitResult:
    """What :func:`fit` returns.

    ``history`` maps ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc`` (and ``lr``, the
    learning rate used in each epoch) to one value per epoch; ``cu.plot_history(result.history)``
    draws it. ``best_state`` is a CPU copy of the ``state_dict`` from ``best_epoch`` (1-based),
    the epoch with the highest validation accuracy; ``checkpoint`` is where it was saved, if asked.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    best_state: dict[str, torch.Tensor] = field(default_factory=dict)
    best_epoch: int = 0
    best_val_acc: float = float("nan")
    checkpoint: Path | None = None

    def __repr__(self) -> str:
        where = f", checkpoint={self.checkpoint.name!r}" if self.checkpoint else ""
        return (
            f"FitResult(epochs={len(self.history.get('train_loss', []))}, best_epoch={self.best_epoch}, "
            f"best_val_acc={self.best_val_acc:.4f}{where})"
        )


def checkpoint_path(name: str | Path) -> Path:
    """Where a checkpoint called ``name`` is kept: ``<data root>/checkpoints/name`` (absolute paths stay as given)."""
    path = Path(name).expanduser()
    if str(name).strip() == "" or path.name == "":
        raise ValueError("checkpoint needs a file name such as 'mlp_cifar10.pt'.")
    return path if path.is_absolute() else data_root() / CHECKPOINT_DIR / path


def _state_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def _save_atomic(state: dict[str, torch.Tensor], path: Path) -> None:
    """``torch.save`` through a temporary file beside ``path``: a reader never sees half a checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = new_temp_file(path.parent, f".{path.name}.", ".tmp")
    os.close(fd)
    try:
        torch.save(state, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _check_checkpoint(path: Path) -> None:
    """Fail before training, not after the first epoch, when the checkpoint cannot be written."""
    if path.is_dir():
        raise ValueError(f"checkpoint {path} is a folder; give a file name such as {path / 'best.pt'}.")
    require_writable(path.parent, "save the checkpoint")


def _fit_error(error: NonFiniteLossError, result: FitResult) -> NonFiniteLossError:
    """``error`` from one pass of :func:`fit`, with the partial result and what happened to the best weights."""
    if result.best_epoch:
        kept = f"The best finite weights so far, from epoch {result.best_epoch}"
        kept += f" (val acc {result.best_val_acc:.1%})" if not math.isnan(result.best_val_acc) else ""
        kept += " are in this error's .result.best_state"
        kept += f" and in the checkpoint {result.checkpoint}, which was left as it was." if result.checkpoint else "."
    else:
        kept = "No epoch finished with finite values, so no weights were kept or saved."
    english, _, korean = str(error).partition("\n")
    message = f"{english} {kept}" + (f"\n{korean}" if korean else "")
    return NonFiniteLossError(
        message, phase=error.phase, batch=error.batch, batches=error.batches, epoch=error.epoch, result=result
    )


def _is_plateau(scheduler: Any) -> bool:
    return isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)


def epoch_line(epoch: int, epochs: int, row: dict[str, float]) -> str:
    """``epoch  3/10 | train loss 0.214 acc 93.7% | val loss 0.198 acc 94.2%`` for one history row."""
    width = len(str(epochs))
    line = f"epoch {epoch:>{width}}/{epochs} | train loss {row['train_loss']:.3f} acc {100 * row['train_acc']:.1f}%"
    if "val_loss" in row:
        line += f" | val loss {row['val_loss']:.3f} acc {100 * row['val_acc']:.1f}%"
    return line


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable | None,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    *,
    device: torch.device | str | None = None,
    scheduler: Any = None,
    checkpoint: str | Path | None = None,
    num_classes: int | None = None,
    progress: bool = True,
    verbose: bool = True,
    log_every: int = 1,
) -> FitResult:
    """Train ``model`` for ``epochs`` epochs, validating after each; keep the best weights by validation accuracy.

    Per epoch: one tqdm bar over the training batches, then (if ``verbose``) one line such as
    ``epoch  3/10 | train loss 0.214 acc 93.7% | val loss 0.198 acc 94.2% | 2.1 s``, marked ``*``
    when validation accuracy reaches a new best. ``log_every=k`` prints that line only for the first
    epoch, every k-th epoch and the last one (a 30-epoch run in 7 lines; the history keeps every epoch,
    and ``plot_history`` draws them all). ``train_loader``/``val_loader`` are DataLoaders,
    :class:`TensorBatches` or any iterable of ``(inputs, targets)``; batches are moved to
    ``device`` (default: where the model is; the model itself is never moved).

    ``scheduler`` is stepped once per epoch after validation; a ``ReduceLROnPlateau`` gets the
    validation loss (or accuracy if its ``mode`` is ``"max"``). ``checkpoint`` (a file name, kept
    under ``<data root>/checkpoints/``) saves the best ``state_dict`` each time it improves;
    reload it with ``torch.load(path, weights_only=True)``.

    The model is in ``train()`` while training and ``eval()`` while validating, and ends in the
    mode it had when ``fit`` was called, holding the LAST epoch's weights; load
    ``result.best_state`` to use the best ones. Without ``val_loader``, the history has no
    ``val_*`` keys and the last epoch counts as the best.

    A nan or inf loss (or non-finite weights after an epoch) stops training with
    :class:`NonFiniteLossError`, which names the epoch and batch; non-finite weights are never
    kept, saved or returned as the best, and the error's ``result`` holds the finished epochs.
    Arguments that cannot work (an optimizer or scheduler made for another model, a one-shot
    iterator, an empty loader, a checkpoint that cannot be written) are rejected before training.
    """
    epochs = _positive_int(epochs, "epochs")
    log_every = _positive_int(log_every, "log_every", " (1 prints every epoch)")
    _task(loss_fn)
    _check_optimizer(model, optimizer)
    _check_loader(train_loader, "train_loader", passes=epochs)
    if val_loader is not None:
        _check_loader(val_loader, "val_loader", passes=epochs)
    _check_scheduler(scheduler, optimizer, epochs)
    if _is_plateau(scheduler) and val_loader is None:
        raise ValueError("ReduceLROnPlateau watches a validation metric: pass a val_loader, or use another scheduler.")
    device = _resolve_device(model, device)
    path = checkpoint_path(checkpoint) if checkpoint is not None else None
    if path is not None:
        _check_checkpoint(path)

    history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS if val_loader is not None or "val" not in key}
    history["lr"] = []
    result = FitResult(history=history, checkpoint=path)
    best_acc = -math.inf
    width = len(str(epochs))
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]
        desc = f"epoch {epoch:>{width}}/{epochs}" if progress else False
        try:
            train_loss, train_acc = _train_pass(
                model, train_loader, loss_fn, optimizer, device, num_classes, desc, epoch=epoch
            )
            row = {"train_loss": train_loss, "train_acc": train_acc}
            if val_loader is not None:
                val = _evaluate(
                    model, val_loader, loss_fn, device, num_classes, False, phase="validation", epoch=epoch
                )
                row.update(val_loss=val.loss, val_acc=val.acc)
            improved = val_loader is None or row["val_acc"] > best_acc  # ties keep the earlier epoch
            state = _state_copy(model) if improved else None
            if state is not None and not _state_finite(state):
                raise NonFiniteLossError(
                    f"the weights became nan or inf at the end of epoch {epoch} although every loss in it was "
                    "finite (the last updates overflowed): they are not kept or saved. Try a 10x smaller learning "
                    "rate, then create the model and the optimizer again.\n"
                    "가중치가 nan/inf가 되었습니다: 학습률을 10배 줄이고 모델과 옵티마이저를 새로 만들어 "
                    "다시 실행하세요.",
                    phase="weights",
                    epoch=epoch,
                )
        except NonFiniteLossError as error:
            raise _fit_error(error, result) from None
        for key, value in row.items():
            history[key].append(value)
        history["lr"].append(lr)

        if state is not None:
            best_acc = row.get("val_acc", best_acc)
            result.best_epoch = epoch
            result.best_val_acc = row.get("val_acc", float("nan"))
            result.best_state = state
            if path is not None:
                _save_atomic(result.best_state, path)
        if scheduler is not None:
            if _is_plateau(scheduler):
                scheduler.step(row["val_acc"] if scheduler.mode == "max" else row["val_loss"])
            else:
                scheduler.step()
        if verbose and (epoch == 1 or epoch % log_every == 0 or epoch == epochs):
            line = epoch_line(epoch, epochs, row)
            if scheduler is not None:
                line += f" | lr {lr:.2g}"
            line += f" | {time.perf_counter() - start:.1f} s"
            if improved and val_loader is not None:
                line += " *"
            print(line, flush=True)
    return result
