"""Extract cases in parallel processes, in ordered batches.

The unit of work is a batch of :class:`Job` (a case and its content hash); its result
is a list of :class:`CaseResult`, one per case, holding the case's triples already
written as sorted N-Triples lines (cheap to pass between processes, and the form every
sink loads). A case whose extraction or assembly raises gives a result with ``error``
set; the batch goes on.

:class:`LocalEngine` runs batches in this process (``workers=1``) or in a pool of
worker processes, each holding one :class:`~kg.pipeline.Pipeline` (inherited through
``fork`` where the platform has it, else loaded once in each worker). At most
``2 x workers`` batches are in flight, and results come back in input order, so memory
stays bounded and the output is the same whatever the number of workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One case to build, with the content hash its result will be stored under."""

    case: Any  # kg.model.CaseText
    hash: str


@dataclass
class CaseResult:
    """One case built (or failed): its named graph, N-Triples and counts."""

    id: str
    source: str
    graph: str  # the case IRI, which is also its named graph
    hash: str
    ntriples: str = ""  # the case's distinct triples, one sorted N-Triples line each
    turtle: str = ""  # the case's Turtle statements (no prefixes), when asked for
    triples: int = 0
    findings: int = 0
    procedures: int = 0
    warnings: list[str] = field(default_factory=list)
    unlinked: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def process_case(pipeline: Any, job: Job, base: str, turtle: bool = False) -> CaseResult:
    """Extract and assemble one case; never raises for a case's own failure."""
    from kg.assemble import case_iri, case_triples

    case = job.case
    result = CaseResult(case.id, case.source, str(case_iri(case.id, base)), job.hash)
    try:
        extraction = pipeline.extract(case)
        triples = list(set(case_triples(extraction, base=base)))
        result.ntriples = fast_ntriples(triples)
        if turtle:
            result.turtle = turtle_body(triples)
    except Exception as exc:  # noqa: BLE001 - one bad case must not stop the build
        log.debug("case %s failed", case.id, exc_info=True)
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.triples = len(triples)
    result.findings = len(extraction.findings)
    result.procedures = len(extraction.procedures)
    result.warnings = list(extraction.warnings)
    result.unlinked = len(extraction.unlinked)
    return result


# ---------------------------------------------------------------- N-Triples, fast

# The same bytes as kg.rdfio.to_ntriples, without a Python loop per character:
# escapes by str.translate, IRIs checked by one regular expression and cached.
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_STRING_TABLE = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)}
_STRING_TABLE.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\r"): "\\r",
                      ord("\n"): "\\n", ord("\t"): "\\t", ord("\b"): "\\b",
                      ord("\f"): "\\f"})
_IRI_BAD = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_IRI_CACHE: dict[str, str] = {}


def _nt_iri(iri: str) -> str:
    text = _IRI_CACHE.get(iri)
    if text is None:
        body = iri if _IRI_BAD.search(iri) is None else "".join(
            f"\\u{ord(ch):04X}" if _IRI_BAD.match(ch) else ch for ch in iri)
        text = f"<{body}>"
        if len(_IRI_CACHE) >= 100_000:  # case IRIs repeat only within their case:
            _IRI_CACHE.clear()  # start again, and the vocabulary comes back at once
        _IRI_CACHE[iri] = text
    return text


def _nt_literal(term: Any) -> str:
    body = '"' + str(term).translate(_STRING_TABLE) + '"'
    if term.language:
        return f"{body}@{term.language}"
    datatype = term.datatype
    if datatype and str(datatype) != _XSD_STRING:
        return f"{body}^^{_nt_iri(str(datatype))}"
    return body


def _nt_term(term: Any) -> str:
    """Any rdflib term (subclasses and blank nodes too) as N-Triples."""
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        return _nt_literal(term)
    if isinstance(term, BNode):
        from kg.rdfio import _nt_term as slow

        return slow(term)
    return _nt_iri(str(term))


def fast_ntriples(triples: list[Any]) -> str:
    """Distinct ``triples`` as sorted N-Triples lines (= :func:`kg.rdfio.to_ntriples`).

    Terms are told apart by their exact class (no ``isinstance`` through rdflib's
    abstract bases); IRIs come from a cache; anything unusual takes :func:`_nt_term`.
    """
    from rdflib import Literal, URIRef

    cache, iri, literal, other = _IRI_CACHE, _nt_iri, _nt_literal, _nt_term

    def term(t: Any) -> str:
        cls = type(t)
        if cls is URIRef:
            text = cache.get(t)
            return text if text is not None else iri(str(t))
        return literal(t) if cls is Literal else other(t)

    lines = sorted([f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples])
    return "\n".join(lines) + ("\n" if lines else "")


def turtle_body(triples: list[Any]) -> str:
    """Deterministic Turtle statements for ``triples``, without the prefix header."""
    from kg.rdfio import to_turtle

    text = to_turtle(triples)
    head, _, body = text.partition("\n\n")
    return body if head.lstrip().startswith("@prefix") else text


def process_batch(pipeline: Any, batch: list[Job], base: str, turtle: bool = False
                  ) -> list[CaseResult]:
    """:func:`process_case` for every job of ``batch``, in order."""
    return [process_case(pipeline, job, base, turtle) for job in batch]


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` consecutive items (the last may be shorter)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- worker processes

_WORKER_PIPELINE: Any = None


def _init_worker(pipeline: Any, extra: tuple[Path, ...]) -> None:
    """Pool initializer: ignore Ctrl-C (the parent handles it) and hold one pipeline."""
    global _WORKER_PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if pipeline is None:
        from kg.pipeline import Pipeline

        pipeline = Pipeline.load(extra)
    _WORKER_PIPELINE = pipeline


def _worker_batch(batch: list[Job], base: str, turtle: bool) -> list[CaseResult]:
    return process_batch(_WORKER_PIPELINE, batch, base, turtle)


class LocalEngine:
    """Batches extracted here (``workers=1``) or by a pool of worker processes."""

    def __init__(self, pipeline: Any, workers: int = 1, extra: tuple[Path, ...] = ()):
        self.pipeline = pipeline
        self.workers = max(1, int(workers))
        self.extra = tuple(extra)

    def map(self, batches: Iterable[list[Job]], base: str, turtle: bool = False
            ) -> Iterator[list[CaseResult]]:
        """Each batch's results, in input order."""
        if self.workers == 1:
            for batch in batches:
                yield process_batch(self.pipeline, batch, base, turtle)
            return
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        # under fork the loaded pipeline is inherited, not pickled; under spawn each
        # worker loads its own once
        inherited = self.pipeline if ctx.get_start_method() == "fork" else None
        with ctx.Pool(self.workers, _init_worker, (inherited, self.extra)) as pool:
            yield from ordered_window(
                (pool.apply_async(_worker_batch, (b, base, turtle)) for b in batches),
                2 * self.workers, lambda pending: pending.get())

    def close(self) -> None:
        """Nothing to release: the pool closes with :meth:`map`."""


def ordered_window(submitted: Iterator[Any], size: int, wait: Any) -> Iterator[Any]:
    """Results of ``submitted`` tasks in order, with at most ``size`` in flight.

    ``submitted`` yields pending tasks lazily (each submission happens when the
    generator advances); ``wait(task)`` blocks for one task's result.
    """
    window: deque[Any] = deque()
    for task in submitted:
        window.append(task)
        if len(window) >= size:
            yield wait(window.popleft())
    while window:
        yield wait(window.popleft())
