"""Coaching: notes on an agent's quality, the conversation on them, and follow-ups.

- `notes`: write, edit and acknowledge coaching notes; the lead's queue.
- `conversation`: comments on notes and evaluations, and 1:1 sign-offs.
- `follow_ups`: when a follow-up is due or overdue (`follow_up_status`).
"""
