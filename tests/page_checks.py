"""One check for every page type: axe-core finds no serious or critical accessibility
violation, and the Nu HTML Checker finds no error in the page's HTML.

Call `check_page(page)` from a Playwright browser test after the page has loaded, or
`check_at_both_widths(page, name)` to check it on a desk and on a phone.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(tempfile.gettempdir()) / "portal-screenshots"

_axe = Axe()


def axe_violations(page) -> list[dict]:
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def html_errors(html: str) -> list[str]:
    """Errors the Nu HTML Checker reports for one HTML document."""
    assert VNU_JAR.exists(), f"The Nu HTML Checker is missing: run `make test` to install {VNU_JAR}"
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8", delete=False) as f:
        f.write(html)
    try:
        completed = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", f.name],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        Path(f.name).unlink()
    messages = json.loads(completed.stderr or '{"messages": []}')["messages"]
    return [f"line {m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]


def check_page(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s): "
        f"{v['nodes'][0]['target']})"
        for v in violations
    )
    errors = html_errors(page.content())
    assert not errors, f"Nu HTML Checker on {page.url}:\n" + "\n".join(errors)


def check_at_both_widths(page, name: str | None = None) -> None:
    """`check_page` at 1366 and at 390 px, with no sideways scrolling on the phone; with a
    `name`, a full-page screenshot of each width in SCREENSHOTS to look at. Leaves the page at
    the desk width."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} is {width} px wide at {size['width']} px"
        if name:
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
