"""`python -m gjj`: the same command line as `gjj`."""
import sys

from gjj.cli import main

sys.exit(main())
