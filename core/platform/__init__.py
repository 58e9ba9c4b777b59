"""The platform every domain stands on, and that uses none of them.

- `config`: the settings (`get_settings()`), `clock`: today and now, `calendar`: working days
  and closures (`WorkCalendar`, `organisation_calendar`), `seasons`: calendar quarters.
- `db`: engines and `session_scope`, migrations; `data_version`: the write stamp cached reads use;
  `lease`: the worker lease (one `headway worker` runs the jobs, another stands by).
- `actor`: `Actor`, who is acting (the access rules that read it: `core.people.access`).
- `errors`: `DomainError` and its children; `limits`: text lengths; `parsing`: dates, numbers,
  lines of files; `csvio`: CSV in and out (with the formula neutraliser); `logs`: timed logging.
"""
