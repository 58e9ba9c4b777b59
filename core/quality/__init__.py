"""Quality: scorecards, evaluations, and how far their scores can be trusted.

- `evaluations`: scorecards and evaluations (`create_evaluation`, `score_answers`).
- `disputes`: an agent disputes an evaluation (`open_dispute`), who reviews it by when;
  `dispute_review`: the reviewer upholds or adjusts it (`decide_dispute`); `dispute_reads`:
  who sees which disputes, and the rates per evaluator; `glance`: an agent's QA for My day.
- `calibration`: evaluators' agreement on shared calls; `calibration_sessions`: sessions scored
  blind and revealed; `calibration_views`: a session as its reader sees it; `agreement`: the agreement statistics they use.
- `drift`: an evaluator's scores drifting from their peers'; `sampling`: which contacts to score.
"""
