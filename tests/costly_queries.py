"""Queries within the depth, alias and token limits whose answers run to hundreds of
kilobytes (issue 24): each is refused by the cost limit (SPEC §13), not executed."""

from __future__ import annotations

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
FAIRNESS = "fairness { serverSeedHash clientSeed nonce }"

# A player's own pages of 100 through every field of each.
OWN_HISTORY = f"""
{{ me {{
  history(first: 100) {{ edges {{ cursor node {{ id game stake payout outcome at {FAIRNESS} }} }}
    {PAGE_INFO} }}
  ledger(first: 100) {{ edges {{ cursor node {{ id amount balanceAfter reason reference at }} }}
    {PAGE_INFO} }}
  loginHistory(first: 100) {{ edges {{ cursor node {{ at success outcome ip userAgent }} }}
    {PAGE_INFO} }}
}} }}
"""

# Anonymous: the top 100 with each player's profile, and 100 crash rounds in full.
PUBLIC_PAGES = f"""
{{
  leaderboard(metric: LEVEL, first: 100) {{ metric game period
    entries {{ rank value user {{ id nickname rank joinedAt level }} }} }}
  crashRounds(first: 100) {{ edges {{ cursor node {{ id userId status stake autoCashout
    startedAt elapsedMs multiplier crashPoint payout settledAt {FAIRNESS} }} }} {PAGE_INFO} }}
}}
"""

# The same history page, its size given by a variable.
HISTORY_PAGE = f"""
query H($first: Int!) {{ me {{ history(first: $first) {{
  edges {{ cursor node {{ id game stake payout outcome at {FAIRNESS} }} }} {PAGE_INFO} }} }} }}
"""
