"""CaseKG: clinical and radiology case reports to an RDF knowledge graph.

The Python API, loaded lazily so that ``import kg`` (and ``kg --help``) stays fast::

    import kg
    graph = kg.build(["seeds"])            # rdflib.Graph
    rows = kg.query(graph, "cq1")          # list of dict rows
    kg.draw(graph, "seed-kyphoplasty", "seed.png")

The stages behind them are the modules ``kg.readers``, ``kg.extract``,
``kg.assemble``, ``kg.rdfio``, ``kg.pipeline``, ``kg.sparql`` and ``kg.draw_render``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("build", "query", "draw", "validate")


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
