"""Per-worker cgroups (memory and pids), v1 or v2, where the host lets this process create them."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP_NAME = "gymstack-sandbox"
_counter = itertools.count(1)


@dataclass(frozen=True)
class CgroupSupport:
    version: str  # "v1", "v2" or "" when unavailable
    memory: Path | None  # parent folder for the workers' memory cgroups
    pids: Path | None  # parent folder for the workers' pids cgroups (v2: the same as memory)
    reason: str


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


@functools.cache
def cgroup_support() -> CgroupSupport:
    """What this host offers; computed once per process."""
    try:
        return _detect()
    except OSError as error:
        return CgroupSupport("", None, None, f"cgroups unusable: {error}")


def _remove_stale(parent: Path) -> None:
    """Remove the empty cgroups of host processes that no longer run (``<pid>-<n>``)."""
    for child in parent.iterdir():
        pid, dash, rest = child.name.partition("-")
        if child.is_dir() and dash and pid.isdigit() and rest.isdigit() and not Path(f"/proc/{pid}").exists():
            with contextlib.suppress(OSError):
                child.rmdir()


def _detect() -> CgroupSupport:
    controllers = CGROUP_ROOT / "cgroup.controllers"
    if controllers.exists():
        available = controllers.read_text().split()
        if "memory" in available and "pids" in available and _writable_dir(CGROUP_ROOT):
            parent = CGROUP_ROOT / GROUP_NAME
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
            _remove_stale(parent)
            return CgroupSupport("v2", parent, parent, "cgroup v2 memory and pids")
        return CgroupSupport("", None, None, "cgroup v2 without writable memory and pids controllers")
    memory_root = CGROUP_ROOT / "memory"
    pids_root = CGROUP_ROOT / "pids"
    if (memory_root / "memory.limit_in_bytes").exists() and _writable_dir(memory_root):
        memory = memory_root / GROUP_NAME
        memory.mkdir(exist_ok=True)
        _remove_stale(memory)
        pids: Path | None = None
        if _writable_dir(pids_root):
            pids = pids_root / GROUP_NAME
            pids.mkdir(exist_ok=True)
            _remove_stale(pids)
        reason = "cgroup v1 memory" + (" and pids" if pids else " (no pids controller)")
        return CgroupSupport("v1", memory, pids, reason)
    return CgroupSupport("", None, None, "no writable cgroup memory controller")


class WorkerCgroup:
    """The cgroups of one worker process; a process joins them before it execs."""

    def __init__(self, support: CgroupSupport, *, memory_bytes: int, max_procs: int) -> None:
        assert support.memory is not None
        self.support = support
        name = f"{os.getpid()}-{next(_counter)}"
        self.memory = support.memory / name
        self.memory.mkdir()
        self.pids: Path | None = None
        if support.version == "v2":
            (self.memory / "memory.max").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (self.memory / "memory.swap.max").write_text("0")
            (self.memory / "pids.max").write_text(str(max_procs))
        else:
            (self.memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (self.memory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (self.memory / "memory.swappiness").write_text("0")
            if support.pids is not None:
                self.pids = support.pids / name
                self.pids.mkdir()
                (self.pids / "pids.max").write_text(str(max_procs))

    def procs_files(self) -> list[str]:
        files = [str(self.memory / "cgroup.procs")]
        if self.pids is not None:
            files.append(str(self.pids / "cgroup.procs"))
        return files

    def applied(self) -> str:
        return self.support.reason

    def oom_killed(self) -> bool:
        if self.support.version == "v2":
            events = self._read_keyed(self.memory / "memory.events")
            return events.get("oom_kill", 0) > 0 or events.get("max", 0) > 0
        control = self._read_keyed(self.memory / "memory.oom_control")
        if control.get("oom_kill", 0) > 0:
            return True
        try:
            return int((self.memory / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def peak_bytes(self) -> int:
        name = "memory.peak" if self.support.version == "v2" else "memory.max_usage_in_bytes"
        try:
            return int((self.memory / name).read_text())
        except (OSError, ValueError):
            return 0

    @staticmethod
    def _read_keyed(path: Path) -> dict[str, int]:
        values: dict[str, int] = {}
        try:
            for line in path.read_text().splitlines():
                key, _, value = line.partition(" ")
                with contextlib.suppress(ValueError):
                    values[key] = int(value)
        except OSError:
            pass
        return values

    def remove(self) -> None:
        for folder in (self.memory, self.pids):
            if folder is None:
                continue
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
