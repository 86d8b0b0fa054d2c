"""Parallel engines: ordered windows, the fast N-Triples writer, and a Dask cluster build."""

from __future__ import annotations

import json
import time

import pytest
from rdflib import BNode, Literal, URIRef
from test_pipeline_build import Stub

from kg.parallel import fast_ntriples, ordered_window
from kg.pipeline import BuildOptions, Pipeline, run_build
from kg.rdfio import to_ntriples


def test_ordered_window_keeps_order_and_bounds_the_flight():
    submitted: list[int] = []
    in_flight: list[int] = []

    def tasks():
        for i in range(10):
            submitted.append(i)
            yield i

    def wait(task):
        in_flight.append(len(submitted) - task)
        return task * 2

    assert list(ordered_window(tasks(), 3, wait)) == [i * 2 for i in range(10)]
    assert max(in_flight) <= 3


def test_fast_ntriples_writes_the_same_bytes_as_rdfio():
    triples = [
        (URIRef("http://a/b c"), URIRef("http://p"), Literal('x"y\\z\n\t\x01\x7fé')),
        (URIRef("http://a"), URIRef("http://p"), Literal(5)),
        (URIRef("http://a"), URIRef("http://p"), Literal("hi", lang="en")),
        (URIRef("http://a"), URIRef("http://p"), Literal("x", datatype=URIRef("http://x#s"))),
        (URIRef("http://a{"), URIRef("http://p"), BNode("b1")),
    ]
    assert fast_ntriples(triples) == to_ntriples(triples)


def test_dask_local_cluster_builds_the_same_file(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(Pipeline, "load", classmethod(lambda cls, extra=(): Stub()))
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Case {i}: neck pain."}) + "\n"
                              for i in range(25)), encoding="utf-8")
    local = tmp_path / "local.nq"
    run_build([corpus], output=local, pipeline=Stub(), options=BuildOptions(batch_size=4))
    started = time.monotonic()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask.nq"
        report = run_build([corpus], output=out, store=tmp_path / "store",
                           options=BuildOptions(engine="dask", batch_size=4,
                                                scheduler=cluster.scheduler_address))
    assert report.cases == 25 and not report.failures
    assert out.read_bytes() == local.read_bytes()
    assert time.monotonic() - started < 30
