#!/usr/bin/env python3
"""Peer baseline for docs/BENCHMARKS.md: the pandas + scikit-learn + openpyxl
pipeline an analyst would write to do what `ledgerlens score` does, file to file.

    python3 bench/peer_pipeline.py IN.xlsx OUT.xlsx [--engine openpyxl|calamine] [--seed S]

Stages (each timed; timings go to stderr):
  read      pandas.read_excel (pandas' default engine unless --engine is given)
  features  vectorised pandas feature engineering (see build_features)
  model     StandardScaler -> IsolationForest + KMeans, 0-100 score, band, reason
  write     openpyxl Workbook (normal, not write-only) with per-cell band fills,
            bold frozen header, autofilter and a Summary sheet

The last stdout line is machine-readable:
    total_s=<x> read_s=<x> features_s=<x> model_s=<x> write_s=<x>
total_s covers read..write only; interpreter start-up and library imports are
reported separately on stderr (import_s) because they are a fixed cost that the
wall-clock figure from bench/peak_rss.sh already includes.
"""

import time

_T_IMPORT = time.perf_counter()

import argparse  # noqa: E402
import numbers  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font, PatternFill  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

IMPORT_S = time.perf_counter() - _T_IMPORT

# Korean ledger headers (row 1). Any other columns are carried through untouched.
COL_DATE = "집행일자"
COL_DEPT = "부서명"
COL_ACCT = "계정과목"
COL_VENDOR = "거래처"
COL_DESC = "적요"
COL_AMOUNT = "집행금액"
COL_VOUCHER = "전표번호"
REQUIRED = [COL_DATE, COL_DEPT, COL_ACCT, COL_VENDOR, COL_DESC, COL_AMOUNT, COL_VOUCHER]

DUP_WINDOW_DAYS = 3  # same vendor + same amount within this many days
SPLIT_WINDOW_DAYS = 5  # split payments: window length in days
SPLIT_THRESHOLD = 20_000_000  # each part under it, parts summing above it
SMALL_AMOUNT = 1_000_000  # "small" payment for the per vendor x month count
ROUND_UNIT = 100_000
# Benford MAD is meaningless on a handful of amounts (one payment already gives
# a large deviation), so vendors with fewer rows get 0 rather than noise.
BENFORD_MIN_ROWS = 10
BENFORD_P = np.log10(1.0 + 1.0 / np.arange(1, 10))
MAD_TO_SIGMA = 1.4826

BANDS = [("high", 80.0), ("medium", 60.0)]  # else "low"
BAND_FILLS = {
    "high": PatternFill(fill_type="solid", start_color="FFFF0000", end_color="FFFF0000"),
    "medium": PatternFill(fill_type="solid", start_color="FFFFA500", end_color="FFFFA500"),
    "low": PatternFill(fill_type="solid", start_color="FF92D050", end_color="FF92D050"),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- read


def read_ledger(path, engine, header):
    # Pandas 3 warns that its default xlsx reader will change; we deliberately
    # measure whatever the default is, so the warning is only noise here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*default engine.*")
        # header: 0-based row of the column names (the demo ledger has a
        # title and a period line above it, as ERP exports do).
        if engine is None:
            df = pd.read_excel(path, header=header)
        else:
            df = pd.read_excel(path, engine=engine, header=header)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise SystemExit(f"missing required column(s): {', '.join(missing)}")
    return df


# ----------------------------------------------------------------------- features


def parse_dates(s):
    """Real Excel dates, 'YYYY-MM-DD' strings, or bare serial numbers -> datetime64."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    if pd.api.types.is_numeric_dtype(s):
        return pd.to_datetime(s, unit="D", origin="1899-12-30", errors="coerce")
    # Mixed object column: datetime objects and ISO strings parse together;
    # numbers (unformatted date cells) are Excel serials.
    is_num = s.map(lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool))
    out = pd.to_datetime(s.where(~is_num), format="ISO8601", errors="coerce")
    if is_num.any():
        serial = pd.to_numeric(s.where(is_num), errors="coerce")
        out = out.fillna(pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce"))
    return out


def parse_amounts(s):
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    # Text amounts such as "1,234,000" or "1,234,000원".
    txt = s.astype("str").str.replace(r"[,\s원]", "", regex=True)
    return pd.to_numeric(txt, errors="coerce").astype("float64")


def key_codes(*cols):
    """Integer group id for one or more key columns (fast groupby keys)."""
    code = np.zeros(len(cols[0]), dtype=np.int64)
    for c in cols:
        codes, uniques = pd.factorize(c)
        code = code * (len(uniques) + 1) + codes
    return code


def robust_z(x, groups):
    """|x - median| / (1.4826 * MAD) within groups; 0 where MAD is 0."""
    g = x.groupby(groups, sort=False)
    dev = (x - g.transform("median")).abs()
    mad = dev.groupby(groups, sort=False).transform("median") * MAD_TO_SIGMA
    z = dev / mad.where(mad > 0)
    return z.fillna(0.0)


def duplicate_flag(vendor_k, amount, day, voucher):
    """Same vendor and amount within DUP_WINDOW_DAYS days, different voucher.

    Sorted by (vendor, amount, day), the nearest row with a *different* voucher
    before a row is the last row of the previous voucher run in the same group
    (and after it, the first row of the next run), so comparing against run
    neighbours is exact without a quadratic self-join.
    """
    ok = ~np.isnan(amount) & (day != np.iinfo(np.int64).min)
    idx = np.flatnonzero(ok)
    order = idx[np.lexsort((voucher[idx], day[idx], amount[idx], vendor_k[idx]))]
    v, a, d, vo = vendor_k[order], amount[order], day[order], voucher[order]
    n = len(order)
    flag = np.zeros(len(amount), dtype=bool)
    if n < 2:
        return flag
    new_grp = np.ones(n, dtype=bool)
    new_grp[1:] = (v[1:] != v[:-1]) | (a[1:] != a[:-1])
    new_run = new_grp.copy()
    new_run[1:] |= vo[1:] != vo[:-1]
    run_id = np.cumsum(new_run) - 1
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:] - 1, n - 1)
    far = np.int64(10**9)
    # Day of the previous run's last row (same group only), per run.
    prev_day = np.full(len(starts), -far)
    has_prev = ~new_grp[starts]
    prev_day[has_prev] = d[starts[has_prev] - 1]
    # Day of the next run's first row (same group only), per run.
    next_day = np.full(len(starts), far)
    has_next = np.zeros(len(starts), dtype=bool)
    has_next[:-1] = ~new_grp[starts[1:]]
    next_day[has_next] = d[ends[has_next] + 1]
    near = (d - prev_day[run_id] <= DUP_WINDOW_DAYS) | (next_day[run_id] - d <= DUP_WINDOW_DAYS)
    flag[order] = near
    return flag


def split_flag(vendor_k, amount, day):
    """Same vendor, 2+ payments each under SPLIT_THRESHOLD within
    SPLIT_WINDOW_DAYS days whose sum exceeds it; flags every member.

    Any qualifying window can be slid to end on its last payment, so it is
    enough to test the trailing window [day - W, day] of every payment and mark
    all rows inside each qualifying window (difference array over the sorted
    order).
    """
    ok = (amount > 0) & (amount < SPLIT_THRESHOLD) & (day != np.iinfo(np.int64).min)
    idx = np.flatnonzero(ok)
    flag = np.zeros(len(amount), dtype=bool)
    if len(idx) < 2:
        return flag
    order = idx[np.lexsort((day[idx], vendor_k[idx]))]
    # One sortable key: vendor blocks separated by more than any window.
    key = vendor_k[order].astype(np.int64) * np.int64(10**7) + day[order]
    a = amount[order]
    csum = np.concatenate(([0.0], np.cumsum(a)))
    hi = np.searchsorted(key, key, side="right")
    lo = np.searchsorted(key, key - SPLIT_WINDOW_DAYS, side="left")
    qualifies = ((hi - lo) >= 2) & ((csum[hi] - csum[lo]) > SPLIT_THRESHOLD)
    diff = np.zeros(len(order) + 1, dtype=np.int64)
    np.add.at(diff, lo[qualifies], 1)
    np.add.at(diff, hi[qualifies], -1)
    flag[order] = np.cumsum(diff[:-1]) > 0
    return flag


def benford_mad(vendor_k, amount):
    """Per-vendor mean |observed - Benford| first-digit share, joined to rows."""
    a = np.abs(amount)
    ok = np.isfinite(a) & (a >= 1)
    first = np.zeros(len(a), dtype=np.int64)
    first[ok] = (a[ok] // 10 ** np.floor(np.log10(a[ok]))).astype(np.int64)
    tab = pd.crosstab(vendor_k[ok], first[ok])
    tab = tab.reindex(columns=range(1, 10), fill_value=0)
    n = tab.sum(axis=1)
    share = tab.div(n, axis=0)
    mad = (share - BENFORD_P).abs().mean(axis=1).where(n >= BENFORD_MIN_ROWS, 0.0)
    return pd.Series(vendor_k).map(mad).fillna(0.0).to_numpy()


def build_features(df):
    date = parse_dates(df[COL_DATE])
    amount = parse_amounts(df[COL_AMOUNT])
    fill = "(없음)"
    dept = df[COL_DEPT].astype("str").where(df[COL_DEPT].notna(), fill)
    acct = df[COL_ACCT].astype("str").where(df[COL_ACCT].notna(), fill)
    vendor = df[COL_VENDOR].astype("str").where(df[COL_VENDOR].notna(), fill)
    voucher = df[COL_VOUCHER].astype("str").where(df[COL_VOUCHER].notna(), fill)

    k_vendor = key_codes(vendor)
    k_acct = key_codes(acct)
    k_dept_acct = key_codes(dept, acct)
    k_vendor_acct = key_codes(vendor, acct)
    k_vendor_dept_acct = key_codes(vendor, dept, acct)
    _, voucher_codes = np.unique(voucher.to_numpy(), return_inverse=True)

    nat = date.isna().to_numpy()
    day = date.to_numpy().astype("datetime64[D]").astype(np.int64)  # NaT -> int64 min
    amt = amount.to_numpy()
    # Negative amounts (refunds/corrections) are kept; log is taken on the
    # non-negative part so they land at log1p(0) = 0 rather than NaN.
    log_amt = pd.Series(np.log1p(np.clip(np.nan_to_num(amt, nan=0.0), 0, None)), index=df.index)

    f = pd.DataFrame(index=df.index)
    f["amount"] = np.nan_to_num(amt, nan=0.0)
    f["log_amount"] = log_amt
    f["rz_dept_acct"] = robust_z(log_amt, k_dept_acct)
    f["rz_acct"] = robust_z(log_amt, k_acct)

    ones = pd.Series(1, index=df.index)
    f["vendor_count"] = ones.groupby(k_vendor).transform("size")
    n_acct = ones.groupby(k_acct).transform("size")
    n_dept_acct = ones.groupby(k_dept_acct).transform("size")
    f["vendor_share_acct"] = ones.groupby(k_vendor_acct).transform("size") / n_acct
    f["vendor_share_dept_acct"] = ones.groupby(k_vendor_dept_acct).transform("size") / n_dept_acct

    f["duplicate"] = duplicate_flag(k_vendor, amt, day, voucher_codes).astype(np.float64)
    f["split"] = split_flag(k_vendor, amt, day).astype(np.float64)

    med = amount.groupby(k_vendor_acct).transform("median")
    f["recurring_ratio"] = (amount / med.where(med > 0)).fillna(1.0)

    month = date.dt.year * 12 + date.dt.month
    small = (amount > 0) & (amount < SMALL_AMOUNT) & ~nat
    small_cnt = small.astype(np.int64).groupby([k_vendor, month.fillna(-1).to_numpy()]).transform("sum")
    f["small_repeat"] = small_cnt.where(small, 0)

    f["round_amount"] = ((amount > 0) & (amount % ROUND_UNIT == 0)).astype(np.float64)
    f["weekend"] = (date.dt.day_of_week >= 5).astype(np.float64)
    f["month_end"] = (date.dt.day >= 25).astype(np.float64)
    f["december"] = (date.dt.month == 12).astype(np.float64)
    f["benford_mad"] = benford_mad(k_vendor, amt)
    return f.astype(np.float64)


# -------------------------------------------------------------------------- model


def score_rows(feats, seed):
    X = StandardScaler().fit_transform(feats.to_numpy())
    X = np.nan_to_num(X)  # constant columns standardise to 0 already; belt and braces
    iforest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed)
    iforest.fit(X)
    raw = -iforest.score_samples(X)  # higher = more anomalous
    span = raw.max() - raw.min()
    score = 100.0 * (raw - raw.min()) / span if span > 0 else np.zeros_like(raw)

    cluster = KMeans(n_clusters=6, n_init=1, random_state=seed).fit_predict(X)

    band = np.full(len(score), "low", dtype=object)
    for name, cut in reversed(BANDS):  # medium first, then high overwrites
        band[score >= cut] = name

    # Reason: the feature with the largest |z| on the standardised matrix.
    top = np.abs(X).argmax(axis=1)
    names = feats.columns.to_numpy()
    ztop = X[np.arange(len(X)), top]
    reason = [f"{names[j]} (z={z:+.1f})" for j, z in zip(top, ztop)]
    return np.round(score, 2), band, cluster, reason


# -------------------------------------------------------------------------- write


def cell_values(frame):
    """Rows of plain Python values; NaN/NaT become empty cells (openpyxl would
    otherwise write a literal 'nan' that Excel rejects)."""
    obj = frame.astype(object)
    obj = obj.where(frame.notna(), None)
    return obj.itertuples(index=False, name=None)


def write_output(path, df, out_cols):
    wb = Workbook()
    ws = wb.active
    ws.title = "Scored"
    bold = Font(bold=True)

    ws.append(list(out_cols))
    for cell in ws[1]:
        cell.font = bold
    for row in cell_values(df[out_cols]):
        ws.append(row)
    band_col = out_cols.index("band") + 1
    # Per-cell fill, as an analyst would do it (no conditional formatting).
    for (cell,) in ws.iter_rows(min_row=2, min_col=band_col, max_col=band_col):
        cell.fill = BAND_FILLS.get(cell.value, BAND_FILLS["low"])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

    summ = wb.create_sheet("Summary")
    summ.append(["band", "rows"])
    counts = df["band"].value_counts()
    for name in ("high", "medium", "low"):
        summ.append([name, int(counts.get(name, 0))])
        summ.cell(row=summ.max_row, column=1).fill = BAND_FILLS[name]
    summ.append(["total", len(df)])
    summ.append([])
    summ.append(["Top 20 by score"])
    top_cols = [COL_VOUCHER, COL_DATE, COL_DEPT, COL_ACCT, COL_VENDOR, COL_DESC, COL_AMOUNT,
                "score", "band", "cluster", "reason"]
    header_row = summ.max_row + 1
    summ.append(top_cols)
    top = df.sort_values("score", ascending=False, kind="stable").head(20)
    for row in cell_values(top[top_cols]):
        summ.append(row)
        c = summ.cell(row=summ.max_row, column=top_cols.index("band") + 1)
        c.fill = BAND_FILLS.get(c.value, BAND_FILLS["low"])
    for r in (1, header_row, header_row - 1):
        for cell in summ[r]:
            cell.font = bold
    wb.save(path)


# --------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--engine", choices=["openpyxl", "calamine"], default=None,
                    help="pandas.read_excel engine (default: pandas' own default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--header", type=int, default=0,
                    help="0-based row holding the column names (3 for ledgerlens demo files)")
    args = ap.parse_args(argv)

    log(f"import_s={IMPORT_S:.3f} (pandas {pd.__version__}, engine={args.engine or 'pandas-default'})")
    t0 = time.perf_counter()
    df = read_ledger(args.input, args.engine, args.header)
    t1 = time.perf_counter()
    log(f"read: {len(df)} rows x {df.shape[1]} cols in {t1 - t0:.3f}s")

    feats = build_features(df)
    t2 = time.perf_counter()
    log(f"features: {feats.shape[1]} features in {t2 - t1:.3f}s")

    score, band, cluster, reason = score_rows(feats, args.seed)
    orig_cols = list(df.columns)
    df = df.assign(score=score, band=band, cluster=cluster, reason=reason)
    t3 = time.perf_counter()
    n_high, n_med = int((band == "high").sum()), int((band == "medium").sum())
    log(f"model: IsolationForest + KMeans in {t3 - t2:.3f}s (high={n_high} medium={n_med})")

    write_output(args.output, df, orig_cols + ["score", "band", "cluster", "reason"])
    t4 = time.perf_counter()
    log(f"write: {args.output} in {t4 - t3:.3f}s")

    print(f"total_s={t4 - t0:.3f} read_s={t1 - t0:.3f} features_s={t2 - t1:.3f} "
          f"model_s={t3 - t2:.3f} write_s={t4 - t3:.3f}")


if __name__ == "__main__":
    main()
