"""My day: what each role is told to do today, read models over every domain.

- `lead`: every role's My day, until it is split per role.
"""
