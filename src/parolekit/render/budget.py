"""The financial plan: each cost and who pays it, the resources that meet it, and totals parolekit computes."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from .scripts import Paragraph
from ..model import Budget, Manifest
from ..money import Totals, amount_text, covered, currency_of, how_long, line_total, totals
from ..plan import PagePlan
from .doc import Link, Rendered, render
from .fonts import styles, text
from .grounds import pin_citations
from .sections import _head
from .tables import Continued, column, frame_width, row

TITLE = "FINANCIAL PLAN"


def _lines(budget: Budget, lines, plan: PagePlan, links: list[Link], widths, who: str, heading: str) -> list:
    st = styles()
    rows = []
    for line in lines:
        cur = currency_of(budget, line)
        amount = text(amount_text(line_total(line), cur))
        if (detail := how_long(line, cur)):
            amount += f"<br/><font size=8.5>{text(detail)}</font>"
        payer = getattr(line, "paid_by", None) or getattr(line, "held_by", None) or "\u2014"
        rows.append(row([Paragraph(text(line.item), st["cell"]), Paragraph(amount, st["cell"]),
                         Paragraph(text(payer), st["cell"]),
                         pin_citations(plan, line.exhibits, links, titles=False)], widths))
    return [Continued(TITLE, ("Item", "Amount", who, "Evidence"), widths, rows,
                      lead=[Paragraph(heading, st["heading"])])]


def _summary(t: Totals, budget: Budget, widths) -> list:
    st = styles()
    rows = []
    for cur in sorted(set(t.costs) | set(t.resources)):
        bal = t.balance(cur)
        # Combined at stated rates, one currency's balance alone would mislead: the total decides.
        shown = "\u2014" if t.combined_costs is not None else \
            f"{text(amount_text(abs(bal), cur))} {'surplus' if bal >= 0 else 'shortfall'}"
        rows.append(row([Paragraph(text(cur), st["cell"]),
                         Paragraph(text(amount_text(t.costs.get(cur, 0), cur)), st["cell"]),
                         Paragraph(text(amount_text(t.resources.get(cur, 0), cur)), st["cell"]),
                         Paragraph(shown, st["cell"])], widths))
    if t.combined_costs is not None:
        bal = (t.combined_resources or 0) - t.combined_costs
        word = "surplus" if bal >= 0 else "shortfall"
        rows.append(row([Paragraph(f"<b>All, in {text(t.base)}</b>", st["cell"]),
                         Paragraph(f"<b>{text(amount_text(t.combined_costs, t.base))}</b>", st["cell"]),
                         Paragraph(f"<b>{text(amount_text(t.combined_resources or 0, t.base))}</b>",
                                   st["cell"]),
                         Paragraph(f"<b>{text(amount_text(abs(bal), t.base))} {word}</b>", st["cell"])],
                        widths))
    return [Continued(TITLE, ("Currency", "Costs", "Resources", "Balance"), widths, rows,
                      lead=[Paragraph("Totals", st["heading"])])]


def budget_section(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """Costs, then resources, then totals per currency (and combined only at stated rates)."""
    budget = m.budget
    assert budget is not None
    st = styles()
    w = frame_width(paper)
    links: list[Link] = []
    # Amounts as wide as the largest (an amount never wraps); the item gets what the rest leave.
    amounts = [amount_text(line_total(x), currency_of(budget, x)) for x in [*budget.costs, *budget.resources]]
    amount_w = column(amounts, "Amount", least=1.1 * inch - 13)
    widths = [w - amount_w - 2.75 * inch, amount_w, 1.4 * inch, 1.35 * inch]
    t = totals(budget)
    story = _head(TITLE, m)
    story += _lines(budget, budget.costs, plan, links, widths, "Paid by", "Costs")
    if budget.resources:
        story.append(Spacer(1, 8))
        story += _lines(budget, budget.resources, plan, links, widths, "Held by", "Resources")
    story.append(Spacer(1, 8))
    story += _summary(t, budget, [1.3 * inch, (w - 1.3 * inch) / 3, (w - 1.3 * inch) / 3,
                                  (w - 1.3 * inch) / 3])
    story.append(Spacer(1, 8))
    notes = ["Totals are computed from the lines above: each amount times the periods or items it is for."]
    if budget.rates and t.combined_costs is not None:
        # One level of parentheses at most: the source follows a semicolon, as it may bring its own.
        rates = ", ".join(f"1\u00a0{c} = {v.normalize():f}\u00a0{budget.currency}"
                          for c, v in sorted(budget.rates.items()))
        source = f"; source: {text(budget.rate_source)}" if budget.rate_source else ""
        notes.append(f"Amounts in other currencies are combined at the stated rate{'s' if len(budget.rates) > 1 else ''}: "
                     f"{text(rates)}{source}.")
    elif t.missing_rates and len(set(t.costs) | set(t.resources)) > 1:
        notes.append("Currencies are totalled separately: no rate is stated to combine them.")
    notes.append("The resources shown meet the costs." if covered(t) else
                 "The resources shown do not meet the costs.")
    story.append(Paragraph(" ".join(notes), st["small"]))
    return render(story, paper, title="Financial plan", links=links)
