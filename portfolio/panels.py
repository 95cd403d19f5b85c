"""What the portfolio adds to other apps' pages: on the JV page, for HQ and leadership, the way to
the JV's scorecard."""

from .permissions import may_read_portfolio


def venture_scorecard_panel(venture, user) -> dict | None:
    if not may_read_portfolio(user):
        return None
    return {"template": "portfolio/includes/venture_panel.html", "venture": venture}
