"""People: who they are, how they sign in, and what Headway keeps about them.

- `access`: the acting person (`Actor`, `load_actor`) and the access rules every service calls.
- `org`: people, teams and departments; `people_import`: many people from a CSV file.
- `auth`: sign-in, sessions, passwords of accounts; `password_changes`: changing and choosing
  one, one-time passwords; `cookies`: signed cookie values; `passwords`: the rules a password
  must meet; `throttle`: failed sign-ins slowed down; `sso`: single sign-on.
- `audit`: the audit trail (`record`, `search`); `data_export`: a person's data export;
  `personal_data`: erasure of a person who has left; `retention`: what is deleted after how long.
"""
