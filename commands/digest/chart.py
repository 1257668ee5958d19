"""The digest's picture: volume per day and CSAT over 14 days, as a PNG.

matplotlib is imported only when a chart is drawn (with the Agg backend, no display needed),
so the bot starts as fast without it and a command never pays for it.
"""

import io

from storage.digest_figures import DayPoint

SIZE_INCHES = (8, 3.6)
DPI = 100


def render_chart(points: list[DayPoint], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    volume = figure.add_subplot()
    days = [point.day.strftime("%d %b") for point in points]
    positions = range(len(points))
    volume.bar([x - 0.2 for x in positions], [p.raised for p in points], width=0.4, label="raised", color="#e8912d")
    volume.bar([x + 0.2 for x in positions], [p.resolved for p in points], width=0.4, label="resolved", color="#2eb67d")
    volume.set_xticks(list(positions), days, rotation=45, fontsize=7)
    volume.set_ylabel("escalations")
    csat = volume.twinx()
    scored = [(x, p.csat_average) for x, p in zip(positions, points) if p.csat_average is not None]
    csat.plot([x for x, _ in scored], [avg for _, avg in scored], color="#4a154b", marker="o",
              label="CSAT, survey and helpdesk import")
    csat.set_ylim(1, 5)
    csat.set_ylabel("CSAT (1–5)")
    figure.legend(loc="upper left", fontsize=7, ncols=3)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    png = io.BytesIO()
    figure.savefig(png, format="png")
    return png.getvalue()


def chart_alt_text(points: list[DayPoint]) -> str:
    """The chart in words, for screen readers and for anyone whose Slack does not show images."""
    first, last = points[0].day.strftime("%d %b"), points[-1].day.strftime("%d %b")
    raised, resolved = sum(p.raised for p in points), sum(p.resolved for p in points)
    busiest = max(points, key=lambda p: p.raised)
    words = (f"Bar chart of escalations raised and resolved per day, {first} to {last}: {raised} raised,"
             f" {resolved} resolved, most raised on {busiest.day.strftime('%d %b')} ({busiest.raised}).")
    scored = [p.csat_average for p in points if p.csat_average is not None]
    if not scored:
        return words + " No CSAT answers in these days."
    return words + (f" Line of the daily CSAT average (1–5), survey answers and imported helpdesk scores together:"
                    f" {scored[0]:.1f} on the first day with answers,"
                    f" {scored[-1]:.1f} on the last, between {min(scored):.1f} and {max(scored):.1f}.")
