"""Growth: the statistics, the team and organisation read model, and one agent's growth page."""
