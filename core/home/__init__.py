"""My day: what each role is told to do today, read models over every domain (nothing imports
this package but the pages and their helpers).

- `agent`: an agent's day (`agent_day`, `sign_offs_waiting`).
- `lead`: a team lead's day (`lead_day`) and the QA work waiting for a reviewer (`qa_work`).
- `manager`: a manager's day across teams (`manager_day`); `admin`: an admin's day (`admin_day`).
- `glance`: recent quality per person and per team (`person_changes`, `team_glance`,
  `organisation_glance`, `weekly_trend`); `words`: the small phrases they share.
"""
