"""Telling people: the inbox and e-mail that every domain sends through.

- `notifications`: `send` (each notification unique), the inbox, preferences, `KINDS`.
- `mailer`: e-mail delivery of pending notifications (`send_pending`), exactly once.

What is due when (reminders, digests) is `core.reminders`, which reads every domain.
"""
