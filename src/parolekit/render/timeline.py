"""The chronology's timeline figure: past and planned events on a date axis, labels never overlapping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import FAMILY, drawn, plain, register, width as text_width
from .words import short_date, start_of

PAST = colors.HexColor("#1f3a5f")
PLANNED = colors.HexColor("#2c6fbb")
WINDOW = colors.HexColor("#dce8f7")
TODAY = colors.HexColor("#b03a2e")
GREY = colors.HexColor("#666666")

LABEL_SIZE = 7.2
LINE_GAP = 9.0  # the label's two lines
LEVEL = 25.0  # vertical room per label row
MAX_LEVELS = 4  # label rows per side before labels get shorter
AXIS_ROOM = 16.0  # tick labels just under the axis
LEGEND = 16.0


@dataclass(frozen=True)
class Mark:
    """One event to draw; *number* matches the chronology table's # column."""

    number: int
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    text: str
    planned: bool = False
    head: str = ""  # a group's label ("3\u20137") in place of the number


@dataclass
class Label:
    mark: Mark
    x: float  # the event's position on the axis
    left: float  # the label's left edge
    width: float
    side: int  # +1 above the axis, -1 below
    level: int  # 0 is nearest the axis
    lines: tuple[str, str] = ("", "")
    crossed: bool = False  # placed as a last resort: a leader line may cross another label

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def anchor(self) -> str:
        """Text runs from the leader line: "start" when the label lies right of its mark."""
        return "start" if self.left >= self.x - 4 else "end"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """*text* cut at a word (with an ellipsis) so that it fits *width* points."""
    if text_width(text, font, size) <= width:
        return text
    words = text.split()
    out = ""
    for w in words:
        trial = f"{out} {w}".strip()
        if text_width(trial + "\u2026", font, size) > width:
            break
        out = trial
    if not out:  # one long word
        out = text
        while out and text_width(out + "\u2026", font, size) > width:
            out = out[:-1]
    return out.rstrip(",;:") + "\u2026"


def _ticks(lo: dt.date, hi: dt.date, px_per_day: float) -> list[tuple[dt.date, str]]:
    """Month-aligned ticks far enough apart that their labels never touch."""
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 6000, 12000):
        if step * 30.4 * px_per_day >= 44:
            break
    month = (lo.month - 1) // step * step + 1 if step < 12 else 1
    day = dt.date(max(1, lo.year - (lo.year % (step // 12) if step > 12 else 0)), month, 1)
    out: list[tuple[dt.date, str]] = []
    first = True
    while day <= hi:
        if day >= lo:
            if step >= 12:
                name = str(day.year)
            elif day.month == 1 or first:
                name = day.strftime("%b %Y")
            else:
                name = day.strftime("%b")
            out.append((day, name))
            first = False
        m = day.month - 1 + step
        if day.year + m // 12 > dt.MAXYEAR:
            break
        day = dt.date(day.year + m // 12, m % 12 + 1, 1)
    return out


def axis(marks: list[Mark], today: dt.date | None, width: float):
    """The date range shown and a function from a date to its x position."""
    days = [start_of(m.date) for m in marks] + ([today] if today else [])
    lo, hi = min(days), max(days)
    pad = max((hi - lo).days // 25, 10)
    # Ordinals, clamped: a typo such as 0025-03-01 or a placeholder 9999-12-31 must not overflow.
    lo = dt.date.fromordinal(max(1, lo.toordinal() - pad))
    hi = dt.date.fromordinal(min(dt.date.max.toordinal(), hi.toordinal() + pad))
    span = max((hi - lo).days, 1)

    def x(day: dt.date) -> float:
        return 6 + (width - 12) * (day - lo).days / span

    return lo, hi, x


def layout(marks: list[Mark], today: dt.date | None, width: float,
           max_label: float | None = None) -> list[Label]:
    """Place every label on a side and row of its own, so no label hides another or a leader line.

    Labels are placed from the middle outwards; each takes the free spot (side, row, direction)
    that is nearest the axis and leaves room for the marks still to place. A spot is free when no
    label in its row touches it, no nearer label sits across its leader line and it sits across no
    farther label's leader. *max_label* 0 keeps the number and date only, below 0 the number.
    """
    register()
    max_label = min(150.0, width / 3.2) if max_label is None else max_label
    _lo, _hi, x = axis(marks, today, width)
    placed: list[Label] = []
    ordered = sorted(marks, key=lambda m: (start_of(m.date), m.number))
    side_of = {m.number: 1 if i % 2 == 0 else -1 for i, m in enumerate(ordered)}
    # Labels run away from the middle, so placing them from the middle outwards lets each nearer
    # label sit clear of the leader lines of those placed after it, farther from the axis.
    ordered.sort(key=lambda m: (abs(x(start_of(m.date)) - width / 2), m.number))
    done: set[int] = set()
    for mark in ordered:
        done.add(mark.number)
        cx = x(start_of(mark.date))
        # "1 · Sep 2024": the event's number set apart, so it cannot be read as the day
        head = f"{mark.number} \u00b7 {short_date(mark.date)}" + ("  (planned)" if mark.planned else "")
        if max_label < 0:  # the last resort: the number alone (the table below has the rest)
            head = mark.head or str(mark.number)
        body = _fit(plain(mark.text), FAMILY, LABEL_SIZE, max_label) if max_label > 0 else ""
        w = max(stringWidth(head, FAMILY + "-Bold", LABEL_SIZE), text_width(body, FAMILY, LABEL_SIZE))
        # A label runs away from the nearer edge: rightwards in the left half, leftwards in the right.
        lefts = [min(max(cx - 3, 0), width - w), min(max(cx + 3 - w, 0), width - w)]
        if cx > width / 2:
            lefts.reverse()
        prefer = side_of[mark.number]
        waiting = [x(start_of(m.date)) for m in ordered if m.number not in done]
        spot, best, chosen = None, None, 0
        for level in range(MAX_LEVELS):
            for side in (prefer, -prefer):
                for k, left in enumerate(lefts):
                    if not _free(placed, side, level, left, w, cx):
                        continue
                    # Cheap rows first; then labels that leave room for the marks still to place.
                    blocked = sum(left - 5 <= wx <= left + w + 5 for wx in waiting if wx != cx)
                    cost = level * 10 + blocked * 12 + k * 2 + (side != prefer)
                    if best is None or cost < best:
                        spot, best, chosen = (side, left), cost, level
        level = chosen if spot is not None else 0
        crossed = spot is None
        if crossed:  # crowded beyond reason: a row of its own, above everything else
            level = 1 + max([lab.level for lab in placed if lab.side == prefer] or [0])
            spot = (prefer, lefts[0])
        placed.append(Label(mark, cx, spot[1], w, spot[0], level, (head, body), crossed))
    return placed


def _free(placed: list[Label], side: int, level: int, left: float, w: float, cx: float) -> bool:
    gap, clear = 6, 5  # between labels in a row; between a leader line and a label's text
    for other in placed:
        if other.side != side:
            continue
        if other.level == level and left < other.right + gap and other.left < left + w + gap:
            return False
        # A nearer label must not sit across this label's leader line, nor this label across a
        # farther label's leader.
        if other.level < level and other.left - clear <= cx <= other.right + clear:
            return False
        if other.level > level and left - clear <= other.x <= left + w + clear:
            return False
    return True


def fitted(marks: list[Mark], today: dt.date | None, width: float) -> list[Label]:
    """The most informative clean layout: full labels, then shorter, then number and date, then
    number; when even numbers crowd, neighbouring marks share one label ("3\u20137"), in ever
    wider groups until every label fits."""
    labels: list[Label] = []
    for max_label in (min(150.0, width / 3.2), 120.0, 95.0, 70.0, 0.0, -1.0):
        labels = layout(marks, today, width, max_label)
        if not any(lab.crossed for lab in labels):
            return labels
    _lo, _hi, x = axis(marks, today, width)
    gap = 12.0
    while True:
        labels = layout(_groups(marks, x, gap), today, width, -1.0)
        if not any(lab.crossed for lab in labels) or gap > width:
            return labels
        gap *= 1.5


def _groups(marks: list[Mark], x, gap: float) -> list[Mark]:
    """Runs of marks spanning less than *gap* points, each as one mark labelled with its numbers."""
    ordered = sorted(marks, key=lambda m: (start_of(m.date), m.number))
    runs: list[list[Mark]] = []
    for m in ordered:
        if runs and x(start_of(m.date)) - x(start_of(runs[-1][0].date)) < gap:
            runs[-1].append(m)
        else:
            runs.append([m])
    out = []
    for run in runs:
        numbers = sorted(m.number for m in run)
        head = str(numbers[0]) if len(numbers) == 1 else (
            f"{numbers[0]}, {numbers[1]}" if len(numbers) == 2 else f"{numbers[0]}\u2013{numbers[-1]}")
        middle = run[len(run) // 2]
        out.append(Mark(numbers[0], middle.date, "", all(m.planned for m in run), head))
    return out


def label_box(lab: Label, axis_y: float) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a label's two lines in drawing coordinates."""
    if lab.side > 0:
        y0 = axis_y + 9 + lab.level * LEVEL
    else:
        y0 = axis_y - AXIS_ROOM - lab.level * LEVEL - (LINE_GAP + LABEL_SIZE + 3)
    return lab.left, y0, lab.left + lab.width, y0 + LINE_GAP + LABEL_SIZE + 3


def timeline(marks: list[Mark], today: dt.date, width: float, window: str = "planned period") -> Drawing:
    """Past events filled, planned ones hollow, the planned period shaded (*window* names it in the
    legend: a medical case's "proposed treatment window"), today dashed."""
    register()
    lo, hi, x = axis(marks, today, width)
    labels = fitted(marks, today, width)
    above = max([lab.level + 1 for lab in labels if lab.side > 0] or [0])
    below = max([lab.level + 1 for lab in labels if lab.side < 0] or [0])
    axis_y = 2 + AXIS_ROOM + below * LEVEL
    top = axis_y + 9 + above * LEVEL
    height = top + LEGEND
    d = Drawing(width, height)

    planned = [start_of(m.date) for m in marks if m.planned]
    if planned:
        x0, x1 = x(min(planned)), x(max(planned))
        x1 = max(x1, min(x0 + 14, width - 2))
        d.add(Rect(x0 - 5, axis_y - 7, x1 - x0 + 10, 14, fillColor=WINDOW, strokeColor=None))
    t = x(today)
    d.add(Line(6, axis_y, t, axis_y, strokeColor=PAST, strokeWidth=1.2))
    d.add(Line(t, axis_y, width - 6, axis_y, strokeColor=PLANNED, strokeWidth=1.2,
               strokeDashArray=[3, 2]))
    leaders = [lab.x for lab in labels if lab.side < 0]
    for day, name in _ticks(lo, hi, (width - 12) / max((hi - lo).days, 1)):
        tx = x(day)
        d.add(Line(tx, axis_y - 3, tx, axis_y + 3, strokeColor=GREY, strokeWidth=0.6))
        half = stringWidth(name, FAMILY, 6.5) / 2 + 1.5
        if any(abs(tx - lx) < half for lx in leaders):
            continue  # a leader line runs through where this tick's name would be
        d.add(String(tx, axis_y - 11, name, fontName=FAMILY, fontSize=6.5, textAnchor="middle",
                     fillColor=GREY))
    d.add(Line(t, axis_y - 11, t, axis_y + 11, strokeColor=TODAY, strokeWidth=0.8, strokeDashArray=[2, 2]))
    for lab in labels:
        x0, y0, _x1, y1 = label_box(lab, axis_y)
        if lab.side > 0:
            d.add(Line(lab.x, axis_y + 4, lab.x, y0, strokeColor=GREY, strokeWidth=0.4))
        else:
            d.add(Line(lab.x, axis_y - 4, lab.x, y1, strokeColor=GREY, strokeWidth=0.4))
        color = PLANNED if lab.mark.planned else colors.black
        tx = x0 if lab.anchor == "start" else lab.right
        d.add(String(tx, y1 - LABEL_SIZE, lab.lines[0], fontName=FAMILY + "-Bold",
                     fontSize=LABEL_SIZE, fillColor=color, textAnchor=lab.anchor))
        if lab.lines[1]:
            _user_text(d, tx, y1 - LABEL_SIZE - LINE_GAP, lab.lines[1], color, lab.anchor)
    for m in marks:
        cx = x(start_of(m.date))
        if m.planned:
            d.add(Circle(cx, axis_y, 3.8, fillColor=colors.white, strokeColor=PLANNED, strokeWidth=1.4))
        else:
            d.add(Circle(cx, axis_y, 3.8, fillColor=PAST, strokeColor=colors.white, strokeWidth=0.6))
    _legend(d, height - 9, window if planned else "", today, past=any(not m.planned for m in marks),
            planned=bool(planned))
    return d


def _user_text(d: Drawing, x: float, y: float, value: str, color, anchor: str) -> None:
    """An event's words, in its own script and bidi order: one String per font run."""
    runs = drawn(value, FAMILY, LABEL_SIZE)
    total = sum(w for _f, _s, w in runs)
    x -= total if anchor == "end" else total / 2 if anchor == "middle" else 0
    for font, s, w in runs:
        d.add(String(x, y, s, fontName=font, fontSize=LABEL_SIZE, fillColor=color, textAnchor="start"))
        x += w


def _legend(d: Drawing, y: float, window: str, today: dt.date, past: bool = True, planned: bool = True) -> None:
    """Only what the figure shows: no "planned event" key on a timeline with none."""
    items: list[tuple[str, str]] = ([("past", "past event")] if past else []) + \
        ([("planned", "planned event")] if planned else [])
    if window:
        items.append(("window", window))
    items.append(("today", f"packet date ({short_date(today.isoformat())})"))
    x = 0.0
    for kind, name in items:
        if kind == "past":
            d.add(Circle(x + 3, y + 2.5, 3, fillColor=PAST, strokeColor=None))
        elif kind == "planned":
            d.add(Circle(x + 3, y + 2.5, 3, fillColor=colors.white, strokeColor=PLANNED, strokeWidth=1.2))
        elif kind == "window":
            d.add(Rect(x, y - 1, 10, 7, fillColor=WINDOW, strokeColor=None))
            x += 4
        else:
            d.add(Line(x + 3, y - 2, x + 3, y + 7, strokeColor=TODAY, strokeWidth=0.8,
                       strokeDashArray=[2, 2]))
        d.add(String(x + 10, y, name, fontName=FAMILY, fontSize=7))
        x += 10 + stringWidth(name, FAMILY, 7) + 14
