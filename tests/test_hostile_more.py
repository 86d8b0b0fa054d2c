"""More hostile inputs, found by a red-team run over every command: each one is a clean
one-line error (or a skipped, reported record), never an "unexpected" crash.

Every input is written by the test itself (tmp_path), one behaviour a test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.readers import ReadProblem, read_paths

SEED = Path(__file__).resolve().parent.parent / "seeds" / "seed-kyphoplasty.txt"


def kg(*args: str):
    """Run the CLI; stderr kept apart from stdout."""
    return CliRunner().invoke(cli, list(args))


def one_error_line(result) -> str:
    """The single ``kg: error:`` line of a failed run (asserts there is exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: "), lines[0]
    assert "unexpected" not in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_integer_too_long_to_convert_is_a_skipped_line(tmp_path):
    """Python refuses int('1' + 5000 zeros): that line is reported, the next one read."""
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "a", "text": "L5 fracture.", "age": 1' + "0" * 5000 + "}\n"
                    + json.dumps({"id": "b", "text": "L4 fracture."}) + "\n", encoding="utf-8")
    problems: list[ReadProblem] = []
    cases = list(read_paths([path], problems))
    assert [c.id for c in cases] == ["b"]
    assert [(p.line, p.skipped) for p in problems] == [(1, True)]
    assert "invalid JSON" in problems[0].error


def test_jsonl_only_an_overlong_integer_is_one_input_error(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "a", "text": "x", "age": 9' + "9" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.jsonl:1: invalid JSON"):
        list(read_paths([path]))


# ---------------------------------------------------------------- kg eval --graph


GOLD_LINE = json.dumps({"id": "c1", "findings": [{"label": "fracture"}], "procedures": []})


@pytest.mark.parametrize("name,data", [
    ("bad.jsonld", b"{not json"),
    ("garbage.txt", bytes(range(128, 256)) * 4),
    ("other.ttl", b"\xff\xfe@\x00p\x00"),
])
def test_eval_on_a_graph_that_is_not_rdf_is_one_error_line(tmp_path, name, data):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD_LINE + "\n", encoding="utf-8")
    graph = tmp_path / name
    graph.write_bytes(data)
    result = kg("eval", "--gold", str(gold), "-g", str(graph))
    assert result.exit_code == 2
    assert name in one_error_line(result)


# ---------------------------------------------------------------- kg query: runaway answers


GRAPH_TTL = ("@prefix kg: <https://w3id.org/casekg/vocab#> .\n"
             + "".join(f"<http://x.org/s{i}> kg:p <http://x.org/o{i}> .\n" for i in range(30)))


def test_an_answer_past_the_value_cap_is_one_error_line(tmp_path, monkeypatch):
    """A cartesian product would fill the memory: past MAX_VALUES the query stops."""
    from kg import sparql

    monkeypatch.setattr(sparql, "MAX_VALUES", 1000)
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    result = kg("query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "-g", str(graph),
                "--no-ontology")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert line.startswith("kg: error: inline: ")
    assert "LIMIT" in line


def test_an_answer_under_the_value_cap_is_complete(tmp_path, monkeypatch):
    from kg import sparql

    monkeypatch.setattr(sparql, "MAX_VALUES", 30 * 30 * 6)
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    result = kg("query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "-g", str(graph),
                "--no-ontology", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 + 30 * 30


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_query_process_that_dies_is_one_line_with_its_last_words(tmp_path, monkeypatch,
                                                                   capfd):
    """A child killed by the runtime (an abort on a failed allocation) prints nothing of
    its own; the parent names the signal and the child's last stderr line."""
    from kg import sparql
    from kg.errors import QueryError

    def die(*_args, **_kw):
        os.write(2, b"some runtime noise\nmemory allocation of 448 bytes failed\n")
        os.abort()

    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    store = sparql.load_store([graph], False)
    monkeypatch.setattr(sparql, "run_query", die)
    with pytest.raises(QueryError, match="memory allocation of 448 bytes failed") as exc:
        sparql.run_with_timeout("SELECT * WHERE { ?s ?p ?o }", store, None, False, 30)
    assert "SIGABRT" in str(exc.value)
    assert "runtime noise" not in capfd.readouterr().err


# ---------------------------------------------------------------- bad options


@pytest.mark.parametrize("args,names", [
    (["build"], "PATHS"),
    (["nosuch"], "nosuch"),
    (["--bogus"], "--bogus"),
    (["build", "x.txt", "-q"], "-q"),
    (["gaps", "x.txt", "--top", "x"], "--top"),
    (["build", "x.txt", "--workers", "0"], "--workers"),
])
def test_a_bad_option_or_argument_is_one_error_line_exit_2(args, names):
    result = kg(*args)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert names in line and "--help" in line


def test_a_directory_given_as_the_graph_file_is_one_error_line(tmp_path):
    result = kg("stats", str(tmp_path))
    assert result.exit_code == 2
    assert str(tmp_path) in one_error_line(result)


def test_kg_alone_still_prints_the_help():
    result = kg()
    assert "Usage: " in result.output and "kg: error" not in result.output


# ---------------------------------------------------------------- determinism


def test_rdfxml_output_is_the_same_bytes_under_any_hash_seed(tmp_path):
    """Same input, same output: the .rdf writer must not follow Python's hash order."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.rdf"
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(root))
        subprocess.run([sys.executable, "-m", "kg", "-q", "build", str(SEED), "-o", str(out)],
                       check=True, env=env, cwd=tmp_path, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_rdfxml_output_parses_back_to_the_same_graph(tmp_path):
    import rdflib
    from rdflib.compare import isomorphic

    assert kg("build", str(SEED), "-o", str(tmp_path / "g.rdf")).exit_code == 0
    assert kg("build", str(SEED), "-o", str(tmp_path / "g.nt")).exit_code == 0
    assert isomorphic(rdflib.Graph().parse(str(tmp_path / "g.rdf"), format="xml"),
                      rdflib.Graph().parse(str(tmp_path / "g.nt"), format="nt"))


# ---------------------------------------------------------------- output onto an input


def test_query_output_onto_its_graph_is_refused_and_the_graph_kept(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    before = graph.read_bytes()
    result = kg("query", "SELECT * WHERE { ?s ?p ?o }", "-g", str(graph), "-o", str(graph),
                "--no-ontology")
    assert result.exit_code == 2
    assert "also an input" in one_error_line(result)
    assert graph.read_bytes() == before


def test_query_output_onto_its_query_file_through_a_link_is_refused(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    (tmp_path / "link.rq").symlink_to(query)
    result = kg("query", str(query), "-g", str(graph), "-o", str(tmp_path / "link.rq"),
                "--no-ontology")
    assert result.exit_code == 2
    assert query.read_text(encoding="utf-8") == "SELECT * WHERE { ?s ?p ?o }"


def test_build_output_onto_an_ontology_file_is_refused(tmp_path):
    onto = tmp_path / "mine.ttl"
    onto.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                    "<http://x.org/A> a owl:Class .\n", encoding="utf-8")
    before = onto.read_bytes()
    result = kg("build", str(SEED), "-o", str(onto), "--ontology", str(onto))
    assert result.exit_code == 2
    assert "also an input" in one_error_line(result)
    assert onto.read_bytes() == before


def test_query_output_named_like_a_named_query_is_written(tmp_path, monkeypatch):
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = kg("query", "cq1", "-g", str(graph), "-o", "cq1", "--no-ontology")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "cq1").is_file()


# ---------------------------------------------------------------- SIGTERM during a build


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_during_a_build_keeps_the_old_output_and_leaves_no_temp_file(tmp_path):
    """SIGTERM (a service stop, a job scheduler) is handled like Ctrl-C: exit 143, one
    line, the previous output as it was, no ``.g.ttl.*.tmp`` left beside it."""
    import signal
    import subprocess
    import sys
    import time

    cases = tmp_path / "many.jsonl"
    cases.write_text("".join(json.dumps({"id": f"c{i}", "text": "L2 fracture after "
                                         "kyphoplasty, with cement leakage. No stenosis."})
                             + "\n" for i in range(20000)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    graph = out / "g.ttl"
    graph.write_bytes(b"# the old output\n")
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(cases), "-o", str(graph),
                             "--quiet"], env=env, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not list(out.glob(".g.ttl.*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: interrupted"), lines
    assert graph.read_bytes() == b"# the old output\n"
    assert sorted(p.name for p in out.iterdir()) == ["g.ttl"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_gets_the_default_sigterm_action_back():
    """A worker blocked in C code never runs a Python handler: it must be killable."""
    import signal

    from kg.cli import _terminate_as_interrupt

    with _terminate_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
        pid = os.fork()
        if pid == 0:  # the child: exit 0 only if SIGTERM has its default action
            os._exit(0 if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


# ---------------------------------------------------------------- a damaged store


@pytest.fixture()
def store_dir(tmp_path):
    """A small store built from the seed."""
    store = tmp_path / "store"
    assert kg("build", str(SEED), "--store", str(store), "--quiet").exit_code == 0
    return store


@pytest.mark.parametrize("command", ["query", "build"])
def test_a_corrupt_store_is_one_error_line_exit_2(store_dir, command):
    (store_dir / "CURRENT").write_bytes(b"garbage\n")
    args = (["query", "cq1", "--store", str(store_dir)] if command == "query"
            else ["build", str(SEED), "--store", str(store_dir)])
    result = kg(*args)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert str(store_dir) in line and "corrupt" in line.lower()


def test_a_directory_that_is_not_a_store_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = kg("query", "cq1", "--store", str(tmp_path))
    assert result.exit_code == 2
    assert "not a kg store" in one_error_line(result)


# ---------------------------------------------------------------- kg gaps options


@pytest.mark.parametrize("option", ["--top", "--max-words"])
@pytest.mark.parametrize("value", ["0", "-1"])
def test_gaps_refuses_a_count_below_one(option, value):
    """``--top 0`` or ``--max-words -1`` used to print an empty table and exit 0."""
    result = kg("gaps", str(SEED), option, value)
    assert result.exit_code == 2
    assert option in one_error_line(result)


# ---------------------------------------------------------------- odd literals in a graph


ODD_GRAPH = """@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://x.org/c1> a kg:Case ; dcterms:identifier "c1" ; kg:text "L5 fracture." ;
    kg:patientAge AGE ;
    kg:hasFinding <http://x.org/c1/f1> .
<http://x.org/c1/f1> a kg:Finding ; kg:evidence <http://x.org/c1/m1> .
<http://x.org/c1/m1> a kg:Mention ; oa:exact "fracture" ; oa:start START ; oa:end 11 .
"""


def odd_graph(tmp_path, age: str = "76", start: str = "3") -> Path:
    path = tmp_path / "odd.ttl"
    path.write_text(ODD_GRAPH.replace("AGE", age).replace("START", start), encoding="utf-8")
    return path


def test_eval_reads_a_graph_with_an_overlong_age_and_text_offsets(tmp_path):
    from kg.eval import graph_cases, read_graph

    cases = graph_cases(read_graph(odd_graph(tmp_path, age="9" * 5000, start='"abc"')))
    assert cases["c1"].age is None
    assert cases["c1"].findings[0].evidence == ("fracture",)


def test_python_value_of_an_integer_past_float_range_is_its_text():
    import pyoxigraph as ox

    from kg.sparql import python_value

    big = "9" * 400
    term = ox.Literal(big, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert python_value(term) == big


def test_explore_skips_a_mention_whose_offsets_are_not_integers(tmp_path):
    out = tmp_path / "e.html"
    result = kg("explore", str(odd_graph(tmp_path, start='"abc"')), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.is_file()


# ---------------------------------------------------------------- outputs that cannot be written


def _output_args(cmd: str, graph: Path, out: Path) -> list[str]:
    return {
        "build": ["build", str(SEED), "-o", str(out / "g.ttl")],
        "query": ["query", "cq1", "-g", str(graph), "-o", str(out / "q.csv"), "--no-ontology"],
        "explore": ["explore", str(graph), "-o", str(out / "e.html")],
        "draw": ["draw", "c1", "-g", str(graph), "-o", str(out / "d.svg")],
        "report": ["report", str(graph), "-o", str(out / "rep")],
    }[cmd]


@pytest.mark.parametrize("cmd", ["build", "query", "explore", "draw", "report"])
def test_an_output_below_a_file_is_one_error_line_naming_it(tmp_path, cmd):
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = kg(*_output_args(cmd, odd_graph(tmp_path), blocker / "sub"))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert str(blocker / "sub") in line and "is a file" in line


@pytest.mark.parametrize("cmd", ["build", "query", "explore", "draw"])
def test_a_folder_that_refuses_files_is_one_error_line(tmp_path, monkeypatch, cmd):
    """Root ignores chmod, so the refusal (EACCES) is simulated at mkstemp."""
    import errno
    import tempfile

    def refuse(*_args, **_kw):
        raise PermissionError(errno.EACCES, "Permission denied")

    graph = odd_graph(tmp_path)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = kg(*_output_args(cmd, graph, tmp_path / "out"))
    assert result.exit_code == 2
    assert "cannot write there: Permission denied" in one_error_line(result)


def test_a_write_the_system_refuses_midway_is_one_line_naming_the_file(tmp_path, monkeypatch):
    """A full disk while writing: one line with the file and the reason, no traceback."""
    import errno

    def full(*_args, **_kw):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "q.csv"))

    monkeypatch.setattr(os, "fsync", full)
    result = kg("query", "cq1", "-g", str(odd_graph(tmp_path)), "-o", str(tmp_path / "q.csv"),
                "--no-ontology")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "q.csv" in line and "No space left" in line
    assert not list(tmp_path.glob(".q.csv.*"))


# ---------------------------------------------------------------- files that are not files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_as_a_case_file_is_refused_not_waited_on(tmp_path):
    """Reading a named pipe with no writer would block for ever."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.txt: not a regular file"):
        list(read_paths([fifo]))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_a_device_is_refused_not_read_to_the_end(tmp_path):
    """/dev/zero never ends: reading it would fill the memory."""
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    good = tmp_path / "good.txt"
    good.write_text("L5 fracture.", encoding="utf-8")
    problems: list[ReadProblem] = []
    cases = list(read_paths([link, good], problems))
    assert [c.id for c in cases] == ["good"]
    assert [(Path(p.file).name, p.skipped) for p in problems] == [("zero.txt", True)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["query", "gold"])
def test_a_fifo_as_query_or_gold_file_is_one_error_line(tmp_path, kind):
    fifo = tmp_path / ("q.rq" if kind == "query" else "gold.jsonl")
    os.mkfifo(fifo)
    graph = odd_graph(tmp_path)
    args = (["query", str(fifo), "-g", str(graph), "--no-ontology"] if kind == "query"
            else ["eval", "--gold", str(fifo), "-g", str(graph)])
    result = kg(*args)
    assert result.exit_code == 2
    assert "not a regular file" in one_error_line(result)


@pytest.mark.parametrize("command", ["build", "query"])
def test_a_store_path_that_is_a_file_says_so_and_keeps_the_file(tmp_path, command):
    target = tmp_path / "g.ttl"
    target.write_text(GRAPH_TTL, encoding="utf-8")
    args = (["build", str(SEED), "--store", str(target)] if command == "build"
            else ["query", "cq1", "--store", str(target)])
    result = kg(*args)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "another kg build" not in line and ("is a file" in line or "not a kg store" in line)
    assert target.read_text(encoding="utf-8") == GRAPH_TTL


@pytest.mark.parametrize("value", ["inf", "nan", "1e308"])
def test_query_timeout_that_cannot_be_waited_for_is_one_error_line(tmp_path, value):
    graph = tmp_path / "g.ttl"
    graph.write_text(GRAPH_TTL, encoding="utf-8")
    result = kg("query", "cq1", "-g", str(graph), "--no-ontology", "--timeout", value)
    assert result.exit_code == 2
    assert "--timeout" in one_error_line(result)
