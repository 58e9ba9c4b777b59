"""The customer-ambassador programme on the organisation's data, one module per job.

- `terms`: rotation terms and each department's hosting; `interests`: agents' ranked interests.
- `planning`: assignment runs on `core.scheduling.rotations`, overrides, publishing.
- `outcomes`: projects, hosts' feedback and career moves; `programme`: the managers' overview.
"""
