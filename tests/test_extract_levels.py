"""Vertebral levels: one pattern per test, on sentences written for the tests."""

import pytest

from kg.extract.levels import find_levels, neighbour, resolve_anaphora


def codes(text: str) -> list[tuple[str, ...]]:
    return [m.codes for m in find_levels(text) if m.anaphora is None]


@pytest.mark.parametrize("text, expected", [
    ("a fracture of L5", [("L5",)]),
    ("disc bulge at L4-5", [("L4-L5",)]),
    ("disc bulge at L4/5", [("L4-L5",)]),
    ("disc bulge at L4-L5", [("L4-L5",)]),
    ("disc bulge at L4–L5", [("L4-L5",)]),
    ("herniation at L5-S1", [("L5-S1",)]),
    ("at the L3 level", [("L3",)]),
    ("S1 nerve root compression", [("S1",)]),
    ("wedging of T-7", [("T7",)]),
])
def test_single_levels_and_discs(text, expected):
    assert codes(text) == expected


def test_non_adjacent_pair_is_a_range():
    assert codes("edema from T12–L2") == [("T12", "L1", "L2")]


def test_through_is_a_range():
    assert codes("fusion T12 through L2") == [("T12", "L1", "L2")]


def test_coordinated_discs_are_two_mentions():
    assert codes("stenosis at C5-6 and C6-7") == [("C5-C6",), ("C6-C7",)]


def test_coordinated_vertebrae_are_separate_mentions():
    assert codes("lesions of T10, T11, and T12") == [("T10",), ("T11",), ("T12",)]


@pytest.mark.parametrize("text, expected", [
    ("a fracture of the atlas", [("C1",)]),
    ("a dens fracture", [("C2",)]),
    ("fracture of the C1 ring", [("C1",)]),
    ("the first sacral segment", [("S1",)]),
])
def test_named_vertebrae(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "bright on T1-weighted images",
    "a T2 hyperintense lesion",
    "sagittal T2 images",
    "hyperintense on T1 and T2.",
    "STIR sequences",
    "normal S1 and S2 heart sounds",
    "minimises the L1 norm",
    "a T2N0M0 tumour",
    "free T4 was low",
])
def test_not_levels(text):
    assert codes(text) == []


def test_t2_as_a_level_after_the():
    assert codes("at the T2 level") == [("T2",)]


def test_this_level_resolves_to_the_last_level():
    mention = [m for m in find_levels("at this level") if m.anaphora is not None][0]
    assert resolve_anaphora(mention, ("L5",)) == ("L5",)


def test_the_level_above():
    mention = [m for m in find_levels("the level above") if m.anaphora is not None][0]
    assert resolve_anaphora(mention, ("L5",)) == ("L4",)


def test_neighbour_crosses_regions():
    assert neighbour("T12", 1) == "L1"


def test_th_prefix_is_thoracic():
    from kg.extract.levels import find_levels

    assert [m.codes for m in find_levels("cord oedema from C7 to Th2")] == [("C7", "T1", "T2")]
    assert [m.codes for m in find_levels("Th12 wedge fracture")] == [("T12",)]
