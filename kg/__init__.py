"""CaseKG: clinical and radiology case reports to an RDF knowledge graph.

The Python API, loaded lazily so that ``import kg`` (and ``kg --help``) stays fast::

    import kg
    graph = kg.build(["seeds"])            # rdflib.Graph
    rows = kg.query(graph, "cq1")          # list of dict rows
    kg.draw(graph, "seed-kyphoplasty", "seed.png")

``kg.build``, ``kg.query`` and ``kg.draw`` share their names with the pipeline
modules ``kg/build.py``, ``kg/query.py`` and ``kg/draw.py``. The package attribute is
always the API function; import the modules by their full name
(``from kg.query import run_query``), which works as usual.
"""

from __future__ import annotations

import sys
import types
from typing import Any

_API = ("build", "query", "draw", "validate")


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        return getattr(api, name)
    if name == "__version__":
        from importlib.metadata import version

        return version("casekg")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


class _Package(types.ModuleType):
    """Keeps ``kg.build``/``kg.query``/``kg.draw`` the API functions: importing the
    same-named submodule would otherwise bind the module over them."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
