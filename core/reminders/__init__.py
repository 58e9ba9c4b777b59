"""Reminders, follow-ups and digests: what is due at a moment, one named rule per kind.

- `rules`: one function per kind of daily reminder; `digest`: the weekly digest;
  `schedule`: what is due at a moment (`run_due`), catch-up after a restart.

Every rule reads the current state and returns the messages due on one day; `run_due` gathers
the rules whose time has come and stores what is missing (core.notify.notifications.send keeps each
notification unique). So running a moment twice creates nothing new, and running it later the
same day picks up what became due since (a follow-up recorded at noon for today).

Schedule, in the organisation's time zone (HEADWAY_TIMEZONE): daily reminders at 07:00 on working
days (HEADWAY_REMINDERS_AT, HEADWAY_WORKING_DAYS, default Monday to Friday), the weekly digest at
07:30 on Mondays (HEADWAY_DIGEST_AT). A reminder whose natural day is not a working day (a
follow-up promised for a Saturday) is sent on the working day before it.
"""
