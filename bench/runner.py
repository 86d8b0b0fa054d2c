"""Run one measured step in a fresh process, with a time limit and a memory guard.

The child runs in its own process group; the parent polls it and, past ``timeout``
seconds or when the group's resident memory passes ``max_rss_mb``, kills that group
(only it: the processes this runner started) and reports why.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.steps import MARKER

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
_POLL_S = 0.25


@dataclass
class StepResult:
    """What one step reported: ``status`` is ok, n/a, timeout, killed or error."""

    status: str
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    wall_s: float = 0.0
    group_peak_mb: float = 0.0  # largest sampled sum of the step's processes' RSS

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def group_rss_mb(pgid: int) -> float:
    """Resident memory (MB) of every process in the process group ``pgid``."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in Path(entry.path, "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return total / 1024


def run_step(name: str, params: dict[str, Any], timeout: float,
             max_rss_mb: float | None = None) -> StepResult:
    """Run ``python -m bench.steps name params`` and parse its result line."""
    cmd = [sys.executable, "-m", "bench.steps", name, json.dumps(params)]
    log.info("step %s %s", name, {k: v for k, v in params.items() if k != "queries"})
    start = time.perf_counter()
    # output to files, not pipes: a chatty child must never block on a full pipe
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=err, start_new_session=True)
        killed, group_peak = _watch(proc, start, timeout, max_rss_mb)
        proc.wait()
        stdout, stderr = _read(out), _tail(err)
    wall = time.perf_counter() - start
    if killed:
        return StepResult(killed[0], reason=killed[1], wall_s=wall, group_peak_mb=group_peak)
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER):])
            status = data.pop("status")
            return StepResult(status, data, data.pop("reason", ""), wall, group_peak)
    tail = (stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    return StepResult("error", reason=tail[:200], wall_s=wall, group_peak_mb=group_peak)


def _read(fh: IO[bytes]) -> str:
    fh.seek(0)
    return fh.read().decode("utf-8", errors="replace")


def _tail(fh: IO[bytes], size: int = 4096) -> str:
    """The last ``size`` bytes of a (possibly huge) log file, as text."""
    fh.seek(0, os.SEEK_END)
    fh.seek(max(0, fh.tell() - size))
    return fh.read().decode("utf-8", errors="replace")


def _watch(proc: subprocess.Popen[bytes], start: float, timeout: float,
           max_rss_mb: float | None) -> tuple[tuple[str, str] | None, float]:
    """Wait for ``proc``, sampling its group's RSS each second; kill the group on timeout
    or memory excess.  Returns (why it was killed or None, largest sampled RSS in MB)."""
    next_rss_check = 0.0
    peak = 0.0
    while proc.poll() is None:
        elapsed = time.perf_counter() - start
        if elapsed > timeout:
            _kill_group(proc)
            return ("timeout", f"> {timeout:.0f} s"), peak
        if elapsed >= next_rss_check:
            rss = group_rss_mb(proc.pid)
            peak = max(peak, rss)
            if max_rss_mb and rss > max_rss_mb:
                _kill_group(proc)
                why = f"stopped at {rss / 1024:.1f} GB RSS (limit {max_rss_mb / 1024:.0f} GB)"
                return ("killed", why), peak
            next_rss_check = elapsed + 1.0
        time.sleep(_POLL_S)
    return None, peak


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
