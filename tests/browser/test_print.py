"""Printing a page (Ctrl+P): the paper shows the page title, the unit and the time of printing, no
navigation, and the charts drawn to the width of the paper (app.css @media print, app.js beforeprint)."""

import re

import pytest

DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")

# How many pixels of a chart's canvas are painted (not transparent): 0 means an empty chart.
PAINTED = """el => {
  const canvas = el.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]) n++;
  return n;
}"""


# Is every chart drawn at its box's width (not stretched or cut from the screen's drawing)?
DRAWN_TO_FIT = """() => [...document.querySelectorAll('.chart[data-chart-drawn]')].every(el => {
  const canvas = el.querySelector('canvas');
  return el.clientWidth === 0 || (canvas && Math.abs(canvas.width / devicePixelRatio - el.clientWidth) <= 2);
})"""


def printed(page, url):
    page.goto(url)
    page.locator(".chart[data-chart-drawn] canvas").first.wait_for()
    widths = page.locator(".chart[data-chart-drawn]").evaluate_all("els => els.map(el => el.clientWidth)")
    page.emulate_media(media="print")
    # Without the sidebar the page is wider: the boxes grow and app.js redraws the charts to fit them.
    assert (
        page.locator(".chart[data-chart-drawn]").evaluate_all("els => els.map(el => el.clientWidth)")
        != widths
    )
    page.wait_for_function(DRAWN_TO_FIT, timeout=5_000)
    return page


def assert_printed_page(page, title, unit):
    assert page.locator(".page-title").is_visible()
    assert title in page.locator(".page-title").inner_text()
    header = page.locator(".print-header")
    assert header.is_visible()
    assert unit in header.inner_text()
    assert DATE_TIME.search(header.inner_text()), header.inner_text()
    for hidden in ("aside.navbar-vertical", "header.topbar", "footer.footer", ".breadcrumb"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    assert not page.locator("main .btn").filter(visible=True).count(), "buttons are printed"
    charts = page.locator(".chart[data-chart-drawn]")
    assert charts.count() >= 1
    main_width = page.locator("main").bounding_box()["width"]
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():
            continue
        box = chart.locator("canvas").bounding_box()
        assert 0 < box["width"] <= main_width + 1 and box["height"] > 0
        assert chart.evaluate(PAINTED) > 100, f"chart {chart.get_attribute('data-chart')} is empty on paper"


@pytest.mark.parametrize(
    ("url", "title"), [("/equity/", "优质均衡"), ("/health/trends/", "趋势")], ids=["equity", "health-trends"]
)
def test_it_prints_the_title_unit_time_and_charts(page, log_in, demo, url, title):
    log_in("admin", demo.password)
    printed(page, url)
    assert_printed_page(page, title, "区教育局")


def test_it_prints_the_school_as_the_unit(page, log_in, demo):
    log_in("xiaoxue_admin", demo.password)
    printed(page, "/health/trends/")
    assert_printed_page(page, "趋势", demo.school_a.name)


def test_it_sets_the_time_of_printing_and_redraws_the_charts_on_beforeprint(page, log_in, demo):
    log_in("admin", demo.password)
    page.goto("/equity/")
    page.locator(".chart[data-chart-drawn] canvas").first.wait_for()
    page.evaluate("document.querySelector('[data-print-time]').textContent = ''")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert DATE_TIME.fullmatch(page.locator("[data-print-time]").inner_text())


def test_it_makes_a_pdf(page, log_in, demo):
    log_in("admin", demo.password)
    page.goto("/equity/")
    page.locator(".chart[data-chart-drawn] canvas").first.wait_for()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_it_prints_admission_notices_without_the_bureaus_header(page, log_in, demo):
    from django.urls import reverse

    from edubureau.admissions.models import Placement

    placement = Placement.objects.filter(school__isnull=False).first()
    log_in("admin", demo.password)
    page.goto(reverse("admissions:placement_notice", args=[placement.pk]))
    page.emulate_media(media="print")
    assert page.locator(".notice").first.is_visible()
    assert not page.locator(".print-header").is_visible() and not page.locator(".page-header").is_visible()
