"""Score every institution's ledger on Spark with the ledgerlens engine.

    spark-submit python/examples/score_agencies.py INPUT OUTPUT \
        [--institution COLUMN]... [--order-by COLUMN]... [--config FILE] [--keep-going]

INPUT is Parquet (a file or a folder) or a CSV with a header row; OUTPUT
gets rows/ (one scored row per payment) and summary/ (one row per
institution), both Parquet. See docs/SCALE.md.
"""

import sys

from ledgerlens.spark import main

if __name__ == "__main__":
    sys.exit(main())
