"""`python -m core` runs the `headway` command line."""

from core.cli import main

raise SystemExit(main())
