"""`python -m exporter`: see `exporter.cli`."""

from exporter.cli import main

raise SystemExit(main())
