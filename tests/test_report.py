from course_utils import report


def test_environment_report_names_versions_device_mode_and_data(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    text = report.environment_report()
    for expected in ("torch", "torchvision", "scikit-learn", "device: cpu", "FAST mode", "local mirror: not set"):
        assert expected in text
    assert "downloads: off (COURSE_OFFLINE)" in text
    assert "MNIST: offline stand-in (5,000 real digits); downloads are off" in text
    assert "CIFAR-10: offline stand-in (synthetic); downloads are off" in text
    assert str(tmp_path) not in text, "the report must not print machine paths"
