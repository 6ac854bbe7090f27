"""Generate docs/rules.md from the rule catalogue and evidence files: `python -m parolekit.rules.docs`."""

from __future__ import annotations

import re
import sys

from .catalogue import EvidencePack, catalogue, evidence_packs, tag_vocabulary

_HEADER = """\
# Lint rules

<!-- Generated from src/parolekit/rules/*.yaml by `python -m parolekit.rules.docs > docs/rules.md`.
     Do not edit by hand: a test fails when this file and the rule data disagree. -->

Every problem `parolekit lint` (and `parolekit build`) reports has a stable **code**, listed here
with its severity, why it exists and, where there is one, its source. Codes never change meaning:
a CI job or an editor integration may rely on them. **Errors** make `lint` and `build` fail.
**Warnings** are reported; `lint --strict` fails on them too, and `build` goes on.

Evidence rules are kept as data, one file per `case.kind`, each dated (`as of`) and sourced, so
that they can be updated when USCIS changes its guidance without touching code:
`src/parolekit/rules/<kind>.yaml`.

"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rule_block(code: str, severity: str, title: str, rationale: str, source: str | None,
                lint_only: bool = False) -> str:
    level = f"**{severity}** (lint only: a build goes on)" if lint_only else f"**{severity}**"
    out = [f"### `{code}`", "", f"{level} — {_cell(title)}", "", _cell(rationale), ""]
    if source:
        out += [f"*Source:* {_cell(source)}", ""]
    return "\n".join(out) + "\n"


def _pack(pack: EvidencePack) -> str:
    out = [f"### Evidence for `kind: {pack.kind}`", "",
           f"*As of* {pack.as_of.isoformat()}. *Source:* {_cell(pack.source)}", "",
           "| code | applies | satisfied by |", "|---|---|---|"]
    for rule in pack.rules:
        scope = {"case": "once per case", "each-beneficiary": "each beneficiary",
                 "each-minor-beneficiary": "each beneficiary under 18 on `case.date`",
                 "each-reason": "each reason in `case.reasons`"}[rule.for_]
        if rule.when.reasons:
            scope += " when reasons include " + ", ".join(f"`{r}`" for r in rule.when.reasons)
        if rule.when.petitioner:
            scope += " when `case.petitioner` is given"
        needs = [rule.need] if rule.need else []
        if rule.need_by_reason:
            parts = []
            for reason, need in rule.need_by_reason.items():
                parts.append(f"`{reason}`: " + _need(need))
            satisfied = "; ".join(parts)
        else:
            satisfied = "; ".join(_need(n) for n in needs)
        out.append(f"| `{rule.code}` | {scope} | {satisfied} |")
    out.append("")
    for rule in pack.rules:
        out.append(_rule_block(rule.code, "warning", rule.title, rule.rationale, rule.source))
    return "\n".join(out) + "\n"


def _need(need) -> str:
    bits = []
    if need.forms:
        bits.append("a form named " + " or ".join(f"`{f}`" for f in need.forms) + " under `forms:`")
    if need.tags:
        bits.append("an exhibit tagged " + " or ".join(f"`{t}`" for t in need.tags))
    if need.categories:
        bits.append("an exhibit with `category:` " + " or ".join(f"`{c}`" for c in need.categories))
    return ", or ".join(bits)


def render_rules_md() -> str:
    cat = catalogue()
    parts = [_HEADER, "## Contents\n\n"]
    for group, title in cat.groups.items():
        codes = [r.code for r in cat.rules if r.group == group]
        parts.append(f"- **{title}**: " + ", ".join(f"`{c}`" for c in codes) + "\n")
    parts.append("- **Evidence per case kind**: " + ", ".join(
        f"`{r.code}`" for p in evidence_packs().values() for r in p.rules) + "\n\n")
    for group, title in cat.groups.items():
        parts.append(f"## {title}\n\n")
        if group == "evidence":
            parts.append(_evidence_intro())
        for r in cat.rules:
            if r.group == group:
                parts.append(_rule_block(r.code, r.severity, r.title, r.rationale, r.source,
                                         r.lint_only))
        if group == "evidence":
            for pack in evidence_packs().values():
                parts.append(_pack(pack))
    return re.sub(r"\n{3,}", "\n\n", "".join(parts)).rstrip("\n") + "\n"


def _evidence_intro() -> str:
    lines = [
        "Evidence rules are warnings: a packet can be filed without the evidence, but a gap is the",
        "usual cause of a request for evidence. They find evidence by three things in the manifest:",
        "",
        "- **forms** under `forms:`, by `name` (`I-131` matches `Form I-131` but not `I-131A`) and",
        "  `beneficiary` (1-based);",
        "- **exhibits** (and declarations) by `tags:` and by `category:`;",
        "- with several beneficiaries, only forms and exhibits with `beneficiary: N` count for",
        "  beneficiary N (with one beneficiary, everything counts for them).",
        "",
        "### Tag vocabulary",
        "",
        "Tags are free labels; these are the ones the rules understand.",
        "",
        "| tag | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{tag}` | {_cell(meaning)} |" for tag, meaning in tag_vocabulary().items()]
    return "\n".join(lines) + "\n\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the docs sync test
    sys.stdout.write(render_rules_md())
