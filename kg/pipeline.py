"""The pipeline chained: read -> extract -> assemble -> write, one batch of cases at a time.

:func:`run_build` streams any number of inputs with bounded memory: cases are read
lazily, extracted in ordered batches (here, in worker processes with ``workers > 1``,
or on a Dask cluster), and each batch goes straight to the sinks -- an RDF file
(:mod:`kg.outfile`) and/or a store (:mod:`kg.store`: a pyoxigraph directory or a
SPARQL endpoint) -- before the next is read.

A case whose extraction or assembly raises is logged, recorded in the build report
(file, id, error) and skipped; every other case still builds, and the report says the
build is partial (exit code 3). The report is written as ``build-report.json`` next to
the output file (or next to the store directory; in the current directory for an
endpoint).

Incremental builds into a store: each case is stored under a content hash (its text,
title, keywords, demographics, id and base IRI, plus :func:`version_fingerprint` of the
ontology, lexicon and extractor). A case whose hash is already stored is skipped
without being extracted; a changed case's named graph is dropped and reloaded. Cases
are removed only by a build given the same set of input paths (resolved, in any
order) as the build that stored them: a stored case of that input set that this build
did not read is dropped. A build with other inputs adds and replaces, never removes.
An interrupted build leaves every finished batch stored (each batch is a
transaction), so the next run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EXIT_OK, EXIT_PARTIAL
from kg.namespaces import CASE

log = logging.getLogger(__name__)

REPORT_NAME = "build-report.json"


@dataclass
class CaseFailure:
    """One case that could not be built."""

    file: str
    id: str
    error: str


@dataclass
class BuildReport:
    """What a build did: counts, failures, and per-case data problems."""

    cases: int = 0
    findings: int = 0
    procedures: int = 0
    triples: int = 0
    output: str | None = None
    store: str | None = None
    built: int = 0  # cases extracted by this run
    unchanged: int = 0  # cases already in the store with the same hash: not extracted
    removed: int = 0  # stored cases whose input disappeared
    failures: list[CaseFailure] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failures else EXIT_OK

    def summary(self) -> str:
        """One line: cases, findings, procedures, triples (and failures, if any)."""
        line = (f"{_n(self.cases, 'case')}, {_n(self.findings, 'finding')}, "
                f"{_n(self.procedures, 'procedure')}, {_n(self.triples, 'triple')}")
        if self.output or self.store:
            line += " -> " + " and ".join(x for x in (self.output, self.store) if x)
        if self.store:
            line += f" ({self.unchanged} unchanged, {self.removed} removed)"
        if self.failures:
            line += f"; {_n(len(self.failures), 'case')} failed (see {REPORT_NAME})"
        return line

    def to_json(self) -> str:
        data = asdict(self)
        data["partial"] = bool(self.failures)
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class Pipeline:
    """The loaded ontology and lexicon, shared by every case of a run."""

    ontology: Any
    lexicon: Any
    fingerprint: str = ""  # version_fingerprint() of what this pipeline was loaded from

    @classmethod
    def load(cls, extra: tuple[Path, ...] | list[Path] = ()) -> Pipeline:
        """The shipped ontology plus users' own (``extra``: OWL/RDF-XML, Turtle, OBO)."""
        from kg.lexicon import Lexicon
        from kg.ontology import load_ontology

        onto = load_ontology(extra=tuple(extra)) if extra else load_ontology()
        return cls(onto, Lexicon.from_ontology(onto), version_fingerprint(extra))

    def extract(self, case: Any) -> Any:
        from kg.extract import extract_case

        return extract_case(case, self.ontology, self.lexicon)


def build_triples(paths: Iterable[str | Path], base: str = CASE,
                  pipeline: Pipeline | None = None) -> tuple[list[Any], BuildReport]:
    """Read, extract and assemble every case under ``paths``; triples and the report.

    Input errors (a file that cannot be read) raise :class:`kg.errors.InputError`;
    a failing case is recorded in the report and skipped.
    """
    from kg.assemble import case_triples
    from kg.readers import read_paths

    problems: list[Any] = []
    cases = list(read_paths(paths, problems))  # input errors surface before any slow work
    pipeline = pipeline or Pipeline.load()
    report = BuildReport()
    _account_problems(report, problems)
    triples: list[Any] = []
    for case in cases:
        try:
            extraction = pipeline.extract(case)
            case_t = case_triples(extraction, base=base)
        except Exception as exc:  # noqa: BLE001 - one bad case must not stop the build
            log.error("%s: case %s failed: %s: %s", case.source, case.id, type(exc).__name__, exc)
            log.debug("traceback", exc_info=True)
            error = f"{type(exc).__name__}: {exc}"
            report.failures.append(CaseFailure(case.source, case.id, error))
            continue
        triples += case_t
        _count(report, extraction)
    report.triples = len(set(triples))
    return triples, report


def _count(report: BuildReport, extraction: Any) -> None:
    """Add one case's extraction to the report."""
    report.cases += 1
    report.findings += len(extraction.findings)
    report.procedures += len(extraction.procedures)
    if extraction.warnings:
        report.warnings[extraction.case.id] = list(extraction.warnings)
    if extraction.unlinked:
        report.unlinked[extraction.case.id] = len(extraction.unlinked)


def build_file(paths: Iterable[str | Path], output: str | Path, base: str = CASE,
               pipeline: Pipeline | None = None) -> BuildReport:
    """Build ``paths`` into the RDF file ``output`` (format from its suffix) and
    write ``build-report.json`` beside it. Returns the report."""
    return run_build(paths, output=output, pipeline=pipeline, options=BuildOptions(base=base))


# ---------------------------------------------------------------- streaming builds


@dataclass
class BuildOptions:
    """How :func:`run_build` works: engine, workers, batches, progress."""

    base: str = CASE
    workers: int = 1
    engine: str = "local"  # or "dask"
    scheduler: str | None = None  # a Dask scheduler address; None: a local cluster
    batch_size: int = 0  # cases per batch; 0 chooses
    progress: bool = False  # a progress bar on stderr
    extra: tuple[Path, ...] = ()  # users' ontologies

    def batch(self) -> int:
        return self.batch_size or (64 if self.workers > 1 or self.engine == "dask" else 32)


def version_fingerprint(extra: Iterable[str | Path] = ()) -> str:
    """A hash of everything besides a case's text that decides its triples: the
    package version, extractor/assembler/reader code, rules, and ontology files."""
    import kg

    root = Path(kg.__file__).resolve().parent
    files = sorted([*root.glob("extract/*.py"), *root.glob("rules/*.json"),
                    root / "assemble.py", root / "lexicon.py", root / "readers.py",
                    root / "ontology.py"])
    digest = hashlib.sha256(kg.__version__.encode())
    for path in [*files, *ontology_files(extra, rdf_only=False)]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def ontology_files(extra: Iterable[str | Path] = (), rdf_only: bool = True) -> list[Path]:
    """The shipped ontology and users' ontologies (with ``rdf_only``, only RDF files)."""
    from kg.sparql import ontology_file

    shipped = ontology_file()
    files = [shipped] if shipped else []
    rdf = (".ttl", ".nt", ".rdf", ".owl", ".xml", ".jsonld", ".trig", ".nq")
    return files + [Path(p) for p in extra if not rdf_only or Path(p).suffix.lower() in rdf]


def case_hash(case: Any, version: str, base: str) -> str:
    """The content hash a case is stored under (see the module docstring)."""
    parts = (version, base, case.id, case.title or "", "\x1f".join(case.keywords),
             "" if case.age is None else str(case.age), case.sex.value if case.sex else "",
             case.text)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def inputs_key(paths: Iterable[str | Path]) -> str:
    """A short hash of the set of input paths (resolved, order and repeats ignored)."""
    names = sorted({str(Path(p).resolve()) for p in paths})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


def _shown_store(store: str | Path | None) -> str | None:
    """The store as the build report shows it: an endpoint URL without its password."""
    from kg.store import is_endpoint, split_credentials

    if store is None:
        return None
    return split_credentials(str(store))[0] if is_endpoint(store) else str(store)


def run_build(paths: Iterable[str | Path], output: str | Path | None = None,
              store: str | Path | None = None, pipeline: Any = None,
              options: BuildOptions | None = None) -> BuildReport:
    """Build ``paths`` into the file ``output`` and/or the store ``store``; the report.

    Input errors (a path that does not exist, a file that cannot be read) raise
    :class:`kg.errors.InputError`; the output file is then left as it was, and a
    store keeps the batches already written. A failing case is recorded and skipped.
    """
    from kg._compile import check_fresh
    from kg.outfile import FileSink
    from kg.rdfio import atomic_write
    from kg.store import open_store

    options = options or BuildOptions()
    paths = list(paths)
    _check_paths(paths)
    check_fresh()  # a stale compiled extractor stops the build here, before any output
    sink = FileSink(output) if output is not None else None
    report = BuildReport(output=str(output) if output is not None else None,
                         store=_shown_store(store))
    backend = None
    try:
        backend = open_store(store) if store is not None else None
        pipeline = pipeline or Pipeline.load(options.extra)
        _stream(paths, pipeline, options, sink, backend, report)
        if sink is not None:
            report.triples = sink.commit()
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    finally:
        if backend is not None:
            backend.close()
    atomic_write(report_dir(output, store) / REPORT_NAME, report.to_json())
    return report


def report_dir(output: str | Path | None, store: str | Path | None) -> Path:
    """Where ``build-report.json`` goes: beside the output file, else beside the store
    directory, else (an endpoint) the current directory."""
    from kg.store import is_endpoint

    if output is not None:
        return Path(output).parent
    if store is not None and not is_endpoint(store):
        return Path(store).resolve().parent
    return Path.cwd()


def _check_paths(paths: list[str | Path]) -> None:
    from kg.errors import InputError

    if not paths:
        raise InputError("no input paths given")
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"{path}: no such file or directory")


@dataclass
class _Run:
    """The state of one streaming build shared by its steps."""

    version: str
    inputs: str
    index: dict[str, Any]
    seen: set[str] = field(default_factory=set)
    retag: dict[str, Any] = field(default_factory=dict)


def _stream(paths: list[str | Path], pipeline: Any, options: BuildOptions, sink: Any,
            backend: Any, report: BuildReport) -> None:
    """Read, extract and write every case, batch by batch."""
    from kg.parallel import batched
    from kg.readers import read_paths

    version = getattr(pipeline, "fingerprint", "") or version_fingerprint(options.extra)
    run = _Run(version, inputs_key(paths), backend.index() if backend is not None else {})
    if backend is not None:
        backend.put_ontology(ontology_files(options.extra), version_fingerprint(options.extra))
    engine = _engine(pipeline, options)
    bar = _progress(paths, options.progress)
    problems: list[Any] = []  # kg.readers.ReadProblem: skipped inputs and reading notes
    try:
        jobs = _jobs(read_paths(paths, problems), run, options.base, report,
                     skip=sink is None, bar=bar)
        turtle = bool(sink is not None and sink.wants_turtle)
        for results in engine.map(batched(jobs, options.batch()), options.base, turtle):
            if sink is not None:
                sink.write_batch(results)
            if backend is not None:
                _store_batch(backend, results, run)
            _account(report, results)
            if bar is not None:
                bar.update(len(results))
    finally:
        engine.close()
        if bar is not None:
            bar.close()
    _account_problems(report, problems)
    if backend is not None:
        _finish_store(backend, run, report)


def _account_problems(report: BuildReport, problems: list[Any]) -> None:
    """Reader problems: a skipped file or record is a failure (file, id, line: error);
    a note about a case that was read (a renamed id, replaced bytes) is its warning."""
    for p in problems:
        if p.skipped:
            error = f"line {p.line}: {p.error}" if p.line else p.error
            report.failures.append(CaseFailure(p.file, p.id or "", error))
        else:
            report.warnings.setdefault(p.id or p.file, []).append(p.error)


def _jobs(cases: Iterable[Any], run: _Run, base: str, report: BuildReport, skip: bool,
          bar: Any) -> Iterator[Any]:
    """A job per case to extract; with ``skip``, cases already stored unchanged are
    counted from the index instead."""
    from kg.assemble import case_iri
    from kg.parallel import Job

    for case in cases:
        graph = str(case_iri(case.id, base))
        run.seen.add(graph)
        digest = case_hash(case, run.version, base)
        stored = run.index.get(graph)
        if stored is not None and stored.hash == digest:
            if stored.inputs != run.inputs:
                run.retag[graph] = _retagged(stored, run.inputs)
            if skip:
                _account_unchanged(report, stored)
                if bar is not None:
                    bar.update(1)
                continue
        yield Job(case, digest)


def _retagged(entry: Any, inputs: str) -> Any:
    from dataclasses import replace

    return replace(entry, inputs=inputs)


def _store_batch(backend: Any, results: list[Any], run: _Run) -> None:
    """Store the built cases of one batch whose hash differs from the stored one."""
    changed = [r for r in results
               if r.ok and (run.index.get(r.graph) is None or run.index[r.graph].hash != r.hash)]
    replace = [r.graph for r in changed if r.graph in run.index]
    backend.put_cases(changed, run.inputs, replace=replace)


def _finish_store(backend: Any, run: _Run, report: BuildReport) -> None:
    """Re-tag unchanged cases read from a new input set; drop cases whose input went."""
    backend.retag(run.retag)
    gone = sorted(g for g, e in run.index.items() if e.inputs == run.inputs and g not in run.seen)
    if gone:
        log.info("removing %d case(s) whose input disappeared", len(gone))
        backend.drop(gone)
    report.removed = len(gone)


def _account(report: BuildReport, results: list[Any]) -> None:
    """Add one batch's results to the report."""
    for r in results:
        if not r.ok:
            log.error("%s: case %s failed: %s", r.source, r.id, r.error)
            report.failures.append(CaseFailure(r.source, r.id, r.error or ""))
            continue
        report.cases += 1
        report.built += 1
        report.findings += r.findings
        report.procedures += r.procedures
        if not report.output:
            report.triples += r.triples
        if r.warnings:
            report.warnings[r.id] = list(r.warnings)
        if r.unlinked:
            report.unlinked[r.id] = r.unlinked


def _account_unchanged(report: BuildReport, entry: Any) -> None:
    report.cases += 1
    report.unchanged += 1
    report.findings += entry.findings
    report.procedures += entry.procedures
    if not report.output:
        report.triples += entry.triples


def _engine(pipeline: Any, options: BuildOptions) -> Any:
    """The engine that runs the batches: local processes or a Dask cluster."""
    if options.engine == "dask":
        from kg.dask_engine import DaskEngine

        return DaskEngine(options.scheduler, options.workers, options.extra)
    from kg.parallel import LocalEngine

    return LocalEngine(pipeline, options.workers, options.extra)


def _progress(paths: list[str | Path], enabled: bool) -> Any:
    """A tqdm bar on stderr (cases/s, ETA), or None when disabled or not on a terminal."""
    if not enabled or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    tqdm.monitor_interval = 0  # no monitor thread (worker processes are forked)
    return tqdm(total=estimate_cases(paths), unit="case", dynamic_ncols=True, smoothing=0.1,
                file=sys.stderr)


def estimate_cases(paths: list[str | Path]) -> int:
    """The number of cases under ``paths``, counted cheaply (for the ETA): one per text
    file, one per line of a JSON Lines file."""
    from kg.readers import SUPPORTED_SUFFIXES

    total = 0
    for raw in paths:
        path = Path(raw)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix == ".jsonl" and file.is_file():
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            elif suffix in SUPPORTED_SUFFIXES and file.is_file():
                total += 1
    return total
