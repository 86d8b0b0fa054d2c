"""``kg stats GRAPH``: what a graph holds, in one screen.

Counts of cases, findings (by assertion), complications, procedures (performed
and planned), the most frequent finding and procedure classes by label, and the
unlinked phrases (the ontology's to-do list). Each number is one SPARQL query
over the graph plus the shipped ontology, so it agrees with ``kg query``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_PREFIXES = """PREFIX kg: <https://w3id.org/casekg/onto#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

COUNTS = {
    "cases": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a kg:Case }",
    "findings": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?c kg:hasFinding ?f }",
    "complications": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?c kg:hasFinding ?f . "
                     "{ ?f kg:complicationOf ?p } UNION "
                     "{ ?f a ?t . ?t rdfs:subClassOf* kg:ProcedureComplication } }",
    "procedures": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?c kg:hasProcedure ?p }",
    "planned procedures": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?c kg:hasProcedure ?p . "
                          "?p kg:planned true }",
    "unlinked phrases": "SELECT (COUNT(?u) AS ?n) WHERE { ?c kg:unlinkedPhrase ?u }",
}
ASSERTIONS = ("SELECT ?a (COUNT(DISTINCT ?f) AS ?n) WHERE { ?c kg:hasFinding ?f . "
              "?f kg:assertion ?a } GROUP BY ?a ORDER BY ?a")
TOP_CLASSES = """SELECT ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  ?c kg:{link} ?x . ?x a ?t . ?t rdfs:label ?label .
  FILTER NOT EXISTS {{ ?x a ?other . ?other rdfs:subClassOf+ ?t }}
}} GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT {top}"""
TOP_UNLINKED = ("SELECT ?u (COUNT(?c) AS ?n) WHERE {{ ?c kg:unlinkedPhrase ?u }} "
                "GROUP BY ?u ORDER BY DESC(?n) ?u LIMIT {top}")


@dataclass
class GraphStats:
    counts: dict[str, int] = field(default_factory=dict)
    assertions: dict[str, int] = field(default_factory=dict)
    top_findings: list[tuple[str, int]] = field(default_factory=list)
    top_procedures: list[tuple[str, int]] = field(default_factory=list)
    top_unlinked: list[tuple[str, int]] = field(default_factory=list)


def _rows(store: Any, query: str) -> list[tuple[Any, ...]]:
    return [tuple(term.value if term is not None else None for term in row)
            for row in store.query(_PREFIXES + query, use_default_graph_as_union=True)]


def graph_stats(graph: Path | Any, top: int = 10) -> GraphStats:
    """Statistics of ``graph`` (an RDF file or a loaded pyoxigraph store)."""
    from kg.sparql import load_store

    store = load_store([Path(graph)]) if isinstance(graph, str | Path) else graph
    stats = GraphStats()
    for name, query in COUNTS.items():
        stats.counts[name] = int(_rows(store, query)[0][0])
    stats.assertions = {a.rsplit("#", 1)[-1]: int(n) for a, n in _rows(store, ASSERTIONS)}
    stats.top_findings = [(label, int(n)) for label, n in
                          _rows(store, TOP_CLASSES.format(link="hasFinding", top=top))]
    stats.top_procedures = [(label, int(n)) for label, n in
                            _rows(store, TOP_CLASSES.format(link="hasProcedure", top=top))]
    stats.top_unlinked = [(u, int(n)) for u, n in _rows(store, TOP_UNLINKED.format(top=top))]
    return stats


def format_stats(stats: GraphStats, fmt: str = "table") -> str:
    """The statistics as aligned text, or JSON."""
    if fmt == "json":
        return json.dumps(asdict(stats), indent=2, ensure_ascii=False)
    lines = [f"{name:<20} {n:>8,}" for name, n in stats.counts.items()]
    if stats.assertions:
        mix = ", ".join(f"{a.lower()} {n:,}" for a, n in stats.assertions.items())
        lines.append(f"{'findings by assertion':<20}  {mix}")
    for title, items in (("most frequent findings", stats.top_findings),
                         ("most frequent procedures", stats.top_procedures),
                         ("most frequent unlinked phrases", stats.top_unlinked)):
        if items:
            lines += ["", title + ":"] + [f"  {n:>6,}  {label}" for label, n in items]
    return "\n".join(lines)
