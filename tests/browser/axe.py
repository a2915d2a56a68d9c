"""Accessibility audits with axe-core, run in the page the browser tests are looking at.

axe-core is vendored in ``static/vendor/axe-core/axe.min.js`` (MPL-2.0, see VERSION.txt there);
nothing is downloaded at test time. The script is evaluated in the page through the DevTools
protocol, so it makes no request (page-weight figures stay clean) and no Content-Security-Policy
applies to it.

``audit(page, directory, step)`` runs every axe rule on the whole document, writes
``axe-<step>.json`` (the violations, with each node's target and HTML) beside the step's
screenshot and returns an :class:`AxeReport`. The ``screenshot`` fixture in conftest.py calls
it at every step, so every page a journey shows is audited, in the state it shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"

# Violations of these impacts fail the test; "moderate" and "minor" are reported only.
FAILING_IMPACTS = ("critical", "serious")

# axe.run's options: every rule of the WCAG 2.0/2.1/2.2 A and AA sets and axe's best practices.
RUN_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


@dataclass
class AxeReport:
    step: str
    url: str
    violations: list[dict] = field(default_factory=list)

    @property
    def failing(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in FAILING_IMPACTS]

    def describe(self, violations: list[dict] | None = None) -> str:
        """One line per violation: rule id, impact, help, and the targets of its nodes."""
        lines = []
        for violation in self.violations if violations is None else violations:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
            more = len(violation["nodes"]) - 6
            lines.append(
                f"  {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
                + (f" (+{more} more)" if more > 0 else "")
            )
        return "\n".join(lines)


def audit(page, directory: Path, step: str) -> AxeReport:
    """Run axe-core on ``page`` and save ``axe-<step>.json`` in ``directory``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate("options => window.axe.run(document, options)", RUN_OPTIONS)
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "helpUrl": violation["helpUrl"],
            "nodes": [
                {
                    "target": node["target"],
                    "html": node["html"],
                    "failureSummary": node.get("failureSummary", ""),
                }
                for node in violation["nodes"]
            ],
        }
        for violation in result["violations"]
    ]
    report = AxeReport(step=step, url=result["url"], violations=violations)
    payload = {
        "step": step,
        "url": report.url,
        "axe": result["testEngine"]["version"],
        "violations": violations,
    }
    (directory / f"axe-{step}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return report


def write_summary(directory: Path, reports: list[AxeReport]) -> None:
    """Write ``axe.md``: per step, the page and its violations by impact."""
    lines = [
        "# axe-core results",
        "",
        f"Failing impacts: {', '.join(FAILING_IMPACTS)}. One JSON report per step: axe-<step>.json.",
        "",
        "| Step | Page | Critical | Serious | Moderate | Minor | Rules |",
        "|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        counts = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
        for violation in report.violations:
            counts[violation["impact"]] = counts.get(violation["impact"], 0) + 1
        rules = ", ".join(sorted(v["id"] for v in report.violations)) or "none"
        path = "/" + report.url.split("/", 3)[-1] if report.url.count("/") >= 3 else report.url
        lines.append(
            f"| {report.step} | `{path}` | {counts['critical']} | {counts['serious']} | "
            f"{counts['moderate']} | {counts['minor']} | {rules} |"
        )
    (directory / "axe.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
