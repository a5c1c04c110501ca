"""Faults a learner meets in the training loop (issue 11): non-finite losses and misused arguments.

Case 1 of the issue: a diverging run (learning rate far too high, or NaN in the data) must stop at
the first non-finite loss with a message that says what it means and what to try, and must never
keep, save or hand back non-finite weights as the "best" ones. The other tests cover the mistakes
found in the fault-injection pass; each is rejected before any time is spent training.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, IterableDataset

import course_utils as cu
from course_utils import training

# --------------------------------------------------------------------------- helpers


def blobs(n: int = 96, classes: int = 3, features: int = 4, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A small, learnable classification set: Gaussian blobs around one centre per class."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, features, generator=g) * 3
    y = torch.arange(n) % classes
    x = centres[y] + torch.randn(n, features, generator=g)
    return x, y


def small_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


class Poisoned:
    """Batches of ``x, y`` (``batch_size`` each) that put a NaN into batch ``batch`` (0-based) of pass ``on_pass``."""

    def __init__(self, x, y, batch_size, on_pass, batch, value=math.nan):
        self.x, self.y, self.batch_size = x, y, batch_size
        self.on_pass, self.batch, self.value = on_pass, batch, value
        self.passes = 0
        self.yielded = 0

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __iter__(self):
        current = self.passes
        self.passes += 1
        for i, start in enumerate(range(0, len(self.x), self.batch_size)):
            xb = self.x[start : start + self.batch_size].clone()
            if current == self.on_pass and i == self.batch:
                xb[0, 0] = self.value
            self.yielded += 1
            yield xb, self.y[start : start + self.batch_size]


class Counting:
    """Wraps an iterable of batches and counts how many were taken."""

    def __init__(self, batches):
        self.batches = batches
        self.taken = 0

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        for batch in self.batches:
            self.taken += 1
            yield batch


def first_non_finite_batch(model: nn.Module, batches, lr: float) -> int:
    """Replay plain SGD by hand and return the 1-based index of the first batch whose loss is not finite."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for i, (xb, yb) in enumerate(batches, start=1):
        loss = F.cross_entropy(model(xb), yb)
        if not torch.isfinite(loss):
            return i
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    raise AssertionError("the replay never diverged")


# --------------------------------------------------------------------------- case 1: non-finite loss


def test_diverging_fit_stops_in_the_first_epoch_names_the_batch_and_saves_nothing(data_dir):
    x, y = blobs(n=384)
    batches = cu.TensorBatches(x, y, 8)  # 48 batches per epoch
    expected = first_non_finite_batch(small_model(), batches, lr=1e6)
    model = small_model()
    counted = Counting(batches)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e6)
    with pytest.raises(FloatingPointError) as err:
        cu.fit(
            model,
            counted,
            cu.TensorBatches(x, y, 64),
            nn.CrossEntropyLoss(),
            optimizer,
            5,
            checkpoint="diverged.pt",
            progress=False,
        )
    error = err.value
    assert isinstance(error, cu.NonFiniteLossError)
    assert (error.phase, error.epoch, error.batch, error.batches) == ("training", 1, expected, 48)
    message = str(error)
    assert f"epoch 1, batch {expected} of 48" in message
    assert "learning rate" in message and "lr=1e+06" in message and "torch.isfinite" in message
    assert "학습률" in message, "the learner gets a Korean sentence saying what to try"
    assert counted.taken < 48, "training stopped inside the first epoch, it did not run on"
    assert not cu.checkpoint_path("diverged.pt").exists(), "no checkpoint of non-finite weights"
    assert error.result.best_epoch == 0 and error.result.best_state == {} and error.result.history["train_loss"] == []


def test_nan_after_a_good_epoch_keeps_the_good_checkpoint_and_best_state(data_dir):
    x, y = blobs()
    train = Poisoned(x, y, 16, on_pass=1, batch=2)  # epoch 2, batch 3
    model = small_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError) as err:
        cu.fit(
            model,
            train,
            cu.TensorBatches(x, y, 32),
            nn.CrossEntropyLoss(),
            optimizer,
            4,
            checkpoint="good.pt",
            progress=False,
            verbose=False,
        )
    error = err.value
    assert (error.epoch, error.batch, error.batches) == (2, 3, 6)
    assert "epoch 2, batch 3 of 6" in str(error) and "epoch 1" in str(error) and "good.pt" in str(error)
    result = error.result
    assert result.best_epoch == 1 and len(result.history["train_loss"]) == 1
    assert all(torch.isfinite(v).all() for v in result.best_state.values())
    saved = torch.load(cu.checkpoint_path("good.pt"), weights_only=True)
    for key, value in result.best_state.items():
        torch.testing.assert_close(saved[key], value)


def test_train_epoch_names_the_exact_batch_beyond_the_check_interval():
    x, y = blobs(n=400)
    bad = 27  # 0-based, beyond the first check after 20 batches: the message says batch 28
    loader = Poisoned(x, y, 4, on_pass=0, batch=bad)
    model = small_model()
    with pytest.raises(FloatingPointError) as err:
        cu.train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    assert (err.value.epoch, err.value.batch, err.value.batches) == (None, bad + 1, 100)
    assert f"batch {bad + 1} of 100" in str(err.value) and "epoch" not in str(err.value).split(":")[0]
    assert loader.yielded <= bad + 1 + training.CHECK_EVERY, "stops within one check interval"


def test_inf_in_the_inputs_is_caught_too():
    x, y = blobs()
    model = small_model()
    loader = Poisoned(x, y, 16, on_pass=0, batch=0, value=math.inf)
    with pytest.raises(FloatingPointError, match=r"batch 1 of 6"):
        cu.train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))


def test_evaluate_names_the_batch_and_tells_inputs_from_weights():
    x, y = blobs()
    model = small_model()
    with pytest.raises(FloatingPointError) as err:
        cu.evaluate(model, Poisoned(x, y, 16, on_pass=0, batch=3), nn.CrossEntropyLoss())
    assert (err.value.phase, err.value.batch) == ("evaluation", 4)
    assert "batch 4 of 6" in str(err.value) and "weights are finite" in str(err.value)
    with torch.no_grad():
        model[0].weight[0, 0] = math.nan
    with pytest.raises(FloatingPointError) as err:
        cu.evaluate(model, cu.TensorBatches(x, y, 16), nn.CrossEntropyLoss())
    assert err.value.batch == 1 and "weights hold NaN or inf" in str(err.value)


class BlowUpOnStep(torch.optim.SGD):
    """Plain SGD whose ``at``-th step writes inf into the first weight (the loss itself stays finite)."""

    def __init__(self, params, at: int):
        super().__init__(params, lr=0.01)
        self.at, self.steps = at, 0

    @torch.no_grad()
    def step(self, closure=None):
        super().step(closure)
        self.steps += 1
        if self.steps == self.at:
            self.param_groups[0]["params"][0].view(-1)[0] = math.inf


def test_non_finite_weights_after_the_last_step_are_never_kept_as_best(data_dir):
    x, y = blobs()
    model = small_model()
    batches = cu.TensorBatches(x, y, 16)  # 6 steps per epoch; the 12th is the last of epoch 2
    with pytest.raises(FloatingPointError) as err:
        cu.fit(
            model,
            batches,
            None,
            nn.CrossEntropyLoss(),
            BlowUpOnStep(model.parameters(), at=12),
            3,
            checkpoint="last.pt",
            progress=False,
            verbose=False,
        )
    assert (err.value.phase, err.value.epoch) == ("weights", 2)
    assert err.value.result.best_epoch == 1
    assert all(torch.isfinite(v).all() for v in err.value.result.best_state.values())
    saved = torch.load(cu.checkpoint_path("last.pt"), weights_only=True)
    assert all(torch.isfinite(v).all() for v in saved.values()), "the epoch-1 checkpoint was not overwritten"


def test_non_finite_weights_show_up_in_validation_with_the_epoch(data_dir):
    x, y = blobs()
    model = small_model()
    with pytest.raises(FloatingPointError) as err:
        cu.fit(
            model,
            cu.TensorBatches(x, y, 16),
            cu.TensorBatches(x, y, 32),
            nn.CrossEntropyLoss(),
            BlowUpOnStep(model.parameters(), at=6),
            2,
            progress=False,
            verbose=False,
        )
    assert (err.value.phase, err.value.epoch, err.value.batch) == ("validation", 1, 1)
    assert err.value.result.best_state == {}


def test_the_loop_does_not_sync_once_per_batch(monkeypatch):
    """The loss is summed on the device; finiteness is checked once per CHECK_EVERY batches, not per batch."""
    x, y = blobs(n=800)
    model = small_model()
    loader = cu.TensorBatches(x, y, 4)  # 200 batches
    syncs = {"n": 0}
    for name in ("item", "__bool__", "__float__", "tolist"):
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _original=original, **kwargs):
            syncs["n"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    cu.train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    assert syncs["n"] <= 15, f"{syncs['n']} host syncs for 200 batches (one check per 20 batches is 10)"


def test_loss_sum_uses_float32_on_mps_which_has_no_float64():
    assert training._accumulator_dtype(torch.device("mps")) == torch.float32
    assert training._accumulator_dtype(torch.device("cpu")) == torch.float64
    assert training._accumulator_dtype(torch.device("cuda", 0)) == torch.float64


# --------------------------------------------------------------------------- other learner mistakes


def never_iterated():
    """A loader that fails the test if the loop starts training: argument errors must come first."""

    class Untouchable:
        def __len__(self):
            return 3

        def __iter__(self):
            pytest.fail("training started before the arguments were checked")

    return Untouchable()


def test_optimizer_of_another_model_is_rejected():
    model, stale = small_model(), small_model(seed=1)
    optimizer = torch.optim.SGD(stale.parameters(), lr=0.1)  # e.g. the model cell was run again
    with pytest.raises(ValueError, match=r"optimizer.*model\.parameters\(\)") as err:
        cu.fit(model, never_iterated(), None, nn.CrossEntropyLoss(), optimizer, 1, progress=False)
    assert "옵티마이저" in str(err.value)
    x, y = blobs()
    with pytest.raises(ValueError, match="another model"):
        cu.train_epoch(model, cu.TensorBatches(x, y, 16), nn.CrossEntropyLoss(), optimizer)


def test_frozen_model_is_rejected():
    model = small_model()
    for p in model.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="requires_grad"):
        cu.fit(model, never_iterated(), None, nn.CrossEntropyLoss(), optimizer, 1, progress=False)


@pytest.mark.parametrize(
    ("make_scheduler", "error", "message"),
    [
        (lambda opt: torch.optim.lr_scheduler.StepLR, TypeError, r"StepLR\(optimizer"),
        (lambda opt: opt, TypeError, "scheduler"),
        (lambda opt: "cosine", TypeError, "scheduler"),
        (
            lambda opt: torch.optim.lr_scheduler.StepLR(torch.optim.SGD(small_model().parameters(), lr=0.1), 1),
            ValueError,
            "another optimizer",
        ),
        (lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2), ValueError, "total_steps"),
    ],
)
def test_scheduler_misuse_is_rejected_before_training(make_scheduler, error, message):
    model = small_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(error, match=message):
        cu.fit(
            model,
            never_iterated(),
            None,
            nn.CrossEntropyLoss(),
            optimizer,
            3,
            scheduler=make_scheduler(optimizer),
            progress=False,
        )


@pytest.mark.parametrize(
    ("loss_fn", "message"),
    [(nn.CrossEntropyLoss, r"instance.*nn\.CrossEntropyLoss\(\)"), (F.cross_entropy, r"nn\.CrossEntropyLoss\(\)")],
)
def test_loss_class_or_function_instead_of_a_module(loss_fn, message):
    model = small_model()
    with pytest.raises(ValueError, match=message):
        cu.fit(model, never_iterated(), None, loss_fn, torch.optim.SGD(model.parameters(), lr=0.1), 1)


def test_optimizer_class_instead_of_an_object():
    with pytest.raises(TypeError, match=r"torch\.optim\.SGD\(model\.parameters\(\)"):
        cu.fit(small_model(), never_iterated(), None, nn.CrossEntropyLoss(), torch.optim.SGD, 1)


@pytest.mark.parametrize(
    ("convert", "message"),
    [(lambda x: x.double(), r"float64.*x\.float\(\)"), (lambda x: (x.abs() * 20).to(torch.uint8), r"uint8.*255")],
)
def test_inputs_of_another_dtype_get_a_clear_message(convert, message):
    x, y = blobs()
    model = small_model()
    loader = cu.TensorBatches(convert(x), y, 16)
    with pytest.raises(TypeError, match=message) as err:
        cu.train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    assert "dtype" in str(err.value)
    with pytest.raises(TypeError, match=message):
        cu.evaluate(model, loader, nn.CrossEntropyLoss())


class TupleModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = small_model()

    def forward(self, x):
        return self.net(x), x


def test_a_model_that_returns_a_tuple_is_explained():
    x, y = blobs()
    model = TupleModel()
    with pytest.raises(TypeError, match="returned a tuple"):
        cu.evaluate(model, cu.TensorBatches(x, y, 16), nn.CrossEntropyLoss())


def test_empty_batches_are_skipped_not_turned_into_nan():
    x, y = blobs()
    batches = [(x[:16], y[:16]), (x[:0], y[:0]), (x[16:48], y[16:48])]
    model = small_model()
    loss, acc = cu.train_epoch(model, batches, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    assert math.isfinite(loss) and 0 <= acc <= 1
    assert all(torch.isfinite(p).all() for p in model.parameters())
    result = cu.evaluate(model, batches, nn.CrossEntropyLoss())
    assert len(result.targets) == 48 and math.isfinite(result.loss)


def test_a_one_shot_iterator_is_rejected_for_several_epochs():
    x, y = blobs()
    model = small_model()
    one_shot = iter(cu.TensorBatches(x, y, 16))
    with pytest.raises(TypeError, match="one-shot"):
        cu.fit(
            model, one_shot, None, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), 2, progress=False
        )
    generator_val = ((xb, yb) for xb, yb in cu.TensorBatches(x, y, 16))
    with pytest.raises(TypeError, match="val_loader"):
        cu.fit(
            model,
            cu.TensorBatches(x, y, 16),
            generator_val,
            nn.CrossEntropyLoss(),
            torch.optim.SGD(model.parameters(), lr=0.1),
            2,
            progress=False,
        )


def test_an_empty_validation_loader_is_rejected_before_training():
    x, y = blobs()
    model = small_model()
    empty_val = cu.TensorBatches(x[:10], y[:10], 16, drop_last=True)
    with pytest.raises(ValueError, match=r"val_loader has no batches.*drop_last"):
        cu.fit(
            model,
            never_iterated(),
            empty_val,
            nn.CrossEntropyLoss(),
            torch.optim.SGD(model.parameters(), lr=0.1),
            1,
            progress=False,
        )


def test_checkpoint_that_cannot_be_written_is_rejected_before_training(data_dir, tmp_path):
    model = small_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    folder = tmp_path / "a_folder.pt"
    folder.mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        cu.fit(model, never_iterated(), None, nn.CrossEntropyLoss(), optimizer, 1, checkpoint=folder)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(cu.DataSourceError, match="cannot write"):
        cu.fit(model, never_iterated(), None, nn.CrossEntropyLoss(), optimizer, 1, checkpoint=blocker / "x.pt")


class Stream(IterableDataset):
    """A streaming dataset without ``__len__``: ``len(DataLoader(Stream()))`` raises TypeError."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __iter__(self):
        return iter(zip(self.x, self.y, strict=True))


def test_a_loader_without_len_trains_and_evaluates():
    x, y = blobs()
    loader = DataLoader(Stream(x, y), batch_size=16)
    model = small_model()
    result = cu.fit(model, loader, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), 2,
                    progress=True, verbose=False)
    assert len(result.history["val_acc"]) == 2 and result.best_epoch >= 1


def test_checkpoint_keeps_the_usual_permissions(data_dir):
    x, y = blobs()
    model = small_model()
    previous = os.umask(0o022)
    try:
        result = cu.fit(model, cu.TensorBatches(x, y, 16), None, nn.CrossEntropyLoss(),
                        torch.optim.SGD(model.parameters(), lr=0.1), 1, checkpoint="shared.pt", progress=False,
                        verbose=False)
    finally:
        os.umask(previous)
    assert result.checkpoint.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in result.checkpoint.parent.iterdir()] == ["shared.pt"], "no temporary file left"


def test_epochs_may_be_a_numpy_integer():
    x, y = blobs()
    model = small_model()
    result = cu.fit(
        model,
        cu.TensorBatches(x, y, 16),
        None,
        nn.CrossEntropyLoss(),
        torch.optim.SGD(model.parameters(), lr=0.1),
        np.int64(2),
        progress=False,
        verbose=False,
    )
    assert len(result.history["train_loss"]) == 2
