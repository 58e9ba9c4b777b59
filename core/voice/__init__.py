"""Customer voice: insights agents hear, the themes they form, and what a change did to contacts.

- `effect`: what a change did to its reason's daily contacts (`estimate_change_effects`,
  `weekly_with_expected`, `describe_effect`); `contacts_csv`: contact volumes and changes from CSV.
"""
