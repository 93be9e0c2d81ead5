"""One check for every page type: axe-core finds no serious or critical accessibility
violation, and the Nu HTML Checker finds no error in the page's HTML.

Call `check_page(page)` from a Playwright browser test after the page has loaded.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
BLOCKING_IMPACTS = {"serious", "critical"}

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
