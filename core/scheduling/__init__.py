"""Pure schedulers: plain dataclasses in, plans out (no database, no Streamlit).

- `pd_problem`: the PD-day problem type, each rule a sentence (`why_not_plannable`,
  `why_short`), and the strict reading of a problem file; `pd_days`: its planner (CP-SAT;
  `headway plan-pd`).
- `rotations`: the rotation planner (min-cost flow; `headway assign-rotations`).
- `problem_json`: strict reading of the JSON problem files of the command line.
"""
