"""Telling people: the inbox and e-mail that every domain sends through.

- `notifications`: `send` (each notification unique), the inbox, preferences, `KINDS`.
- `mailer`: e-mail delivery of pending notifications (`send_pending`), exactly once.
- `chat`: notifications in a team's Slack or Teams channel (which kinds, which webhook, the
  message bodies with people's text escaped), queued with the notification.
- `webhooks`: events for other systems (`emit`, in the caller's transaction: the outbox), the
  event types, the HMAC-SHA256 signature.
- `outbound`: posting chat messages and events over HTTP (`deliver_due`), exactly once, retried
  with backoff, to public addresses only.
- `connections`: what an admin sets up (chat webhooks, endpoints, a test message) and sees (the
  recent deliveries).

What is due when (reminders, digests) is `core.reminders`, which reads every domain.
"""
