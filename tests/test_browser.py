"""The pages in a real browser (headless Chromium) with the network blocked.

The static explorer must react to its controls, and the built site must render its maths
and its stored widgets from its own files, over http and from disk (file://), requesting
nothing from any other host. The site is `INFOGAN_LITE_SITE` or `_build/html`
(`python3 dev.py test` builds it first). Needs Chromium, chromedriver and selenium:
`apt-get install chromium chromium-driver` and `pip install selenium` (the test extra).
"""
import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.explorer import static_explorer

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("INFOGAN_LITE_SITE", ROOT / "_build" / "html"))
INSTALL = "apt-get install chromium chromium-driver, and pip install selenium"
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "devtools"}
# No host but this machine answers: names do not resolve and everything else goes to a
# dead proxy (loopback is never proxied).
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 "--proxy-server=127.0.0.1:9", "--disable-quic"]
WAIT = 90  # seconds; the machine may be busy, and the widget bundle is 3.6 MB of JavaScript


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason=f"selenium is missing: {INSTALL}")
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(f"Chromium or chromedriver is missing: {INSTALL}")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1280,2200",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", *OFFLINE_FLAGS]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # An explicit chromedriver keeps selenium from trying to download one.
    chrome = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver))
    chrome.set_page_load_timeout(WAIT)
    chrome.get("about:blank")
    chrome.get_log("performance")  # forget the browser's own start-up requests
    yield chrome
    chrome.quit()


def _wait(browser, script: str, what: str):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(browser, WAIT, poll_frequency=0.5).until(
            lambda b: b.execute_script(script))
    except TimeoutException:
        pytest.fail(f"timed out after {WAIT} s waiting for {what} on {browser.current_url}")


def _requests(browser) -> tuple[list[str], list[str]]:
    """URLs the page requested since the last call, and those that failed to load."""
    urls, failed, ids = [], [], {}
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            ids[params["requestId"]] = params["request"]["url"]
            urls.append(params["request"]["url"])
        elif message["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failed.append(f"{ids.get(params['requestId'], '?')} ({params.get('errorText')})")
        elif (message["method"] == "Network.responseReceived"
              and params["response"]["status"] >= 400
              and urlparse(params["response"]["url"]).path != "/favicon.ico"):  # asked by the browser
            failed.append(f"{params['response']['url']} (HTTP {params['response']['status']})")
    return urls, failed


def _foreign(urls) -> list[str]:
    """URLs that leave this machine."""
    return [u for u in urls if urlparse(u).scheme not in LOCAL_SCHEMES
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


def _screenshot(browser, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("INFOGAN_LITE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(folder / name))
    return folder / name


def _move(browser, explorer, code: str, key) -> None:
    """A user's move: click the range input (it takes focus), then press a key."""
    from selenium.webdriver.common.by import By

    slider = explorer.find_element(By.CSS_SELECTOR, f'input[type="range"][data-code="{code}"]')
    slider.click()
    slider.send_keys(key)


def _image(explorer) -> str:
    from selenium.webdriver.common.by import By

    return explorer.find_element(By.CSS_SELECTOR, "img.infogan-explorer-image").get_attribute("src")


def test_the_vendored_scripts_are_the_pinned_npm_files():
    """book/_static/vendor holds the files of SHA256SUMS, unchanged (tools/vendor_assets.py)."""
    vendor_assets = tool("vendor_assets")
    assert vendor_assets.check() == []
    names = set(vendor_assets.read_sums())
    for needed in ("requirejs-2.3.8/require.js", "html-manager-1.0.15/embed-amd.js",
                   "mathjax-3.2.2/es5/tex-chtml-full.js",
                   "mathjax-3.2.2/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"):
        assert needed in names, needed


# --- the static explorer on a page of its own --------------------------------------------

@pytest.fixture(scope="module")
def explorer_page(tmp_path_factory):
    """Two explorers of a small untrained model on one page, opened from disk."""
    model = InfoGAN(LatentSpec(n_noise=8, categorical=(10,), continuous=2))
    page = tmp_path_factory.mktemp("explorer") / "explorer.html"
    blocks = [static_explorer(model, seeds=(0, 1)).html, static_explorer(model, seeds=(0,)).html]
    page.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                    + "<hr>".join(blocks) + "</body></html>")
    return page


def test_moving_c2_swaps_the_image_of_that_explorer_only(browser, explorer_page, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get_log("performance")
    browser.get(explorer_page.as_uri())
    first, second = browser.find_elements(By.CSS_SELECTOR, "div.infogan-explorer")
    before, other = _image(first), _image(second)
    assert before.startswith("data:image/png;base64,") and other.startswith("data:image/png")
    _screenshot(browser, "explorer-before.png", tmp_path)

    _move(browser, first, "c2", Keys.ARROW_RIGHT)
    after = _image(first)
    _screenshot(browser, "explorer-after.png", tmp_path)
    assert after != before, "moving c2 did not change the image"
    assert _image(second) == other, "moving one explorer changed the other"
    assert first.find_element(By.CSS_SELECTOR, 'output[data-code="c2"]').text == "0.50"

    _move(browser, first, "c3", Keys.ARROW_LEFT)     # c3 moves, c2 returns to the centre
    assert first.find_element(By.CSS_SELECTOR, 'input[data-code="c2"]').get_attribute("value") == "4"
    _move(browser, first, "c1", Keys.ARROW_RIGHT)
    _move(browser, first, "z", Keys.ARROW_RIGHT)
    assert len({before, after, _image(first)}) == 3
    urls, failed = _requests(browser)
    assert not _foreign(urls) and not failed, (_foreign(urls), failed)


# --- the built site --------------------------------------------------------------------

def _site_page(relative: str) -> Path:
    page = SITE / relative
    if not page.exists():
        if os.environ.get("CI") and relative.startswith("notebooks/01"):
            pytest.fail(f"{page} was not built: run python3 dev.py book first")
        pytest.skip(f"{page} is not built (python3 dev.py book, or set INFOGAN_LITE_SITE)")
    return page


@pytest.fixture(scope="module")
def site_server():
    """The built site on a local http server at 127.0.0.1 (a free port)."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _open(browser, page: Path, how: str, site_server) -> None:
    browser.get_log("performance")  # forget the previous page's requests
    browser.get(page.as_uri() if how == "file" else f"{site_server}/{page.relative_to(SITE).as_posix()}")


MATH_DONE = """return document.querySelectorAll('mjx-container').length > 0 &&
    document.querySelectorAll('.math:not(:has(mjx-container))').length === 0"""


@pytest.mark.parametrize("how", ["http", "file"])
def test_chapter_1_typesets_its_maths_and_renders_its_kernel_free_slider_offline(
        browser, how, site_server, tmp_path):
    page = _site_page("notebooks/01_information.html")
    _open(browser, page, how, site_server)
    _wait(browser, MATH_DONE, "MathJax to typeset every formula")
    _wait(browser, "return document.querySelector("
          "'div.infogan-explorer img.infogan-explorer-image[src^=\"data:image/png\"]') !== null",
          "the rho slider's first picture")
    browser.execute_script("document.querySelector('div.infogan-explorer').scrollIntoView();"
                           "window.scrollBy(0, -300)")
    _screenshot(browser, f"chapter1-slider-{how}.png", tmp_path)
    assert browser.execute_script("return document.querySelectorAll('mjx-merror').length") == 0
    urls, failed = _requests(browser)
    assert not _foreign(urls), f"the page asked the network for {_foreign(urls)}"
    assert not failed, f"resources that did not load: {failed}"


def test_every_page_of_the_site_loads_nothing_from_other_hosts(browser, site_server):
    pages = sorted(p for p in SITE.rglob("*.html") if not p.name.startswith("_")
                   and "_static" not in p.parts and p.name not in ("genindex.html", "search.html"))
    if not pages:
        pytest.skip(f"no site at {SITE} (python3 dev.py book, or set INFOGAN_LITE_SITE)")
    foreign = {}
    for page in pages:
        _open(browser, page, "http", site_server)
        if browser.execute_script("return document.querySelector('.math') !== null"):
            _wait(browser, MATH_DONE, "MathJax to typeset every formula")
        urls, failed = _requests(browser)
        if _foreign(urls) or failed:
            foreign[page.relative_to(SITE).as_posix()] = _foreign(urls) + failed
    assert not foreign, f"pages that reached for the network or failed to load a file: {foreign}"


def test_the_mnist_chapter_explorer_reacts_to_c2(browser, site_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page = _site_page("notebooks/07_mnist.html")
    _open(browser, page, "http", site_server)
    _wait(browser, "return document.readyState === 'complete' && "
          "document.querySelector('div.infogan-explorer') !== null",
          "chapter 7's page to load with its static explorer")     # a loaded CPU can lag
    explorers = browser.find_elements(By.CSS_SELECTOR, "div.infogan-explorer")
    assert explorers, "chapter 7 shows no static explorer"
    browser.execute_script("arguments[0].scrollIntoView()", explorers[0])
    before = _image(explorers[0])
    _move(browser, explorers[0], "c2", Keys.ARROW_RIGHT)
    _screenshot(browser, "chapter7-explorer-after.png", tmp_path)
    assert _image(explorers[0]) != before


# --- no dead controls: every slider on every page changes a picture -----------------------

SLIDERS = """return Array.from(document.querySelectorAll(
    'input[type="range"], .widget-slider [role="slider"], .widget-slider .noUi-handle'))
    .filter(e => e.offsetParent !== null)"""
PICTURES = """return Array.from(document.querySelectorAll('img, canvas, svg')).map(e =>
    e.tagName === 'IMG' ? e.src : e.tagName === 'CANVAS' ? e.toDataURL() : e.innerHTML).join('|')"""


def _pages_with_sliders() -> list[Path]:
    pages = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts
                   and not p.name.startswith("_")
                   and ('type="range"' in (text := p.read_text(errors="ignore"))
                        or "widget-view+json" in text or "IntSlider" in text or "FloatSlider" in text))
    return pages


def test_every_slider_on_the_site_changes_a_picture(browser, site_server, tmp_path):
    """A reader on the static site moves each slider (focus, then an arrow key) and must see a
    picture change: a slider that moves and changes nothing, such as an ipywidgets slider
    whose kernel is gone, fails. Controls meant for a kernel are shown only where one runs."""
    from selenium.webdriver.common.keys import Keys

    if not (SITE / "index.html").exists():
        pytest.skip(f"no site at {SITE} (python3 dev.py book, or set INFOGAN_LITE_SITE)")
    dead, seen = [], 0
    for page in _pages_with_sliders():
        _open(browser, page, "http", site_server)
        name = page.relative_to(SITE).as_posix()
        if "widget-view+json" in page.read_text(errors="ignore"):   # stored widgets render late
            _wait(browser, "return document.querySelector('.jupyter-widgets') !== null",
                  f"the stored widgets of {name}")
        for i in range(len(browser.execute_script(SLIDERS))):
            slider = browser.execute_script(SLIDERS)[i]
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
            before = browser.execute_script(PICTURES)
            for key in (Keys.ARROW_RIGHT, Keys.ARROW_LEFT, Keys.ARROW_LEFT):  # one end may be reached
                try:
                    slider.click()
                except Exception:      # a handle under another element: focus it instead
                    browser.execute_script("arguments[0].focus()", slider)
                slider.send_keys(key)
                if browser.execute_script(PICTURES) != before:
                    break
            else:
                dead.append(f"{name}: slider {i} ({slider.get_attribute('outerHTML')[:80]})")
                _screenshot(browser, f"dead-slider-{page.stem}-{i}.png", tmp_path)
            seen += 1
    assert seen, "no slider found on the site: the explorers are gone?"
    assert not dead, f"sliders that change no picture without a kernel: {dead}"
