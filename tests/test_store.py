"""One contract suite run against every store: an N-Quads file, a store directory, and two
real SPARQL servers started here on 127.0.0.1 on free ports: Oxigraph (PyPI package
'oxigraph') and Virtuoso Open Source 7 (Debian package 'virtuoso-opensource').

Builds use the real extractor on the seed and two short texts written here.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SEED

from kg.pipeline import run_build
from kg.sparql import load_store, run_query
from kg.store import INDEX_GRAPH, ONTOLOGY_GRAPH, open_store

BACK_PAIN = "Title: Back pain\nFindings: MRI shows an L4-L5 disc herniation.\n"
NECK = "Title: Neck\nFindings: CT shows a C5 vertebral fracture. No spinal stenosis.\n"
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")

# A Virtuoso database of its own: loopback ports, files in the test's directory, no
# result-row cap (the default 10,000 would cut answers short) and no query time-out.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 0
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""

# What the anonymous SPARQL user needs to load and update over HTTP: the SPARQL_UPDATE
# role (SPARQL Update and the Graph Store service) and read/write on every graph.
VIRTUOSO_GRANTS = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 3);
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An Oxigraph server on loopback, stopped at the end (union default graph on)."""
    if not Path(OXIGRAPH).is_file():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/query?query=ASK%7B%7D", proc, "oxigraph", seconds=15)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for(url: str, proc: subprocess.Popen, name: str, seconds: float = 60) -> None:
    """Wait until ``url`` answers; fail when ``proc`` exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"the {name} server did not start")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso server on loopback with its own database and virtuoso.ini; the
    anonymous SPARQL user may update. Its base URL ends in /sparql (its layout)."""
    if not (VIRTUOSO and ISQL):
        pytest.skip("Virtuoso (Debian package 'virtuoso-opensource': virtuoso-t, isql-vt) "
                    "is not installed; `make test` installs it")
    sql_port, http_port = _free_port(), _free_port()
    home = tmp_path_factory.mktemp("virtuoso")
    (home / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port), encoding="utf-8")
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"],
                            cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_for(url + "?query=ASK%7B%7D", proc, "virtuoso")
        subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba"], input=VIRTUOSO_GRANTS,
                       text=True, check=True, capture_output=True, timeout=30)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def _write_corpus(folder: Path) -> Path:
    """The seed and the two short texts in ``folder``."""
    folder.mkdir(parents=True)
    shutil.copy(SEED, folder / SEED.name)
    (folder / "back.txt").write_text(BACK_PAIN, encoding="utf-8")
    (folder / "neck.txt").write_text(NECK, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path):
    return _write_corpus(tmp_path / "cases")


_server_stores = 0


def _target(kind: str, tmp_path: Path, request) -> str:
    """A fresh store of ``kind`` (a file path for 'file')."""
    global _server_stores
    if kind == "file":
        return str(tmp_path / "graph.nq")
    if kind == "dir":
        return str(tmp_path / "store")
    url = request.getfixturevalue(kind)
    _server_stores += 1
    store = open_store(url)  # the server is shared: empty it for this test
    store._update("DROP SILENT ALL")
    return url


def _build(kind: str, target: str, paths: list[Path]):
    if kind == "file":
        return run_build(paths, output=target)
    return run_build(paths, store=target)


def _query(kind: str, target: str, sparql: str, **bindings):
    if kind == "file":
        return run_query(sparql, load_store([Path(target)]), bindings=bindings).records()
    return run_query(sparql, open_store(target, read_only=True), bindings=bindings).records()


BACKENDS = ["file", "dir", "server", "virtuoso"]
STORES = ["dir", "server", "virtuoso"]


@pytest.mark.parametrize("kind", BACKENDS)
def test_every_case_is_in_the_graph(kind, corpus, tmp_path, request):
    target = _target(kind, tmp_path, request)
    report = _build(kind, target, [corpus])
    assert report.cases == 3 and not report.failures
    rows = _query(kind, target, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a kg:Case }")
    assert rows == [{"n": 3}]


@pytest.mark.parametrize("kind", BACKENDS)
def test_each_case_lives_in_its_own_named_graph(kind, corpus, tmp_path, request):
    target = _target(kind, tmp_path, request)
    _build(kind, target, [corpus])
    rows = _query(kind, target, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a kg:Case } } "
                                "ORDER BY ?g")
    assert [r["g"].rsplit("/", 1)[1] for r in rows] == ["back", "neck", "seed-kyphoplasty"]
    same = _query(kind, target, "ASK { GRAPH ?g { ?c a kg:Case } FILTER(?g = ?c) }")
    assert same == [{"answer": True}]


CQS = ["cq1", "cq2", "cq3", "cq4", "cq5", "cq6", "cq7"]
QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"
STAR_PATH = re.compile(r"^[^#]*[\w>]\*", re.MULTILINE)  # a zero-or-more path, e.g. p*/q

# Virtuoso 7.2.5 (Debian 12's virtuoso-opensource, build 3229) evaluates a zero-or-more
# property path whose end is bound by the join wrongly and not always the same way:
# rows go missing, repeat, or a class that is no subclass passes (docs/scale.md,
# "Virtuoso"); cq3 stops its compiler ("SQ156 ... Bad dfe in sqlo_place_exp"). Our
# queries are standard SPARQL 1.1 and the same questions pass on Oxigraph and the store
# directory, so on Virtuoso a question with such a path is skipped with that reason (a check
# whose answer the server decides at random could not fail honestly), not fitted to it.
VIRTUOSO_PATHS = pytest.mark.skip(
    reason="Virtuoso 7.2.5 answers zero-or-more property paths joined from their bound "
           "end wrongly (server bug; docs/scale.md)")


def _cq_params():
    for kind in BACKENDS:
        for cq in CQS:
            star = STAR_PATH.search((QUERIES / f"{cq}.rq").read_text(encoding="utf-8"))
            marks = [VIRTUOSO_PATHS] if kind == "virtuoso" and star else []
            yield pytest.param(kind, cq, marks=marks, id=f"{kind}-{cq}")


_cq_builds: dict[str, tuple[int, str, Path]] = {}


def _cq_build(kind: str, tmp_path_factory, request) -> tuple[str, Path]:
    """The test corpus built into ``kind`` once for all questions, and a reference
    Turtle file of the same corpus (rebuilt when another test emptied the server)."""
    cached = _cq_builds.get(kind)
    if cached and cached[0] == _server_stores:
        return cached[1], cached[2]
    home = tmp_path_factory.mktemp(f"cq-{kind}")
    folder = _write_corpus(home / "cases")
    reference = home / "ref.ttl"
    run_build([folder], output=reference)
    target = _target(kind, home, request)
    _build(kind, target, [folder])
    _cq_builds[kind] = (_server_stores, target, reference)
    return target, reference


@pytest.mark.parametrize(("kind", "cq"), list(_cq_params()))
def test_competency_questions_answer_alike_on_every_backend(kind, cq, tmp_path_factory,
                                                            request):
    target, reference = _cq_build(kind, tmp_path_factory, request)
    bindings = {"caseId": "seed-kyphoplasty"} if cq == "cq4" else {}
    want = run_query(cq, reference, bindings=bindings).records()
    assert _canonical(_query(kind, target, cq, **bindings)) == _canonical(want)
    if cq == "cq4":
        assert want  # the seed has absent findings


def _canonical(rows: list[dict]) -> list:
    """Rows comparable across engines: GROUP_CONCAT order is not defined."""
    def cell(value):
        if isinstance(value, str):
            return "; ".join(sorted(value.split("; ")))
        return value
    return sorted(repr(sorted((k, cell(v)) for k, v in row.items())) for row in rows)


@pytest.mark.parametrize("kind", STORES)
def test_ontology_graph_makes_class_paths_work(kind, corpus, tmp_path, request):
    target = _target(kind, tmp_path, request)
    _build(kind, target, [corpus])
    rows = _query(kind, target, f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c rdfs:subClassOf ?d }} }}")
    assert rows == [{"answer": True}]
    procs = _query(kind, target, "SELECT (COUNT(*) AS ?n) WHERE { ?p a/rdfs:subClassOf* "
                                 "kg:Procedure . ?c kg:hasProcedure ?p }")
    assert procs[0]["n"] > 0


@pytest.mark.parametrize("kind", STORES)
def test_unchanged_rebuild_extracts_nothing(kind, corpus, tmp_path, request):
    target = _target(kind, tmp_path, request)
    first = _build(kind, target, [corpus])
    again = _build(kind, target, [corpus])
    assert (again.built, again.unchanged, again.removed) == (0, 3, 0)
    assert (again.cases, again.findings, again.triples) == (3, first.findings, first.triples)


@pytest.mark.parametrize("kind", STORES)
def test_changed_case_is_replaced_cleanly(kind, corpus, tmp_path, request):
    target = _target(kind, tmp_path, request)
    _build(kind, target, [corpus])
    (corpus / "neck.txt").write_text("Title: Neck\nFindings: Neck pain, no fracture seen.\n",
                                     encoding="utf-8")
    report = _build(kind, target, [corpus])
    assert (report.built, report.unchanged) == (1, 2)
    titles = _query(kind, target, "SELECT ?t WHERE { ?c dcterms:identifier 'neck' ; kg:text ?t }")
    assert len(titles) == 1 and "Neck pain" in titles[0]["t"]


@pytest.mark.parametrize("kind", STORES)
def test_deleted_input_case_is_removed_only_for_the_same_inputs(kind, corpus, tmp_path,
                                                                request):
    target = _target(kind, tmp_path, request)
    _build(kind, target, [corpus])
    (corpus / "back.txt").unlink()
    other = _build(kind, target, [corpus / "neck.txt"])  # other inputs: nothing removed
    assert other.removed == 0
    same = _build(kind, target, [corpus])
    assert same.removed == 1
    ids = _query(kind, target, "SELECT ?id WHERE { ?c a kg:Case ; dcterms:identifier ?id } "
                               "ORDER BY ?id")
    assert [r["id"] for r in ids] == ["neck", "seed-kyphoplasty"]
    index = _query(kind, target, f"SELECT ?g WHERE {{ GRAPH <{INDEX_GRAPH}> {{ ?g ?p ?o }} }}")
    assert not any(r["g"].endswith("/back") for r in index)


def test_unreachable_endpoint_is_one_clear_error(corpus, tmp_path):
    from kg.store import EndpointStore, StoreError

    store = EndpointStore(f"http://127.0.0.1:{_free_port()}", attempts=2, backoff=0.01)
    with pytest.raises(StoreError, match="no good answer after 2 attempts"):
        store.index()


def test_partial_upload_is_never_success(server, monkeypatch):
    from kg.parallel import CaseResult
    from kg.store import EndpointStore, StoreError

    store = EndpointStore(server)
    result = CaseResult("x", "x.txt", "https://w3id.org/casekg/case/x", "h",
                        ntriples="<http://s> <http://p> <http://o> .\n", triples=2)
    with pytest.raises(StoreError, match="holds 1 of 2 triples"):
        store.put_cases([result], "inputs")


def test_base_url_names_the_server_layout(monkeypatch):
    from kg.store import Endpoints

    for name in ("CASEKG_QUERY_URL", "CASEKG_UPDATE_URL", "CASEKG_GSP_URL"):
        monkeypatch.delenv(name, raising=False)
    assert Endpoints.for_base("http://h:7878/") == Endpoints(
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store")
    assert Endpoints.for_base("http://h:8890/sparql") == Endpoints(
        "http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud")
    assert Endpoints.for_base("https://h/x/sparql-auth").store == \
        "https://h/x/sparql-graph-crud-auth"
    monkeypatch.setenv("CASEKG_GSP_URL", "http://h/ds/data")
    assert Endpoints.for_base("http://h:8890/sparql").store == "http://h/ds/data"


def test_credentials_leave_the_url(monkeypatch):
    from kg.store import EndpointStore, split_credentials

    monkeypatch.delenv("CASEKG_STORE_USER", raising=False)
    assert split_credentials("http://u%40x:p%3Aw@h:8890/sparql-auth") == (
        "http://h:8890/sparql-auth", "u@x", "p:w")
    assert split_credentials("http://h/sparql") == ("http://h/sparql", None, None)
    monkeypatch.setenv("CASEKG_STORE_USER", "env")
    monkeypatch.setenv("CASEKG_STORE_PASSWORD", "secret")
    assert split_credentials("http://h/sparql") == ("http://h/sparql", "env", "secret")
    store = EndpointStore("http://u:hidden@127.0.0.1:9/sparql")
    assert "hidden" not in store.target + repr(store.urls)


class _Canned:
    """A one-answer HTTP server on loopback: every POST gets ``body`` and ``headers``."""

    def __init__(self, body: bytes, headers: dict[str, str]):
        import http.server
        import threading

        canned = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server interface
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                for key, value in {"Content-Type": "application/sparql-results+json",
                                   **canned.headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(canned.body)

            def log_message(self, *args):
                pass

        self.body, self.headers = body, headers
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize(("rows", "answer"), [('[{"__ASK_RETVAL": {"type": "literal", '
                                               '"value": "1"}}]', True), ("[]", False)])
def test_ask_answered_as_a_table_reads_as_a_boolean(rows, answer):
    from kg.store import EndpointStore

    body = ('{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": ' + rows + "}}")
    canned = _Canned(body.encode(), {})
    try:
        result = run_query("ASK { ?s ?p ?o }", EndpointStore(canned.url))
        assert result.records() == [{"answer": answer}]
    finally:
        canned.close()


def test_answer_cut_at_the_servers_row_limit_is_an_error():
    from kg.store import EndpointStore, StoreError

    body = b'{"head": {"vars": ["g", "s"]}, "results": {"bindings": []}}'
    canned = _Canned(body, {"X-SPARQL-MaxRows": "10000"})
    try:
        with pytest.raises(StoreError, match="cut the answer at its limit of 10000 rows"):
            EndpointStore(canned.url).index()
    finally:
        canned.close()


def test_endpoint_behind_a_login_takes_credentials(corpus, tmp_path, request):
    """Virtuoso's /sparql-auth and /sparql-graph-crud-auth ask for HTTP Digest."""
    from kg.store import EndpointStore, StoreError

    base = _target("virtuoso", tmp_path, request).replace("/sparql", "/sparql-auth")
    with pytest.raises(StoreError, match="HTTP 401"):
        EndpointStore(base).index()
    report = run_build([corpus], store=base.replace("http://", "http://dba:dba@"))
    assert report.cases == 3 and not report.failures
    store = EndpointStore(base.replace("http://", "http://dba:dba@"))
    assert len(store.index()) == 4  # three cases and the ontology


def test_build_report_never_shows_an_endpoint_password(tmp_path):
    from kg.pipeline import _shown_store

    shown = _shown_store("http://reader:s3cret@127.0.0.1:8890/sparql")
    assert shown == "http://127.0.0.1:8890/sparql"
    assert _shown_store(tmp_path / "store") == str(tmp_path / "store")
