"""Run one scenario in a fresh process and print its figures as JSON (used by bench.__main__)."""

import json
import sys

from bench.harness import measure
from bench.scenarios import SCENARIOS

print(json.dumps(measure(SCENARIOS[sys.argv[1]])))
