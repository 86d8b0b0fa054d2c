"""Where a corpus build goes: an embedded pyoxigraph store directory, or a SPARQL endpoint.

Both keep every case in its own named graph (graph IRI = case IRI), the ontology in
the graph :data:`ONTOLOGY_GRAPH`, and a small build index in the graph
:data:`INDEX_GRAPH`: for each case graph one triple ``<case> build:state "HASH INPUTS
FINDINGS PROCEDURES TRIPLES"``. ``HASH`` covers the case's content and the
ontology/lexicon/extractor version, ``INPUTS`` the set of input paths of the build
that wrote it (see :mod:`kg.pipeline` for how they are used).

Loading and consistency (a store directory): the graphs being replaced are dropped
with their index triples at once (one SPARQL update, a transaction). New graphs are
gathered into chunks of about :data:`LOAD_QUADS` quads, and each chunk is written by
pyoxigraph's bulk loader (sorted files ingested straight into the store: about half
the CPU of transactional loading, no write-ahead log, and bounded memory) in a
background thread while the next chunk gathers; only after a chunk is loaded are its
index triples written (a transaction). So an index triple exists only for a graph that
is completely stored, whenever the build stops; a graph without one (a load cut short)
is dropped when the store is next opened for writing. :meth:`DirStore.close` loads
what is still gathered, so an interrupted build keeps every finished case.

An endpoint is spoken to with the SPARQL 1.1 protocols: Graph Store HTTP Protocol
``PUT`` to replace a case's graph, Query for reading, Update for deletes and the
index. Each upload is verified by counting the graph's triples afterwards. Requests
are retried with back-off on refusal, time-out and 5xx answers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError, QueryError
from kg.namespaces import PREFIXES

log = logging.getLogger(__name__)

BUILD = "https://w3id.org/casekg/build#"
INDEX_GRAPH = BUILD + "index"
STATE = BUILD + "state"
ONTOLOGY_GRAPH = "https://w3id.org/casekg/onto"
DROP_CHUNK = 500  # graphs dropped per update when pruning
LOAD_QUADS = 200_000  # quads gathered before one bulk load (~1,100 MedPix-size cases)


class StoreError(KGError):
    """A store cannot be opened, or an endpoint refuses or keeps failing."""


@dataclass(frozen=True)
class IndexEntry:
    """What the build index says about one stored case graph."""

    hash: str
    inputs: str
    findings: int = 0
    procedures: int = 0
    triples: int = 0

    def literal(self) -> str:
        return f"{self.hash} {self.inputs} {self.findings} {self.procedures} {self.triples}"

    @classmethod
    def parse(cls, text: str) -> IndexEntry | None:
        parts = text.split()
        if len(parts) != 5 or not all(p.isdigit() for p in parts[2:]):
            return None
        return cls(parts[0], parts[1], int(parts[2]), int(parts[3]), int(parts[4]))


def is_endpoint(target: str | Path) -> bool:
    """True when ``target`` is an ``http://`` or ``https://`` URL."""
    return str(target).lower().startswith(("http://", "https://"))


def open_store(target: str | Path, read_only: bool = False) -> Any:
    """A :class:`DirStore` for a directory, an :class:`EndpointStore` for a URL."""
    if is_endpoint(target):
        return EndpointStore(str(target))
    return DirStore(Path(target), read_only=read_only)


# ---------------------------------------------------------------- shared text


def _iri(value: str) -> str:
    return f"<{value}>"


def nquads(graph: str, ntriples: str) -> str:
    """N-Triples lines (each ending ``' .'``) put into ``graph``, as N-Quads lines."""
    ref = _iri(graph) + " ."
    # split on "\n" only: str.splitlines() would also split inside literals holding a raw
    # U+2028, U+0085 or \x1c (which N-Triples writes unescaped)
    return "".join(line[:-1] + ref + "\n" for line in ntriples.split("\n") if line)


def _index_line(graph: str, entry: IndexEntry) -> str:
    return f"{_iri(graph)} {_iri(STATE)} \"{entry.literal()}\" {_iri(INDEX_GRAPH)} .\n"


def _delete_index(graphs: Iterable[str]) -> str:
    values = " ".join(_iri(g) for g in graphs)
    pattern = f"GRAPH {_iri(INDEX_GRAPH)} {{ ?g {_iri(STATE)} ?s }}"
    return f"DELETE {{ {pattern} }} WHERE {{ VALUES ?g {{ {values} }} {pattern} }}"


def _drop_update(graphs: list[str]) -> str:
    """One update: drop ``graphs`` and their index triples."""
    ops = [f"DROP SILENT GRAPH {_iri(g)}" for g in graphs]
    return " ;\n".join([*ops, _delete_index(graphs)])


INDEX_QUERY = (f"SELECT ?g ?s WHERE {{ GRAPH {_iri(INDEX_GRAPH)} {{ ?g {_iri(STATE)} ?s }} }}")


def _entry(result: Any) -> IndexEntry:
    return IndexEntry(result.hash, "", result.findings, result.procedures, result.triples)


# ---------------------------------------------------------------- a store directory


class DirStore:
    """An embedded, persistent pyoxigraph store in a directory."""

    def __init__(self, path: Path, read_only: bool = False, load_quads: int = LOAD_QUADS):
        import pyoxigraph as ox

        self.target = str(path)
        self.read_only = read_only
        self.load_quads = max(1, load_quads)
        self._pending: list[str] = []  # N-Quads text of gathered cases, not yet loaded
        self._pending_index: list[str] = []  # their index lines
        self._pending_quads = 0
        self._loader: _Loader | None = None
        try:
            if read_only:
                if path.exists() and not path.is_dir():
                    raise StoreError(f"{path}: is a file, not a store directory",
                                     hint="query a graph file with --graph")
                if not path.is_dir():
                    raise StoreError(f"{path}: no such store directory")
                if not (path / "CURRENT").is_file():
                    raise StoreError(f"{path}: not a kg store (no CURRENT file)",
                                     hint="build one with kg build --store DIR")
                self.store = ox.Store.read_only(str(path))
            else:
                if path.exists() and not path.is_dir():
                    raise StoreError(f"{path}: is a file, not a store directory",
                                     hint="give a directory for --store")
                path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {str(exc).splitlines()[0]}",
                             hint="is another kg build using it?") from exc
        except RuntimeError as exc:  # RocksDB's "Corruption: ..." (damaged files)
            raise StoreError(f"{path}: the store is corrupt: "
                             f"{' '.join(str(exc).split())[:200]}",
                             hint="rebuild it into a new directory") from exc
        if not read_only:
            self._loader = _Loader(self.store)
            self._drop_orphans()

    def index(self) -> dict[str, IndexEntry]:
        """The build index: case graph IRI -> entry."""
        self.wait()
        out: dict[str, IndexEntry] = {}
        for row in self.store.query(INDEX_QUERY):
            entry = IndexEntry.parse(row[1].value)
            if entry is not None:
                out[row[0].value] = entry
        return out

    def _drop_orphans(self) -> None:
        """Drop graphs that have no index triple: the leftovers of a load cut short."""
        indexed = set(self.index()) | {INDEX_GRAPH, ONTOLOGY_GRAPH}
        orphans = sorted(g.value for g in self.store.named_graphs()
                         if getattr(g, "value", None) not in indexed)
        if orphans:
            log.info("%s: dropping %d graph(s) of an interrupted load", self.target,
                     len(orphans))
            self.drop(orphans)

    def put_cases(self, results: list[Any], inputs: str, replace: Iterable[str] = ()) -> None:
        """Store ``results`` (built cases), replacing the graphs named in ``replace``.

        The replaced graphs are dropped now; the new ones are gathered and bulk loaded
        once :attr:`load_quads` quads are waiting (and by :meth:`close`).
        """
        replace = list(replace)
        if replace:
            self.wait()  # a pending or loading chunk may hold an older copy
            self.store.update(_drop_update(replace))
        for r in results:
            self._pending.append(nquads(r.graph, r.ntriples))
            self._pending_index.append(_index_line(r.graph, _with_inputs(_entry(r), inputs)))
            self._pending_quads += r.triples
        if self._pending_quads >= self.load_quads:
            self._submit()

    def _submit(self) -> None:
        """Hand the gathered cases to the loader thread (waiting for its last chunk)."""
        if not self._pending_index or self._loader is None:
            return
        data, index = "".join(self._pending), "".join(self._pending_index)
        self._pending, self._pending_index, self._pending_quads = [], [], 0
        self._loader.submit(data.encode("utf-8"), index.encode("utf-8"))

    def wait(self) -> None:
        """Load everything gathered so far and wait until it is stored."""
        self._submit()
        if self._loader is not None:
            self._loader.wait()

    def retag(self, entries: dict[str, IndexEntry]) -> None:
        """Rewrite the index triples of unchanged graphs (a new inputs set)."""
        import pyoxigraph as ox

        if not entries:
            return
        self.wait()
        self.store.update(_delete_index(entries))
        data = "".join(_index_line(g, e) for g, e in entries.items())
        self.store.load(input=data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)

    def drop(self, graphs: list[str]) -> None:
        """Remove case graphs and their index triples."""
        self.wait()
        for start in range(0, len(graphs), DROP_CHUNK):
            self.store.update(_drop_update(graphs[start:start + DROP_CHUNK]))

    def put_ontology(self, files: list[Path], version: str) -> bool:
        """Load the ontology files into :data:`ONTOLOGY_GRAPH` unless ``version`` is there."""
        import pyoxigraph as ox

        if self._ontology_version() == version:
            return False
        self.wait()
        self.store.update(_drop_update([ONTOLOGY_GRAPH]))
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        for path in files:
            fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
            self.store.load(path=str(path), format=fmt, to_graph=graph)
        entry = IndexEntry(version, "-", 0, 0, self.count(ONTOLOGY_GRAPH))
        self.store.load(input=_index_line(ONTOLOGY_GRAPH, entry), format=ox.RdfFormat.N_QUADS)
        return True

    def _ontology_version(self) -> str | None:
        rows = list(self.store.query(
            f"SELECT ?s WHERE {{ GRAPH {_iri(INDEX_GRAPH)} {{ {_iri(ONTOLOGY_GRAPH)} "
            f"{_iri(STATE)} ?s }} }}"))
        return rows[0][0].value.split()[0] if rows else None

    def count(self, graph: str) -> int:
        """Triples in one named graph."""
        import pyoxigraph as ox

        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def query(self, text: str, **kwargs: Any) -> Any:
        """A pyoxigraph query over the union of all graphs."""
        self.wait()
        kwargs["use_default_graph_as_union"] = True
        return self.store.query(text, **kwargs)

    def close(self) -> None:
        """Load what is gathered, flush to disk, compact, and release the directory
        (pyoxigraph closes it when the last reference goes)."""
        if self.read_only or self._loader is None:
            return
        try:
            self.wait()
        finally:
            self._loader = None
        try:
            self.store.flush()
            self.store.optimize()
        except (OSError, RuntimeError) as exc:
            log.warning("%s: could not compact the store: %s", self.target, exc)
        finally:
            self.store = None


class _Loader:
    """One background thread that bulk loads chunks into a store, one at a time.

    pyoxigraph releases the GIL while loading, so the build gathers the next chunk
    meanwhile; :meth:`submit` waits for the previous chunk first, so at most two
    chunks are in memory. An error in the thread is raised by the next call.
    """

    def __init__(self, store: Any):
        self.store = store
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, data: bytes, index: bytes) -> None:
        """Start loading ``data`` (N-Quads), then ``index`` (its index lines)."""
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(data, index),
                                        name="kg-store-load", daemon=True)
        self._thread.start()

    def _run(self, data: bytes, index: bytes) -> None:
        import pyoxigraph as ox

        try:
            self.store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)
            # the index triples only once their graphs are stored (a transaction)
            self.store.load(input=index, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the building thread
            self._error = exc

    def wait(self) -> None:
        """Wait for the chunk being loaded; raise its error, if any."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise StoreError(f"loading into the store failed: {error}") from error


def _with_inputs(entry: IndexEntry, inputs: str) -> IndexEntry:
    return IndexEntry(entry.hash, inputs, entry.findings, entry.procedures, entry.triples)


# ---------------------------------------------------------------- a SPARQL endpoint


@dataclass(frozen=True)
class Endpoints:
    """The three services of a SPARQL 1.1 server."""

    query: str
    update: str
    store: str  # Graph Store HTTP Protocol

    @classmethod
    def for_base(cls, base: str) -> Endpoints:
        """The services under ``base``, each overridable with ``CASEKG_QUERY_URL``,
        ``CASEKG_UPDATE_URL``, ``CASEKG_GSP_URL``.

        A base whose path ends in ``/sparql`` names the layout where one service
        answers both queries and updates and the Graph Store sits beside it at
        ``/sparql-graph-crud`` (Virtuoso's; ``/sparql-auth`` pairs with
        ``/sparql-graph-crud-auth``, its services behind a login); any other base
        takes ``BASE/query``, ``BASE/update`` and ``BASE/store`` (Oxigraph's).
        """
        base = base.rstrip("/")
        parts = urllib.parse.urlsplit(base)
        head, sep, tail = parts.path.rpartition("/sparql")
        if sep and tail in ("", "-auth"):
            query = update = base
            store = urllib.parse.urlunsplit(
                parts._replace(path=f"{head}/sparql-graph-crud{tail}"))
        else:
            query, update, store = base + "/query", base + "/update", base + "/store"
        return cls(os.environ.get("CASEKG_QUERY_URL", query),
                   os.environ.get("CASEKG_UPDATE_URL", update),
                   os.environ.get("CASEKG_GSP_URL", store))


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its ``user:password@`` part, the user and the password.

    Without credentials in the URL, ``CASEKG_STORE_USER`` and ``CASEKG_STORE_PASSWORD``
    give them (so a password need not be typed on a command line).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, os.environ.get("CASEKG_STORE_USER"), os.environ.get("CASEKG_STORE_PASSWORD")
    netloc = parts.hostname or ""
    if ":" in netloc:  # an IPv6 address
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), user, password


class EndpointStore:
    """A SPARQL 1.1 server: Graph Store protocol for loading, Query and Update."""

    server_sorts = True  # kg.sparql leaves ORDER BY to the server

    def __init__(self, base: str, attempts: int = 4, backoff: float = 0.5,
                 timeout: float = 60.0):
        base, user, password = split_credentials(base)
        self.target = base  # never holds the password: it goes into messages
        self.urls = Endpoints.for_base(base)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        host = urllib.parse.urlsplit(base).hostname or ""
        handlers: list[Any] = [urllib.request.ProxyHandler({})] if host in (
            "127.0.0.1", "localhost", "::1") else []
        if user is not None:
            # the server picks the scheme in its challenge: Digest (Virtuoso's
            # /sparql-auth) or Basic (GraphDB, Fuseki behind a proxy)
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (self.urls.query, self.urls.update, self.urls.store):
                passwords.add_password(None, url, user, password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    # ---- HTTP

    def request(self, method: str, url: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[bytes, str]:
        """Body and content type of one HTTP exchange, retried on refusal/time-out/5xx."""
        last = ""
        for attempt in range(self.attempts):
            req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
            try:
                with self._opener.open(req, timeout=self.timeout) as resp:
                    _refuse_cut_answer(resp.headers, url)
                    return resp.read(), resp.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                body = exc.read().decode("utf-8", "replace").strip()
                if exc.code < 500:
                    raise StoreError(f"{method} {url}: HTTP {exc.code}: "
                                     f"{' '.join(body.split())[:200]}") from exc
                # some servers (Virtuoso) answer a query they cannot run with a 5xx:
                # its message goes into the final error
                last = f"HTTP {exc.code}: {' '.join(body.split())[:200]}".rstrip(": ")
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = str(getattr(exc, "reason", exc))
            if attempt + 1 < self.attempts:
                delay = self.backoff * 2 ** attempt
                log.info("%s %s failed (%s); retrying in %.1f s", method, url, last, delay)
                time.sleep(delay)
        raise StoreError(f"{self.target}: no good answer after {self.attempts} attempts "
                         f"({method} {url}: {last})")

    def _select(self, text: str) -> list[dict[str, Any]]:
        body, _ = self.request("POST", self.urls.query,
                               urllib.parse.urlencode({"query": text}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": "application/sparql-results+json"})
        return json.loads(body)["results"]["bindings"]

    def _update(self, text: str) -> None:
        self.request("POST", self.urls.update, text.encode("utf-8"),
                     {"Content-Type": "application/sparql-update"})

    def _graph_url(self, graph: str) -> str:
        sep = "&" if "?" in self.urls.store else "?"
        return self.urls.store + sep + urllib.parse.urlencode({"graph": graph})

    # ---- the store interface

    def index(self) -> dict[str, IndexEntry]:
        out: dict[str, IndexEntry] = {}
        for row in self._select(INDEX_QUERY):
            entry = IndexEntry.parse(row["s"]["value"])
            if entry is not None:
                out[row["g"]["value"]] = entry
        return out

    def put_cases(self, results: list[Any], inputs: str, replace: Iterable[str] = ()) -> None:
        """PUT each case's graph (replacing it), verify the counts, then index them."""
        if not results:
            return
        for r in results:
            self.request("PUT", self._graph_url(r.graph), r.ntriples.encode("utf-8"),
                         {"Content-Type": "application/n-triples"})
        self._verify({r.graph: r.triples for r in results})
        entries = {r.graph: _with_inputs(_entry(r), inputs) for r in results}
        self.retag(entries)

    def _verify(self, expected: dict[str, int]) -> None:
        """Count each graph's triples; a short graph is an error, never a success."""
        got = self.counts(list(expected))
        for graph, n in expected.items():
            if got.get(graph, 0) != n:
                raise StoreError(f"{self.target}: graph <{graph}> holds {got.get(graph, 0)} of "
                                 f"{n} triples after upload (partial load)")

    def counts(self, graphs: list[str]) -> dict[str, int]:
        """Triples in each of ``graphs``."""
        values = " ".join(_iri(g) for g in graphs)
        rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                            f"GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def count(self, graph: str) -> int:
        return self.counts([graph]).get(graph, 0)

    def retag(self, entries: dict[str, IndexEntry]) -> None:
        if not entries:
            return
        lines = " ".join(f"{_iri(g)} {_iri(STATE)} \"{e.literal()}\" ." for g, e in entries.items())
        self._update(_delete_index(entries) + " ;\n"
                     f"INSERT DATA {{ GRAPH {_iri(INDEX_GRAPH)} {{ {lines} }} }}")

    def drop(self, graphs: list[str]) -> None:
        for start in range(0, len(graphs), DROP_CHUNK):
            self._update(_drop_update(graphs[start:start + DROP_CHUNK]))

    def put_ontology(self, files: list[Path], version: str) -> bool:
        rows = self._select(f"SELECT ?s WHERE {{ GRAPH {_iri(INDEX_GRAPH)} {{ "
                            f"{_iri(ONTOLOGY_GRAPH)} {_iri(STATE)} ?s }} }}")
        if rows and rows[0]["s"]["value"].split()[0] == version:
            return False
        ntriples = _as_ntriples(files)
        self.request("PUT", self._graph_url(ONTOLOGY_GRAPH), ntriples.encode("utf-8"),
                     {"Content-Type": "application/n-triples"})
        n = sum(1 for line in ntriples.splitlines() if line.strip())
        self._verify({ONTOLOGY_GRAPH: n})
        self.retag({ONTOLOGY_GRAPH: IndexEntry(version, "-", 0, 0, n)})
        return True

    def query(self, text: str, prefixes: dict[str, str] | None = None,
              substitutions: dict[Any, Any] | None = None, **_: Any) -> Any:
        """Run a query on the endpoint; the answer parsed as pyoxigraph results.

        Prefixes are declared in front; bound variables become a trailing ``VALUES``.
        """
        import pyoxigraph as ox

        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
        if substitutions:
            names = " ".join(f"?{v.value}" for v in substitutions)
            terms = " ".join(str(t) for t in substitutions.values())
            text = f"{text}\nVALUES ({names}) {{ ({terms}) }}"
        try:
            body, ctype = self.request(
                "POST", self.urls.query, urllib.parse.urlencode({"query": head + text}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        except StoreError as exc:
            if "HTTP 4" in str(exc):
                raise QueryError(str(exc)) from exc
            raise
        if "n-triples" in ctype:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(_ask_as_boolean(body), format=ox.QueryResultsFormat.JSON)

    def close(self) -> None:
        """Nothing held open between requests."""


def _refuse_cut_answer(headers: Any, url: str) -> None:
    """Raise when the server says it cut the answer at its row limit (Virtuoso sends
    ``X-SPARQL-MaxRows``): a short index or query answer must never pass as whole."""
    cap = headers.get("X-SPARQL-MaxRows")
    if cap:
        raise StoreError(f"{url}: the server cut the answer at its limit of {cap} rows",
                         hint="raise the limit (Virtuoso: ResultSetMaxRows in the [SPARQL] "
                              "section of virtuoso.ini) or query with a LIMIT below it")


ASK_TABLE = "__ASK_RETVAL"  # the one column some servers (Virtuoso 7) answer ASK with


def _ask_as_boolean(body: bytes) -> bytes:
    """A JSON results document, with an ASK answered as a one-column table
    (:data:`ASK_TABLE`: one row for true, none for false) turned into the boolean
    document SPARQL 1.1 specifies; any other document unchanged."""
    if f'"{ASK_TABLE}"'.encode() not in body[:300]:
        return body
    doc = json.loads(body)
    if doc.get("head", {}).get("vars") != [ASK_TABLE]:
        return body
    rows = doc.get("results", {}).get("bindings", [])
    answer = any(row.get(ASK_TABLE, {}).get("value", "0") not in ("0", "false") for row in rows)
    return json.dumps({"head": {}, "boolean": answer}).encode()


def _as_ntriples(files: list[Path]) -> str:
    """RDF files converted to one N-Triples text (through pyoxigraph)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in files:
        store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8")


__all__ = ["DirStore", "EndpointStore", "IndexEntry", "StoreError", "open_store",
           "is_endpoint", "INDEX_GRAPH", "ONTOLOGY_GRAPH", "PREFIXES"]
