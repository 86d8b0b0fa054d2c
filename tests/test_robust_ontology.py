"""A malformed plug-in ontology is a clear one-line error naming the file (and the line)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import SEED

from kg.cli import cli
from kg.errors import OntologyError
from kg.obo import parse_obo
from kg.ontology import load_ontology

BAD = {
    "bad.ttl": ('@prefix kg: <https://w3id.org/casekg/onto#> .\nkg:A a kg:B ;\n  kg:c "open .\n',
                r"bad\.ttl:3: Parser error .*line 3 column 8"),
    "bad.owl": ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<oops",
                r"bad\.owl: syntax error"),
    "bad.obo": ("[Term]\nid: EX:1\nname without colon\n", r"bad\.obo:3: expected 'tag: value'"),
    "iri.obo": ("[Term]\nid: EX:a<b>\nname: x\n", r"iri\.obo:2: not an OBO id"),
    "turtle.obo": ("@prefix kg: <https://w3id.org/casekg/onto#> .\nkg:A a kg:B .\n",
                   r"turtle\.obo: no \[Term\] stanza"),
    "binary.obo": (b"[Term]\nid: EX:1\nname: \xff\xfe\n", r"binary\.obo:3: not UTF-8"),
    "order.obo": ("[Term]\nname: x\nid: EX:1\n", r"order\.obo:2: 'name' before the term's 'id'"),
}


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """A fresh ontology cache: a file once cached would not be parsed (or fail) again."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))


def write(tmp_path, name: str):
    data, _ = BAD[name]
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_ontology_names_file_and_line(tmp_path, name):
    path = write(tmp_path, name)
    with pytest.raises(OntologyError, match=BAD[name][1]) as exc:
        load_ontology(extra=[path])
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("name", ["bad.ttl", "bad.obo", "turtle.obo"])
def test_build_with_a_malformed_ontology_exits_2_in_one_line(tmp_path, name):
    path = write(tmp_path, name)
    result = CliRunner().invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "g.ttl"),
                                      "--ontology", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"kg: error: {path}")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "g.ttl").exists()


def test_obo_ids_with_iri_characters_are_refused(tmp_path):
    path = tmp_path / "x.obo"
    path.write_text('[Term]\nid: EX:1 2\nname: x\n', encoding="utf-8")
    with pytest.raises(OntologyError, match=r"x\.obo:2"):
        list(parse_obo(path))


def test_ontology_without_classes_loads_with_a_warning(tmp_path, caplog):
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    load_ontology(extra=[path])
    assert "no classes found" in caplog.text


def _chain_obo(path, depth: int):
    lines = ["format-version: 1.2", "", "[Term]", "id: CH:0", "name: chain root"]
    for i in range(1, depth):
        lines += ["", "[Term]", f"id: CH:{i}", f"name: chain term {i}", f"is_a: CH:{i - 1}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_hostile_deep_hierarchy_is_refused_in_one_line(tmp_path):
    chain = _chain_obo(tmp_path / "chain.obo", 1500)
    result = CliRunner().invoke(cli, ["build", str(SEED), "--ontology", str(chain),
                                      "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 2
    assert "chain.obo: its subClassOf hierarchy is 1500 levels deep" in result.output
    assert not (tmp_path / "g.ttl").exists()


def test_a_deep_but_real_hierarchy_loads(tmp_path):
    onto = load_ontology(extra=[_chain_obo(tmp_path / "chain.obo", 200)])
    assert onto.get("http://purl.obolibrary.org/obo/CH_199") is not None


def test_a_damaged_ontology_cache_is_rebuilt(tmp_path):
    extra = _chain_obo(tmp_path / "small.obo", 3)
    load_ontology(extra=[extra])
    from kg.ontology import _load

    _load.cache_clear()
    caches = list((tmp_path / "cache").glob("ontology-*.pickle"))
    assert len(caches) == 1
    caches[0].write_bytes(b"\x80\x09garbage")  # an unsupported pickle protocol
    onto = load_ontology(extra=[extra])
    assert onto.get("http://purl.obolibrary.org/obo/CH_2") is not None
