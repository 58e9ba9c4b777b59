"""Quality: scorecards, evaluations, and how far their scores can be trusted.

- `evaluations`: scorecards and evaluations (`create_evaluation`, `score_answers`).
- `disputes`: an agent disputes an evaluation, a reviewer upholds or adjusts it.
- `calibration`: evaluators' agreement on shared calls; `calibration_sessions`: sessions scored
  blind and revealed; `agreement`: the agreement statistics they use.
- `drift`: an evaluator's scores drifting from their peers'; `sampling`: which contacts to score.
"""
