"""The environment report printed by the set-up notebook."""

from __future__ import annotations

from . import data, device, settings


def environment_report() -> str:
    """Versions, device, mode and data locations/sources as a few readable lines."""
    lines = [f"{name:<13} {version}" for name, version in device.package_versions().items()]
    lines.append("")
    lines += device.device_lines()
    lines.append(settings.mode_line())
    lines.append(f"data root: {data._show(data.data_root())}")
    mirror = data.mirror_dir()
    lines.append(f"local mirror: {'$' + data.MIRROR_ENV if mirror else 'not set'}")
    lines.append(
        f"downloads: {'allowed (when online)' if data.download_allowed() else 'off (' + data.OFFLINE_ENV + ')'}"
    )
    for name, status in data.data_status().items():
        lines.append(f"{name}: {status}")
    return "\n".join(lines)
