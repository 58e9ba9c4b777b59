"""Pure schedulers: plain dataclasses in, plans out (no database, no Streamlit).

- `pd_days`: the PD-day planner (CP-SAT; `headway plan-pd`) and its problem type, each rule a
  sentence (`why_not_plannable`, `why_short`).
- `rotations`: the rotation planner (min-cost flow; `headway assign-rotations`).
- `problem_json`: strict reading of the JSON problem files of the command line.
"""
