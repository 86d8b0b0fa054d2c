"""A folder of nasty input files, built in one ``kg build`` run: the exit code says
some inputs failed, the report names them, and no case is lost (each is in the graph
or in the report)."""

from __future__ import annotations

import json

import pytest
import rdflib
from click.testing import CliRunner

from kg import readers
from kg.cli import cli
from kg.namespaces import DCTERMS, KG

SEED_LIKE = "Texto: Leak\nKyphoplasty at L5.\nCement leakage into the right pedicle.\n" \
            "Keywords:\n- cement leakage\n"
PLAIN = "A 70-year-old woman with back pain. MRI showed a disc bulge at L4-L5.\n"

# name -> (bytes, what should happen: "built" or "skipped")
NASTY: dict[str, tuple[bytes, str]] = {
    "good.txt": (SEED_LIKE.encode(), "built"),
    "crlf.txt": (SEED_LIKE.replace("\n", "\r\n").encode(), "built"),
    "lone-cr.txt": (SEED_LIKE.replace("\n", "\r").encode(), "built"),
    "bom-utf8.txt": (b"\xef\xbb\xbf" + PLAIN.encode(), "built"),
    "bom-utf16le.txt": (b"\xff\xfe" + PLAIN.encode("utf-16-le"), "built"),
    "bom-utf16be.txt": (b"\xfe\xff" + PLAIN.encode("utf-16-be"), "built"),
    "latin1.txt": ("Caf\xe9 owner, disc bulge at L4-L5.\n".encode("latin-1"), "built"),
    "nul.txt": (b"Back\x00pain and a disc\x07 bulge.\n", "built"),
    "no-keywords.txt": (b"Texto: T\nSpinal stenosis at L3.\n", "built"),
    "keywords-only.txt": (b"Texto: T\nKeywords:\n- back pain\n", "built"),
    "name with spaces \xc3\xbc.txt".encode().decode(): (PLAIN.encode(), "built"),
    "long-lines.txt": (b"x\n" * 100_000, "built"),  # a file of 100k lines
    "empty.txt": (b"", "skipped"),
    "blank.md": (b"  \n\t\r\n", "skipped"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "skipped"),
    "controls.txt": (bytes(range(1, 32)) * 50, "skipped"),
    "nothing.txt": (b"Texto:\nKeywords:\n", "skipped"),
    "huge.txt": (b"word " * 150_000, "skipped"),  # over the (lowered) size limit
    "sub/good.txt": (PLAIN.encode(), "built"),  # the id "good" again: renamed good-2
}
JSONL_LINES = [
    (json.dumps({"id": "j1", "text": PLAIN}), "built"),
    ('{"id": "j2", "text": ', "skipped"),  # broken JSON
    (json.dumps({"id": "j3", "text": "Pain\u0000 at \ud800 L5."}), "built"),
    (json.dumps({"id": "j1", "text": PLAIN}), "built"),  # repeated id: renamed j1-2
    (json.dumps({"id": "j5"}), "skipped"),  # no text
    (json.dumps(["not", "an", "object"]), "skipped"),
    (json.dumps({"id": "../../etc/passwd", "text": PLAIN}), "built"),
]


def expected_counts() -> tuple[int, int]:
    """(cases built, inputs skipped)."""
    outcomes = [o for _, o in NASTY.values()] + [o for _, o in JSONL_LINES]
    return outcomes.count("built"), outcomes.count("skipped")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    inputs = root / "in"
    for name, (data, _) in NASTY.items():
        path = inputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (inputs / "cases.jsonl").write_text("\n".join(line for line, _ in JSONL_LINES) + "\n",
                                        encoding="utf-8")
    out = root / "out" / "graph.ttl"
    mp = pytest.MonkeyPatch()
    mp.setattr(readers, "MAX_CASE_CHARS", 700_000)
    try:
        result = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(out)])
    finally:
        mp.undo()
    report = json.loads((out.parent / "build-report.json").read_text(encoding="utf-8"))
    graph = rdflib.Graph().parse(out, format="turtle")
    return result, report, graph, inputs


def test_exit_code_says_some_inputs_failed(build):
    result, report, _, _ = build
    assert result.exit_code == 3, result.output
    assert report["partial"] is True


def test_nothing_is_lost_every_input_in_graph_or_report(build):
    _, report, graph, _ = build
    built, skipped = expected_counts()
    cases = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(KG + "Case")))
    assert len(cases) == built == report["cases"]
    assert len(report["failures"]) == skipped
    assert len(cases) + len(report["failures"]) == len(NASTY) + len(JSONL_LINES)


def test_report_names_each_skipped_file_and_line(build):
    _, report, _, inputs = build
    failed = {(f["file"], f["error"].split(":")[0]) for f in report["failures"]}
    for name, (_, outcome) in NASTY.items():
        if outcome == "skipped":
            assert any(file == str(inputs / name) for file, _ in failed), name
    jsonl = [f for f in report["failures"] if f["file"].endswith("cases.jsonl")]
    assert sorted(f["error"].split(":")[0] for f in jsonl) == ["line 2", "line 5", "line 6"]
    assert {f["id"] for f in jsonl} == {"cases-2", "cases-5", "cases-6"}


def test_renamed_ids_and_replaced_bytes_are_report_warnings(build):
    _, report, graph, _ = build
    ids = {str(o) for o in graph.objects(None, rdflib.URIRef(DCTERMS + "identifier"))}
    assert {"good", "good-2", "j1", "j1-2", "../../etc/passwd"} <= ids
    assert any("renamed 'good-2'" in w for w in report["warnings"]["good-2"])
    assert any("renamed 'j1-2'" in w for w in report["warnings"]["j1-2"])
    notes = [w for ws in report["warnings"].values() for w in ws]
    assert any("invalid UTF-8 at byte 3" in w for w in notes)
    assert any("replaced by U+FFFD" in w and "control" in w for w in notes)


def test_stored_text_is_sliced_exactly_by_every_mention(build):
    _, _, graph, _ = build
    oa = "http://www.w3.org/ns/oa#"
    checked = 0
    for case in graph.subjects(rdflib.RDF.type, rdflib.URIRef(KG + "Case")):
        text = str(graph.value(case, rdflib.URIRef(KG + "text")))
        for mention in graph.subjects(rdflib.URIRef(oa + "exact"), None):
            if not str(mention).startswith(str(case) + "/"):
                continue
            start = int(graph.value(mention, rdflib.URIRef(oa + "start")))
            end = int(graph.value(mention, rdflib.URIRef(oa + "end")))
            assert text[start:end] == str(graph.value(mention, rdflib.URIRef(oa + "exact")))
            checked += 1
    assert checked > 10
