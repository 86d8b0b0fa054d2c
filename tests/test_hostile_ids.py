"""Hostile case ids: every IRI stays valid and distinct (checked by parsing the written
Turtle and N-Triples back), and no output is written outside the asked-for place."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.assemble import AssemblyError, case_iri, check_base
from kg.cli import cli
from kg.namespaces import CASE, DCTERMS

IDS = [
    "plain", "with space", "Ünïcödé-症例", '<>"{}|^\\`', "back`tick", "../../x", "..", ".",
    "a/b", "a%2Fb", "50%", "#frag", "?q=1&x", "tab\tid", "semi;colon", "emoji-🦴",
    "javascript:alert(1)", "</script><script>alert(1)</script>",
]
TEXT = "Kyphoplasty at L5. CT showed cement leakage into the right pedicle."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "in"
    inputs.mkdir()
    lines = [json.dumps({"id": i, "text": TEXT}, ensure_ascii=False) for i in IDS]
    (inputs / "ids.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = root / "out"
    results = {}
    for suffix in ("ttl", "nt"):
        result = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(out / f"g.{suffix}")])
        assert result.exit_code == 0, result.output
        results[suffix] = out / f"g.{suffix}"
    return root, results


@pytest.mark.parametrize("suffix,fmt", [("ttl", "turtle"), ("nt", "nt")])
def test_every_hostile_id_round_trips_through_rdflib(built, suffix, fmt):
    _, files = built
    graph = rdflib.Graph().parse(files[suffix], format=fmt)
    ids = {str(o): s for s, o in graph.subject_objects(rdflib.URIRef(DCTERMS + "identifier"))}
    assert set(ids) == set(IDS)
    assert all(ids[i] == case_iri(i) for i in IDS)
    assert len(set(ids.values())) == len(IDS)  # distinct


@pytest.mark.parametrize("suffix", ["ttl", "nt"])
def test_every_hostile_id_round_trips_through_pyoxigraph(built, suffix):
    _, files = built
    store = ox.Store()
    store.bulk_load(path=str(files[suffix]), format=ox.RdfFormat.from_extension(suffix))
    found = {q.object.value: q.subject.value
             for q in store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "identifier"), None)}
    assert found == {i: str(case_iri(i)) for i in IDS}


def test_case_iris_are_one_segment_below_the_base():
    for case_id in IDS:
        rest = str(case_iri(case_id))[len(CASE):]
        assert rest and "/" not in rest and rest not in (".", "..")
        assert all(ch not in rest for ch in ' <>"{}|^`\\#?')


def test_no_file_outside_the_output_directory(built):
    root, _ = built
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert written == ["in/ids.jsonl", "out/build-report.json", "out/g.nt", "out/g.ttl"]


def test_empty_id_is_refused():
    with pytest.raises(AssemblyError, match="empty case id"):
        case_iri("")


@pytest.mark.parametrize("base", ["not an iri/", "https://x.org/case", "https://x.org/<a>/",
                                  "https://x.org/a b/", "relative/"])
def test_bad_base_is_refused(base):
    with pytest.raises(AssemblyError, match="bad base IRI"):
        check_base(base)


def test_draw_writes_only_the_named_file(built, tmp_path):
    _, files = built
    out = tmp_path / "pics" / "case.png"
    result = CliRunner().invoke(cli, ["draw", "../../x", "-g", str(files["ttl"]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["case.png"]


def test_explorer_page_cannot_be_broken_out_of_by_an_id(built, tmp_path):
    from kg.explore import write_explorer

    _, files = built
    page = write_explorer(files["ttl"], tmp_path / "explore.html").read_text(encoding="utf-8")
    assert "alert(1)" in page  # the id is on the page ...
    assert "</script><script>alert(1)" not in page  # ... but escaped
    assert [p.name for p in tmp_path.iterdir()] == ["explore.html"]
