"""The measured steps: each runs alone in a fresh process, so peak RSS does not mix.

``python -m bench.steps NAME '{"json": "params"}'`` runs one step and prints one line
``BENCH-RESULT {...}`` with the step's numbers and the process's peak RSS (VmHWM).  A step
whose prerequisite is missing raises :class:`Unavailable`; the line then says
``{"status": "n/a", "reason": ...}``.  Timing excludes set-up (ontology and lexicon
loading, automaton or pipeline construction), which is reported separately as ``setup_s``.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MARKER = "BENCH-RESULT "
Params = dict[str, Any]


class Unavailable(Exception):
    """A piece the step needs is not there (yet): the row says n/a and why."""


# ---------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB (VmHWM, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def iter_texts(corpus: str, limit: int | None = None) -> Iterator[str]:
    """The case texts of a JSON Lines corpus (the first ``limit`` of them)."""
    with open(corpus, encoding="utf-8") as fh:
        for line in islice(fh, limit):
            yield json.loads(line)["text"]


def load_terms(ontology: str | None) -> list[str]:
    """Every label and synonym surface form of the ontology (distinct, sorted)."""
    onto = _ontology(ontology)
    return sorted({surface for surface, _, _ in onto.terms() if surface.strip()})


def _ontology(ontology: str | None) -> Any:
    try:
        from kg.ontology import load_ontology
    except ImportError as exc:
        raise Unavailable(f"kg.ontology not importable ({exc})") from exc
    from kg.errors import KGError

    try:
        return load_ontology(Path(ontology)) if ontology else load_ontology()
    except KGError as exc:
        raise Unavailable(f"no ontology: {exc}") from exc


def _throughput(cases: int, seconds: float, **extra: Any) -> Params:
    return {"cases": cases, "seconds": seconds, **extra}


# ---------------------------------------------------------------- text steps


def step_floor(p: Params) -> Params:
    """Read every text; one pyahocorasick automaton of all synonyms over the lower-cased text."""
    import ahocorasick

    t0 = time.perf_counter()
    automaton = ahocorasick.Automaton()
    for term in load_terms(p.get("ontology")):
        automaton.add_word(term.lower(), len(term))
    automaton.make_automaton()
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = hits = chars = 0
    for text in iter_texts(p["corpus"], p.get("limit")):
        lowered = text.lower()
        hits += sum(1 for _ in automaton.iter(lowered))
        cases += 1
        chars += len(text)
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, hits=hits,
                       terms=len(automaton), chars=chars)


def step_regex(p: Params) -> Params:
    """The same terms as one compiled Python regex alternation (longest first)."""
    t0 = time.perf_counter()
    terms = sorted({t.lower() for t in load_terms(p.get("ontology"))}, key=lambda t: (-len(t), t))
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b")
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = hits = 0
    for text in iter_texts(p["corpus"], p.get("limit")):
        hits += sum(1 for _ in pattern.finditer(text.lower()))
        cases += 1
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, hits=hits,
                       terms=len(terms))


def step_lexicon(p: Params) -> Params:
    """Our normalising lexicon matcher alone (kg.lexicon.Lexicon.match) over every text."""
    try:
        from kg.lexicon import Lexicon
    except ImportError as exc:
        raise Unavailable(f"kg.lexicon not importable ({exc})") from exc
    t0 = time.perf_counter()
    lexicon = Lexicon.from_ontology(_ontology(p.get("ontology")))
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = hits = 0
    for text in iter_texts(p["corpus"], p.get("limit")):
        hits += len(lexicon.match(text))
        cases += 1
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, hits=hits)


def step_extract(p: Params) -> Params:
    """Our extraction in one process: read_paths + extract_case for every case."""
    try:
        from kg.extract import extract_case
        from kg.lexicon import Lexicon
        from kg.readers import read_paths
    except ImportError as exc:
        raise Unavailable(f"kg.extract.extract_case not importable ({exc})") from exc
    t0 = time.perf_counter()
    onto = _ontology(p.get("ontology"))
    lexicon = Lexicon.from_ontology(onto)
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = findings = failures = 0
    for case in islice(read_paths([p["corpus"]]), p.get("limit")):
        try:
            findings += len(extract_case(case, onto, lexicon).findings)
        except Exception:  # noqa: BLE001 - counted and reported, like kg build does
            failures += 1
        cases += 1
    if cases and failures == cases:
        raise Unavailable(f"extract_case failed on all {cases} cases")
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, findings=findings,
                       failures=failures)


def step_spacy_blank(p: Params) -> Params:
    """spaCy's blank English tokenizer alone."""
    try:
        import spacy
    except ImportError as exc:
        raise Unavailable(f"spaCy not installed ({exc})") from exc
    t0 = time.perf_counter()
    nlp = spacy.blank("en")
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = tokens = 0
    for text in iter_texts(p["corpus"], p.get("limit")):
        tokens += len(nlp.make_doc(text))
        cases += 1
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, tokens=tokens)


def _quiet_loguru() -> None:
    """Drop loguru's default stderr sink (PyRuSH logs through loguru)."""
    try:
        from loguru import logger
    except ImportError:
        return
    logger.remove()


def step_medspacy(p: Params) -> Params:
    """medspaCy TargetMatcher with our lexicon + ConText; ``variant`` default or sentencizer."""
    try:
        import medspacy
        from medspacy.ner import TargetRule
    except ImportError as exc:
        raise Unavailable(f"medspaCy not installed ({exc})") from exc
    _quiet_loguru()  # PyRuSH logs every sentence boundary at DEBUG level
    t0 = time.perf_counter()
    if p.get("variant") == "sentencizer":
        nlp = medspacy.load(medspacy_disable=["medspacy_pyrush"])
        nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = medspacy.load()  # PyRuSH sentences + TargetMatcher + ConText
    onto = _ontology(p.get("ontology"))
    rules = [TargetRule(surface, iri.rsplit("#", 1)[-1]) for surface, iri, _ in onto.terms()
             if surface.strip()]
    nlp.get_pipe("medspacy_target_matcher").add(rules)
    setup = time.perf_counter() - t0
    start = time.perf_counter()
    cases = ents = negated = 0
    for doc in nlp.pipe(iter_texts(p["corpus"], p.get("limit"))):
        ents += len(doc.ents)
        negated += sum(1 for e in doc.ents if e._.is_negated)
        cases += 1
    return _throughput(cases, time.perf_counter() - start, setup_s=setup, entities=ents,
                       negated=negated, pipeline=list(nlp.pipe_names))


# ---------------------------------------------------------------- build


def step_build(p: Params) -> Params:
    """``kg build CORPUS -o OUT [--workers N]`` end to end, in a child process; with
    ``store`` true, ``--store OUT`` (a store directory) instead of ``-o OUT``."""
    out = Path(p["output"])
    out.parent.mkdir(parents=True, exist_ok=True)
    target = ["--store", str(out)] if p.get("store") else ["-o", str(out)]
    cmd = [p["kg"], "-q", "build", p["corpus"], *target]
    if p.get("ontology"):
        cmd += ["--ontology", p["ontology"]]
    if p.get("workers"):
        cmd += ["--workers", str(p["workers"])]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report_path = out.parent / "build-report.json"
    if not out.exists() or not report_path.is_file():
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unavailable(f"kg build exited {proc.returncode}: {tail[:160]}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    failures = report.get("failures", [])
    if not report.get("cases"):
        first = failures[0]["error"] if failures else "no cases built"
        raise Unavailable(f"kg build built no case ({len(failures)} failed: {first[:120]})")
    return _throughput(report["cases"], seconds, triples=report.get("triples"),
                       failures=len(failures), exit_code=proc.returncode, child_rss_mb=rss,
                       bytes=_size(out))


def _size(path: Path) -> int:
    """Bytes of a file, or of every file under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def step_stream_nt(p: Params) -> Params:
    """A bounded-memory N-Triples writer: extract, assemble and write one case at a time.

    Only used when ``kg build`` could not produce the graph, so the store measurements
    still have one; triples shared by cases may repeat (a store keeps one copy).
    """
    try:
        from kg.assemble import case_triples
        from kg.extract import extract_case
        from kg.lexicon import Lexicon
        from kg.rdfio import to_ntriples
        from kg.readers import read_paths
    except ImportError as exc:
        raise Unavailable(f"pipeline pieces not importable ({exc})") from exc
    onto = _ontology(p.get("ontology"))
    lexicon = Lexicon.from_ontology(onto)
    out = Path(p["output"])
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    cases = lines = 0
    with out.open("w", encoding="utf-8") as fh:
        for case in read_paths([p["corpus"]]):
            try:
                text = to_ntriples(case_triples(extract_case(case, onto, lexicon)))
            except Exception:  # noqa: BLE001 - skipped, as kg build skips a failing case
                continue
            fh.write(text)
            lines += text.count("\n")
            cases += 1
    return _throughput(cases, time.perf_counter() - start, triples=lines)


# ---------------------------------------------------------------- stores


class QueryTimeout(Exception):
    """A query ran past its time limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise QueryTimeout


def _run_queries(run: Callable[[str], int], queries: list[str], timeout: float,
                 skip: list[str]) -> dict[str, Any]:
    """Latency (s) and row count of each query file; None seconds when it timed out."""
    signal.signal(signal.SIGALRM, _alarm)
    out: dict[str, Any] = {}
    for path in queries:
        name = Path(path).stem
        if name in skip:
            out[name] = {"skipped": True}
            continue
        text = Path(path).read_text(encoding="utf-8")
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            rows = run(text)
            out[name] = {"seconds": time.perf_counter() - start, "rows": rows}
        except QueryTimeout:
            out[name] = {"seconds": None, "timeout": timeout}
        except Exception as exc:  # noqa: BLE001 - an engine's failure is a result too
            out[name] = {"seconds": None, "error": f"{type(exc).__name__}: {exc}"[:120]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def step_load_rdflib(p: Params) -> Params:
    """N-Triples into rdflib's in-memory Graph, then each query (ontology added untimed)."""
    import rdflib

    graph = rdflib.Graph()
    start = time.perf_counter()
    graph.parse(p["graph"], format="nt")
    seconds = time.perf_counter() - start
    triples, load_rss = len(graph), peak_rss_mb()
    if p.get("ontology_ttl"):
        graph.parse(p["ontology_ttl"], format="turtle")

    def run(text: str) -> int:
        return sum(1 for _ in graph.query(text))

    queries = _run_queries(run, p.get("queries", []), p["query_timeout"], p.get("skip", []))
    return {"triples": triples, "seconds": seconds, "load_rss_mb": load_rss, "queries": queries,
            "version": rdflib.__version__}


def step_load_oxigraph(p: Params) -> Params:
    """N-Triples into pyoxigraph (in memory with ``load``, or on disk with ``bulk_load``)."""
    import pyoxigraph as ox

    on_disk = bool(p.get("store_dir"))
    store = ox.Store(p["store_dir"]) if on_disk else ox.Store()
    start = time.perf_counter()
    if on_disk:
        store.bulk_load(path=p["graph"], format=ox.RdfFormat.N_TRIPLES)
    else:
        store.load(path=p["graph"], format=ox.RdfFormat.N_TRIPLES)
    seconds = time.perf_counter() - start
    triples, load_rss = len(store), peak_rss_mb()
    if p.get("ontology_ttl"):
        store.load(path=p["ontology_ttl"], format=ox.RdfFormat.TURTLE)

    def run(text: str) -> int:
        return sum(1 for _ in store.query(text))

    queries = _run_queries(run, p.get("queries", []), p["query_timeout"], p.get("skip", []))
    return {"triples": triples, "seconds": seconds, "load_rss_mb": load_rss, "queries": queries,
            "version": ox.__version__}


STEPS: dict[str, Callable[[Params], Params]] = {
    "floor": step_floor,
    "regex": step_regex,
    "lexicon": step_lexicon,
    "extract": step_extract,
    "spacy_blank": step_spacy_blank,
    "medspacy": step_medspacy,
    "build": step_build,
    "stream_nt": step_stream_nt,
    "load_rdflib": step_load_rdflib,
    "load_oxigraph": step_load_oxigraph,
}


def main(argv: list[str] | None = None) -> int:
    """Run one step named on the command line; print its result line."""
    argv = sys.argv[1:] if argv is None else argv
    name, params = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    logging.basicConfig(level=logging.WARNING)
    try:
        result = {"status": "ok", **STEPS[name](params)}
    except Unavailable as exc:
        result = {"status": "n/a", "reason": str(exc)}
    result["peak_rss_mb"] = peak_rss_mb()
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
