"""Unit tests for course_utils.training: the reusable loop, evaluation, bad-input messages, TensorBatches."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset, Sampler
from torchvision import transforms

import course_utils as cu
from course_utils.training import epoch_line

# --------------------------------------------------------------------------- fixtures


def blobs(n: int = 96, classes: int = 3, features: int = 4, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A small, learnable classification set: Gaussian blobs around one centre per class."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(classes, features, generator=g) * 3
    y = torch.arange(n) % classes
    x = centres[y] + torch.randn(n, features, generator=g)
    return x, y


def small_model(features: int = 4, classes: int = 3, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, 8), nn.ReLU(), nn.Linear(8, classes))


def sgd(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=0.1)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


# --------------------------------------------------------------------------- TensorBatches


def test_tensor_batches_covers_every_sample_once_in_order():
    x, y = torch.arange(10).float().unsqueeze(1), torch.arange(10)
    loader = cu.TensorBatches(x, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    assert torch.equal(torch.cat([b[1] for b in batches]), y)
    assert torch.equal(torch.cat([b[0] for b in batches]).squeeze(1), x.squeeze(1))
    assert loader.num_samples == 10


def test_tensor_batches_drop_last():
    loader = cu.TensorBatches(torch.zeros(10, 2), torch.zeros(10, dtype=torch.long), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(b[1]) for b in loader] == [4, 4]


def test_tensor_batches_shuffle_is_randperm_of_its_generator_each_pass():
    y = torch.arange(20)
    loader = cu.TensorBatches(y.float(), y, batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(3))
    reference = torch.Generator().manual_seed(3)
    first = torch.cat([b[1] for b in loader])
    second = torch.cat([b[1] for b in loader])
    assert torch.equal(first, torch.randperm(20, generator=reference))
    assert torch.equal(second, torch.randperm(20, generator=reference))
    assert not torch.equal(first, second), "each pass is a new permutation"
    assert sorted(first.tolist()) == list(range(20))


class PermutationSampler(Sampler[int]):
    """A new ``torch.randperm(n, generator=...)`` per pass: the order TensorBatches uses."""

    def __init__(self, n: int, generator: torch.Generator) -> None:
        self.n, self.generator = n, generator

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return iter(torch.randperm(self.n, generator=self.generator).tolist())


def test_tensor_batches_same_order_as_a_dataloader_with_the_same_permutations():
    y = torch.arange(50)
    dataset = list(zip(y.float(), y, strict=True))
    loader = DataLoader(dataset, batch_size=8, sampler=PermutationSampler(50, torch.Generator().manual_seed(5)))
    fast = cu.TensorBatches(y.float(), y, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(5))
    for _ in range(3):
        assert torch.equal(torch.cat([b[1] for b in loader]), torch.cat([b[1] for b in fast]))


def test_tensor_batches_without_generator_seeds_from_torch_once():
    torch.manual_seed(0)
    a = cu.TensorBatches(torch.arange(30), torch.arange(30), batch_size=30, shuffle=True)
    torch.manual_seed(0)
    b = cu.TensorBatches(torch.arange(30), torch.arange(30), batch_size=30, shuffle=True)
    assert torch.equal(next(iter(a))[1], next(iter(b))[1])


def test_tensor_batches_applies_transform_to_inputs_only():
    x, y = torch.ones(6, 2), torch.arange(6)
    loader = cu.TensorBatches(x, y, batch_size=3, transform=lambda batch: batch * 2)
    for inputs, targets in loader:
        assert torch.equal(inputs, torch.full((3, 2), 2.0))
        assert targets.dtype == torch.int64


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"inputs": torch.zeros(5, 2), "targets": torch.zeros(4)}, ValueError, "5 inputs but 4 targets"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
        ({"batch_size": 2.5}, ValueError, "batch_size must be a positive integer"),
        ({"inputs": np.zeros((4, 2))}, TypeError, "needs tensors"),
        ({"generator": 42}, TypeError, "torch.Generator"),
    ],
)
def test_tensor_batches_rejects_bad_input(kwargs, error, message):
    args = {"inputs": torch.zeros(4, 2), "targets": torch.zeros(4), "batch_size": 2, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        cu.TensorBatches(**args)


# --------------------------------------------------------------------------- bad-input messages


CE = nn.CrossEntropyLoss()


@pytest.mark.parametrize(
    ("outputs", "targets", "loss_fn", "num_classes", "message"),
    [
        (torch.zeros(4, 3), torch.zeros(4), CE, None, "class-index targets of dtype int64 (torch.long)"),
        (torch.zeros(4, 3), torch.zeros(4, 3), CE, None, "convert with targets.long()"),
        (torch.zeros(4, 3), torch.zeros(4, dtype=torch.int32), CE, None, "got torch.int32"),
        (torch.zeros(4, 3), torch.zeros(4, 1, dtype=torch.long), CE, None, "shape (N,), got (4, 1)"),
        (torch.zeros(4, 5), torch.zeros(4, dtype=torch.long), CE, 10, "returns 5 logits per sample but there are 10"),
        (torch.zeros(4, 3), torch.tensor([0, 1, 2, 7]), CE, None, "targets hold class 7, but the model returns 3"),
        (torch.zeros(4, 3), torch.tensor([0, -1, 2, 1]), CE, None, "targets hold class -1"),
        (torch.zeros(2, 3), torch.zeros(4, dtype=torch.long), CE, None, "returned 2 rows for a batch of 4 targets"),
        (torch.zeros(4), torch.zeros(4, dtype=torch.long), CE, None, "expects outputs of shape (N, C)"),
        (torch.zeros(4, 1), torch.zeros(4), nn.BCEWithLogitsLoss(), None, "of the same shape"),
        (torch.zeros(4), torch.zeros(4, dtype=torch.long), nn.BCEWithLogitsLoss(), None, "expects float targets"),
        (torch.zeros(4), torch.zeros(4), nn.BCELoss(), None, "use nn.BCEWithLogitsLoss"),
        (torch.zeros(4), torch.zeros(4), nn.MSELoss(), None, "MSELoss is not supported"),
        (torch.zeros(4, 3), torch.zeros(4, dtype=torch.long), nn.CrossEntropyLoss(reduction="sum"), None, "'mean'"),
    ],
)
def test_check_outputs_messages(outputs, targets, loss_fn, num_classes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cu.check_outputs(outputs, targets, loss_fn, num_classes)


def test_check_outputs_accepts_good_input():
    cu.check_outputs(torch.zeros(4, 3), torch.tensor([0, 1, 2, 0]), CE, 3)
    cu.check_outputs(torch.zeros(4), torch.tensor([0.0, 1.0, 1.0, 0.0]), nn.BCEWithLogitsLoss())
    cu.check_outputs(torch.zeros(4, 3).log_softmax(1), torch.tensor([0, 1, 2, 0]), nn.NLLLoss())


def test_fit_rejects_float_targets_with_cross_entropy():
    x, y = blobs()
    model = small_model()
    loader = cu.TensorBatches(x, y.float(), batch_size=16)
    with pytest.raises(ValueError, match=re.escape("expects class-index targets of dtype int64")):
        cu.fit(model, loader, None, CE, sgd(model), 1, progress=False, verbose=False)


def test_fit_rejects_wrong_number_of_logits():
    x, y = blobs(classes=3)
    model = small_model(classes=2)
    loader = cu.TensorBatches(x, y, batch_size=16)
    with pytest.raises(ValueError, match=re.escape("targets hold class 2, but the model returns 2 logits")):
        cu.fit(model, loader, None, CE, sgd(model), 1, progress=False, verbose=False)
    with pytest.raises(ValueError, match=re.escape("returns 2 logits per sample but there are 3 classes")):
        cu.evaluate(model, loader, CE, num_classes=3)


def test_fit_rejects_a_forward_that_loses_the_batch_dimension():
    class BadFlatten(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(x.view(-1, 8))  # (16, 4) -> (8, 8): the batch dimension is lost

    x, y = blobs()
    model = BadFlatten()
    with pytest.raises(ValueError, match=re.escape("returned 8 rows for a batch of 16 targets")):
        cu.fit(model, cu.TensorBatches(x, y, batch_size=16), None, CE, sgd(model), 1, progress=False, verbose=False)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
        ({"train_loader": torch.zeros(3)}, TypeError, "train_loader must be an iterable of (inputs, targets)"),
        ({"train_loader": [torch.zeros(2, 4)]}, TypeError, "each batch must be a pair (inputs, targets)"),
        ({"train_loader": [(np.zeros((2, 4)), np.zeros(2))]}, TypeError, "add transforms.ToTensor()"),
        ({"train_loader": []}, ValueError, "train_loader has no batches (len 0)"),
        ({"train_loader": iter([])}, ValueError, "yielded no batches"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be a torch.optim.Optimizer"),
        ({"device": "meta"}, ValueError, "call model.to(device) before training"),
        ({"loss_fn": nn.MSELoss()}, ValueError, "MSELoss is not supported"),
    ],
)
def test_fit_rejects_bad_arguments(change, error, message):
    x, y = blobs()
    model = small_model()
    args = {
        "model": model,
        "train_loader": cu.TensorBatches(x, y, batch_size=16),
        "val_loader": None,
        "loss_fn": CE,
        "optimizer": sgd(model),
        "epochs": 1,
        "progress": False,
        "verbose": False,
        **change,
    }
    with pytest.raises(error, match=re.escape(message)):
        cu.fit(**args)


def test_plateau_scheduler_needs_validation():
    x, y = blobs()
    model = small_model()
    optimizer = sgd(model)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="ReduceLROnPlateau watches a validation metric"):
        cu.fit(model, cu.TensorBatches(x, y, 16), None, CE, optimizer, 1, scheduler=plateau, progress=False)


# --------------------------------------------------------------------------- training and evaluation


def test_fit_learns_and_returns_a_history_per_epoch(capsys):
    x, y = blobs()
    model = small_model()
    train = cu.TensorBatches(x[:72], y[:72], 16, shuffle=True, generator=torch.Generator().manual_seed(0))
    val = cu.TensorBatches(x[72:], y[72:], 16)
    result = cu.fit(model, train, val, CE, sgd(model), 10, progress=False)
    assert set(result.history) == {"train_loss", "train_acc", "val_loss", "val_acc", "lr"}
    assert all(len(values) == 10 for values in result.history.values())
    assert result.history["train_loss"][-1] < result.history["train_loss"][0]
    assert result.history["val_acc"][-1] > 0.9
    assert result.best_val_acc == max(result.history["val_acc"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 10
    pattern = r"epoch  3/10 \| train loss \d+\.\d{3} acc \d+\.\d% \| val loss \d+\.\d{3} acc \d+\.\d% \| \d+\.\d s"
    assert re.match(pattern, lines[2]), lines[2]
    fig = cu.plot_history(result.history)
    assert len(fig.axes) == 2


def test_fit_log_every_prints_the_first_every_kth_and_the_last_epoch_but_keeps_every_epoch(capsys):
    x, y = blobs()
    model = small_model()
    train = cu.TensorBatches(x, y, 16)
    result = cu.fit(model, train, None, CE, sgd(model), 7, progress=False, log_every=3)
    printed = [int(re.match(r"epoch (\d+)/7", line).group(1)) for line in capsys.readouterr().out.splitlines()]
    assert printed == [1, 3, 6, 7]
    assert len(result.history["train_loss"]) == 7


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "5"])
def test_fit_rejects_a_log_every_that_is_not_a_positive_integer(bad):
    x, y = blobs()
    model = small_model()
    with pytest.raises(ValueError, match="log_every must be a positive integer"):
        cu.fit(model, cu.TensorBatches(x, y, 16), None, CE, sgd(model), 2, progress=False, log_every=bad)


def test_epoch_line_format():
    row = {"train_loss": 0.2141, "train_acc": 0.937, "val_loss": 0.1981, "val_acc": 0.942}
    assert epoch_line(3, 10, row) == "epoch  3/10 | train loss 0.214 acc 93.7% | val loss 0.198 acc 94.2%"
    assert epoch_line(3, 9, {"train_loss": 1.0, "train_acc": 0.5}) == "epoch 3/9 | train loss 1.000 acc 50.0%"


def test_fit_without_validation_has_no_val_keys_and_keeps_the_last_epoch():
    x, y = blobs()
    model = small_model()
    result = cu.fit(model, cu.TensorBatches(x, y, 16), None, CE, sgd(model), 3, progress=False, verbose=False)
    assert set(result.history) == {"train_loss", "train_acc", "lr"}
    assert result.best_epoch == 3
    for name, tensor in model.state_dict().items():
        assert torch.equal(result.best_state[name], tensor)


def test_fit_with_a_progress_bar_runs():
    x, y = blobs()
    model = small_model()
    result = cu.fit(model, cu.TensorBatches(x, y, 16), cu.TensorBatches(x, y, 32), CE, sgd(model), 2, verbose=False)
    assert result.best_epoch in (1, 2)


class Scripted(torch.optim.Optimizer):
    """An 'optimizer' that sets the bias to the next scripted value at each step (one step per epoch)."""

    def __init__(self, params, script: list[list[float]]) -> None:
        super().__init__(params, {"lr": 0.0})
        self.script = iter(script)

    @torch.no_grad()
    def step(self, closure=None):
        bias = self.param_groups[0]["params"][0]
        bias.copy_(torch.tensor(next(self.script)))


class BiasOnly(nn.Module):
    """Logits = a learnable bias, the same for every input: predicts one class for everything."""

    def __init__(self) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bias.expand(len(x), 2) + 0 * x.sum(dim=1, keepdim=True)


def test_best_checkpoint_is_the_epoch_with_the_highest_val_acc(data_dir):
    x = torch.zeros(4, 1)
    train = [(x, torch.tensor([0, 0, 0, 1]))]  # one batch = one step per epoch
    val = [(x, torch.tensor([0, 0, 0, 1]))]  # predicting class 0 scores 75 %, class 1 scores 25 %
    script = [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [2.0, 0.0]]  # val acc: 25 %, 75 %, 25 %, 75 % (a tie)
    model = BiasOnly()
    result = cu.fit(
        model, train, val, CE, Scripted(model.parameters(), script), 4, checkpoint="best.pt", progress=False
    )
    assert result.history["val_acc"] == [0.25, 0.75, 0.25, 0.75]
    assert result.best_epoch == 2, "the first epoch to reach the best accuracy wins a tie"
    assert result.best_val_acc == 0.75
    assert torch.equal(result.best_state["bias"], torch.tensor([1.0, 0.0]))
    assert torch.equal(model.bias.detach(), torch.tensor([2.0, 0.0])), "the model keeps the last epoch's weights"
    assert result.checkpoint == data_dir / "checkpoints" / "best.pt"
    saved = torch.load(result.checkpoint, weights_only=True)
    assert torch.equal(saved["bias"], torch.tensor([1.0, 0.0]))
    model.load_state_dict(result.best_state)
    assert cu.evaluate(model, val, CE).acc == 0.75


def test_best_state_is_a_copy_not_a_view():
    x, y = blobs()
    model = small_model()
    result = cu.fit(model, cu.TensorBatches(x, y, 16), cu.TensorBatches(x, y, 16), CE, sgd(model), 1, progress=False)
    before = result.best_state["0.weight"].clone()
    with torch.no_grad():
        model[0].weight.add_(1.0)
    assert torch.equal(result.best_state["0.weight"], before)


def test_checkpoint_path_is_under_the_data_root(data_dir, tmp_path):
    assert cu.checkpoint_path("m.pt") == data_dir / "checkpoints" / "m.pt"
    assert cu.checkpoint_path(tmp_path / "x.pt") == tmp_path / "x.pt"
    with pytest.raises(ValueError, match="needs a file name"):
        cu.checkpoint_path("")


class ModeRecorder(nn.Module):
    """A linear layer that records (training flag, grad enabled) at every forward."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.seen: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append((self.training, torch.is_grad_enabled()))
        return self.fc(x)


@pytest.mark.parametrize("start_in_train_mode", [True, False])
def test_modes_during_and_after_fit_and_evaluate(start_in_train_mode):
    x, y = blobs()
    model = ModeRecorder()
    model.train(start_in_train_mode)
    cu.fit(model, cu.TensorBatches(x, y, 48), cu.TensorBatches(x, y, 96), CE, sgd(model), 1, progress=False)
    assert model.seen == [(True, True), (True, True), (False, False)], "train() with grad, then eval() without"
    assert model.training is start_in_train_mode, "fit gives the model back in the mode it had"
    model.seen.clear()
    cu.evaluate(model, cu.TensorBatches(x, y, 96), CE)
    assert model.seen == [(False, False)]
    assert model.training is start_in_train_mode


def test_fit_changes_no_global_state():
    x, y = blobs()
    model = small_model()
    rng, threads = torch.get_rng_state(), torch.get_num_threads()
    train = cu.TensorBatches(x, y, 16, shuffle=True, generator=torch.Generator().manual_seed(1))
    cu.fit(model, train, cu.TensorBatches(x, y, 32), CE, sgd(model), 2, progress=False, verbose=False)
    assert torch.equal(torch.get_rng_state(), rng), "the global RNG is untouched (the loader has its own generator)"
    assert torch.get_num_threads() == threads and torch.is_grad_enabled()


def test_evaluate_returns_loss_accuracy_predictions_and_targets():
    x, y = blobs(n=30)
    model = small_model()
    result = cu.evaluate(model, cu.TensorBatches(x, y, 7), CE, device="cpu")
    with torch.no_grad():
        logits = model(x)
    torch.testing.assert_close(result.loss, CE(logits, y).item())
    assert torch.equal(result.preds, logits.argmax(1)) and torch.equal(result.targets, y)
    assert result.acc == pytest.approx((logits.argmax(1) == y).float().mean().item())
    assert result.preds.device.type == "cpu" and result.preds.dtype == torch.int64


def test_evaluate_binary_with_logits():
    x = torch.tensor([[-2.0], [3.0], [1.0], [-1.0]])
    y = torch.tensor([0.0, 1.0, 0.0, 0.0])
    model = nn.Flatten(start_dim=0)  # logits = x itself
    result = cu.evaluate(model, [(x, y)], nn.BCEWithLogitsLoss())
    assert result.preds.tolist() == [0, 1, 1, 0] and result.targets.tolist() == [0, 1, 0, 0]
    assert result.acc == 0.75


def test_train_epoch_returns_mean_loss_and_accuracy():
    x, y = blobs(n=32)
    model = small_model()
    with torch.no_grad():
        expected_loss = CE(model(x), y).item()
    loss, acc = cu.train_epoch(model, [(x, y)], CE, torch.optim.SGD(model.parameters(), lr=0.0))
    assert loss == pytest.approx(expected_loss) and 0.0 <= acc <= 1.0


def test_schedulers_step_once_per_epoch_and_plateau_gets_the_val_metric():
    x, y = blobs()
    model = small_model()
    optimizer = sgd(model)
    step = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    result = cu.fit(model, cu.TensorBatches(x, y, 32), None, CE, optimizer, 3, scheduler=step, progress=False)
    assert result.history["lr"] == pytest.approx([0.1, 0.05, 0.025])

    class Recording(torch.optim.lr_scheduler.ReduceLROnPlateau):
        def step(self, metrics, epoch=None):
            self.metrics_seen = [*getattr(self, "metrics_seen", []), metrics]
            super().step(metrics)

    for mode, key in (("min", "val_loss"), ("max", "val_acc")):
        optimizer = sgd(model)
        plateau = Recording(optimizer, mode=mode)
        loaders = cu.TensorBatches(x, y, 32), cu.TensorBatches(x, y, 32)
        result = cu.fit(model, *loaders, CE, optimizer, 2, scheduler=plateau, progress=False, verbose=False)
        assert plateau.metrics_seen == result.history[key]


# --------------------------------------------------------------------------- DataLoader vs fast path


class DigitsLike(Dataset):
    """uint8 28x28 images returned as PIL images through a transform, like torchvision's MNIST."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, transform) -> None:
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int):
        return self.transform(Image.fromarray(self.images[i].numpy())), int(self.labels[i])


def test_dataloader_and_tensor_batches_give_identical_weights_with_the_same_order():
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (200, 28, 28), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 10, (200,), generator=g)
    mean, std = 0.1307, 0.3081
    to_input = transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])
    dataset = DigitsLike(images, labels, to_input)
    normalised = transforms.Normalize((mean,), (std,))(images.unsqueeze(1).float().div(255))
    torch.testing.assert_close(normalised[5], dataset[5][0], rtol=0, atol=0)

    def build() -> tuple[nn.Module, torch.optim.Optimizer]:
        torch.manual_seed(1)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    slow_model, slow_opt = build()
    order = PermutationSampler(len(dataset), torch.Generator().manual_seed(7))
    slow = DataLoader(dataset, batch_size=64, sampler=order)
    cu.fit(slow_model, slow, None, CE, slow_opt, 2, progress=False, verbose=False)

    fast_model, fast_opt = build()
    fast = cu.TensorBatches(normalised, labels, 64, shuffle=True, generator=torch.Generator().manual_seed(7))
    cu.fit(fast_model, fast, None, CE, fast_opt, 2, progress=False, verbose=False)

    for (name, a), b in zip(slow_model.state_dict().items(), fast_model.state_dict().values(), strict=True):
        assert torch.equal(a, b), f"{name} differs"
