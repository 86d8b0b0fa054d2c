"""Markdown tables of the benchmark results (written to outputs/bench.md and printed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.runner import StepResult


@dataclass
class Row:
    """One measured method at one corpus size."""

    size: int
    method: str
    result: StepResult
    note: str = ""


@dataclass
class Load:
    """One store engine's load (and queries) at one corpus size."""

    size: int
    engine: str
    result: StepResult


@dataclass
class Report:
    """Everything one run measured."""

    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    startup: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def unavailable(r: StepResult) -> str:
    """The text of a cell for a step that produced no numbers."""
    if r.status == "n/a":
        return f"n/a: {r.reason}"
    if r.status == "timeout":
        return r.reason  # "> 600 s"
    if r.status == "killed":
        return f"killed: {r.reason}"
    return f"error: {r.reason}"


def _num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _rate(r: StepResult) -> float:
    return r.get("cases", 0) / r.get("seconds") if r.ok and r.get("seconds") else 0.0


def throughput_table(rows: list[Row]) -> list[str]:
    """Cases/s, ms/case, multiple of the floor's time, peak RSS, per method and size."""
    out = ["| size | method | cases | cases/s | ms/case | × floor | peak RSS | notes |",
           "|---:|---|---:|---:|---:|---:|---:|---|"]
    floors = {row.size: _rate(row.result) for row in rows if row.method.startswith("floor")}
    for row in rows:
        r = row.result
        if not r.ok:
            out.append(f"| {row.size:,} | {row.method} | | {unavailable(r)} | | | | {row.note} |")
            continue
        rate = _rate(r)
        floor = floors.get(row.size, 0.0)
        ratio = f"{floor / rate:,.1f}×" if rate and floor else ""
        out.append(f"| {row.size:,} | {row.method} | {r.get('cases'):,} | {_num(rate)} | "
                   f"{_num(1000 / rate, 3) if rate else ''} | {ratio} | "
                   f"{_num(r.get('peak_rss_mb', 0))} MB | {row.note} |")
    return out


def load_table(loads: list[Load]) -> list[str]:
    """Triples/s and peak RSS of each engine's N-Triples load."""
    out = ["| size | engine | triples | load s | triples/s | peak RSS after load | notes |",
           "|---:|---|---:|---:|---:|---:|---|"]
    for load in loads:
        r = load.result
        if not r.ok:
            out.append(f"| {load.size:,} | {load.engine} | | {unavailable(r)} | | | |")
            continue
        secs = r.get("seconds") or 0.0
        rate = _num(r.get("triples") / secs) if secs else ""
        out.append(f"| {load.size:,} | {load.engine} | {r.get('triples'):,} | {secs:.2f} | "
                   f"{rate} | {_num(r.get('load_rss_mb', 0))} MB | {r.get('version', '')} |")
    return out


def query_cell(q: dict | None, query_timeout: float) -> str:
    """One query's latency on one engine: seconds and rows, '> N s', or why not run."""
    if q is None:
        return "n/a"
    if q.get("skipped"):
        return f"not run (> {query_timeout:.0f} s at a smaller size)"
    if q.get("error"):
        return f"error: {q['error']}"
    if q.get("seconds") is None:
        return f"> {q.get('timeout', query_timeout):.0f} s"
    return f"{q['seconds']:.3f} s ({q['rows']:,} rows)"


def query_table(loads: list[Load], query_timeout: float) -> list[str]:
    """Each competency question's latency, engines side by side, per size."""
    engines = list(dict.fromkeys(load.engine for load in loads))
    out = ["| size | query | " + " | ".join(engines) + " |",
           "|---:|---|" + "---:|" * len(engines)]
    for size in dict.fromkeys(load.size for load in loads):
        at_size = {load.engine: load.result for load in loads if load.size == size}
        names = sorted({name for r in at_size.values() if r.ok for name in r.get("queries", {})},
                       key=lambda n: (len(n), n))
        for name in names:
            cells = []
            for engine in engines:
                r = at_size.get(engine)
                if r is None or not r.ok:
                    cells.append(unavailable(r) if r else "n/a")
                else:
                    cells.append(query_cell(r.get("queries", {}).get(name), query_timeout))
            out.append(f"| {size:,} | {name} | " + " | ".join(cells) + " |")
    return out


def growth_table(loads: list[Load]) -> list[str]:
    """Each query's latency at one size divided by its latency at the next smaller size,
    per engine: near the size ratio (10 from 1k to 10k) is linear growth, above it worse.
    Latencies under 5 ms are raised to 5 ms first (fixed costs dominate them)."""
    out = ["| sizes | size ratio | engine | query | latency ratio |", "|---|---:|---|---|---:|"]
    sizes = list(dict.fromkeys(load.size for load in loads))
    for small, big in zip(sizes, sizes[1:], strict=False):
        for engine in dict.fromkeys(load.engine for load in loads):
            before = _latencies(loads, small, engine)
            after = _latencies(loads, big, engine)
            for name in sorted(before.keys() & after.keys(), key=lambda n: (len(n), n)):
                ratio = max(after[name], 0.005) / max(before[name], 0.005)
                out.append(f"| {small:,} → {big:,} | {big / small:,.0f} | {engine} | {name} | "
                           f"{ratio:,.1f} |")
    return out


def _latencies(loads: list[Load], size: int, engine: str) -> dict[str, float]:
    """Seconds of each query that answered on ``engine`` at ``size``."""
    for load in loads:
        if load.size == size and load.engine == engine and load.result.ok:
            return {name: q["seconds"] for name, q in load.result.get("queries", {}).items()
                    if isinstance(q, dict) and q.get("seconds") is not None}
    return {}


def render(report: Report, query_timeout: float) -> str:
    """The whole report as Markdown."""
    lines = ["# CaseKG benchmark", "", *report.header, ""]
    lines += ["## Extraction throughput", "",
              "`× floor`: this method's time per case as a multiple of the floor's "
              "(lower is better).", "", *throughput_table(report.rows), ""]
    lines += ["## Loading the built graph (N-Triples)", "", *load_table(report.loads), ""]
    lines += ["## Competency questions (latency, row count)", "",
              *query_table(report.loads, query_timeout), ""]
    growth = growth_table(report.loads)
    if len(growth) > 2:
        lines += ["## How query latency grows with the corpus", "",
                  "Latency at a size divided by latency at the next smaller size (linear "
                  "growth: the size ratio).", "", *growth, ""]
    lines += ["## Start-up", "", *report.startup, ""]
    if report.notes:
        lines += ["## Notes", "", *(f"- {n}" for n in report.notes), ""]
    return "\n".join(lines)
