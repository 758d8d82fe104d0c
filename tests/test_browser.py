"""The web edition in a real browser: Debian's chromium driven by selenium (chromium-driver).

Skipped, saying so, where chromium or chromedriver is absent (``.ci/run`` installs them). One
browser session for the module; the site is the session's (``site_server`` in conftest.py).
"""

from __future__ import annotations

import json
import shutil
import tempfile

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="the browser tests need Debian's chromium and chromium-driver "
           "(apt-get install chromium chromium-driver; .ci/run installs them)")

PAGES = {  # every kind of page
    "home": "/", "index": "/id/", "kind": "/id/person/", "person": "/id/person/julian-c-smith/",
    "unit": "/id/unit/betio-garrison/", "event": "/id/event/battle-of-tarawa/",
    "statement": "/id/statement/betio-garrison-commander-tomonari-article/", "place": "/id/place/betio/",
    "ship": "/id/ship/uss-liscome-bay-cve-56/", "sources": "/id/source/",
    "source": "/id/source/tarawa-article-fr/", "fact-check": "/fact-check/", "timeline": "/timeline/",
    "map": "/map/", "order-of-battle": "/order-of-battle/", "disputed": "/disputed/",
    "ontology": "/ontology/", "ontology-fr": "/ontology/fr/", "shapes": "/shapes/", "query": "/query/",
    "results": "/run?name=events-at-place&place=place%3Abetio",
}


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="tarawa-kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1200,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """The URLs the browser requested since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_error_or_outside_request(browser, site_server, name):
    browser.get_log("browser")
    requested_urls(browser)
    browser.get(site_server + PAGES[name])
    assert browser.find_element(By.TAG_NAME, "h1").text.strip()
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    # the browser's own pages (chrome://, data:, about:) are not the network
    outside = [u for u in requested_urls(browser)
               if u.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp") and not u.startswith(site_server + "/")]
    assert outside == []


def test_timeline_draws_and_filters(browser, site_server):
    browser.get(site_server + "/timeline/")
    items = browser.find_elements(By.CSS_SELECTOR, "#timeline > li")
    assert len(items) > 20 and all(i.is_displayed() for i in items)
    assert browser.find_element(By.ID, "timeline-filters").is_displayed()  # JavaScript shows the filters
    Select(browser.find_element(By.ID, "filter-place")).select_by_value("betio")
    shown = [i for i in items if i.is_displayed()]
    assert 0 < len(shown) < len(items)
    assert all("betio" in i.get_attribute("data-places").split() for i in shown)
    assert "Betio landing" in " ".join(i.text for i in shown) or "D-Day" in " ".join(i.text for i in shown)
    Select(browser.find_element(By.ID, "filter-side")).select_by_value("japan")
    assert all("japan" in i.get_attribute("data-sides").split() for i in items if i.is_displayed())


def test_map_draws_points_that_link_to_pages(browser, site_server):
    browser.get(site_server + "/map/")
    circles = browser.find_elements(By.CSS_SELECTOR, "#map-world circle")
    places = browser.find_elements(By.CSS_SELECTOR, "main > table tbody tr")  # one per place with a point
    assert len(circles) == len(places) > 10
    assert all(c.rect["width"] > 0 and c.is_displayed() for c in circles)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map-gilberts circle")) >= 5
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
                           browser.find_element(By.CSS_SELECTOR, '#map-gilberts a[href$="/id/place/betio/"]'))
    assert browser.current_url == site_server + "/id/place/betio/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Betio"


def test_keyboard_reaches_skip_link_then_navigation(browser, site_server):
    browser.get(site_server + "/id/person/julian-c-smith/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to content" and active.is_displayed()
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    active.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Tarawa KG"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    index = browser.switch_to.active_element
    assert index.text == "Index"
    index.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("/id/")


def test_content_works_without_javascript(browser, site_server):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(site_server + "/timeline/")
        assert not browser.find_element(By.ID, "timeline-filters").is_displayed()
        items = browser.find_elements(By.CSS_SELECTOR, "#timeline > li")
        assert len(items) > 20 and all(i.is_displayed() for i in items)  # a plain list
        browser.get(site_server + "/map/")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#map-world circle")) > 10
        browser.get(site_server + "/query/")
        browser.find_element(By.ID, "free-query").submit()
        assert "rows" in browser.find_element(By.TAG_NAME, "main").text
        assert browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
