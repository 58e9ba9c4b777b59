"""Customer voice: what customers tell agents reaches the department that can fix it.

- `reasons`: the organisation's contact reasons (admins keep them; agents propose, leads decide)
- `masking`: customer personal data (e-mail, phone, card numbers) masked before an insight is saved
- `insights`: log an insight, "I heard this too", group, search, merge, promote to a theme
- `reads`: search, an agent's own insights and the grouped overview; `carriers`: who carries a
  theme (ambassadors, hosts)
- `themes`: ambassadors (or a lead) take a theme to its department and record the answer; who
  raised or heard it is told; the history is kept
- `volumes`: daily contacts per reason, imported from a CSV
- `impact` and `scoreboard`: what a change did to contacts, and the programme's scoreboard
- `effect`: the statistical estimator (no database); `contacts_csv`: contact volumes and
  changes read from CSV
"""
