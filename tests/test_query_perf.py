"""The rewritten competency questions answer as their first formulations did.

The queries in ``kg/queries`` were rewritten for speed at corpus scale (anchored on the
few matching ontology classes, one basic graph pattern the planner joins row by row). The
first formulations are kept in ``tests/data/cq_reference`` as the reference: on a store
of small synthetic cases both must give the same rows. ``GROUP_CONCAT`` has no order
in SPARQL, so its items are compared as sets. How their latency grows with the corpus
is measured by the benchmark (``make bench``: the latency ratio between sizes), not by a
timed unit test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED

from kg.pipeline import run_build
from kg.sparql import named_queries, run_query
from kg.store import open_store

REFERENCE = Path(__file__).parent / "data" / "cq_reference"
SEPARATORS = ("; ", " | ", " ")

# short case texts of our own: a leak after kyphoplasty, a ruled-out finding, levels
TEXTS = [
    SEED.read_text(encoding="utf-8"),
    "Title: Back pain\nHistory: A 61-year-old woman with low back pain. No fever.\n"
    "Findings: MRI shows a compression fracture of L2 and disc herniation at L4-L5. "
    "There is no spinal stenosis.\n",
    "Title: Cement leak\nHistory: A 78-year-old man had vertebroplasty at T12.\n"
    "Findings: CT after vertebroplasty shows cement leakage into the spinal canal at T12. "
    "The leak was treated with laminectomy and the leg pain resolved.\n",
]


def _corpus(path: Path, n: int) -> Path:
    lines = [json.dumps({"id": f"perf-{i:05d}", "text": TEXTS[i % len(TEXTS)]})
             for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _normal(records: list[dict]) -> list[tuple]:
    """Rows with GROUP_CONCAT cells split into sorted items (their order is unspecified)."""
    out = []
    for rec in records:
        row = []
        for value in rec.values():
            if isinstance(value, str):
                for sep in SEPARATORS:
                    if sep in value:
                        value = tuple(sorted(value.split(sep)))
                        break
            row.append(value)
        out.append(tuple(row))
    return sorted(out, key=repr)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("perf")
    target = str(tmp / "store")
    run_build([_corpus(tmp / "cases.jsonl", 30)], store=target)
    return target


@pytest.mark.parametrize("cq", [q.name for q in named_queries()])
def test_rewritten_query_answers_as_the_reference(cq, small_store):
    store = open_store(small_store, read_only=True)
    new = run_query(cq, store).records()
    old = run_query(str(REFERENCE / f"{cq}.rq"), store).records()
    assert _normal(new) == _normal(old)
    store.close()


def test_the_reference_covers_answers(small_store):
    """The fixture is not vacuous: most questions have rows on it."""
    store = open_store(small_store, read_only=True)
    answered = [q.name for q in named_queries() if len(run_query(q.name, store))]
    assert len(answered) >= 4, answered
