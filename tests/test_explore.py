"""Tests of the offline explorer (kg/explore.py), in Python and in a real headless browser.

The browser tests drive Debian's chromium through its matching chromedriver with
Selenium; they are skipped only when chromium, chromedriver or selenium is missing
(``make browser`` installs the first two).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile

import pytest

rdflib = pytest.importorskip("rdflib")

from kg.errors import InputError  # noqa: E402
from kg.explore import explorer_data, render_explorer, segments, write_explorer  # noqa: E402

C = "https://w3id.org/casekg/case/"
TEXT_A = ("Back pain after kyphoplasty at L5. CT: cement leakage into the left pedicle of L5. "
          "No neurological deficit. Note: </script><script>window.pwned = 1</script> & <b>.")
TEXT_B = "MRI: small epidural hematoma at L4, no cord compression."


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _mention(case: str, n: int, text: str, phrase: str) -> str:
    s, e = _span(text, phrase)
    return (f'<{C}{case}/mention/{n}> a kg:Mention ; oa:exact "{phrase}" ; '
            f'oa:start {s} ; oa:end {e} ; kg:section "Findings" .\n')


def _turtle() -> str:
    a, b = f"<{C}a", f"<{C}b"
    lit_a = TEXT_A.replace('"', '\\"')
    return (
        "@prefix kg: <https://w3id.org/casekg/onto#> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f'{a}> a kg:Case ; dcterms:identifier "a" ; dcterms:title "Leak after kyphoplasty" ;\n'
        f'  kg:text "{lit_a}" ; kg:patientAge 70 ; kg:patientSex kg:Female ;\n'
        f"  kg:hasProcedure {a}/procedure/1> ;\n"
        f"  kg:hasFinding {a}/finding/1>, {a}/finding/2>, {a}/finding/3> .\n"
        f"{a}/procedure/1> a kg:Kyphoplasty ; kg:sequence 1 ; kg:site kg:L5Vertebra ;\n"
        f"  kg:evidence {a}/mention/2> .\n"
        f"{a}/finding/1> a kg:BackPain ; kg:assertion kg:Present ; kg:evidence {a}/mention/1> ;\n"
        f"  kg:observedBefore {a}/procedure/1> .\n"
        f"{a}/finding/2> a kg:PedicleCementLeakage ; kg:assertion kg:Present ;\n"
        f"  kg:site kg:L5Pedicle ; kg:laterality kg:Left ; kg:complicationOf {a}/procedure/1> ;\n"
        f"  kg:evidence {a}/mention/3> .\n"
        f"{a}/finding/3> a kg:NeurologicalDeficit ; kg:assertion kg:Absent ;\n"
        f"  kg:evidence {a}/mention/4> .\n"
        + _mention("a", 1, TEXT_A, "Back pain")
        + _mention("a", 2, TEXT_A, "kyphoplasty")
        + _mention("a", 3, TEXT_A, "cement leakage into the left pedicle of L5")
        + _mention("a", 4, TEXT_A, "neurological deficit")
        + f'{b}> a kg:Case ; dcterms:identifier "b" ; dcterms:title "Epidural collection" ;\n'
        f'  kg:text "{TEXT_B}" ; kg:hasFinding {b}/finding/1> .\n'
        f"{b}/finding/1> a kg:EpiduralHematoma ; kg:assertion kg:Present ;\n"
        f"  kg:site kg:L4Vertebra ; kg:evidence {b}/mention/1> .\n"
        + _mention("b", 1, TEXT_B, "epidural hematoma")
    )


@pytest.fixture(scope="module")
def graph():
    return rdflib.Graph().parse(data=_turtle(), format="turtle")


@pytest.fixture(scope="module")
def page(graph, tmp_path_factory):
    return write_explorer(graph, tmp_path_factory.mktemp("explorer") / "explorer.html")


def _embedded(html_text: str) -> dict:
    body = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html_text,
                     re.DOTALL)
    assert body is not None
    return json.loads(body.group(1))


# ---------------------------------------------------------------- without a browser


def test_script_in_case_text_cannot_close_the_data_element(page):
    text = page.read_text(encoding="utf-8")
    assert text.count("</script>") == 2  # the data element's and the code's, nothing else
    assert "window.pwned" not in text.split('id="kg-data">')[0]
    data = _embedded(text)
    case_a = next(c for c in data["cases"] if c["id"] == "a")
    assert "".join(s for s, _ in case_a["segments"]) == TEXT_A  # the text survives intact


def test_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', text)
    assert "@import" not in text and "fetch(" not in text


def test_segments_cut_at_mention_offsets():
    from kg.explore import Mention

    ms = [Mention("m1", "bc", 1, 3, None), Mention("m2", "cd", 2, 4, None)]
    assert segments("abcde", ms) == [("a", []), ("b", [0]), ("c", [0, 1]), ("d", [1]),
                                     ("e", [])]


def test_nodes_carry_their_properties(graph):
    case_a = next(c for c in explorer_data(graph)["cases"] if c["id"] == "a")
    leak = next(n for n in case_a["nodes"] if n["id"].endswith("finding/2"))
    assert leak["kind"] == "complication" and leak["laterality"] == "left"
    assert leak["cls"] == "kg:PedicleCementLeakage" and leak["sites"] == ["L5 pedicle"]
    absent = next(n for n in case_a["nodes"] if n["id"].endswith("finding/3"))
    assert absent["kind"] == "absent"
    assert {"s": leak["id"], "t": C + "a/procedure/1", "rel": "complicationOf"} in case_a["edges"]


def test_title_is_escaped(graph):
    assert "<title>a &lt;b&gt; &amp; c</title>" in render_explorer(explorer_data(graph),
                                                                    "a <b> & c")


def test_bad_suffix_and_empty_graph_raise(graph, tmp_path):
    with pytest.raises(InputError, match="html"):
        write_explorer(graph, tmp_path / "x.png")
    with pytest.raises(InputError, match="no kg:Case"):
        write_explorer(rdflib.Graph(), tmp_path / "x.html")


# ---------------------------------------------------------------- in chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--window-size=1400,1000")


@pytest.fixture(scope="module")
def browser(page):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium or chromedriver is not installed (run `make browser`)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(page.as_uri())
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_browser_search_filters_the_case_list(browser):
    assert browser.execute_script("return window.pwned === undefined")
    assert len(_css(browser, "#cases li")) == 2
    box = _css(browser, "#search")[0]
    box.send_keys("hematoma")  # a concept label of case b only
    assert [li.get_attribute("data-case") for li in _css(browser, "#cases li")] == ["b"]
    box.clear()
    box.send_keys("kyphoplasty")
    assert [li.get_attribute("data-case") for li in _css(browser, "#cases li")] == ["a"]


def test_browser_click_case_then_node_shows_properties(browser):
    _css(browser, '#cases li[data-case="a"]')[0].click()
    assert "Leak after kyphoplasty" in _css(browser, "#case-title")[0].text
    leak = C + "a/finding/2"
    _css(browser, f'#graph .node[data-node="{leak}"]')[0].click()
    assert _css(browser, "#props-label")[0].text == "pedicle cement leakage"
    props = {d.get_attribute("data-prop"): d.text for d in _css(browser, "#props dd")}
    assert props["laterality"] == "left" and props["class"] == "kg:PedicleCementLeakage"
    assert "complicationOf → kyphoplasty" in props["relations"]
    assert props["sites"] == "L5 pedicle"
    active = _css(browser, "#text mark.active")
    assert [m.text for m in active] == ["cement leakage into the left pedicle of L5"]


def test_browser_highlight_equals_the_mention_and_links_back(browser):
    _css(browser, '#cases li[data-case="a"]')[0].click()
    mark = next(m for m in _css(browser, "#text mark")
                if m.get_attribute("data-mentions") == C + "a/mention/4")
    assert mark.text == "neurological deficit"  # oa:exact of mention 4
    mark.click()
    selected = _css(browser, "#graph .node.selected")
    assert [g.get_attribute("data-node") for g in selected] == [C + "a/finding/3"]
    assert _css(browser, "#props-label")[0].text == "neurological deficit"
    text = _css(browser, "#text")[0].text
    assert "</script><script>window.pwned = 1</script> & <b>." in text
