"""The machine, date and versions a benchmark ran with (the report's header)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("casekg", "pyahocorasick", "rdflib", "pyoxigraph", "spacy", "medspacy", "PyRuSH")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (else the platform's processor string)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float:
    """Total memory in GB (MemTotal)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def versions() -> dict[str, str]:
    """Installed versions of the packages the benchmark compares (absent ones omitted)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit() -> str:
    """The repository's HEAD commit (short), with ``+dirty`` when files differ."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def header_lines() -> list[str]:
    """Markdown lines: date, machine, commit, versions and whether extraction ran
    compiled (``make compile``) or as pure Python."""
    from kg._compile import compiled_note

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    vers = ", ".join(f"{k} {v}" for k, v in versions().items())
    return [
        f"- date: {now}",
        f"- machine: {cores()} cores, {ram_gb():.1f} GB RAM, {cpu_model()}, "
        f"{platform.system()} {platform.release()}",
        f"- commit: {git_commit()}",
        f"- versions: {vers}",
        f"- {compiled_note()}",
    ]
