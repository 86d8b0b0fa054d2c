"""Run SPARQL (the named competency questions, a ``.rq`` file, or inline text) on pyoxigraph.

The graph file and the shipped ontology are loaded into one in-memory pyoxigraph
store, so ``rdfs:subClassOf*``, ``kg:partOf*`` and ``kg:levelCode`` paths work
without a reasoner. Parameters are passed as bound variables (SEP-0007
substitutions), never by formatting values into the query text.

Named queries live in ``kg/queries/cqN.rq``; each starts with a comment header::

    # name: intrathecal-leak-procedures
    # description: Which procedures led to intrathecal cement leaks?
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError, QueryError
from kg.namespaces import PREFIXES, XSD

log = logging.getLogger(__name__)

QUERY_DIR = Path(__file__).resolve().parent / "queries"
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "markdown")

_HEADER = re.compile(r"^#\s*(name|description)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_UPDATE = re.compile(
    r"^(?:\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>))*\s*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"#[^\n]*")
_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "decimal", "double", "float",
                              "nonNegativeInteger", "positiveInteger")}


# ---------------------------------------------------------------- named queries


@dataclass(frozen=True)
class NamedQuery:
    """A shipped competency question: ``cq1`` ... with its alias and description."""

    name: str
    alias: str
    description: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@cache
def named_queries() -> tuple[NamedQuery, ...]:
    """The shipped queries, in ``cq`` number order; a file without a header is an error."""
    found = []
    for path in QUERY_DIR.glob("*.rq"):
        header: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADER.match(line)
            if match:
                header[match.group(1).lower()] = match.group(2)
            elif line.strip() and not line.startswith("#"):
                break
        missing = {"name", "description"} - header.keys()
        if missing:
            raise QueryError(f"{path}: header lacks '# {sorted(missing)[0]}:'")
        found.append(NamedQuery(path.stem, header["name"], header["description"], path))
    return tuple(sorted(found, key=lambda q: (len(q.name), q.name)))


def find_named(name: str) -> NamedQuery | None:
    """The shipped query called ``name`` (``cq1``) or aliased so, any case."""
    key = name.strip().lower()
    for q in named_queries():
        if key in (q.name.lower(), q.alias.lower()):
            return q
    return None


def resolve_query(query: str) -> tuple[str, str]:
    """(label, SPARQL text) for a named query, a path to a ``.rq`` file, or inline SPARQL."""
    named = find_named(query)
    if named is not None:
        return named.name, named.text
    path = Path(query)
    if query.endswith(".rq") or (len(query) < 512 and "\n" not in query and path.is_file()):
        try:
            return str(path), path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read query: {exc}") from exc
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, re.IGNORECASE) or \
            _UPDATE.match(_COMMENT.sub("", query)):
        return "inline", query
    names = ", ".join(q.name for q in named_queries())
    raise QueryError(f"unknown query {query!r}", hint=f"named queries: {names}; see `kg queries`")


# ---------------------------------------------------------------- results


@dataclass
class QueryResult:
    """Rows of a SELECT (``variables`` + ``rows``), or the answer of an ASK (``boolean``).

    Row values are pyoxigraph terms (or None when unbound); :meth:`records` gives
    plain Python values.
    """

    variables: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool | None = None

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain values: IRIs and strings as str, numbers as int/float."""
        return [dict(zip(self.variables, (python_value(v) for v in row), strict=True))
                for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


def python_value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is not None and getattr(term, "language", None) is None:
        dt = datatype.value
        try:
            if dt in _NUMERIC:
                number = float(term.value)
                return int(number) if dt not in (XSD + "decimal", XSD + "double",
                                                 XSD + "float") else number
            if dt == XSD + "boolean":
                return term.value in ("true", "1")
        except ValueError:
            return term.value
    return term.value


# ---------------------------------------------------------------- running


def ontology_file() -> Path | None:
    """The shipped ontology Turtle, if present (via kg.ontology when it can tell)."""
    try:
        from kg.ontology import ontology_path

        return ontology_path()
    except (ImportError, KGError):
        for candidate in (Path(__file__).resolve().parent / "_ontologies" / "casekg.ttl",
                          Path(__file__).resolve().parents[1] / "ontologies" / "casekg.ttl"):
            if candidate.is_file():
                return candidate
    return None


def load_store(graphs: list[Path], with_ontology: bool = True) -> Any:
    """An in-memory pyoxigraph store with ``graphs`` (any RDF format) and the ontology."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in graphs:
        load_file(store, Path(path))
    if with_ontology:
        onto = ontology_file()
        if onto is None:
            log.warning("the shipped ontology is missing: class and part-of paths will not match")
        else:
            load_file(store, onto)
    return store


def load_file(store: Any, path: Path) -> None:
    """Load one RDF file into ``store``; the format comes from its suffix."""
    import pyoxigraph as ox

    if not path.is_file():
        raise InputError(f"{path}: no such graph file")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower() or "ttl")
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format {path.suffix!r}",
                         hint="use .ttl, .nt, .nq, .trig, .jsonld, .rdf or .owl")
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise InputError(f"{path}: {str(exc).splitlines()[0]}") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot load: {exc}") from exc


def run_query(query: str, graph: Path | str | Any, bindings: dict[str, Any] | None = None,
              with_ontology: bool = True) -> QueryResult:
    """Run ``query`` (name, alias, ``.rq`` path or inline SPARQL) on ``graph``.

    ``graph`` is a path to an RDF file or an already loaded pyoxigraph ``Store``;
    ``bindings`` maps variable names to values (IRIs as ``str`` starting with
    ``http`` or a known prefix such as ``kg:``, ints as integers, else string
    literals), substituted as bound variables; pyoxigraph requires a bound variable
    to be one the query projects (``SELECT ?caseId ...``).
    """
    import pyoxigraph as ox

    label, text = resolve_query(query)
    refuse_update(text)
    # a kg.store backend (store directory or endpoint) queries the union of its graphs
    backend = not isinstance(graph, str | Path | ox.Store) and hasattr(graph, "query")
    store = graph if isinstance(graph, ox.Store) or backend else \
        load_store([Path(graph)], with_ontology)
    subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    try:
        # the union default graph: a .nq/.trig file keeps each case in a named graph
        answer = store.query(text, prefixes=dict(PREFIXES), substitutions=subs or None,
                             use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"{label}: {syntax_message(str(exc))}") from exc
    except RuntimeError as exc:  # e.g. a binding for a variable the query does not project
        raise QueryError(f"{label}: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise QueryError(f"{label}: query failed: {exc}") from exc
    return _collect(answer)


def refuse_update(text: str) -> None:
    """SPARQL UPDATE is refused: ``kg query`` only reads."""
    match = _UPDATE.match(_COMMENT.sub("", text))
    if match:
        raise QueryError(f"SPARQL UPDATE ({match.group(1).upper()}) is refused: queries only read")


def syntax_message(raw: str) -> str:
    """pyoxigraph's parse error as one line with line and column."""
    match = _SYNTAX.search(raw)
    if not match:
        return "SPARQL syntax error: " + raw.splitlines()[0][:160]
    line, col, what = match.groups()
    what = " ".join(what.split())
    if "Prefix not found" in what:
        what = "undeclared prefix"
    elif len(what) > 120:
        what = what[:117] + "..."
    return f"SPARQL syntax error at line {line}, column {col}: {what}"


def to_term(value: Any) -> Any:
    """A Python value as a pyoxigraph term for a bound variable."""
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    text = str(value)
    for prefix, ns in PREFIXES.items():
        if text.startswith(prefix + ":") and not text.startswith(prefix + "://"):
            return ox.NamedNode(ns + text[len(prefix) + 1:])
    if re.match(r"^https?://\S+$", text):
        return ox.NamedNode(text)
    return ox.Literal(text)


def _collect(answer: Any) -> QueryResult:
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(variables=["answer"], rows=[[ox.Literal(str(bool(answer)).lower(),
                                                      datatype=ox.NamedNode(XSD + "boolean"))]],
                           boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        return QueryResult(names, [[row[i] for i in range(len(names))] for row in answer])
    return QueryResult(["subject", "predicate", "object"],
                       [[t.subject, t.predicate, t.object] for t in answer])


# ---------------------------------------------------------------- output


def compact(iri: str) -> str:
    """``kg:Kyphoplasty`` for a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _cell(term: Any, human: bool) -> str:
    """A term as a display string; IRIs compacted for human formats."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if human else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render ``result`` as an aligned table, CSV, TSV, JSON or a Markdown table."""
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}",
                         hint="one of " + ", ".join(OUTPUT_FORMATS))
    if fmt == "json":
        data: Any = result.boolean if result.boolean is not None else result.records()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    human = fmt in ("table", "markdown")
    cells = [[_cell(v, human).replace("\n", " ") if human else _cell(v, human) for v in row]
             for row in result.rows]
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows(cells)
        return buf.getvalue()
    if fmt == "markdown":
        esc = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(result.variables) + " |",
                 "|" + "|".join("---" for _ in result.variables) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in esc]) + "\n"
    return _table(result.variables, cells)


def _table(header: list[str], cells: list[list[str]]) -> str:
    """An aligned plain-text table, with a row count."""
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(header)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
