"""Who reads the portfolio pages: leadership and HQ staff, over every JV (representatives see their
own JVs' pages instead)."""

from core.roles import sees_all_ventures


def may_read_portfolio(user) -> bool:
    return sees_all_ventures(user)
