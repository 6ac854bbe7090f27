"""The financial plan's arithmetic: exact decimal totals per currency, combined only at stated rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from parolekit.model import Budget
from parolekit.money import amount_text, covered, how_long, line_total, template_view, totals


def _budget(**kw) -> Budget:
    data = {"costs": [{"item": "Treatment", "amount": "0.10"}, {"item": "Care", "amount": "0.20"}]}
    data.update(kw)
    return Budget.model_validate(data)


def test_amounts_are_exact_decimals_not_floats():
    t = totals(_budget())
    assert t.costs == {"USD": Decimal("0.30")}  # 0.1 + 0.2 in floats is 0.30000000000000004


def test_a_line_runs_for_its_periods():
    b = _budget(costs=[{"item": "Rent", "amount": "1,250.50", "per": "month", "count": 4}])
    assert line_total(b.costs[0]) == Decimal("5002.00")
    assert how_long(b.costs[0], "USD") == "$1,250.50 a month for 4 months"
    tickets = _budget(costs=[{"item": "Flights", "amount": 650, "count": 3}])  # three one-time items
    assert line_total(tickets.costs[0]) == Decimal("1950.00") and how_long(tickets.costs[0], "USD") == "$650.00 \u00d7 3"
    fee = _budget(costs=[{"item": "Fee", "amount": 10}])
    assert line_total(fee.costs[0]) == Decimal("10.00") and how_long(fee.costs[0], "USD") == ""


def test_currencies_are_never_mixed_without_a_rate():
    b = _budget(costs=[{"item": "A", "amount": 100}, {"item": "B", "amount": 1000, "currency": "hnl"}],
                resources=[{"item": "S", "amount": 150}])
    t = totals(b)
    assert t.costs == {"USD": Decimal("100.00"), "HNL": Decimal("1000.00")}
    assert t.combined_costs is None and t.missing_rates == ("HNL",)
    assert not covered(t)  # nothing shown in HNL
    view = template_view(b)
    assert "total_costs" not in view and view["costs"] == {"USD": "$100.00", "HNL": "HNL 1,000.00"}


def test_a_stated_rate_combines_them():
    b = _budget(costs=[{"item": "A", "amount": 100}, {"item": "B", "amount": 1000, "currency": "HNL"}],
                resources=[{"item": "S", "amount": 150}], rates={"HNL": "0.0405"})
    t = totals(b)
    assert t.combined_costs == Decimal("140.50") and t.combined_resources == Decimal("150.00")
    assert covered(t) and template_view(b)["total_costs"] == "$140.50"


def test_amount_text():
    assert amount_text(Decimal("1234567.5"), "USD") == "$1,234,567.50"
    assert amount_text(Decimal("0"), "EUR") == "EUR 0.00"
    assert amount_text(Decimal("0.005"), "USD") == "$0.01"  # half up, as on a bank statement


@pytest.mark.parametrize("amount", ["-5", "1,2,3", "12.345", "ten", True, "1e5"])
def test_amounts_that_are_not_amounts_are_refused(amount):
    with pytest.raises(ValidationError, match="is not an amount"):
        _budget(costs=[{"item": "A", "amount": amount}])
