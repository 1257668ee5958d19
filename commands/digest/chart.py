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
    csat.plot([x for x, _ in scored], [avg for _, avg in scored], color="#4a154b", marker="o", label="CSAT")
    csat.set_ylim(1, 5)
    csat.set_ylabel("CSAT (1–5)")
    figure.legend(loc="upper left", fontsize=7, ncols=3)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    png = io.BytesIO()
    figure.savefig(png, format="png")
    return png.getvalue()
