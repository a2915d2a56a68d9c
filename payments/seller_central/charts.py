"""Server-rendered bar charts (SVG) of figures per day: geometry here, markup in a template.

No JavaScript and no style attributes (the CSP allows neither inline): sizes are SVG
attributes, colours come from classes in static/css/seller-analytics.css. Every chart is
shown with a table of the same figures (templates/payments/seller/analytics_chart.html).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

WIDTH = 640
HEIGHT = 220
LEFT = 64  # room for the value labels
RIGHT = 8
TOP = 12
BOTTOM = 28  # room for the day labels


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    key: str,
    title: str,
    points: Sequence[tuple[date, float]],
    label: Callable[[float], str] = str,
) -> dict:
    """A bar per day: ``points`` are (day, value); ``label(value)`` writes a value for people."""
    values = [value for _day, value in points]
    highest = max(values, default=0)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    bars = []
    for index, (day, value) in enumerate(points):
        height = plot_height * float(value) / float(highest) if highest else 0
        bars.append(
            {
                "x": _number(LEFT + index * slot + slot * 0.1),
                "y": _number(TOP + plot_height - height),
                "width": _number(max(slot * 0.8, 0.5)),
                "height": _number(height),
                "title": f"{day:%b} {day.day}: {label(value)}",
                "day": day,
                "value": label(value),
                "empty": not value,
            }
        )
    axis_y = _number(TOP + plot_height)
    day_labels = []
    if points:
        picks = sorted({0, len(points) // 2, len(points) - 1})
        for index in picks:
            day = points[index][0]
            anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
            x = LEFT if index == 0 else WIDTH - RIGHT if anchor == "end" else LEFT + (index + 0.5) * slot
            day_labels.append({"x": _number(x), "text": f"{day:%b} {day.day}", "anchor": anchor})
    best = max(points, key=lambda point: point[1]) if points and highest else None
    summary = (
        f"Highest {label(best[1])} on {best[0]:%b} {best[0].day}, {best[0].year}; total {label(sum(values))}."
        if best
        else "Nothing in this period."
    )
    return {
        "key": key,
        "title": title,
        "summary": summary,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "axis_y": axis_y,
        "label_y": HEIGHT - 8,
        "max_label": label(highest),
        "zero_label": label(0),
        "day_labels": day_labels,
    }
