"""PD days on the organisation's data: planning, the days themselves, and the planner's inputs.

- `planning`: plan runs and publishing (`plan_period`, `publish`), on the solver in
  `core.scheduling.pd_days`; `coverage`: each team's coverage and "why these days".
- `days`: a team's and my own PD days, moves, goals and date requests.
- `constraints`: blackout dates and floors; `closures`: closure days (admins), which tell whose
  PD days fall on them.
- `changes`: what a published day's move, withdrawal or closure tells its agent, and who moves it.
- `exports`: PD days and a rotation as iCalendar and CSV.
"""
