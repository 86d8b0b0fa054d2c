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
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError, QueryError
from kg.namespaces import PREFIXES, XSD

log = logging.getLogger(__name__)

QUERY_DIR = Path(__file__).resolve().parent / "queries"
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "markdown")
# Values (rows x columns) one answer may hold: about 150 bytes each in memory, so some
# 1.5 GB; past it a QueryError asks for a LIMIT instead of the process running out.
MAX_VALUES = 10_000_000
MAX_TIMEOUT = 7 * 24 * 3600.0  # seconds: a week; inf or 1e308 would overflow the wait

_HEADER = re.compile(r"^#\s*(name|description)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_UPDATE = re.compile(
    r"^(?:\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>))*\s*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
# a comment, but not a '#' inside an IRI or a string
_COMMENT = re.compile(r"""(<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|#[^\n]*""")
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
        from kg.readers import require_regular_file

        require_regular_file(path, "query file")
        try:
            return str(path), path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read query: {exc}") from exc
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, re.IGNORECASE) or \
            update_keyword(query):
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
        except (ValueError, OverflowError):  # not a number, or past float's range
            return term.value
    return term.value


# ---------------------------------------------------------------- running


def ontology_file() -> Path | None:
    """The shipped ontology Turtle, or None when it is missing."""
    from kg.ontology import ontology_path

    try:
        return ontology_path()
    except KGError:
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
              with_ontology: bool = True, timeout: float | None = None) -> QueryResult:
    """Run ``query`` (name, alias, ``.rq`` path or inline SPARQL) on ``graph``.

    ``graph`` is a path to an RDF file or an already loaded pyoxigraph ``Store``;
    ``bindings`` maps variable names to values (IRIs as ``str`` starting with
    ``http`` or a known prefix such as ``kg:``, ints as integers, else string
    literals), substituted as bound variables; pyoxigraph requires a bound variable
    to be one the query projects (``SELECT ?caseId ...``). ``timeout`` (seconds)
    bounds the query's evaluation: past it a :class:`QueryError` is raised.
    """
    if timeout is not None:
        return run_with_timeout(query, graph, bindings, with_ontology, timeout)
    import pyoxigraph as ox

    label, text = resolve_query(query)
    refuse_update(text)
    refuse_service(text)
    # a kg.store backend (store directory or endpoint) queries the union of its graphs
    backend = not isinstance(graph, str | Path | ox.Store) and hasattr(graph, "query")
    store = graph if isinstance(graph, ox.Store) or backend else \
        load_store([Path(graph)], with_ontology)
    subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    unordered, keys, extra = split_order(text)
    if keys and not getattr(store, "server_sorts", False):
        try:
            with _query_errors(label):
                result = sort_rows(_collect(_answer(store, unordered, subs)), keys)
            return drop_columns(result, extra)
        except QueryError:
            if not extra:
                raise
            # an added sort variable the query cannot project: the store sorts
    with _query_errors(label):
        return _collect(_answer(store, text, subs))


def _answer(store: Any, text: str, subs: dict[Any, Any]) -> Any:
    """``text`` asked of ``store``, over the union of its graphs (a .nq/.trig file
    keeps each case in a named graph)."""
    return store.query(text, prefixes=dict(PREFIXES), substitutions=subs or None,
                       use_default_graph_as_union=True)


@contextmanager
def _query_errors(label: str) -> Iterator[None]:
    """pyoxigraph's errors, while asking or while reading rows, as :class:`QueryError`."""
    try:
        yield
    except _TooLarge as exc:
        raise QueryError(f"{label}: {exc}") from None
    except SyntaxError as exc:
        raise QueryError(f"{label}: {syntax_message(str(exc))}") from exc
    except RuntimeError as exc:  # e.g. a binding for a variable the query does not project
        raise QueryError(f"{label}: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise QueryError(f"{label}: query failed: {exc}") from exc


# ---------------------------------------------------------------- ordering here

# A final ``ORDER BY`` of plain variables, nothing after it (no LIMIT/OFFSET).
_ORDER_KEY = r"(?:(?:ASC|DESC)\s*\(\s*[?$]\w+\s*\)|[?$]\w+)"
_FINAL_ORDER = re.compile(rf"\bORDER\s+BY((?:\s*{_ORDER_KEY})+)\s*$", re.IGNORECASE)
_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*[?$](\w+)", re.IGNORECASE)


def split_order(text: str) -> tuple[str, list[tuple[str, bool]], list[str]]:
    """The query without its final ``ORDER BY`` of plain variables; those keys as
    (variable, descending); and the keys it does not project, added to its SELECT
    (their columns go again after sorting). ``(text, [], [])`` when it has none.

    pyoxigraph sorts an on-disk store's strings by reading each one back from the
    store at every comparison (a 100k-case store: cq4's 188k rows take 9 s to sort);
    sorting the answered rows here takes a fraction of a second and gives the same
    order (:func:`sort_rows`).
    """
    code = _COMMENT.sub(lambda m: m.group(1) or " ", text)
    match = _FINAL_ORDER.search(code)
    select = _SELECT.search(code)
    form = _FORM.search(_COMMENT.sub(" ", text))  # IRIs and strings blanked too
    if match is None or select is None or form is None or form.group(1).upper() != "SELECT":
        return text, [], []
    keys = [(m.group(2), (m.group(1) or "").upper() == "DESC")
            for m in _KEY.finditer(match.group(1))]
    projected = projection(select.group(1))
    extra = [] if "*" in projected else \
        list(dict.fromkeys(name for name, _ in keys if name not in projected))
    head = code[:select.end(1)] + "".join(f" ?{name}" for name in extra) + " "
    return head + code[select.end(1):match.start()], keys, extra


_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)(?:\bWHERE\b|\{)",
                     re.IGNORECASE | re.DOTALL)


def projection(clause: str) -> set[str]:
    """The variables a SELECT clause (the text between SELECT and WHERE) projects;
    ``{"*"}`` for ``SELECT *``."""
    if clause.strip() == "*":
        return {"*"}
    names = set(re.findall(r"\bAS\s+[?$](\w+)", clause, re.IGNORECASE))
    depth = 0
    for token in re.finditer(r"[()]|[?$]\w+", clause):
        if token.group() in "()":
            depth += 1 if token.group() == "(" else -1
        elif depth == 0:
            names.add(token.group()[1:])
    return names


def sort_key(term: Any) -> tuple[Any, ...]:
    """SPARQL's ORDER BY order for one term: unbound, blank nodes, IRIs, then
    literals (numbers by value before other literals, strings by code point)."""
    import pyoxigraph as ox

    if term is None:
        return (0,)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    value = python_value(term)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (3, 0, value, "")
    language = getattr(term, "language", None) or ""
    return (3, 1, term.value, term.datatype.value if not language else "@" + language)


def drop_columns(result: QueryResult, names: list[str]) -> QueryResult:
    """``result`` without the columns ``names``."""
    if not names:
        return result
    keep = [i for i, v in enumerate(result.variables) if v not in names]
    result.variables = [result.variables[i] for i in keep]
    result.rows = [[row[i] for i in keep] for row in result.rows]
    return result


def sort_rows(result: QueryResult, keys: list[tuple[str, bool]]) -> QueryResult:
    """``result`` with its rows ordered by ``keys`` (variable, descending), as the
    query's ORDER BY would (stable sorts, last key first)."""
    for name, descending in reversed(keys):
        if name not in result.variables:  # SELECT * without it: unbound in every row
            continue
        i = result.variables.index(name)
        result.rows.sort(key=lambda row, i=i: sort_key(row[i]), reverse=descending)
    return result


def refuse_update(text: str) -> None:
    """SPARQL UPDATE is refused: ``kg query`` only reads.

    This gives the clear message; reading only is guaranteed anyway, since queries
    run through ``Store.query``, which cannot parse an update.
    """
    keyword = update_keyword(text)
    if keyword:
        raise QueryError(f"SPARQL UPDATE ({keyword}) is refused: queries only read",
                         hint="pass --allow-update to change the graph file on purpose")


_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def refuse_service(text: str) -> None:
    """Federated ``SERVICE`` clauses are refused: a query never reaches the network."""
    code = _COMMENT.sub(" ", text)  # comments, IRIs and strings cannot hide the keyword
    if _SERVICE.search(code):
        raise QueryError("SPARQL SERVICE (a federated query) is refused: kg query reads only "
                         "the graph it is given", hint="load the remote data first")


def update_keyword(text: str) -> str | None:
    """The first keyword (INSERT, DELETE, DROP ...) when ``text`` is a SPARQL UPDATE."""
    match = _UPDATE.match(_COMMENT.sub(lambda m: m.group(1) or "", text))
    return match.group(1).upper() if match else None


def is_update(query: str) -> bool:
    """True when ``query`` (a name, a ``.rq`` path or inline text) is a SPARQL UPDATE."""
    return update_keyword(resolve_query(query)[1]) is not None


def run_update(query: str, graph: Path | str) -> tuple[int, int]:
    """Apply a SPARQL UPDATE (inline, or a ``.rq`` file) to the RDF file ``graph``, on
    purpose (``kg query --allow-update``); (triples before, triples after).

    Only the file is loaded (not the ontology), the update runs in one transaction,
    and the file is rewritten in its own format through a temporary file and a
    rename: a failing update leaves it as it was.
    """
    import pyoxigraph as ox

    from kg.rdfio import atomic_write

    label, text = resolve_query(query)
    path = Path(graph)
    store = load_store([path], with_ontology=False)
    before = len(store)
    try:
        store.update(text, prefixes=dict(PREFIXES))
    except SyntaxError as exc:
        raise QueryError(f"{label}: {syntax_message(str(exc))}") from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"{label}: update failed: {str(exc).splitlines()[0]}") from exc
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower() or "ttl")
    if fmt.supports_datasets:
        data = store.dump(format=fmt)
    else:
        data = store.dump(format=fmt, from_graph=ox.DefaultGraph(), prefixes=dict(PREFIXES))
    atomic_write(path, data.decode("utf-8"))
    return before, len(store)


def run_with_timeout(query: str, graph: Path | str | Any, bindings: dict[str, Any] | None,
                     with_ontology: bool, timeout: float) -> QueryResult:
    """:func:`run_query` in a child process killed after ``timeout`` seconds.

    pyoxigraph cannot interrupt a query, so the graph is loaded here and the query
    evaluated in a forked child (which shares the loaded store); the rows come back
    through a pipe. Without ``fork`` (Windows, macOS spawn) a daemon thread is used
    and abandoned on time-out.
    """
    import multiprocessing as mp

    import pyoxigraph as ox

    if not 0 < timeout <= MAX_TIMEOUT:  # also refuses NaN (every comparison is false)
        raise QueryError(f"--timeout must be positive and at most {MAX_TIMEOUT:g} s, "
                         f"got {timeout:g}")
    label, _ = resolve_query(query)
    if isinstance(graph, str | Path):
        graph = load_store([Path(graph)], with_ontology)
    args = (query, graph, bindings, with_ontology)
    if "fork" not in mp.get_all_start_methods() or not isinstance(graph, ox.Store):
        return _thread_with_timeout(args, label, timeout)
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    errors = tempfile.TemporaryFile()  # the child's stderr: one line of it if it dies
    child = ctx.Process(target=_child_query, args=(send, args, errors.fileno()), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(f"{label}: query timed out after {timeout:g} s",
                             hint="simplify it, or give a larger --timeout")
        try:
            status, value = receive.recv()
        except EOFError:
            child.join()
            raise QueryError(f"{label}: the query process died "
                             f"({_exit_text(child.exitcode)}){_last_line(errors)}") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
        errors.close()
    if status == "error":
        raise value
    return value


def _exit_text(code: int | None) -> str:
    """``exit 3`` or ``killed by SIGABRT`` for a child's exit code."""
    import signal

    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit {code}"


def _last_line(errors: Any) -> str:
    """``: <the last non-blank line>`` of the child's captured stderr, or nothing."""
    errors.seek(0)
    lines = [line.strip() for line in errors.read()[-4000:].decode("utf-8", "replace")
             .splitlines() if line.strip()]
    return f": {lines[-1][:160]}" if lines else ""


def _child_query(send: Any, args: tuple[Any, ...], stderr_fd: int | None = None) -> None:
    """In the child: run the query, send ("ok", result) or ("error", exception).
    ``stderr_fd`` receives the child's stderr, so that a runtime that aborts (a failed
    allocation) does not print its own lines around the parent's one-line error."""
    if stderr_fd is not None:
        os.dup2(stderr_fd, 2)
    try:
        send.send(("ok", run_query(*args)))
    except KGError as exc:
        send.send(("error", QueryError(str(exc))))
    except Exception as exc:  # noqa: BLE001 - reported in the parent as one line
        send.send(("error", QueryError(f"query failed: {type(exc).__name__}: {exc}")))
    finally:
        send.close()


def _thread_with_timeout(args: tuple[Any, ...], label: str, timeout: float) -> QueryResult:
    """The fallback: run the query in a daemon thread; abandon it on time-out."""
    import threading

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = run_query(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="kg-query")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(f"{label}: query timed out after {timeout:g} s",
                         hint="simplify it, or give a larger --timeout")
    if "error" in box:
        raise box["error"]
    return box["result"]


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
    try:
        for prefix, ns in PREFIXES.items():
            if text.startswith(prefix + ":") and not text.startswith(prefix + "://"):
                return ox.NamedNode(ns + text[len(prefix) + 1:])
        if re.match(r"^https?://\S+$", text):
            return ox.NamedNode(text)
    except ValueError as exc:  # pyoxigraph checks IRIs: a bad one is the user's error
        raise QueryError(f"bound value {text[:80]!r} is not a valid IRI: {exc}",
                         ) from None
    return ox.Literal(text)


def _collect(answer: Any) -> QueryResult:
    """Every row of a pyoxigraph answer, at most :data:`MAX_VALUES` values in all."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(variables=["answer"], rows=[[ox.Literal(str(bool(answer)).lower(),
                                                      datatype=ox.NamedNode(XSD + "boolean"))]],
                           boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        width = range(len(names))
        return QueryResult(names, _capped(([row[i] for i in width] for row in answer),
                                          max(len(names), 1)))
    return QueryResult(["subject", "predicate", "object"],
                       _capped(([t.subject, t.predicate, t.object] for t in answer), 3))


class _TooLarge(QueryError):
    """An answer past :data:`MAX_VALUES` (re-raised with the query's name)."""


def _capped(rows: Iterator[list[Any]], width: int) -> list[list[Any]]:
    """The rows as a list; a QueryError once they hold more than :data:`MAX_VALUES`
    values (a runaway join would otherwise fill the memory and kill the process)."""
    limit = MAX_VALUES // width
    out: list[list[Any]] = []
    for row in rows:
        if len(out) >= limit:
            raise _TooLarge(f"the answer has more than {MAX_VALUES:,} values "
                             f"({limit:,} rows of {width})",
                             hint="add a LIMIT, or narrow the query")
        out.append(row)
    return out


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
