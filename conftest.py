"""Test-suite defaults: FAST mode, one torch thread per process, a short download timeout.

They are set before any notebook kernel starts, so nbval's kernels inherit them. Values
already in the environment win (CI or a maintainer may set them explicitly).
"""

import os

os.environ.setdefault("COURSE_FAST", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("COURSE_DOWNLOAD_TIMEOUT", "5")
os.environ.setdefault("MPLBACKEND", "Agg")
