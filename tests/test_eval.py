"""kg.eval: matching rules, P/R/F1 arithmetic, levels via partOf*, complication pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.eval import (
    PRF,
    SYNONYM_WEIGHT,
    GoldItem,
    GraphItem,
    align,
    evaluate,
    format_report,
    item_score,
    name_score,
    normalize,
)

PREFIXES = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@base <https://w3id.org/casekg/case/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
"""

# A tiny ontology inside the graph file: names, xrefs, partOf, level codes.
VOCAB = """\
kg:CompressionFracture rdfs:label "compression fracture" ; skos:altLabel "crush fracture" ;
    oboInOwl:hasDbXref "UMLS:C0262431" .
kg:CementLeakage rdfs:label "cement leakage" .
kg:BackPain rdfs:label "back pain" ; oboInOwl:hasDbXref "UMLS:C0004604" .
kg:Kyphoplasty rdfs:label "kyphoplasty" .
kg:Sciatica rdfs:label "sciatica" .
kg:L5Vertebra rdfs:label "L5 vertebra" ; kg:levelCode "L5" ; kg:partOf kg:LumbarSpine .
kg:L5Pedicle rdfs:label "L5 pedicle" ; kg:partOf kg:L5Vertebra .
kg:L4L5IntervertebralDisc kg:levelCode "L4" , "L5" .
"""

SEED_LIKE = PREFIXES + VOCAB + """\
<c1> a kg:Case ; dcterms:identifier "c1" ; kg:patientAge 76 ; kg:patientSex kg:Female ;
    kg:hasFinding <c1/finding/1> , <c1/finding/2> , <c1/finding/3> ;
    kg:hasProcedure <c1/procedure/1> .
<c1/finding/1> a kg:CompressionFracture ; kg:assertion kg:Present ; kg:site kg:L5Vertebra .
<c1/finding/2> a kg:CementLeakage ; kg:assertion kg:Present ; kg:site kg:L5Pedicle ;
    kg:laterality kg:Left ; kg:complicationOf <c1/procedure/1> .
<c1/finding/3> a kg:Sciatica ; kg:assertion kg:Absent .
<c1/procedure/1> a kg:Kyphoplasty ; kg:site kg:L5Vertebra .
"""


def _gold_case(**over: object) -> dict:
    case = {
        "id": "c1", "source": "medpix2", "age": 76, "sex": "female",
        "findings": [
            {"label": "compression fracture", "synonyms": [], "cui": None, "assertion": "present",
             "levels": ["L5"], "site": "L5", "laterality": None},
            {"label": "cement leak", "synonyms": ["cement leakage"], "cui": None,
             "assertion": "present", "levels": ["L5"], "site": "pedicle", "laterality": "left"},
            {"label": "sciatica", "synonyms": [], "cui": None, "assertion": "absent",
             "levels": [], "site": None, "laterality": None},
        ],
        "procedures": [{"label": "kyphoplasty", "synonyms": [], "cui": None, "levels": ["L5"],
                        "laterality": None}],
        "complications": [{"finding": "cement leak", "procedure": "kyphoplasty"}],
        "levels": ["L5"],
    }
    case.update(over)
    return case


def _files(tmp_path: Path, graph: str, *gold: dict) -> tuple[Path, Path]:
    g = tmp_path / "gold.jsonl"
    g.write_text("".join(json.dumps(c) + "\n" for c in gold), encoding="utf-8")
    t = tmp_path / "graph.ttl"
    t.write_text(graph, encoding="utf-8")
    return g, t


def _graph_item(*names: str, cuis: tuple[str, ...] = ()) -> GraphItem:
    return GraphItem(iri="x", names=names, cuis=frozenset(cuis))


# ---------------------------------------------------------------- matching rules


def test_normalize_folds_case_and_punctuation() -> None:
    assert normalize("Schmorl's  Node,") == "schmorl s node"


def test_synonym_matches_class_label() -> None:
    gold = GoldItem("vertebral crush", synonyms=("compression fracture",))
    assert item_score(gold, _graph_item("compression fracture")) == pytest.approx(SYNONYM_WEIGHT)


def test_label_matches_class_synonym() -> None:
    gold = GoldItem("crush fracture")
    assert item_score(gold, _graph_item("compression fracture", "crush fracture")) == \
        pytest.approx(SYNONYM_WEIGHT)


def test_label_match_ranks_above_synonym_match() -> None:
    gold = GoldItem("lung mass")
    pancoast = GraphItem("p", names=("pancoast tumor", "lung mass"), cuis=frozenset(),
                         labels=("pancoast tumor",))
    mass = GraphItem("m", names=("lung mass",), cuis=frozenset(), labels=("lung mass",))
    assert item_score(gold, mass) == 1.0 > item_score(gold, pancoast) > 0.9


def test_cui_matches_hasdbxref() -> None:
    gold = GoldItem("lumbago", cui="C0004604")
    assert item_score(gold, _graph_item("dorsalgia", cuis=("C0004604",))) == 1.0


def test_whole_word_containment_either_way() -> None:
    assert 0 < name_score("fracture", "L5 compression fracture") < 1
    assert 0 < name_score("L5 compression fracture", "fracture") < 1


def test_exact_beats_containment() -> None:
    assert name_score("back pain", "back pain") > name_score("pain", "back pain")


def test_no_partial_word_match() -> None:
    assert name_score("stenosis", "restenosis") == 0.0
    assert name_score("osteopenia", "osteopenic") == 0.0


def test_equal_names_pair_by_side() -> None:
    gold = [GoldItem("lung mass", laterality="right"), GoldItem("lung mass", laterality="left")]
    left = GraphItem("a", names=("mass",), cuis=frozenset(), labels=("mass",), laterality="left")
    right = GraphItem("b", names=("mass",), cuis=frozenset(), labels=("mass",),
                      laterality="right")
    assert align(gold, [left, right]) == {0: 1, 1: 0}


def test_equal_names_pair_by_assertion() -> None:
    gold = [GoldItem("infarction", assertion="present"), GoldItem("infarction", assertion="absent")]
    absent = GraphItem("a", names=("infarction",), cuis=frozenset(), labels=("infarction",),
                       assertion="absent")
    present = GraphItem("b", names=("infarction",), cuis=frozenset(), labels=("infarction",),
                        assertion="present")
    assert align(gold, [absent, present]) == {0: 1, 1: 0}


def test_agreement_never_decides_between_unequal_names() -> None:
    gold = [GoldItem("lung mass", laterality="left")]
    exact = GraphItem("a", names=("lung mass",), cuis=frozenset(), labels=("lung mass",),
                      laterality="right")
    sided = GraphItem("b", names=("mass",), cuis=frozenset(), labels=("mass",), laterality="left")
    assert align(gold, [exact, sided]) == {0: 0}


def test_agreement_tie_break_never_costs_a_pair() -> None:
    # the sided gold item could take the only partner of the first one; it must not
    gold = [GoldItem("basilar occlusion", synonyms=("occlusion",)),
            GoldItem("arterial occlusion", synonyms=("occlusion",), laterality="left")]
    occlusion = GraphItem("a", names=("occlusion",), cuis=frozenset(), labels=("occlusion",),
                          laterality="left")
    other = GraphItem("b", names=("arterial",), cuis=frozenset(), labels=("arterial",),
                      laterality="left")
    assert len(align(gold, [occlusion, other])) == 2


# ---------------------------------------------------------------- arithmetic


def test_prf_arithmetic() -> None:
    m = PRF(tp=2, fp=1, fn=2)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_perfect_graph_scores_one(tmp_path: Path) -> None:
    report = evaluate(*_files(tmp_path, SEED_LIKE, _gold_case()), ontology=None)
    o = report.overall
    for metric in ("findings", "procedures", "complications", "levels"):
        assert o.prf[metric].f1 == 1.0, metric
    for metric in ("assertion", "absent_recall", "laterality", "age", "sex"):
        assert o.acc[metric].value == 1.0, metric


def test_empty_graph_has_zero_recall(tmp_path: Path) -> None:
    report = evaluate(*_files(tmp_path, PREFIXES, _gold_case()), ontology=None)
    o = report.overall
    assert o.prf["findings"].recall == 0.0
    assert o.prf["procedures"].recall == 0.0
    assert o.prf["levels"].recall == 0.0
    assert o.acc["age"].value == 0.0
    assert report.cases[0].in_graph is False


def test_wrong_assertion_and_extra_finding(tmp_path: Path) -> None:
    graph = SEED_LIKE.replace("kg:Sciatica ; kg:assertion kg:Absent",
                              "kg:Sciatica ; kg:assertion kg:Present")
    graph += ("<c1> kg:hasFinding <c1/finding/4> .\n"
              "<c1/finding/4> a kg:BackPain ; kg:assertion kg:Present .\n")
    o = evaluate(*_files(tmp_path, graph, _gold_case()), ontology=None).overall
    assert (o.prf["findings"].tp, o.prf["findings"].fp, o.prf["findings"].fn) == (3, 1, 0)
    assert o.acc["assertion"].value == pytest.approx(2 / 3)
    assert o.acc["absent_recall"].value == 0.0


def test_one_to_one_matching(tmp_path: Path) -> None:
    """Two gold fractures, one graph fracture: one match, one miss."""
    gold = _gold_case()
    gold["findings"].append(dict(gold["findings"][0], levels=["L4"]))
    o = evaluate(*_files(tmp_path, SEED_LIKE, gold), ontology=None).overall
    assert (o.prf["findings"].tp, o.prf["findings"].fn) == (3, 1)


# ---------------------------------------------------------------- levels, complications


def test_levels_via_partof_closure(tmp_path: Path) -> None:
    """A finding sited at the L5 pedicle has level L5 through partOf."""
    graph = SEED_LIKE.replace("kg:site kg:L5Vertebra .\n<c1/finding/2>",
                              "kg:site kg:LumbarSpine .\n<c1/finding/2>")
    graph = graph.replace("<c1/procedure/1> a kg:Kyphoplasty ; kg:site kg:L5Vertebra .",
                          "<c1/procedure/1> a kg:Kyphoplasty .")
    o = evaluate(*_files(tmp_path, graph, _gold_case()), ontology=None).overall
    assert o.prf["levels"].f1 == 1.0


def test_disc_level_counts_both_neighbours(tmp_path: Path) -> None:
    graph = SEED_LIKE + "<c1/finding/3> kg:site kg:L4L5IntervertebralDisc .\n"
    gold = _gold_case()
    gold["findings"][2]["assertion"] = "present"
    graph = graph.replace("kg:Sciatica ; kg:assertion kg:Absent",
                          "kg:Sciatica ; kg:assertion kg:Present")
    gold["levels"] = ["L4", "L5"]
    o = evaluate(*_files(tmp_path, graph, gold), ontology=None).overall
    assert o.prf["levels"].tp == 2 and o.prf["levels"].fp == 0


def test_absent_finding_levels_not_counted(tmp_path: Path) -> None:
    graph = SEED_LIKE + "<c1/finding/3> kg:site kg:L4L5IntervertebralDisc .\n"
    o = evaluate(*_files(tmp_path, graph, _gold_case()), ontology=None).overall
    assert o.prf["levels"].fp == 0


def test_complication_pair_needs_both_ends(tmp_path: Path) -> None:
    graph = SEED_LIKE.replace("kg:complicationOf <c1/procedure/1>", "kg:severity kg:Mild")
    graph += "<c1/finding/1> kg:complicationOf <c1/procedure/1> .\n"
    o = evaluate(*_files(tmp_path, graph, _gold_case()), ontology=None).overall
    assert (o.prf["complications"].tp, o.prf["complications"].fp,
            o.prf["complications"].fn) == (0, 1, 1)


def test_planned_procedure_is_not_performed(tmp_path: Path) -> None:
    graph = SEED_LIKE + "<c1/procedure/1> kg:planned true .\n"
    o = evaluate(*_files(tmp_path, graph, _gold_case()), ontology=None).overall
    assert o.prf["procedures"].tp == 0 and o.prf["procedures"].fn == 1


def test_report_lists_worst_cases(tmp_path: Path) -> None:
    report = evaluate(*_files(tmp_path, SEED_LIKE, _gold_case(), _gold_case(id="c2")),
                      ontology=None)
    assert report.worst[0] == "c2"
    text = format_report(report)
    assert "Worst 2 cases" in text and "c2 (missing)" in text


def test_dev_gold_is_well_formed() -> None:
    """The shipped gold set loads, has 40 cases and only canonical values."""
    from kg.eval import load_gold

    path = Path(__file__).parent / "gold" / "dev.jsonl"
    cases = load_gold(path)
    assert len(cases) >= 40
    codes = {f"C{i}" for i in range(1, 8)} | {f"T{i}" for i in range(1, 13)} | \
        {f"L{i}" for i in range(1, 6)} | {f"S{i}" for i in range(1, 6)} | {"Co"}
    for c in cases:
        assert c.levels <= codes, c.id
        assert c.sex in (None, "female", "male")
        for f in c.findings:
            assert f.assertion in ("present", "absent", "possible"), (c.id, f.label)
            assert f.laterality in (None, "left", "right", "bilateral"), (c.id, f.label)


def test_main_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.eval import main

    gold, graph = _files(tmp_path, SEED_LIKE, _gold_case())
    assert main(gold, [], graph=graph, as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["findings"]["f1"] == 1.0
    assert out["cases"][0]["id"] == "c1"


def _graph_from_gold(cases: list[dict]) -> str:
    """A graph that says exactly what the gold says: one class per gold label."""
    lines = [PREFIXES.replace("@prefix case: <https://w3id.org/casekg/case/> .", ""),
             "@base <https://w3id.org/casekg/case/> ."]
    sides = {"left": "kg:Left", "right": "kg:Right", "bilateral": "kg:Bilateral"}
    for n, c in enumerate(cases):
        lines.append(f'<g{n}> a kg:Case ; dcterms:identifier "{c["id"]}" .')
        if c["age"] is not None:
            lines.append(f"<g{n}> kg:patientAge {c['age']} .")
        if c["sex"]:
            lines.append(f"<g{n}> kg:patientSex kg:{c['sex'].title()} .")
        first: dict[tuple[str, str], str] = {}
        for kind, items in (("finding", c["findings"]), ("procedure", c["procedures"])):
            for i, it in enumerate(items):
                node, cls = f"<g{n}/{kind}/{i}>", f"<urn:cls:{n}:{kind}:{i}>"
                first.setdefault((kind, it["label"]), node)
                pred = "hasFinding" if kind == "finding" else "hasProcedure"
                lines.append(f"<g{n}> kg:{pred} {node} . {node} a {cls} . "
                             f"{cls} rdfs:label {json.dumps(it['label'])} .")
                if kind == "finding":
                    lines.append(f"{node} kg:assertion kg:{it['assertion'].title()} .")
                if it.get("laterality"):
                    lines.append(f"{node} kg:laterality {sides[it['laterality']]} .")
                for lv in it["levels"]:
                    codes = " , ".join(json.dumps(x) for x in lv.split("-"))
                    lines.append(f"{node} kg:site <urn:site:{lv}> . "
                                 f"<urn:site:{lv}> kg:levelCode {codes} .")
        for pair in c["complications"]:
            lines.append(f"{first[('finding', pair['finding'])]} kg:complicationOf "
                         f"{first[('procedure', pair['procedure'])]} .")
    return "\n".join(lines) + "\n"


def test_dev_gold_scores_one_against_itself(tmp_path: Path) -> None:
    """A graph that states the gold exactly scores 1.0 on every metric of the real gold."""
    path = Path(__file__).parent / "gold" / "dev.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    graph = tmp_path / "graph.ttl"
    graph.write_text(_graph_from_gold(cases), encoding="utf-8")
    o = evaluate(path, graph, ontology=None).overall
    for metric in ("findings", "procedures", "complications", "levels"):
        assert o.prf[metric].f1 == 1.0, (metric, o.prf[metric])
    for metric in ("assertion", "absent_recall", "laterality", "age", "sex"):
        assert o.acc[metric].value == 1.0, metric


def test_json_items_list_matched_false_positive_and_missed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--items``: per case, which items matched, which graph items are extra, which
    gold items were missed; without it the JSON has no item lists."""
    from kg.eval import main

    graph = SEED_LIKE.replace("kg:hasFinding <c1/finding/1> , <c1/finding/2> , <c1/finding/3>",
                              "kg:hasFinding <c1/finding/1> , <c1/finding/2> , <c1/finding/4>")
    graph += "<c1/finding/4> a kg:BackPain ; kg:assertion kg:Present .\n"
    gold, path = _files(tmp_path, graph, _gold_case())
    main(gold, [], graph=path, as_json=True, items=True)
    lists = json.loads(capsys.readouterr().out)["cases"][0]["items"]["findings"]
    assert [m["gold"]["label"] for m in lists["matched"]] == ["compression fracture",
                                                              "cement leak"]
    assert [f["labels"] for f in lists["false_positive"]] == [["back pain"]]
    assert [m["label"] for m in lists["missed"]] == ["sciatica"]
    main(gold, [], graph=path, as_json=True)
    assert "items" not in json.loads(capsys.readouterr().out)["cases"][0]
