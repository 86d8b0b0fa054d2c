"""The Python API: ``kg.build``, ``kg.query``, ``kg.draw`` (and ``kg.validate``).

>>> import kg
>>> graph = kg.build(["seeds"])                     # an rdflib.Graph
>>> rows = kg.query(graph, "cq1")                    # [{'procedureClass': ..., ...}]
>>> kg.draw(graph, "seed-kyphoplasty", "seed.png")   # doctest: +SKIP

Each is one call into the pipeline modules; heavy libraries load on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError
from kg.namespaces import CASE

log = logging.getLogger(__name__)

PathLike = str | Path


def build(paths: PathLike | Iterable[PathLike], base: str = CASE) -> Any:
    """Read, extract and assemble the cases under ``paths``; an ``rdflib.Graph``.

    Cases that fail are logged and skipped (as ``kg build`` does); the report is
    on the graph as ``graph.build_report``.
    """
    from kg.pipeline import build_triples
    from kg.rdfio import to_rdflib_graph

    triples, report = build_triples(_paths(paths), base=base)
    for failure in report.failures:
        log.warning("%s: case %s skipped: %s", failure.file, failure.id, failure.error)
    graph = to_rdflib_graph(triples)
    graph.build_report = report  # type: ignore[attr-defined]
    return graph


def query(graph: Any, name_or_sparql: str, bindings: dict[str, Any] | None = None,
          with_ontology: bool = True) -> list[dict[str, Any]]:
    """Run a named query (``cq1``/alias), a ``.rq`` file or inline SPARQL on ``graph``.

    ``graph`` is a path to an RDF file, an ``rdflib.Graph`` or a pyoxigraph ``Store``.
    Returns rows as dicts of plain values (IRIs and strings as ``str``, numbers as
    numbers); an ASK gives ``[{'answer': True|False}]``.
    """
    from kg.sparql import run_query

    return run_query(name_or_sparql, _store(graph, with_ontology), bindings=bindings).records()


def draw(graph: Any, case_id: str, out: PathLike) -> Path:
    """Draw case ``case_id`` of ``graph`` (a path or an ``rdflib.Graph``) to ``out`` (.png/.svg)."""
    from kg.draw_render import draw_case

    return draw_case(Path(graph) if isinstance(graph, str) else graph, case_id, Path(out))


def validate(graph: PathLike, shapes: PathLike | None = None) -> tuple[bool, str]:
    """SHACL-validate a graph file: (conforms, report text)."""
    return validate_graph(Path(graph), Path(shapes) if shapes else None)


def validate_graph(graph: Path, shapes: Path | None = None) -> tuple[bool, str]:
    """Validate ``graph`` with pyshacl against ``shapes`` (default: the shipped
    ``shapes.ttl``), the ontology mixed in so class targets follow rdfs:subClassOf."""
    import rdflib
    from pyshacl import validate as shacl_validate

    from kg.sparql import ontology_file

    shapes = shapes or shapes_file()
    data = _parse(rdflib.Graph(), graph)
    shapes_graph = _parse(rdflib.Graph(), shapes)
    onto_path = ontology_file()
    onto = _parse(rdflib.Graph(), onto_path) if onto_path else None
    conforms, _, text = shacl_validate(data, shacl_graph=shapes_graph, ont_graph=onto,
                                       inference="none", abort_on_first=False)
    return bool(conforms), str(text)


def shapes_file() -> Path:
    """The shipped SHACL shapes: beside the compiled ontology."""
    from kg.sparql import ontology_file

    onto = ontology_file()
    if onto is not None and (onto.parent / "shapes.ttl").is_file():
        return onto.parent / "shapes.ttl"
    raise KGError("the SHACL shapes ontologies/shapes.ttl are missing",
                  hint="pass --shapes FILE")


def _parse(graph: Any, path: Path) -> Any:
    """Parse an RDF file into ``graph`` (format from the suffix), as an InputError if bad."""
    from rdflib.util import guess_format

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    try:
        return graph.parse(str(path), format=guess_format(str(path)) or "turtle")
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds of parse errors
        raise InputError(f"{path}: cannot parse: {str(exc).splitlines()[0][:160]}") from exc


def _paths(paths: PathLike | Iterable[PathLike]) -> list[PathLike]:
    return [paths] if isinstance(paths, str | Path) else list(paths)


def _store(graph: Any, with_ontology: bool) -> Any:
    """A pyoxigraph Store (with the ontology) for a path, an rdflib Graph or a Store."""
    import pyoxigraph as ox

    from kg.sparql import load_store

    if isinstance(graph, ox.Store):
        return graph
    if isinstance(graph, str | Path):
        return load_store([Path(graph)], with_ontology)
    from kg.rdfio import to_ntriples

    store = load_store([], with_ontology)
    store.load(to_ntriples(list(graph)), format=ox.RdfFormat.N_TRIPLES)
    return store
