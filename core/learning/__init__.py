"""Learning: what agents share and promise, and the long texts they are typing.

- `shares`: learning shares (write, search, kudos) and "next time" items.
- `pledges`: development pledges with a mentor, and their mind checks.
- `drafts`: drafts of long texts kept on the server while they are typed.
"""
