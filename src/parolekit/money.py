"""The financial plan's arithmetic: line totals, totals per currency, and a combined total only at a stated rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Budget, Cost, Resource

CENT = Decimal("0.01")
PER_WORDS = {"day": ("a day", "day", "days"), "week": ("a week", "week", "weeks"),
             "month": ("a month", "month", "months"), "year": ("a year", "year", "years")}
SYMBOLS = {"USD": "$"}


def currency_of(budget: Budget, line: Cost | Resource) -> str:
    return line.currency or budget.currency


def line_total(line: Cost | Resource) -> Decimal:
    """The amount times its count (how many periods, or how many of a one-time item)."""
    return (line.amount * line.count).quantize(CENT, ROUND_HALF_UP)


def amount_text(value: Decimal, currency: str) -> str:
    """"$12,500.00" for dollars, "HNL 3,000.00" for any other currency (never a bare number)."""
    q = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    digits = f"{q:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{digits}" if symbol else f"{currency} {digits}"


def how_long(line: Cost | Resource, currency: str) -> str:
    """"$2,000.00 a month for 4 months", "$650.00 \u00d7 3" (three one-time items), or "" for one."""
    if line.per == "once":
        return "" if line.count == 1 else f"{amount_text(line.amount, currency)} \u00d7 {line.count}"
    each, one, many = PER_WORDS[line.per]
    return f"{amount_text(line.amount, currency)} {each} for {line.count} {one if line.count == 1 else many}"


@dataclass(frozen=True)
class Totals:
    """Costs and resources summed per currency, and combined in the budget's currency at its rates."""

    costs: dict[str, Decimal]
    resources: dict[str, Decimal]
    base: str
    combined_costs: Decimal | None  # None: some currency has no stated rate
    combined_resources: Decimal | None
    missing_rates: tuple[str, ...]

    def balance(self, currency: str) -> Decimal:
        return self.resources.get(currency, Decimal(0)) - self.costs.get(currency, Decimal(0))


def totals(budget: Budget) -> Totals:
    costs: dict[str, Decimal] = {}
    resources: dict[str, Decimal] = {}
    for lines, into in ((budget.costs, costs), (budget.resources, resources)):
        for line in lines:
            cur = currency_of(budget, line)
            into[cur] = into.get(cur, Decimal(0)) + line_total(line)
    used = sorted(set(costs) | set(resources))
    missing = tuple(c for c in used if c != budget.currency and c not in budget.rates)
    # Per-currency totals are exact; a combined one is given only when every rate is stated.
    combine = len(used) > 1 and not missing

    def combined(values: dict[str, Decimal]) -> Decimal | None:
        if not combine:
            return None
        return sum(((v if c == budget.currency else v * budget.rates[c]) for c, v in values.items()),
                   Decimal(0)).quantize(CENT, ROUND_HALF_UP)

    return Totals(costs, resources, budget.currency, combined(costs), combined(resources), missing)


def covered(t: Totals) -> bool:
    """Resources meet costs: in the combined total when there is one, else in every currency."""
    if t.combined_costs is not None:
        return (t.combined_resources or Decimal(0)) >= t.combined_costs
    return all(t.balance(c) >= 0 for c in t.costs)


def template_view(budget: Budget) -> dict:
    """What a cover-letter template sees of the budget: totals already formatted."""
    t = totals(budget)
    view = {
        "currency": budget.currency,
        "costs": {c: amount_text(v, c) for c, v in t.costs.items()},
        "resources": {c: amount_text(v, c) for c, v in t.resources.items()},
        "balance": {c: amount_text(abs(t.balance(c)), c) for c in sorted(set(t.costs) | set(t.resources))},
        "surplus": {c: t.balance(c) >= 0 for c in sorted(set(t.costs) | set(t.resources))},
        "covered": covered(t),
    }
    if t.combined_costs is not None:
        view["total_costs"] = amount_text(t.combined_costs, t.base)
        view["total_resources"] = amount_text(t.combined_resources or Decimal(0), t.base)
    elif len(set(t.costs) | set(t.resources)) == 1 and t.costs:  # one currency throughout
        (cur, value), = t.costs.items()
        view["total_costs"] = amount_text(value, cur)
        view["total_resources"] = amount_text(t.resources.get(cur, Decimal(0)), cur)
    return view
