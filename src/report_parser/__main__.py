"""``python -m report_parser`` runs the ``report-parser`` command line."""

import sys

from .cli import main

sys.exit(main())
