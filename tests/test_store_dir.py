"""The store directory's loading: chunked bulk loads, index after data, orphans dropped."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.parallel import CaseResult
from kg.store import INDEX_GRAPH, DirStore, nquads

BASE = "https://example.org/case/"


def _result(i: int, triples: int = 3) -> CaseResult:
    graph = f"{BASE}c{i}"
    lines = "".join(f'<{graph}> <https://example.org/p{j}> "v{i}-{j}" .\n'
                    for j in range(triples))
    return CaseResult(f"c{i}", "test", graph, f"hash{i}", ntriples=lines, triples=triples)


def _quads(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {str(q) for q in store if q.graph_name != ox.NamedNode(INDEX_GRAPH)}


def test_chunked_loads_store_the_same_quads_as_one_load(tmp_path):
    results = [_result(i) for i in range(10)]
    for name, chunk in (("one", 1_000_000), ("many", 4)):
        store = DirStore(tmp_path / name, load_quads=chunk)
        for start in range(0, 10, 3):
            store.put_cases(results[start:start + 3], "inputs")
        store.close()
    assert _quads(tmp_path / "one") == _quads(tmp_path / "many")
    assert len(_quads(tmp_path / "one")) == 30


def test_the_index_includes_gathered_cases_once_they_are_loaded(tmp_path):
    store = DirStore(tmp_path / "s", load_quads=1_000_000)
    store.put_cases([_result(1)], "inputs")
    # still gathered, not loaded: reading the index loads them first
    assert set(store.index()) == {f"{BASE}c1"}
    store.close()
    reopened = DirStore(tmp_path / "s", read_only=True)
    assert reopened.index()[f"{BASE}c1"].triples == 3


def test_a_graph_without_index_triple_is_dropped_on_the_next_open(tmp_path):
    store = DirStore(tmp_path / "s")
    store.put_cases([_result(1)], "inputs")
    store.close()
    # a load cut short: a graph stored without its index triple
    raw = ox.Store(str(tmp_path / "s"))
    raw.load(input=nquads(f"{BASE}c2", _result(2).ntriples).encode(), format=ox.RdfFormat.N_QUADS)
    del raw
    store = DirStore(tmp_path / "s")
    graphs = {g.value for g in store.store.named_graphs()}
    store.close()
    assert f"{BASE}c2" not in graphs and f"{BASE}c1" in graphs


def test_a_replaced_case_keeps_only_its_new_triples(tmp_path):
    store = DirStore(tmp_path / "s", load_quads=1_000_000)
    store.put_cases([_result(1, triples=5)], "inputs")
    store.put_cases([_result(1, triples=2)], "inputs", replace=[f"{BASE}c1"])
    store.close()
    assert len(_quads(tmp_path / "s")) == 2
