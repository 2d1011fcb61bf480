#!/usr/bin/env python3
"""The pandas + scikit-learn peer (bench/peer_pipeline.py) on a real-export CSV.

    python3 bench/peer_real.py LEDGER.csv SCORES.csv [--seed S]

Maps the headers of the real files used by bench/quality.py onto the peer's
(집행일자, 부서명, 계정과목, 거래처, 적요, 집행금액, 전표번호), then runs the
peer's own feature engineering and model unchanged (build_features,
score_rows: StandardScaler -> IsolationForest + KMeans, its own constants).
Writes one line per data row: row (sheet row: header is 1, first record 2),
score, band, reason (the peer's largest-|z| feature).

  korean-card     사용일, 부서명, 비목, 사용장소, 사용목적, 사용금액; no voucher
                  column, so each row is its own voucher
  vendor-payments Date, VendorNum (vendor), InvNum (voucher), Amount; one
                  department and one account for every row
  korean-erp      the peer's own headers (bench/worlds.py's KRW ERP worlds)
  english-ledger  Transaction Date, Cost Centre, Expense Type, Merchant Name,
                  Description, Amount, and Invoice Number (voucher) when present
                  (bench/worlds.py's GBP/USD/EUR worlds); the peer's constants
                  stay in won (SPLIT_THRESHOLD, SMALL_AMOUNT, ROUND_UNIT), as
                  an analyst's copied script would
  us-pcard        DATE, CARDNUM (department: the card holder), MERCHDESCRIPTION
                  (vendor), AMOUNT; one account for every row, each row its own
                  voucher. The file's dd/mm/yyyy dates and "$1.234,56" amounts
                  are rewritten as ISO dates and plain numbers first, as an
                  analyst would before running the script (its parsers take
                  ISO dates and 1,234-style amounts and would read none of
                  them); the constants stay in won, as for english-ledger
"""

import argparse
import os
import sys

import pandas as pd

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing the peer
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_pipeline as peer  # noqa: E402

MAPS = {
    "korean-card": {"사용일": peer.COL_DATE, "부서명": peer.COL_DEPT, "비목": peer.COL_ACCT,
                    "사용장소": peer.COL_VENDOR, "사용목적": peer.COL_DESC,
                    "사용금액": peer.COL_AMOUNT},
    "vendor-payments": {"Date": peer.COL_DATE, "VendorNum": peer.COL_VENDOR,
                        "InvNum": peer.COL_VOUCHER, "Amount": peer.COL_AMOUNT},
    "korean-erp": {c: c for c in (peer.COL_DATE, peer.COL_DEPT, peer.COL_ACCT, peer.COL_VENDOR,
                                  peer.COL_DESC, peer.COL_AMOUNT)},
    "english-ledger": {"Transaction Date": peer.COL_DATE, "Cost Centre": peer.COL_DEPT,
                       "Expense Type": peer.COL_ACCT, "Merchant Name": peer.COL_VENDOR,
                       "Description": peer.COL_DESC, "Amount": peer.COL_AMOUNT},
    "us-pcard": {"DATE": peer.COL_DATE, "CARDNUM": peer.COL_DEPT,
                 "MERCHDESCRIPTION": peer.COL_VENDOR, "AMOUNT": peer.COL_AMOUNT},
}
# Columns mapped when present (a map matches on its required columns only).
OPTIONAL = {"english-ledger": {"Invoice Number": peer.COL_VOUCHER}}


def pcard_values(df):
    """dd/mm/yyyy -> YYYY-MM-DD and "$1.234,56" -> "1234.56" (a text that does
    not parse is left for the peer's own parsers to reject)."""
    d = pd.to_datetime(df[peer.COL_DATE], format="%d/%m/%Y", errors="coerce")
    df[peer.COL_DATE] = d.dt.strftime("%Y-%m-%d").where(d.notna(), df[peer.COL_DATE])
    df[peer.COL_AMOUNT] = (df[peer.COL_AMOUNT].str.replace(r"[$.\s]", "", regex=True)
                           .str.replace(",", ".", regex=False))


# Value rewrites after the headers are mapped.
CONVERT = {"us-pcard": pcard_values}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    df = pd.read_csv(args.input, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for name, m in MAPS.items():
        if set(m) <= set(df.columns):
            break
    else:
        raise SystemExit(f"peer_real: no header map for {', '.join(df.columns)}")
    df = df.rename(columns={**m, **{k: v for k, v in OPTIONAL.get(name, {}).items()
                                    if k in df.columns}})
    if name in CONVERT:
        CONVERT[name](df)
    rows = pd.Series(range(2, len(df) + 2), index=df.index)
    for col in peer.REQUIRED:
        if col not in df.columns:
            df[col] = rows.astype(str) if col == peer.COL_VOUCHER else "(none)"
    feats = peer.build_features(df)
    score, band, _cluster, reason = peer.score_rows(feats, args.seed)
    pd.DataFrame({"row": rows, "score": score, "band": band, "reason": reason}).to_csv(
        args.output, index=False)


if __name__ == "__main__":
    main()
