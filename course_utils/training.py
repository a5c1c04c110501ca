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
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from .data import data_root

CHECKPOINT_DIR = "checkpoints"
HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc")

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


# --------------------------------------------------------------------------- checks


def _task(loss_fn: nn.Module) -> str:
    """'multiclass' or 'binary' for the supported losses; a clear error for any other."""
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


def _check_loader(loader: Any, name: str) -> None:
    if isinstance(loader, torch.Tensor) or not isinstance(loader, Iterable):
        raise TypeError(
            f"{name} must be an iterable of (inputs, targets) batches such as a DataLoader or "
            f"cu.TensorBatches, got {type(loader).__name__}."
        )


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
    return len(loader) if isinstance(loader, Sized) else None


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
    batch is moved to ``device``; ``progress`` is False or the text for a tqdm bar.
    """
    task = _task(loss_fn)
    _check_loader(loader, "loader")
    device = _resolve_device(model, device)
    was_training = model.training
    total_loss = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    seen = 0
    bar = tqdm(
        total=_total(loader), desc=progress if isinstance(progress, str) else None, leave=False, disable=not progress
    )
    model.train()
    try:
        for step, batch in enumerate(loader):
            inputs, targets = _split_batch(batch)
            inputs = inputs.to(device, non_blocking=True)
            targets = targets.to(device, non_blocking=True)
            optimizer.zero_grad()
            outputs = model(inputs)
            if step == 0:
                check_outputs(outputs, targets, loss_fn, num_classes)
            elif outputs.shape[0] != targets.shape[0]:
                check_outputs(outputs, targets, loss_fn, num_classes)
            loss = loss_fn(outputs, targets)
            loss.backward()
            optimizer.step()
            n = targets.shape[0]
            seen += n
            total_loss += loss.detach() * n
            correct += (_predictions(outputs.detach(), task) == _as_index(targets, task)).sum()
            bar.update(1)
            if progress and (step % 20 == 0):
                bar.set_postfix_str(f"loss {total_loss.item() / seen:.3f}", refresh=False)
    finally:
        bar.close()
        model.train(was_training)
    if seen == 0:
        raise ValueError("the training loader yielded no batches; is the dataset empty?")
    return total_loss.item() / seen, correct.item() / seen


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
    model gets its previous train/eval mode back afterwards.
    """
    task = _task(loss_fn)
    _check_loader(loader, "loader")
    device = _resolve_device(model, device)
    was_training = model.training
    total_loss = torch.zeros((), dtype=torch.float64, device=device)
    seen = 0
    preds: list[torch.Tensor] = []
    trues: list[torch.Tensor] = []
    bar = tqdm(
        total=_total(loader), desc=progress if isinstance(progress, str) else None, leave=False, disable=not progress
    )
    model.eval()
    try:
        with torch.no_grad():
            for step, batch in enumerate(loader):
                inputs, targets = _split_batch(batch)
                inputs = inputs.to(device, non_blocking=True)
                targets = targets.to(device, non_blocking=True)
                outputs = model(inputs)
                if step == 0 or outputs.shape[0] != targets.shape[0]:
                    check_outputs(outputs, targets, loss_fn, num_classes)
                n = targets.shape[0]
                seen += n
                total_loss += loss_fn(outputs, targets) * n
                preds.append(_predictions(outputs, task).cpu())
                trues.append(_as_index(targets, task).cpu())
                bar.update(1)
    finally:
        bar.close()
        model.train(was_training)
    if seen == 0:
        raise ValueError("the evaluation loader yielded no batches; is the dataset empty?")
    all_preds, all_targets = torch.cat(preds), torch.cat(trues)
    acc = (all_preds == all_targets).double().mean().item()
    return EvalResult(total_loss.item() / seen, acc, all_preds, all_targets)


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


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
) -> FitResult:
    """Train ``model`` for ``epochs`` epochs, validating after each; keep the best weights by validation accuracy.

    Per epoch: one tqdm bar over the training batches, then (if ``verbose``) one line such as
    ``epoch  3/10 | train loss 0.214 acc 93.7% | val loss 0.198 acc 94.2% | 2.1 s``, marked ``*``
    when validation accuracy reaches a new best. ``train_loader``/``val_loader`` are DataLoaders,
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
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}.")
    _task(loss_fn)
    _check_loader(train_loader, "train_loader")
    if val_loader is not None:
        _check_loader(val_loader, "val_loader")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
    if _is_plateau(scheduler) and val_loader is None:
        raise ValueError("ReduceLROnPlateau watches a validation metric: pass a val_loader, or use another scheduler.")
    device = _resolve_device(model, device)
    path = checkpoint_path(checkpoint) if checkpoint is not None else None

    history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS if val_loader is not None or "val" not in key}
    history["lr"] = []
    result = FitResult(history=history, checkpoint=path)
    best_acc = -math.inf
    width = len(str(epochs))
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]
        desc = f"epoch {epoch:>{width}}/{epochs}" if progress else False
        train_loss, train_acc = train_epoch(model, train_loader, loss_fn, optimizer, device, num_classes, desc)
        row = {"train_loss": train_loss, "train_acc": train_acc}
        if val_loader is not None:
            val = evaluate(model, val_loader, loss_fn, device, num_classes)
            row.update(val_loss=val.loss, val_acc=val.acc)
        for key, value in row.items():
            history[key].append(value)
        history["lr"].append(lr)

        improved = val_loader is None or row["val_acc"] > best_acc  # ties keep the earlier epoch
        if improved:
            best_acc = row.get("val_acc", best_acc)
            result.best_epoch = epoch
            result.best_val_acc = row.get("val_acc", float("nan"))
            result.best_state = _state_copy(model)
            if path is not None:
                _save_atomic(result.best_state, path)
        if scheduler is not None:
            if _is_plateau(scheduler):
                scheduler.step(row["val_acc"] if scheduler.mode == "max" else row["val_loss"])
            else:
                scheduler.step()
        if verbose:
            line = epoch_line(epoch, epochs, row)
            if scheduler is not None:
                line += f" | lr {lr:.2g}"
            line += f" | {time.perf_counter() - start:.1f} s"
            if improved and val_loader is not None:
                line += " *"
            print(line, flush=True)
    return result
