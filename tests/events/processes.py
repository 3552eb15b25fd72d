"""Stopping the processes the event tests start."""

from __future__ import annotations

import subprocess


def terminate(process: subprocess.Popen[bytes] | subprocess.Popen[str], *, grace: float) -> None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL and reap."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
