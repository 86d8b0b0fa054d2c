"""The kg command line: CliRunner for each command, one real subprocess for the entry point.

Builds here use a stub extractor (one finding per case), so they test the CLI and the
build orchestration, not extraction quality.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import REPO

from kg.cli import cli
from kg.model import CaseExtraction, Concept, Finding, Kind, Span
from kg.namespaces import KG
from kg.pipeline import Pipeline

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
kg:CaseShape a sh:NodeShape ; sh:targetClass kg:Case ;
    sh:property [ sh:path dcterms:identifier ; sh:minCount 1 ] .
"""


class StubPipeline:
    """Extracts "pain" as a finding; a case whose text says FAIL raises."""

    ontology = lexicon = None

    def extract(self, case):
        if "FAIL" in case.text:
            raise ValueError("stub extractor refused")
        start = case.text.index("pain")
        span = Span(start, start + 4, "pain", rule="stub")
        finding = Finding("finding/1", Concept(KG + "Pain", "pain", Kind.FINDING), (span,))
        return CaseExtraction(case=case, findings=(finding,))


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setattr(Pipeline, "load", classmethod(lambda cls, extra=(): StubPipeline()))


@pytest.fixture
def cases(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.txt").write_text("Back pain.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Neck pain.\n", encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def kg_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


# ---------------------------------------------------------------- build


def test_build_writes_graph_report_and_summary(stub, cases, tmp_path):
    out = tmp_path / "out" / "g.ttl"
    result = run("build", str(cases), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 cases, 2 findings, 0 procedures, ")
    assert "<a/finding/1> a kg:Pain" in out.read_text()
    report = json.loads((out.parent / "build-report.json").read_text())
    assert report["cases"] == 2 and report["failures"] == []


def test_build_twice_same_bytes(stub, cases, tmp_path):
    run("build", str(cases), "-o", str(tmp_path / "1.ttl"))
    run("build", str(cases), "-o", str(tmp_path / "2.ttl"))
    assert (tmp_path / "1.ttl").read_bytes() == (tmp_path / "2.ttl").read_bytes()


def test_failing_case_is_reported_and_others_built(stub, cases, tmp_path):
    (cases / "c.txt").write_text("FAIL pain\n", encoding="utf-8")
    out = tmp_path / "g.nt"
    result = run("build", str(cases), "-o", str(out))
    assert result.exit_code == 3
    report = json.loads((tmp_path / "build-report.json").read_text())
    assert report["partial"] is True
    assert report["failures"][0]["id"] == "c"
    assert "stub extractor refused" in report["failures"][0]["error"]
    assert report["cases"] == 2 and out.exists()


def test_build_bad_output_suffix(stub, cases, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(cases), "-o", str(tmp_path / "g.xyz")])
    assert result.exit_code == 2
    assert "unknown RDF format" in result.output


# ---------------------------------------------------------------- query / queries


@pytest.fixture
def graph(stub, cases, tmp_path):
    out = tmp_path / "g.ttl"
    run("build", str(cases), "-o", str(out))
    return out


def test_query_inline_table(graph):
    result = run("query", "SELECT ?id WHERE { ?c dcterms:identifier ?id } ORDER BY ?id",
                 "--graph", str(graph))
    assert result.exit_code == 0
    assert result.output.splitlines()[2:4] == ["a", "b"]


def test_query_csv_to_file(graph, tmp_path):
    out = tmp_path / "q.csv"
    result = run("query", "cq6", "-g", str(graph), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text().startswith("caseId,title,findings,findingLabels\n")


def test_query_bind(graph):
    result = run("query", "SELECT ?id ?c WHERE { ?c dcterms:identifier ?id }", "-g", str(graph),
                 "--bind", "id=b", "--format", "json")
    assert [r["id"] for r in json.loads(result.output)] == ["b"]


def test_query_syntax_error_exit_2(graph):
    result = CliRunner().invoke(cli, ["query", "SELECT ?x WHERE { ?x }", "-g", str(graph)])
    assert result.exit_code == 2
    assert "kg: error:" in result.output and "line 1, column" in result.output


def test_queries_lists_seven():
    result = run("queries")
    lines = result.output.splitlines()
    assert len(lines) == 7
    assert lines[0].split()[:2] == ["cq1", "intrathecal-leak-procedures"]


# ---------------------------------------------------------------- draw / validate


def test_draw_calls_draw_case(graph, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(importlib.import_module("kg.draw_render"), "draw_case",
                        lambda g, c, o: calls.append((g, c, o)) or o)
    result = run("draw", "a", "--graph", str(graph), "-o", str(tmp_path / "a.png"))
    assert result.exit_code == 0
    assert calls == [(graph, "a", tmp_path / "a.png")]


def test_validate_conforms_and_violates(graph, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    ok = CliRunner().invoke(cli, ["validate", str(graph), "--shapes", str(shapes)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/casekg/onto#> .\n<http://x/c> a kg:Case .\n")
    result = CliRunner().invoke(cli, ["validate", str(bad), "--shapes", str(shapes)])
    assert result.exit_code == 1
    assert "Conforms: False" in result.output


def test_validate_missing_graph_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "none.ttl"),
                                      "--shapes", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2


def test_unexpected_error_one_line_without_debug(stub, cases, tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("kg.pipeline"), "run_build",
                        lambda *a, **k: (_ for _ in ()).throw(ZeroDivisionError("boom")))
    result = CliRunner().invoke(cli, ["build", str(cases), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 1
    assert "unexpected ZeroDivisionError: boom" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- the real entry point


def test_help_in_a_real_process():
    done = kg_process("--help")
    assert done.returncode == 0
    assert "Examples:" in done.stdout and "kg build seeds -o outputs/graph.ttl" in done.stdout


def test_bad_file_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "ok"}\nnot json\n', encoding="utf-8")
    done = kg_process("build", str(bad), "-o", str(tmp_path / "g.ttl"))
    assert done.returncode == 3  # the broken line is skipped and reported, the rest built
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: WARNING: ")
    assert f"{bad}:2: invalid JSON" in lines[0]
    report = json.loads((tmp_path / "build-report.json").read_text())
    assert report["failures"][0]["error"].startswith("line 2: invalid JSON")


def test_unusable_input_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    done = kg_process("build", str(bad), "-o", str(tmp_path / "g.ttl"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(f"kg: error: {bad}:1: invalid JSON")
    assert not (tmp_path / "g.ttl").exists()


def test_unknown_query_in_a_real_process(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text("", encoding="utf-8")
    done = kg_process("query", "nosuchquery", "--graph", str(graph))
    assert done.returncode == 2
    assert done.stderr.strip() == ("kg: error: unknown query 'nosuchquery' (named queries: "
                                   "cq1, cq2, cq3, cq4, cq5, cq6, cq7; see `kg queries`)")


# ---------------------------------------------------------------- the Python API


def test_api_names_are_functions_next_to_every_stage_module():
    import kg

    for module in ("pipeline", "sparql", "draw_render"):
        importlib.import_module(f"kg.{module}")
    for name in ("build", "query", "draw", "validate"):
        assert callable(getattr(kg, name)), name


def test_api_build_and_query(stub, cases):
    import kg

    graph = kg.build(cases)
    assert graph.build_report.cases == 2
    rows = kg.query(graph, "SELECT ?id WHERE { ?c dcterms:identifier ?id } ORDER BY ?id")
    assert rows == [{"id": "a"}, {"id": "b"}]


def test_api_query_on_a_path(graph):
    import kg

    assert kg.query(graph, "ASK { ?c a kg:Case }") == [{"answer": True}]


def test_build_missing_user_ontology_exit_2(stub, cases, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(cases), "-o", str(tmp_path / "g.ttl"),
                                      "--ontology", str(tmp_path / "mine.obo")])
    assert result.exit_code == 2
    assert "mine.obo: no such ontology file" in result.output


def test_bad_base_is_one_usage_error(cases, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(cases), "-o", str(tmp_path / "g.ttl"),
                                      "--base", "not an iri"])
    assert result.exit_code == 2
    assert "--base" in result.output and not (tmp_path / "g.ttl").exists()
