"""``python -m demo_builder --seed 20261127 --out data/demo``."""

import sys

from demo_builder.build import main

if __name__ == "__main__":
    sys.exit(main())
