"""Every page of the built site on a phone, and its search page, in headless Chromium.

At a phone's width (390 CSS pixels, a current iPhone) the text must fit the screen: the
page does not scroll sideways, and nothing of the article reaches past the right edge
except inside a box that scrolls on its own (code blocks, wide tables, displayed maths);
every figure is scaled to the width. (The table of contents is a drawer off the screen.) The search page (search.html?q=...) must find a
term from its index without any other host. The browser, the local server and the offline
flags are those of tests/test_browser.py, which says what to install.
"""
import pytest

from test_browser import MATH_DONE, SITE, _foreign, _open, _requests, _wait  # noqa: F401
from test_browser import browser, site_server  # noqa: F401  (fixtures)

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}

# The layout width (a page without a viewport tag is laid out 980 px wide and shrunk), how
# far the page scrolls sideways, what reaches past the right edge of the screen, apart from what sits in a box that scrolls
# by itself and fits the screen; and the figures wider than their column.
OVERFLOW = """
const W = document.documentElement.clientWidth, article = document.querySelector('article.bd-article')
    || document.querySelector('main') || document.body;   // search.html has no article
const scrollsInside = e => {
  for (let p = e.parentElement; p && p !== article; p = p.parentElement) {
    const x = getComputedStyle(p).overflowX;
    if (['auto', 'scroll', 'hidden'].includes(x) && p.getBoundingClientRect().right <= W + 1)
      return true;
  }
  return false;
};
const name = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
  + ' "' + (e.textContent || e.src || '').trim().slice(0, 40) + '"';
const wide = Array.from(article.querySelectorAll('*')).filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > W + 1 && !scrollsInside(e);
});
const figures = Array.from(article.querySelectorAll('img')).filter(
  i => i.getBoundingClientRect().width > i.parentElement.getBoundingClientRect().width + 1);
return {width: W, page: document.documentElement.scrollWidth - W, wide: wide.slice(0, 5).map(name),
        figures: figures.map(name)};
"""


def _pages():
    return sorted(p for p in SITE.rglob("*.html") if not p.name.startswith("_")
                  and "_static" not in p.parts)


@pytest.fixture
def phone(browser):  # noqa: F811
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_page_fits_a_phone_screen_and_scales_its_figures(phone, site_server):  # noqa: F811
    if not _pages():
        pytest.skip(f"no site at {SITE} (python3 dev.py book, or set INFOGAN_LITE_SITE)")
    too_wide, seen = {}, 0
    for page in _pages():
        _open(phone, page, "http", site_server)
        _wait(phone, "return document.readyState === 'complete'", "the page to load")
        if phone.execute_script("return document.querySelector('.math') !== null"):
            _wait(phone, MATH_DONE, "MathJax to typeset every formula")   # maths sets widths
        found = phone.execute_script(OVERFLOW)
        seen += len(phone.execute_script("return document.querySelectorAll('article.bd-article img')"))
        if found["width"] != PHONE["width"] or found["page"] > 0 or found["wide"] or found["figures"]:
            too_wide[page.relative_to(SITE).as_posix()] = found
    assert seen, "no figure on any page: the site is not the book?"
    assert not too_wide, f"pages wider than a phone ({PHONE['width']} px): {too_wide}"


SEARCH_DONE = """const s = document.querySelector('#search-results .search-summary');
    return s !== null && s.innerText.length > 0"""
HITS = "return Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)"


def _search(browser, site_server, query: str) -> list[str]:  # noqa: F811
    page = SITE / "search.html"
    if not page.exists():
        pytest.skip(f"{page} is not built (python3 dev.py book, or set INFOGAN_LITE_SITE)")
    browser.get_log("performance")
    browser.get(f"{site_server}/search.html?q={query}")
    _wait(browser, SEARCH_DONE, f"the search for {query!r} to finish")
    return browser.execute_script(HITS)


def test_the_search_page_finds_a_term_on_the_chapter_that_explains_it(browser, site_server):  # noqa: F811
    hits = _search(browser, site_server, "Jensen-Shannon")
    assert any("notebooks/03_gans.html" in h for h in hits), hits
    urls, failed = _requests(browser)
    assert not _foreign(urls) and not failed, (_foreign(urls), failed)
    assert _search(browser, site_server, "qwzxv") == [], "a word in no page was found"
