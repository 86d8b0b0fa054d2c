"""The patient's age and sex, on a short text written for each test: read from the case
text, and not from population statements such as a sex ratio or predilection."""

from __future__ import annotations

from conftest import extract_text as run

from kg.model import Sex


def test_age_and_sex():
    x = run("22yo M with back pain.")
    assert (x.age, x.sex) == (22, Sex.MALE)


def test_population_statements_do_not_give_the_patients_sex():
    from kg.extract.demographics import find_age_sex
    from kg.model import Sex

    assert find_age_sex("Peak in childhood, slight female predilection (F>M).")[1] is None
    assert find_age_sex("A male-to-female ratio of 2:1. She had a mass.")[1] is Sex.FEMALE
    assert find_age_sex("The woman was seen on Monday.")[1] is Sex.FEMALE


def test_compact_age_and_sex_of_a_history_line():
    assert (lambda x: (x.age, x.sex))(run("71M s/p L2 kyphoplasty.")) == (71, Sex.MALE)
    assert (lambda x: (x.age, x.sex))(run("History: 64 F with back pain.")) == (64, Sex.FEMALE)


def test_a_catheter_size_is_not_an_age():
    x = run("A 7F sheath was placed, then a 5F catheter.")
    assert x.age is None
