"""Streaming builds: failures reported not fatal, same bytes whatever the workers,
interrupted builds leave old outputs intact and resume without redoing finished cases.

A stub extractor (one finding per case; a text saying FAIL raises) keeps these fast.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from kg.model import CaseExtraction, Concept, Finding, Kind, Span
from kg.namespaces import KG
from kg.pipeline import REPORT_NAME, BuildOptions, Pipeline, run_build
from kg.sparql import run_query
from kg.store import open_store


class Stub:
    """Extracts "pain" as a finding; counts calls; a text with FAIL raises."""

    ontology = lexicon = None
    fingerprint = "stub-1"

    def __init__(self) -> None:
        self.calls = 0

    def extract(self, case):
        self.calls += 1
        if "FAIL" in case.text:
            raise ValueError("stub extractor refused")
        start = case.text.index("pain")
        span = Span(start, start + 4, "pain", rule="stub")
        finding = Finding("finding/1", Concept(KG + "Pain", "pain", Kind.FINDING), (span,))
        return CaseExtraction(case=case, findings=(finding,))


def _corpus(path: Path, n: int, fail: tuple[int, ...] = ()) -> Path:
    lines = [json.dumps({"id": f"c{i:03d}", "text": f"Case {i}: back pain."
                         + (" FAIL" if i in fail else "")}) for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _case_ids(store_dir: Path) -> set[str]:
    store = open_store(store_dir, read_only=True)
    rows = run_query("SELECT ?id WHERE { ?c a kg:Case ; dcterms:identifier ?id }", store)
    return {r["id"] for r in rows.records()}


def test_every_input_case_is_in_the_graph_or_in_the_report(tmp_path):
    corpus = _corpus(tmp_path / "c.jsonl", 40, fail=(3, 17, 39))
    report = run_build([corpus], store=tmp_path / "store", pipeline=Stub(),
                       options=BuildOptions(batch_size=7))
    assert report.exit_code == 3
    failed = {f.id for f in report.failures}
    assert failed == {"c003", "c017", "c039"}
    assert _case_ids(tmp_path / "store") | failed == {f"c{i:03d}" for i in range(40)}
    saved = json.loads((tmp_path / REPORT_NAME).read_text())
    assert saved["partial"] and saved["failures"][0] == {
        "file": str(corpus), "id": "c003", "error": "ValueError: stub extractor refused"}


@pytest.mark.parametrize("suffix", [".nq", ".nt", ".ttl", ".trig"])
def test_same_bytes_whatever_the_number_of_workers(tmp_path, suffix):
    corpus = _corpus(tmp_path / "c.jsonl", 30, fail=(5,))
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}{suffix}"
        run_build([corpus], output=out, pipeline=Stub(),
                  options=BuildOptions(workers=workers, batch_size=4))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0]


def test_nquads_and_trig_keep_a_named_graph_per_case(tmp_path):
    import pyoxigraph as ox

    corpus = _corpus(tmp_path / "c.jsonl", 3)
    for suffix in (".nq", ".trig"):
        out = tmp_path / f"g{suffix}"
        run_build([corpus], output=out, pipeline=Stub())
        store = ox.Store()
        store.load(path=str(out))
        graphs = sorted(g.value for g in store.named_graphs())
        assert graphs == [f"https://w3id.org/casekg/case/c{i:03d}" for i in range(3)], suffix


def test_a_crash_mid_build_leaves_the_old_file_and_a_consistent_store(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "c.jsonl", 30)
    out = tmp_path / "g.nq"
    out.write_text("old\n", encoding="utf-8")
    import kg.store

    calls = {"n": 0}
    real = kg.store.DirStore.put_cases

    def crash_on_third(self, results, inputs, replace=()):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(self, results, inputs, replace)

    monkeypatch.setattr(kg.store.DirStore, "put_cases", crash_on_third)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_build([corpus], output=out, store=tmp_path / "store", pipeline=Stub(),
                  options=BuildOptions(batch_size=5))
    assert out.read_text() == "old\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(_case_ids(tmp_path / "store")) == 10  # two whole batches, nothing partial
    monkeypatch.setattr(kg.store.DirStore, "put_cases", real)
    stub = Stub()
    report = run_build([corpus], store=tmp_path / "store", pipeline=stub,
                       options=BuildOptions(batch_size=5))
    assert stub.calls == 20 and report.unchanged == 10 and report.cases == 30
    assert len(_case_ids(tmp_path / "store")) == 30


SLOW_BUILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_pipeline_build import Stub
from kg.pipeline import Pipeline

progress = Path({progress!r})

class Slow(Stub):
    def extract(self, case):
        time.sleep(0.01)
        with progress.open("a") as fh:
            fh.write(case.id + "\\n")
        return super().extract(case)

Pipeline.load = classmethod(lambda cls, extra=(): Slow())
from kg.cli import main
main(sys.argv[1:])
"""


def test_sigint_mid_build_then_resume(tmp_path):
    corpus = _corpus(tmp_path / "c.jsonl", 300)
    out, store, progress = tmp_path / "g.nt", tmp_path / "store", tmp_path / "progress"
    out.write_text("old\n", encoding="utf-8")
    script = tmp_path / "slow_build.py"
    script.write_text(SLOW_BUILD.format(tests=str(REPO / "tests"), progress=str(progress)),
                      encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), "build", str(corpus), "-o", str(out),
                             "--store", str(store), "--batch-size", "10", "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not progress.exists() or len(progress.read_text().split()) < 60:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert out.read_text() == "old\n"
    stored = _case_ids(store)
    assert 0 < len(stored) < 300
    stub = Stub()
    report = run_build([corpus], store=store, pipeline=stub)  # resumes: only the rest
    assert stub.calls == 300 - len(stored) and report.unchanged == len(stored)
    assert report.cases == 300 and len(_case_ids(store)) == 300


def test_pipeline_fingerprint_changes_with_the_ontology(tmp_path):
    from kg.pipeline import version_fingerprint

    extra = tmp_path / "mine.ttl"
    extra.write_text("<http://x/a> <http://x/b> <http://x/c> .\n", encoding="utf-8")
    before = version_fingerprint([extra])
    extra.write_text("<http://x/a> <http://x/b> <http://x/d> .\n", encoding="utf-8")
    assert version_fingerprint([extra]) != before
    assert Pipeline.__dataclass_fields__["fingerprint"]
