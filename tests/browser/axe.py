"""axe-core (from the npm registry, see package.json) run inside a page by the tests.

The script is evaluated through the DevTools protocol, which the product's
Content-Security-Policy does not govern: the pages themselves stay as strict
as they are in production.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What a page may not have: axe's two gravest impact levels.
BLOCKING = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@cache
def _source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make test does)")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """The page's axe violations of the given impacts (serious and critical by default)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_source()}\n; return true; }}")
    return [v for v in page.evaluate(_RUN) if v["impact"] in impacts]


def assert_accessible(page: Page) -> None:
    found = violations(page)
    assert not found, f"axe on {page.url}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in found
    )
