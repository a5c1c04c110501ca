"""Building blocks for checks: each compares one property and raises :class:`Wrong` with a Korean
message that names what differs (type, shape, dtype, device, which value) without giving the answer.

Values are compared on the CPU, so the same check works for answers on CUDA or MPS.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from .core import Wrong


def shape_text(shape: Sequence[int]) -> str:
    """``(2, 3)`` for a shape (``(4,)`` for one dimension, ``()`` for a scalar)."""
    dims = tuple(int(d) for d in shape)
    return str(dims)


def expect_tensor(
    value: Any,
    name: str,
    *,
    shape: Sequence[int] | None = None,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Raise :class:`Wrong` unless ``value`` is a tensor with the given shape, dtype and device type."""
    if not isinstance(value, torch.Tensor):
        raise Wrong(f"`{name}`의 자료형이 {type(value).__name__}입니다. torch.Tensor여야 합니다.")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise Wrong(f"`{name}`의 모양(shape)이 {shape_text(value.shape)}입니다. 문제에서 요구한 모양이 아닙니다.")
    if dtype is not None and value.dtype != dtype:
        raise Wrong(f"`{name}`의 dtype이 {value.dtype}입니다. 문제에서 요구한 dtype이 아닙니다.")
    if device is not None:
        wanted = torch.device(device)
        if value.device.type != wanted.type:
            raise Wrong(
                f"`{name}`이(가) {value.device.type} 장치에 있습니다. "
                f"이 기계의 `device`({wanted.type})에 있어야 합니다."
            )
    return value


def _position(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else str(index)


def expect_values(
    value: torch.Tensor,
    expected: torch.Tensor,
    name: str,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    what: str = "값",
) -> None:
    """Raise :class:`Wrong` naming the first position where ``value`` differs from ``expected``.

    Shapes must already agree (call :func:`expect_tensor` first). The message shows the learner's
    value at that position, never the expected one.
    """
    actual = value.detach().cpu()
    target = expected.detach().cpu()
    if tuple(actual.shape) != tuple(target.shape):
        raise Wrong(f"`{name}`의 모양(shape)이 {shape_text(actual.shape)}입니다. 문제에서 요구한 모양이 아닙니다.")
    if actual.dtype == torch.bool or target.dtype == torch.bool or not target.is_floating_point():
        same = actual.to(target.dtype) == target
    else:
        same = torch.isclose(actual.double(), target.double(), atol=atol, rtol=rtol)
    if bool(same.all()):
        return
    bad = torch.nonzero(~same)
    first = tuple(int(i) for i in bad[0]) if actual.ndim else ()
    got = actual[first].item() if actual.ndim else actual.item()
    count = int(bad.shape[0]) if actual.ndim else 1
    where = f"위치 {_position(first)}" if actual.ndim else "값"
    shown = f"{got:.4g}" if isinstance(got, float) else str(got)
    raise Wrong(f"`{name}`의 {what}이(가) {count}곳에서 다릅니다. 처음 다른 곳은 {where}: {shown}입니다.")


def as_number(value: Any, name: str) -> float:
    """``value`` as a Python float: a number or a one-element tensor; :class:`Wrong` otherwise."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise Wrong(f"`{name}`은(는) 숫자 하나여야 하는데 모양 {shape_text(value.shape)}인 Tensor입니다.")
        return float(value.detach().cpu().item())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Wrong(f"`{name}`은(는) 숫자여야 하는데 {type(value).__name__}입니다.")
    return float(value)


def expect_number(value: Any, expected: float, name: str, *, tol: float = 1e-4, relative: bool = False) -> float:
    """Raise :class:`Wrong` unless ``value`` is a number within ``tol`` of ``expected`` (relative if asked)."""
    number = as_number(value, name)
    if math.isnan(number):
        raise Wrong(f"`{name}`이(가) nan입니다. 0으로 나누거나 log(0)을 계산한 곳이 있는지 보세요.")
    limit = tol * abs(expected) if relative else tol
    if abs(number - expected) > limit:
        direction = "큽니다" if number > expected else "작습니다"
        raise Wrong(f"`{name}` = {number:.6g}: 기대한 값보다 {direction}.")
    return number


def expect_int(value: Any, expected: int, name: str) -> int:
    """Raise :class:`Wrong` unless ``value`` is the integer ``expected`` (a 0-d integer tensor is accepted)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = int(value.item())
    if isinstance(value, bool) or not isinstance(value, int):
        raise Wrong(f"`{name}`은(는) 정수여야 하는데 {type(value).__name__}입니다.")
    if value != expected:
        direction = "큽니다" if value > expected else "작습니다"
        raise Wrong(f"`{name}` = {value:,}: 기대한 값보다 {direction}.")
    return value


@contextmanager
def case(doing: str) -> Iterator[None]:
    """Prefix any :class:`Wrong` raised inside the block with the case being checked, e.g. an input's shape."""
    try:
        yield
    except Wrong as exc:
        raise Wrong(f"{doing}: {exc}") from None


@contextmanager
def seeded(seed: int = 0) -> Iterator[None]:
    """Run a block with torch's CPU generator seeded, restoring the learner's RNG state afterwards."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
