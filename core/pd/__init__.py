"""PD days on the organisation's data: planning, the days themselves, and the planner's inputs."""
