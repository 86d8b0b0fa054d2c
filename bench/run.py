"""The CaseKG benchmark: ``make bench`` (``python -m bench.run``).

Generates (or reuses) the synthetic corpora, runs every measured step in its own
process (see :mod:`bench.steps`), and writes ``outputs/bench.md``, printing the same
Markdown.  A step whose prerequisite is missing is a row saying ``n/a: <reason>``.

Options: ``--sizes 1000,10000`` (default 1000,10000,100000), ``--quick`` (1000 cases
and smaller baseline samples: about two minutes on two cores), ``--seed``,
``--cases`` (source JSON Lines, default ../shared/cases), ``--ontology``,
``--query-timeout`` (default 60 s), ``--step-timeout``, ``--max-rss-gb``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import system
from bench.make_corpus import DATA_DIR, DEFAULT_CASES, ensure_corpus, read_sources
from bench.report import Load, Report, Row, render
from bench.runner import StepResult, run_step

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "outputs" / "bench.md"
QUERY_DIR = REPO / "kg" / "queries"


@dataclass
class Settings:
    """What one run measures, and its limits."""

    sizes: list[int]
    seed: int
    cases: list[str]
    ontology: str | None
    query_timeout: float
    step_timeout: float
    max_rss_mb: float
    regex_cap: int
    spacy_cap: int
    medspacy_cap: int
    sentencizer_cap: int
    output: Path


def parse_args(argv: list[str] | None) -> Settings:
    """Command-line options -> Settings (``--quick`` shrinks sizes and samples)."""
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    p.add_argument("--quick", action="store_true", help="1000 cases, small baseline samples")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--cases", nargs="+", default=[str(DEFAULT_CASES)])
    p.add_argument("--ontology", help="ontology Turtle (default: the shipped one)")
    p.add_argument("--query-timeout", type=float, default=60.0)
    p.add_argument("--step-timeout", type=float, default=900.0)
    p.add_argument("--max-rss-gb", type=float, default=8.0,
                   help="stop a step whose processes pass this resident memory")
    p.add_argument("-o", "--output", type=Path, default=OUTPUT)
    a = p.parse_args(argv)
    sizes = [1000] if a.quick else [int(s) for s in a.sizes.split(",") if s.strip()]
    return Settings(
        sizes=sorted(sizes), seed=a.seed, cases=a.cases,
        ontology=str(Path(a.ontology).resolve()) if a.ontology else None,
        query_timeout=a.query_timeout, step_timeout=120.0 if a.quick else a.step_timeout,
        max_rss_mb=a.max_rss_gb * 1024,
        regex_cap=1000 if a.quick else 10000, spacy_cap=1000 if a.quick else 10000,
        medspacy_cap=200 if a.quick else 1000, sentencizer_cap=1000 if a.quick else 5000,
        output=a.output,
    )


# ---------------------------------------------------------------- helpers


def kg_executable() -> str | None:
    """The ``kg`` console script beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "kg"
    return str(beside) if beside.is_file() else shutil.which("kg")


def build_has_workers(kg: str | None) -> bool:
    """True when ``kg build --help`` offers ``--workers``."""
    if not kg:
        return False
    proc = subprocess.run([kg, "build", "--help"], capture_output=True, text=True, check=False)
    return "--workers" in proc.stdout


def ontology_ttl(settings: Settings) -> str | None:
    """The ontology Turtle to add before queries (the --ontology one, else the shipped one)."""
    if settings.ontology:
        return settings.ontology
    shipped = REPO / "ontologies" / "casekg.ttl"
    return str(shipped) if shipped.is_file() else None


def query_files() -> list[str]:
    """The competency questions ``kg/queries/cq*.rq``, in number order."""
    files = QUERY_DIR.glob("cq*.rq") if QUERY_DIR.is_dir() else []
    return [str(p) for p in sorted(files, key=lambda p: (len(p.stem), p.stem))]


def startup_lines(kg: str | None, runs: int = 5) -> list[str]:
    """``kg --help`` wall time: the median of ``runs`` runs."""
    if not kg:
        return ["- `kg --help`: n/a: the kg command is not installed"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([kg, "--help"], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            return [f"- `kg --help`: n/a: exit {proc.returncode}"]
    runs_text = ", ".join(f"{t:.3f}" for t in times)
    return [f"- `kg --help`: median {statistics.median(times):.3f} s of {runs} runs "
            f"({runs_text} s); target ≤ 0.3 s"]


def _step(name: str, settings: Settings, **params: Any) -> StepResult:
    params.setdefault("ontology", settings.ontology)
    result = run_step(name, params, settings.step_timeout, settings.max_rss_mb)
    log.info("  %s: %s %s", name, result.status, result.reason or "")
    return result


# ---------------------------------------------------------------- the run


def measure_text(report: Report, settings: Settings, size: int, corpus: str,
                 baselines: bool) -> None:
    """Floor, our matcher and extraction (and, once, the other baselines) at one size."""
    c = {"corpus": corpus}
    report.rows.append(Row(size, "floor: pyahocorasick pass over lower-cased text",
                           _step("floor", settings, **c)))
    report.rows[-1].note = _terms_note(report.rows[-1].result)
    if baselines:
        n = min(size, settings.regex_cap)
        report.rows.append(Row(size, "one compiled Python regex alternation",
                               _step("regex", settings, **c, limit=n), f"first {n:,} cases"))
    report.rows.append(Row(size, "our lexicon match alone (Lexicon.match)",
                           _step("lexicon", settings, **c)))
    r = _step("extract", settings, **c)
    report.rows.append(Row(size, "our extraction, 1 process (read + extract_case)", r,
                           _failures_note(r)))
    if baselines:
        n = min(size, settings.spacy_cap)
        report.rows.append(Row(size, "spaCy blank tokenizer alone",
                               _step("spacy_blank", settings, **c, limit=n), f"first {n:,} cases"))
        n = min(size, settings.medspacy_cap)
        report.rows.append(Row(size, "medspaCy default (PyRuSH + TargetMatcher + ConText)",
                               _step("medspacy", settings, **c, limit=n, variant="default"),
                               f"first {n:,} cases"))
        n = min(size, settings.sentencizer_cap)
        report.rows.append(Row(size, "medspaCy with spaCy's sentencizer instead of PyRuSH",
                               _step("medspacy", settings, **c, limit=n, variant="sentencizer"),
                               f"first {n:,} cases"))


def _terms_note(r: StepResult) -> str:
    return f"{r.get('terms'):,} terms, {r.get('chars', 0) / max(r.get('cases', 1), 1):,.0f} " \
           "chars/case" if r.ok else ""


def _failures_note(r: StepResult) -> str:
    return f"{r.get('failures')} cases failed" if r.ok and r.get("failures") else ""


def measure_build(report: Report, settings: Settings, size: int, corpus: str,
                  kg: str | None, workers: bool) -> str | None:
    """``kg build`` with 1 (and 2) workers; returns the built N-Triples file, if any."""
    graph = None
    for n_workers in (1, 2):
        label = f"kg build end to end to N-Triples, {n_workers} worker{'s' * (n_workers > 1)}"
        if not kg:
            r = StepResult("n/a", reason="the kg command is not installed")
        elif n_workers == 2 and not workers:
            r = StepResult("n/a", reason="`kg build --workers` does not exist yet")
        else:
            out = DATA_DIR / f"build-{size}-w{n_workers}" / "graph.nt"
            r = _step("build", settings, kg=kg, corpus=corpus, output=str(out),
                      workers=n_workers if workers else None)
            if r.ok and graph is None:
                graph = str(out)
            if r.ok:
                r.data["peak_rss_mb"] = r.get("child_rss_mb", 0)
        note = f"{r.get('triples', 0):,} triples" if r.ok else ""
        if r.ok and n_workers > 1:
            note += f"; all processes together ≈ {r.group_peak_mb:,.0f} MB (sampled each second)"
        if r.ok and r.get("failures"):
            note += f", {r.get('failures')} cases failed"
        report.rows.append(Row(size, label, r, note))
    if kg:
        measure_store_build(report, settings, size, corpus, kg, workers)
    if graph is None and kg:
        graph = _fallback_graph(report, settings, size, corpus)
    return graph


def measure_store_build(report: Report, settings: Settings, size: int, corpus: str,
                        kg: str, workers: bool) -> None:
    """``kg build --store DIR`` (2 workers when it can): wall time, the largest process's
    peak RSS and the sum over its processes; the store is deleted afterwards."""
    n_workers = 2 if workers else None
    label = f"kg build into a store directory (--store DIR), {n_workers or 1} " \
            f"worker{'s' * bool(n_workers)}"
    out = DATA_DIR / f"build-{size}-store" / "store"
    shutil.rmtree(out.parent, ignore_errors=True)
    r = _step("build", settings, kg=kg, corpus=corpus, output=str(out), store=True,
              workers=n_workers)
    note = ""
    if r.ok:
        r.data["peak_rss_mb"] = r.get("child_rss_mb", 0)
        note = f"{r.get('triples', 0):,} triples; store {r.get('bytes', 0) / 2**20:,.0f} MB; " \
               f"all processes together ≈ {r.group_peak_mb:,.0f} MB (sampled each second)"
        if r.get("failures"):
            note += f", {r.get('failures')} cases failed"
    report.rows.append(Row(size, label, r, note))
    shutil.rmtree(out.parent, ignore_errors=True)  # GBs at 100k


def _fallback_graph(report: Report, settings: Settings, size: int, corpus: str) -> str | None:
    """When kg build failed, write the graph case by case so the stores can be measured."""
    out = DATA_DIR / f"stream-{size}" / "graph.nt"
    r = _step("stream_nt", settings, corpus=corpus, output=str(out))
    note = f"{r.get('triples', 0):,} triples; only because kg build did not finish" if r.ok else ""
    report.rows.append(Row(size, "bench's case-by-case N-Triples writer (fallback)", r, note))
    return str(out) if r.ok else None


def measure_stores(report: Report, settings: Settings, size: int, graph: str | None,
                   skip_rdflib: list[str]) -> None:
    """Load the built graph into each engine, then time each competency question."""
    common = {"graph": graph, "queries": query_files(), "ontology_ttl": ontology_ttl(settings),
              "query_timeout": settings.query_timeout}
    store_dir = DATA_DIR / f"oxigraph-{size}"
    engines = (("rdflib Graph (memory)", "load_rdflib", {"skip": list(skip_rdflib)}),
               ("pyoxigraph Store (memory)", "load_oxigraph", {}),
               ("pyoxigraph Store (disk, bulk_load)", "load_oxigraph",
                {"store_dir": str(store_dir)}))
    for engine, step, extra in engines:
        if graph is None:
            r = StepResult("n/a", reason="no built graph (kg build did not run)")
        else:
            shutil.rmtree(store_dir, ignore_errors=True)
            r = _step(step, settings, **common, **extra)
        report.loads.append(Load(size, engine, r))
        if step == "load_rdflib" and r.ok:
            skip_rdflib += [n for n, q in r.get("queries", {}).items()
                            if q.get("timeout") and n not in skip_rdflib]
    shutil.rmtree(store_dir, ignore_errors=True)


def snapshot_ontology(settings: Settings) -> str:
    """Copy the ontology once, so every size of a run uses the same one; a header line."""
    source = Path(settings.ontology) if settings.ontology else REPO / "ontologies" / "casekg.ttl"
    if not source.is_file():
        return f"- ontology: {source} is missing (rows that need it say n/a)"
    data = source.read_bytes()
    snapshot = DATA_DIR / "ontology-snapshot.ttl"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_bytes(data)
    settings.ontology = str(snapshot)
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"- ontology: {source.relative_to(REPO) if source.is_relative_to(REPO) else source} " \
           f"(sha256 {digest}…), copied at the start of the run"


def run(settings: Settings) -> Report:
    """Every measurement of one run."""
    report = Report()
    onto_line = snapshot_ontology(settings)
    kg = kg_executable()
    workers = build_has_workers(kg)
    n_sources = len(read_sources(settings.cases))
    report.header = system.header_lines() + [
        f"- corpus: bench/make_corpus.py (seed {settings.seed}) from {n_sources} real cases "
        f"in {', '.join(settings.cases)}; sizes {', '.join(f'{s:,}' for s in settings.sizes)}",
        f"- limits: {settings.step_timeout:.0f} s a step, {settings.query_timeout:.0f} s a "
        f"query, {settings.max_rss_mb / 1024:.0f} GB resident memory a step",
        onto_line,
    ]
    skip_rdflib: list[str] = []
    for i, size in enumerate(settings.sizes):
        log.info("corpus of %d cases", size)
        corpus = str(ensure_corpus(size, settings.seed, settings.cases))
        measure_text(report, settings, size, corpus, baselines=i == 0)
        graph = measure_build(report, settings, size, corpus, kg, workers)
        measure_stores(report, settings, size, graph, skip_rdflib)
        for built in [*DATA_DIR.glob(f"build-{size}-w*"), DATA_DIR / f"stream-{size}"]:
            shutil.rmtree(built, ignore_errors=True)  # GBs at 100k; rebuilt every run
    report.startup = startup_lines(kg)
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write and print the report."""
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    settings = parse_args(argv)
    start = time.perf_counter()
    report = run(settings)
    report.notes.append(f"whole run: {time.perf_counter() - start:.0f} s")
    text = render(report, settings.query_timeout)
    settings.output.parent.mkdir(parents=True, exist_ok=True)
    settings.output.write_text(text, encoding="utf-8")
    print(text)
    log.info("wrote %s", settings.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
