"""Metrics: the observations that come in, all or nothing and idempotent.

- `imports`: the metrics CSV import (`import_metrics`, staging, `line N: reason`).
- `observations`: bulk insert of observation rows on either database.
"""
