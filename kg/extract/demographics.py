"""Patient age and sex from the text: "76 y.o. woman", "22yo M", "60 y/o WM",
"a 24-year-old healthy woman", "Patient is a 45 yo male", "71M s/p fall"."""

from __future__ import annotations

import re

from kg.extract.rules import LowerScan, finditer_words, register_first_words
from kg.model import Sex

# (the first digit comes before the look-behind, which checks the character before it:
# the same matches, and the regex engine skips ahead to digits: speed)
_AGE = re.compile(
    r"(?P<age>\d(?<![\w.]\d)\d{0,2})\s*[- ]?\s*(?:y\.?\s?o\.?|y/o|yo|yrs?\.?|years?)(?:[\s-]*old)?"
    r"(?P<tail>(?:[\s,]+(?:healthy|previously|otherwise|white|black|asian|hispanic|caucasian|"
    r"african[\s-]american|obese|elderly|active|pregnant|postmenopausal|g\d+p\d+|[a-z]+-handed),?)*"
    r"[\s,]+(?P<sex>[A-Za-z]+))?",
    re.IGNORECASE,
)
# the compact form of a history line: "71M s/p fall", "History: 64F with back pain", "a
# 58 M presented" (a capital M or F right after the age, at the start of a sentence or
# after "a"/"patient"; a clinical word after it, so a "7F sheath" is not a patient)
_COMPACT = re.compile(
    r"(?:^|[.:;]\s*|\b(?i:an?|is|pt\.?|patient)\s+)(?P<age>\d{1,3})\s?(?P<sex>[MF])\b"
    r"(?=\s*,|\s+(?i:with|w/|s/p|status|presents?|presented|presenting|who|c/o|complains?|"
    r"complaining|has|had|h/o|hx|pmh|history|admitted|brought|here|was|is|referred|"
    r"underwent|after|following|now)\b)",
    re.MULTILINE,
)
_COMPACT_GATE = re.compile(r"\d\s?[MF]\b")  # what every compact form holds
_SEX_WORDS = {
    "woman": Sex.FEMALE, "female": Sex.FEMALE, "lady": Sex.FEMALE, "girl": Sex.FEMALE,
    "f": Sex.FEMALE, "wf": Sex.FEMALE, "bf": Sex.FEMALE, "hf": Sex.FEMALE, "af": Sex.FEMALE,
    "man": Sex.MALE, "male": Sex.MALE, "gentleman": Sex.MALE, "boy": Sex.MALE,
    "m": Sex.MALE, "wm": Sex.MALE, "bm": Sex.MALE, "hm": Sex.MALE, "am": Sex.MALE,
}
# case-insensitive; a LowerScan scans the lower-cased text (speed, the same matches)
_GENDERED_WORDS = frozenset(
    ("woman", "female", "lady", "girl", "man", "male", "gentleman", "boy", "she", "her", "he",
     "his", "him"))
_GENDERED = LowerScan(r"\b(" + "|".join(sorted(_GENDERED_WORDS)) + r")\b", "demographics.py")
register_first_words(_GENDERED_WORDS)  # speed: found by the first-word index (word_starts)
# "female predilection", "male predominance", "F>M", "male-to-female ratio": about a
# population, not this patient
_POPULATION = re.compile(r"\s*(?:predilection|predominan|preponderan|preference|ratio|>|:|"
                         r"-?to-?\s*(?:fe)?male)", re.IGNORECASE)
_PRONOUN_SEX = {"she": Sex.FEMALE, "her": Sex.FEMALE, "he": Sex.MALE, "his": Sex.MALE,
                "him": Sex.MALE}


def find_age_sex(text: str) -> tuple[int | None, Sex | None]:
    """The first stated age in years and the patient's sex (words first, then pronouns)."""
    age: int | None = None
    sex: Sex | None = None
    for m in _AGE.finditer(text):
        value = int(m["age"])
        word = (m["sex"] or "").lower()
        unit = m.group()[len(m["age"]):].lower()
        stated = "old" in unit or "o" in unit.split("y", 1)[-1][:3] or word in _SEX_WORDS
        if not 0 < value < 120 or not stated:
            continue
        age = value
        if word in _SEX_WORDS and (len(word) > 2 or m["sex"].isupper()):
            sex = _SEX_WORDS[word]
        break
    if age is None and _COMPACT_GATE.search(text):  # speed: the gate's scan is cheaper
        compact = _COMPACT.search(text)
        if compact is not None and 0 < int(compact["age"]) < 120:
            age = int(compact["age"])
            sex = Sex.MALE if compact["sex"] == "M" else Sex.FEMALE
    if sex is None:
        sex = _sex_from_words(text)
    return age, sex


def _sex_from_words(text: str) -> Sex | None:
    counts = {Sex.FEMALE: 0, Sex.MALE: 0}
    found = finditer_words(_GENDERED, text, _GENDERED_WORDS)
    for m in _GENDERED.finditer(text) if found is None else found:
        if _POPULATION.match(text, m.end()):
            continue
        w = m.group().lower()
        s = _SEX_WORDS.get(w) or _PRONOUN_SEX.get(w)
        if s:
            counts[s] += 3 if w in _SEX_WORDS else 1
    if counts[Sex.FEMALE] == counts[Sex.MALE]:
        return None
    return max(counts, key=counts.__getitem__)
