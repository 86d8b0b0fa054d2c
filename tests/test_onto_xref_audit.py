"""Audit of the ontology's cross-references (issue #3: a wrong identifier is worse than none).

Three checks over the compiled source tables (``kg.ontogen.build_classes``: the hand-curated
rows plus the generated classes with ``level-xrefs.tsv``):

(a) every xref has its coding system's id syntax; a SNOMED CT id also has a valid Verhoeff
    check digit and the partition identifier of a concept (``00`` or ``10``);
(b) no identifier sits on two classes;
(c) no class shares an identifier with one of its ancestors or descendants (``rdfs:subClassOf``
    or ``kg:partOf``).

A pair that is right to share an id is listed, with its reason, in
``ontologies/tools/shared-xrefs.tsv`` (columns ``xref``, ``classes`` = two ids joined by ``|``,
``why``); a listed pair that no longer shares the id fails too, so the list stays honest.
The checks are plain functions, tested first on tiny hand-made classes, then on the real tables.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from kg import ontogen
from kg.ontogen import OntoClass

TOOLS = Path(__file__).resolve().parent.parent / "ontologies" / "tools"
ALLOW_LIST = TOOLS / "shared-xrefs.tsv"
REJECTED = TOOLS / "rejected-xrefs.tsv"

# id syntax of each coding system (the local part after "PREFIX:")
XREF_SYNTAX: dict[str, re.Pattern[str]] = {
    "UMLS": re.compile(r"C\d{7}"),
    "SNOMEDCT": re.compile(r"[1-9]\d{5,17}"),
    "RADLEX": re.compile(r"RID\d+"),
    "FMA": re.compile(r"[1-9]\d*"),
    "UBERON": re.compile(r"\d{7}"),
    "HP": re.compile(r"\d{7}"),
    "MONDO": re.compile(r"\d{7}"),
    "MAXO": re.compile(r"\d{7}"),
    "DOID": re.compile(r"\d+"),
    "NCIT": re.compile(r"C\d+"),
    "MESH": re.compile(r"[DC]\d{6,9}"),
}
# SNOMED CT partition identifiers of a concept id: short (00) and long, extension (10) format
CONCEPT_PARTITIONS = frozenset({"00", "10"})


# ------------------------------------------------------------------ Verhoeff (dihedral group D5)

def _d5(j: int, k: int) -> int:
    """Product j*k in the dihedral group D5: 0-4 rotations, 5-9 reflections."""
    if j < 5:
        return (j + k) % 5 if k < 5 else 5 + (j + k) % 5
    return 5 + (j - k) % 5 if k < 5 else (j - k) % 5


VERHOEFF_D = tuple(tuple(_d5(j, k) for k in range(10)) for j in range(10))
# the permutation table: row 1 is Verhoeff's permutation, row i its i-th power
_P1 = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)
VERHOEFF_P: tuple[tuple[int, ...], ...] = (tuple(range(10)),)
for _ in range(7):
    VERHOEFF_P += (tuple(_P1[x] for x in VERHOEFF_P[-1]),)
VERHOEFF_INV = tuple(next(k for k in range(10) if VERHOEFF_D[j][k] == 0) for j in range(10))


def _verhoeff_state(digits: str, offset: int) -> int:
    """The check accumulator over ``digits`` read right to left, positions counted from offset."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = VERHOEFF_D[c][VERHOEFF_P[(i + offset) % 8][int(ch)]]
    return c


def verhoeff_valid(number: str) -> bool:
    """True if the last digit of ``number`` is its Verhoeff check digit."""
    return number.isdigit() and _verhoeff_state(number, 0) == 0


def verhoeff_check_digit(payload: str) -> str:
    """The Verhoeff check digit to append to ``payload``."""
    return str(VERHOEFF_INV[_verhoeff_state(payload, 1)])


# ------------------------------------------------------------------ the three checks

def xref_problem(xref: str) -> str | None:
    """Why ``xref`` is malformed, or None if it is well formed."""
    system, sep, local = xref.partition(":")
    pattern = XREF_SYNTAX.get(system)
    if not sep or pattern is None:
        return "unknown coding system"
    if not pattern.fullmatch(local):
        return f"not {system} id syntax"
    if system == "SNOMEDCT":
        if not verhoeff_valid(local):
            return "bad Verhoeff check digit"
        if local[-3:-1] not in CONCEPT_PARTITIONS:
            return f"partition {local[-3:-1]} is not a concept's"
    return None


def malformed(classes: dict[str, OntoClass]) -> list[tuple[str, str, str]]:
    """(class, xref, why) for every malformed xref."""
    return [(cid, x, why) for cid, c in sorted(classes.items()) for x in c.xrefs
            if (why := xref_problem(x)) is not None]


def read_allowed(path: Path = ALLOW_LIST) -> dict[tuple[str, frozenset[str]], str]:
    """(xref, {class a, class b}) -> reason, from the allow list; checked on load."""
    out: dict[tuple[str, frozenset[str]], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            pair = frozenset(row["classes"].split("|"))
            if len(pair) != 2 or not row["why"].strip() or xref_problem(row["xref"]):
                raise ValueError(f"{path.name}:{n}: need a well-formed xref, two classes, a reason")
            out[(row["xref"], pair)] = row["why"]
    return out


def shared_ids(classes: dict[str, OntoClass]) -> dict[tuple[str, frozenset[str]], str]:
    """(xref, {a, b}) -> "shared" for every pair of classes carrying the same xref."""
    owners: dict[str, list[str]] = defaultdict(list)
    for cid, c in sorted(classes.items()):
        for x in sorted(set(c.xrefs)):
            owners[x].append(cid)
    return {(x, frozenset((a, b))): "shared"
            for x, ids in owners.items() for i, a in enumerate(ids) for b in ids[i + 1:]}


def lineage(cid: str, classes: dict[str, OntoClass]) -> set[str]:
    """Every class reachable from ``cid`` by subClassOf and partOf (not itself)."""
    seen: set[str] = set()
    stack = [*classes[cid].parents, *classes[cid].part_of]
    while stack:
        up = stack.pop()
        if up not in seen and up in classes:
            seen.add(up)
            stack += [*classes[up].parents, *classes[up].part_of]
    return seen


def lineage_clashes(classes: dict[str, OntoClass]) -> dict[tuple[str, frozenset[str]], str]:
    """(xref, {class, ancestor}) -> "lineage" where a class shares an xref with an ancestor."""
    out = {}
    for cid, c in classes.items():
        mine = set(c.xrefs)
        for up in lineage(cid, classes):
            for x in mine & set(classes[up].xrefs):
                out[(x, frozenset((cid, up)))] = "lineage"
    return out


def read_rejected(path: Path = REJECTED) -> set[tuple[str, str]]:
    """(class, xref or term id) pairs a review rejected."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["id"], r["xref"]) for r in csv.DictReader(fh, delimiter="\t")}


# ------------------------------------------------------------------ the checks on tiny classes

def _c(cid: str, xrefs: list[str], parents: tuple[str, ...] = ("Finding",),
       part_of: tuple[str, ...] = ()) -> OntoClass:
    return OntoClass(cid, cid.lower(), parents=list(parents), xrefs=xrefs, part_of=list(part_of))


@pytest.mark.parametrize("number", ["49668003", "181845008", "138875005", "404684003",
                                    "22298006", "731000124108", "2363", "123451"])
def test_verhoeff_accepts_published_valid_numbers(number):
    # SNOMED CT ids from verified-xrefs.tsv, the root and clinical finding concepts, the US
    # extension's module id, and the two worked examples of the Verhoeff scheme (236 -> 3,
    # 12345 -> 1)
    assert verhoeff_valid(number)


@pytest.mark.parametrize("number", ["49668004", "181845080", "12345", "2364", "183875005"])
def test_verhoeff_refuses_a_changed_digit_or_swapped_neighbours(number):
    assert not verhoeff_valid(number)


@pytest.mark.parametrize("payload", ["4966800", "18184500", "1234", "23"])
def test_check_digit_is_the_one_that_validates(payload):
    assert verhoeff_valid(payload + verhoeff_check_digit(payload))


def test_snomed_id_with_a_description_partition_is_refused():
    description_like = "4966801" + verhoeff_check_digit("4966801")  # partition 01
    assert verhoeff_valid(description_like)
    assert xref_problem(f"SNOMEDCT:{description_like}") == "partition 01 is not a concept's"
    assert xref_problem("SNOMEDCT:49668003") is None


@pytest.mark.parametrize("xref", ["UMLS:C0018801", "RADLEX:RID9080", "FMA:13076",
                                  "UBERON:0004621", "HP:0001635", "MONDO:0005252",
                                  "MAXO:0000137", "DOID:0060903", "NCIT:C3319",
                                  "MESH:D013927", "MESH:C000657245"])
def test_well_formed_ids_pass(xref):
    assert xref_problem(xref) is None


@pytest.mark.parametrize("xref", ["UMLS:C001880", "UMLS:0018801", "RADLEX:9080", "FMA:FMA13076",
                                  "UBERON:4621", "HP:00016350", "MONDO:5252", "NCIT:3319",
                                  "MESH:Q013927", "SNOMED:49668003", "HP0001635"])
def test_malformed_ids_fail(xref):
    assert xref_problem(xref) is not None


def test_an_id_on_two_classes_is_found():
    classes = {"A": _c("A", ["HP:0000001", "UMLS:C0000001"]), "B": _c("B", ["HP:0000001"]),
               "C": _c("C", ["HP:0000002"])}
    assert set(shared_ids(classes)) == {("HP:0000001", frozenset({"A", "B"}))}


def test_an_id_shared_with_a_grandparent_or_a_whole_is_found():
    classes = {"Finding": _c("Finding", [], parents=()),
               "Top": _c("Top", ["HP:0000001"]),
               "Mid": _c("Mid", ["HP:0000002"], parents=("Top",)),
               "Leaf": _c("Leaf", ["HP:0000001"], parents=("Mid",)),
               "Part": _c("Part", ["FMA:5"], part_of=("Whole",)),
               "Whole": _c("Whole", ["FMA:5"]),
               "Aside": _c("Aside", ["HP:0000002"])}
    assert set(lineage_clashes(classes)) == {("HP:0000001", frozenset({"Leaf", "Top"})),
                                             ("FMA:5", frozenset({"Part", "Whole"}))}


def test_allow_list_needs_a_reason(tmp_path):
    path = tmp_path / "shared.tsv"
    path.write_text("xref\tclasses\twhy\nHP:0000001\tA|B\t \n", encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        read_allowed(path)


# ------------------------------------------------------------------ the checks on the tables

@pytest.fixture(scope="module")
def classes() -> dict[str, OntoClass]:
    """The ontology's classes as the compiler builds them from the source tables."""
    return ontogen.build_classes()


@pytest.fixture(scope="module")
def allowed() -> dict[tuple[str, frozenset[str]], str]:
    """The committed allow list."""
    return read_allowed()


def _listed(found: dict[tuple[str, frozenset[str]], str]) -> list[str]:
    return [f"{x} on {' and '.join(sorted(pair))}" for x, pair in sorted(found, key=str)]


def test_every_xref_has_its_systems_syntax(classes):
    assert malformed(classes) == []


def test_no_identifier_on_two_classes_unless_allowed(classes, allowed):
    found = {k: v for k, v in shared_ids(classes).items() if k not in allowed}
    assert _listed(found) == []


def test_no_class_shares_an_identifier_with_its_ancestor_or_descendant(classes, allowed):
    found = {k: v for k, v in lineage_clashes(classes).items() if k not in allowed}
    assert _listed(found) == []


def test_every_allowed_pair_still_shares_its_identifier(classes, allowed):
    present = set(shared_ids(classes))
    assert [k for k in allowed if k not in present] == []


def test_no_class_carries_an_identifier_rejected_for_it(classes):
    rejected = read_rejected()
    carried = [(cid, x) for cid, c in sorted(classes.items()) for x in c.xrefs
               if (cid, x) in rejected]
    assert carried == []
