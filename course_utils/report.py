"""The environment report printed by the set-up notebook."""

from __future__ import annotations

from . import data, device, settings


def _data_root_line() -> str:
    """``data`` (where datasets are kept), with what to do when that folder cannot be used or written."""
    try:
        root = data.data_root()
    except data.DataSourceError:
        return f"not usable: fix or unset ${data.DATA_DIR_ENV} (loading a dataset says why)"
    line = data._show(root)
    if data._writable_error(root) is not None:
        line += f" (not writable: set {data.DATA_DIR_ENV} to a writable folder)"
    return line


def _mirror_line() -> str:
    problem = data._mirror_problem()
    if problem is not None:
        return f"not usable: ${data.MIRROR_ENV} is {problem}"
    return "$" + data.MIRROR_ENV if data.mirror_dir() else "not set"


def _downloads_line() -> str:
    problem = data._download_problem()
    if problem is not None:
        return f"not usable: {problem}"
    return "allowed (when online)" if data.download_allowed() else f"off ({data.OFFLINE_ENV})"


def environment_report() -> str:
    """Versions, device, mode and data locations/sources as a few readable lines (no machine paths).

    It never stops on a bad data setting: such a line says "not usable: ..." instead.
    """
    lines = [f"{name:<13} {version}" for name, version in device.package_versions().items()]
    lines.append("")
    lines += device.device_lines()
    lines.append(settings.mode_line())
    lines.append(f"data root: {_data_root_line()}")
    lines.append(f"local mirror: {_mirror_line()}")
    lines.append(f"downloads: {_downloads_line()}")
    for name, status in data.data_status().items():
        lines.append(f"{name}: {status}")
    return "\n".join(lines)
