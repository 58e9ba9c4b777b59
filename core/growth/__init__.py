"""Growth: the statistics, the team and organisation read model, and one agent's growth page.

- `statistics`: trends, coaching effects, distributions (plain functions over data frames).
- `wording`: how a metric reads and the plain sentences, including trend flags (`trend_flags`).
- `teams`: the Team growth read model (summaries, coaching effect, activity); `checkins`: who
  needs a check-in (`falling_agents`, `count_falling`, the ranking); `agent`: one agent's page.
"""
