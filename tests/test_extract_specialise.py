"""A finding class specialised by the part it is stated at (kg/extract/specialise.py),
on short texts written for each test (shipped ontology): the part picks a subclass only
when one subclass alone implies it; a qualifier the text does not say is not guessed."""

from __future__ import annotations

from conftest import extract_text as run
from extract_helpers import classes


def test_fracture_of_a_vertebral_body_is_a_vertebral_fracture_not_an_osteoporotic_one():
    x = run("CT: fracture of the L1 vertebral body with posterior displacement.")
    assert classes(x) == ["VertebralFracture"]


def test_a_named_qualifier_is_kept() -> None:
    assert classes(run("L5 osteoporotic compression fracture.")) == [
        "OsteoporoticCompressionFracture"]


def test_a_part_of_a_lobe_specialises_through_partonomy() -> None:
    assert classes(run("A nodule in the right lower lobe.")) == ["PulmonaryNodule"]


def test_leakage_at_a_pedicle_is_pedicle_cement_leakage() -> None:
    assert classes(run("Cement leakage into the left pedicle at L3.")) == [
        "PedicleCementLeakage"]


def test_volume_loss_in_the_brain_is_not_atelectasis() -> None:
    x = run("Increased signal throughout the corona radiata with volume loss of the frontal lobe.")
    assert "Atelectasis" not in classes(x)


def test_volume_loss_in_a_lung_is_atelectasis() -> None:
    assert "Atelectasis" in classes(run("Volume loss in the left lung."))


def test_dissection_of_a_named_artery_is_that_artery_s_dissection() -> None:
    """Vertebral and carotid artery dissection imply their artery (impliedSite), so a
    dissection stated at it takes the specific class."""
    assert classes(run("Angiography showed dissection of the right vertebral artery.")) == [
        "VertebralArteryDissection"]
    assert classes(run("CT angiography showed dissection of the left common carotid artery.")) == [
        "CarotidArteryDissection"]
