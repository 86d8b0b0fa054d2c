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
