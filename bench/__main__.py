"""`python -m bench [NAME ...]`: run the scenarios (each in its own process) and print a table."""

import sys

from bench.harness import print_table, run_isolated
from bench.scenarios import SCENARIOS

names = sys.argv[1:] or list(SCENARIOS)
unknown = [n for n in names if n not in SCENARIOS]
if unknown:
    sys.exit(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
rows = []
for name in names:
    print(f"running {name} …", file=sys.stderr, flush=True)
    rows.append(run_isolated(name))
print_table(rows)
