import pytest

from course_utils import settings


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_fast_flag_on(monkeypatch, value):
    monkeypatch.setenv("COURSE_FAST", value)
    assert settings.is_fast()


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_fast_flag_off(monkeypatch, value):
    monkeypatch.setenv("COURSE_FAST", value)
    assert not settings.is_fast()


def test_fast_flag_unset_means_full_mode(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    assert not settings.is_fast()
    assert settings.mode_line().startswith("full mode")


def test_bad_fast_flag_says_what_to_do(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST=1 for FAST mode"):
        settings.is_fast()


def test_sizes_and_epochs_follow_the_mode(monkeypatch):
    monkeypatch.setitem(settings.SIZES, "toy", (None, 10))
    monkeypatch.setitem(settings.EPOCHS, "toy", (20, 2))
    monkeypatch.setenv("COURSE_FAST", "0")
    assert (settings.size("toy"), settings.epochs("toy")) == (None, 20)
    monkeypatch.setenv("COURSE_FAST", "1")
    assert (settings.size("toy"), settings.epochs("toy")) == (10, 2)
    assert settings.mode_line().startswith("FAST mode")


def test_every_fast_budget_is_smaller_than_full():
    for name, (full, fast) in settings.EPOCHS.items():
        assert 1 <= fast <= full, name
    for name, (full, fast) in settings.SIZES.items():
        assert fast > 0 and (full is None or fast <= full), name


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="mnist_train"):
        settings.size("mnist")
