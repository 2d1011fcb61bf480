#!/usr/bin/env python3
"""Inject labelled anomalies into a copy of a REAL ledger (issue 11, quality bench).

    python3 bench/inject_real.py BACKGROUND.csv OUT_DIR --seed N [--kinds K ...]
                                 [--rate 0.0075] [--min-per-kind 15]

Writes OUT_DIR/ledger.csv (the background's header and every one of its rows,
byte-for-byte in value, with the injected rows interleaved) and
OUT_DIR/labels.csv (row,kind,event,orig_row,detail). `row` is the sheet row as
ledgerlens numbers it: the header is row 1, the first data record row 2 (a
quoted field with a line break inside is still one record). Only injected rows
are listed; `orig_row` is, for a duplicate, the background row it repeats.

This injector is written from audit practice for 업무추진비 (and vendor-payment
audit for the vendor file, purchase-card audit for the p-card file),
independently of ledgerlens's own demo generator: every amount is drawn
relative to the background itself (a department's own median, the ledger's own
amount granularity and percentiles), never a constant tuned to a detector.

Schemas (found from the header; see SCHEMAS): korean-card (the 업무추진비
files), vendor-payments (corporate.payment.csv) and us-pcard
(purchasing.cards.2010.csv: group = CARDNUM, the card holder; vendor =
MERCHDESCRIPTION). Each schema names how its file writes a date and an amount,
and injected rows are written the same way: ISO dates and plain numbers for the
first two; for us-pcard dd/mm/yyyy (the file's own order: its first field runs
to 31, its second to 12) and "$1.234,56" (a dollar sign, a point between
thousands, a decimal comma, always two decimals -- every amount of 1,000 or
more in the file is written with the point).

Kinds (default: all that the background supports):
  amount_outlier   a payment 10-30x its department's median amount
  duplicate        an existing payment repeated (same place, amount, department)
                   0-3 days later (on a working day)
  split            one bill paid as 2-4 payments at one place on the same day or
                   the next, each just under a round per-payment limit that fits
                   this ledger (500,000원 when at least 97% of payments are under
                   it, else a 1-2-2.5-5 round amount just above the 99th pct.;
                   for us-pcard that is $2.500,00, the 99th pct. being $2.476
                   -- and the file's own purchases crowd under 2,500: 840 clean
                   ones in 2,400-2,499.99, 26 in 2,500.01-2,600)
  non_working_day  use on a weekend or public holiday by a department whose own
                   weekend/holiday share is at most 2% (calendars: Korea's public
                   holidays; for us-pcard the US federal holidays of 2009-2011,
                   observed dates included). Skipped, with a note, when no
                   department qualifies -- as in us-pcard, where the least
                   weekend-going card (of 825 with 30+ clean rows) has 3.4%
  late_night       a time of use 23:00-04:59 (only if >= 20% of rows carry a time)
  rare_vendor      (optional, not in the default set) a never-seen entertainment
                   venue (노래연습장, 단란주점, 골프장 ...) at a typical amount

Damaged rows (unparseable or implausible dates, times in the date column,
zero or text amounts, empty department/place/category, line breaks inside a
field) are copied as they are and never used as a donor or anchor for an
injection; so are rows that are not a payment of the schema's own kind (in
us-pcard every TRANSTYPE but P, purchase: D convenience-check fees, A, and a Y
payment adjustment). Deterministic for a given background, seed and options.
"""

import argparse
import bisect
import csv
import datetime as dt
import io
import math
import os
import random
import re
import statistics
import sys

# ------------------------------------------------------------------ calendar
# Korean public holidays (관공서의 공휴일에 관한 규정, incl. substitute and
# temporary holidays and election days), written from the official calendars.
_KR_HOLIDAYS = """
2022-01-01 2022-01-31 2022-02-01 2022-02-02 2022-03-01 2022-03-09 2022-05-05
2022-05-08 2022-06-01 2022-06-06 2022-08-15 2022-09-09 2022-09-10 2022-09-11
2022-09-12 2022-10-03 2022-10-09 2022-10-10 2022-12-25
2023-01-01 2023-01-21 2023-01-22 2023-01-23 2023-01-24 2023-03-01 2023-05-05
2023-05-27 2023-05-29 2023-06-06 2023-08-15 2023-09-28 2023-09-29 2023-09-30
2023-10-02 2023-10-03 2023-10-09 2023-12-25
2024-01-01 2024-02-09 2024-02-10 2024-02-11 2024-02-12 2024-03-01 2024-04-10
2024-05-05 2024-05-06 2024-05-15 2024-06-06 2024-08-15 2024-09-16 2024-09-17
2024-09-18 2024-10-01 2024-10-03 2024-10-09 2024-12-25
2025-01-01 2025-01-27 2025-01-28 2025-01-29 2025-01-30 2025-03-01 2025-03-03
2025-05-05 2025-05-06 2025-06-03 2025-06-06 2025-08-15 2025-10-03 2025-10-05
2025-10-06 2025-10-07 2025-10-08 2025-10-09 2025-12-25
2026-01-01 2026-02-16 2026-02-17 2026-02-18 2026-03-01 2026-03-02 2026-05-05
2026-05-24 2026-05-25 2026-06-03 2026-06-06 2026-08-15 2026-08-17 2026-09-24
2026-09-25 2026-09-26 2026-10-03 2026-10-05 2026-10-09 2026-12-25
"""
KR_HOLIDAYS = {dt.date.fromisoformat(s) for s in _KR_HOLIDAYS.split()}

# US federal holidays (5 U.S.C. 6103): the date itself and, when it falls on a
# weekend, the Friday or Monday observed in its place (1 Jan 2011, a Saturday,
# was observed on Fri 31 Dec 2010). Inauguration Day (DC area only) is left out.
_US_HOLIDAYS = """
2009-01-01 2009-01-19 2009-02-16 2009-05-25 2009-07-03 2009-07-04 2009-09-07
2009-10-12 2009-11-11 2009-11-26 2009-12-25
2010-01-01 2010-01-18 2010-02-15 2010-05-31 2010-07-04 2010-07-05 2010-09-06
2010-10-11 2010-11-11 2010-11-25 2010-12-24 2010-12-25 2010-12-31
2011-01-01 2011-01-17 2011-02-21 2011-05-30 2011-07-04 2011-09-05 2011-10-10
2011-11-11 2011-11-24 2011-12-25 2011-12-26
"""
US_HOLIDAYS = {dt.date.fromisoformat(s) for s in _US_HOLIDAYS.split()}
HOLIDAYS = {"KR": KR_HOLIDAYS, "US": US_HOLIDAYS}


# ------------------------------------------------------------------- schemas

# date_format / amount_format: how the file writes them (DATE_FORMATS;
# parse_amount, fmt_amount); row_type: (column, values) a row must carry to be
# a payment that can donate or anchor an injection, or None.
SCHEMAS = {
    # Published 업무추진비 card records (gongsulrang scrape).
    "korean-card": dict(
        date="사용일", time="사용시간", group="부서명", vendor="사용장소",
        vendor_mirror=["식당명"], clear_on_new_vendor=["주소"], account="비목",
        amount="사용금액", invoice=None, decimals=0, min_amount=1000,
        calendar="KR", date_format="iso", amount_format="plain", row_type=None,
        kinds=["amount_outlier", "duplicate", "split", "non_working_day", "late_night"],
    ),
    # A utility's vendor payments (benford.analysis corporate.payment).
    "vendor-payments": dict(
        date="Date", time=None, group="VendorNum", vendor="VendorNum",
        vendor_mirror=[], clear_on_new_vendor=[], account=None,
        amount="Amount", invoice="InvNum", decimals=2, min_amount=1.0,
        calendar=None, date_format="iso", amount_format="plain", row_type=None,
        kinds=["amount_outlier", "duplicate", "split"],
    ),
    # A US government body's purchase-card transactions, 2010 (benford.analysis
    # purchasing.cards.2010). TRANSTYPE P is a purchase; D (convenience-check
    # fees), A and Y (a payment adjustment) are not, and no amount is negative.
    # Caveat: only Oct-Dec have their quiet days on Sat/Sun; Jan-Feb are quiet
    # on Fri/Sat and Mar-Sep on Thu/Fri, so a weekday in those months is not
    # the weekday of the purchase (the file is taken as it is).
    "us-pcard": dict(
        date="DATE", time=None, group="CARDNUM", vendor="MERCHDESCRIPTION",
        vendor_mirror=[], clear_on_new_vendor=[], account=None,
        amount="AMOUNT", invoice=None, decimals=2, min_amount=1.0,
        calendar="US", date_format="dd/mm/yyyy", amount_format="$1.234,56",
        row_type=("TRANSTYPE", {"P"}),
        kinds=["amount_outlier", "duplicate", "split", "non_working_day"],
    ),
}
ALL_KINDS = ["amount_outlier", "duplicate", "split", "non_working_day", "late_night",
             "rare_vendor"]


def detect_schema(header):
    h = set(header)
    for name, s in SCHEMAS.items():
        need = {s["date"], s["group"], s["vendor"], s["amount"]}
        if s["invoice"]:
            need.add(s["invoice"])
        if s["row_type"]:
            need.add(s["row_type"][0])
        if need <= h:
            return name, s
    raise SystemExit(f"no known schema for header: {', '.join(header)}")


# ------------------------------------------------------------------- parsing

TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

# name -> (strict pattern, parse, write back)
DATE_FORMATS = {
    "iso": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), dt.date.fromisoformat, dt.date.isoformat),
    "dd/mm/yyyy": (re.compile(r"^\d{2}/\d{2}/\d{4}$"),
                   lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date(),
                   lambda d: d.strftime("%d/%m/%Y")),
}


def parse_date(s, fmt="iso"):
    rx, parse, _ = DATE_FORMATS[fmt]
    if not rx.match(s):
        return None
    try:
        return parse(s)
    except ValueError:
        return None


def fmt_date(d, fmt="iso"):
    return DATE_FORMATS[fmt][2](d)


# "plain": 1234 or 1234.5 (the decimals of the schema; trailing zeros dropped,
# as the vendor file writes them). "$1.234,56": a dollar sign, a point between
# thousands, a decimal comma and always two decimals; anything else (a minus,
# a bare "$1234,56") fails the pattern and the row is copied, never a donor.
DOLLAR_COMMA_RE = re.compile(r"^\$\d{1,3}(\.\d{3})*,\d{2}$")


def parse_amount(a, s):
    """The value of a stripped amount text under schema s, None if not clean."""
    if s["amount_format"] == "$1.234,56":
        if not DOLLAR_COMMA_RE.match(a):
            return None
        return float(a[1:].replace(".", "").replace(",", "."))
    amt_re = re.compile(r"^\d+$") if s["decimals"] == 0 else re.compile(r"^-?\d+(\.\d+)?$")
    return float(a) if amt_re.match(a) else None


def fmt_amount(a, s):
    if s["amount_format"] == "$1.234,56":
        return "$" + f"{a:,.2f}".translate(str.maketrans(",.", ".,"))
    if s["decimals"] == 0:
        return str(int(round(a)))
    return f"{a:.{s['decimals']}f}".rstrip("0").rstrip(".")


def parse_time(s):
    """(minutes since midnight, format) for a clean time, None for damaged,
    ('', None) never: an empty time is returned as (None, 'empty')."""
    if s == "":
        return None, "empty"
    m = TIME_RE.match(s)
    if not m:
        return None, None
    h, mi, se = int(m.group(1)), int(m.group(2)), m.group(3)
    if h > 23 or mi > 59 or (se is not None and int(se) > 59):
        return None, None
    fmt = ("hh" if len(m.group(1)) == 2 else "h") + (":ss" if se is not None else "")
    return h * 60 + mi, fmt


def fmt_time(minutes, fmt):
    minutes %= 24 * 60
    h, mi = divmod(minutes, 60)
    s = (f"{h:02d}" if fmt.startswith("hh") else f"{h}") + f":{mi:02d}"
    if fmt.endswith(":ss"):
        s += ":00"
    return s


def quantile(sorted_vals, q):
    if not sorted_vals:
        return float("nan")
    pos = q * (len(sorted_vals) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def is_late(minutes):
    return minutes is not None and (minutes >= 23 * 60 or minutes < 5 * 60)


# ---------------------------------------------------------------- background


class Background:
    def __init__(self, path):
        raw = open(path, "rb").read()
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        self.eol = "\r\n" if "\r\n" in text[:100000] else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.header, self.rows = rows[0], rows[1:]
        self.schema_name, self.s = detect_schema(self.header)
        self.holidays = HOLIDAYS.get(self.s["calendar"], set())
        self.col = {h: i for i, h in enumerate(self.header)}
        s = self.s
        c = self.col
        n = len(self.rows)
        self.date = [None] * n
        self.tmin = [None] * n
        self.tfmt = [None] * n
        self.amount = [None] * n
        self.ok = [False] * n
        # Pass 1: strictly parse; find the plausible date window.
        fmt_dates = []
        for i, r in enumerate(self.rows):
            if len(r) != len(self.header):
                continue
            self.date[i] = parse_date(r[c[s["date"]]], s["date_format"])
            if self.date[i]:
                fmt_dates.append(self.date[i])
        fmt_dates.sort()
        lo = quantile([d.toordinal() for d in fmt_dates], 0.005)
        hi = quantile([d.toordinal() for d in fmt_dates], 0.995)
        self.window = (dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi)))
        for i, r in enumerate(self.rows):
            d = self.date[i]
            if d is None or not (self.window[0] <= d <= self.window[1]):
                continue
            if any("\n" in v or "\r" in v for v in r):
                continue
            if s["row_type"] and r[c[s["row_type"][0]]] not in s["row_type"][1]:
                continue
            a = parse_amount(r[c[s["amount"]]].strip(), s)
            if a is None or a < s["min_amount"]:
                continue
            if not r[c[s["group"]]].strip() or not r[c[s["vendor"]]].strip():
                continue
            if s["account"] and not r[c[s["account"]]].strip():
                continue
            if s["time"]:
                tm, tf = parse_time(r[c[s["time"]]].strip())
                if tf is None:
                    continue
                self.tmin[i], self.tfmt[i] = tm, (None if tf == "empty" else tf)
            self.amount[i] = a
            self.ok[i] = True
        self.clean = [i for i in range(n) if self.ok[i]]
        amts = sorted(self.amount[i] for i in self.clean)
        self.amts_sorted = amts
        # Amount granularity of this ledger (share of amounts that are round).
        if s["decimals"] == 0:
            self.p1000 = sum(a % 1000 == 0 for a in amts) / len(amts)
            self.p100 = sum(a % 100 == 0 for a in amts) / len(amts)
        else:
            self.p1000 = self.p100 = 0.0
        # Groups (departments / vendors).
        self.by_group = {}
        for i in self.clean:
            self.by_group.setdefault(self.rows[i][c[s["group"]]], []).append(i)
        self.median = {g: statistics.median(self.amount[i] for i in ix)
                       for g, ix in self.by_group.items()}
        self.eligible = sorted(g for g, ix in self.by_group.items() if len(ix) >= 20)
        self.time_share = (sum(self.tfmt[i] is not None for i in self.clean) / len(self.clean)
                           if s["time"] else 0.0)
        self.vendors = {self.rows[i][c[s["vendor"]]] for i in range(n)
                        if len(self.rows[i]) == len(self.header)}
        if s["invoice"]:
            self.invoices = {(r[c[s["vendor"]]], r[c[s["invoice"]]]) for r in self.rows
                             if len(r) == len(self.header)}
        # Per-payment limit that is plausible for this ledger.
        share_500k = sum(a >= 500_000 for a in amts) / len(amts)
        if s["decimals"] == 0 and share_500k <= 0.03:
            self.limit = 500_000.0
        else:
            p99 = quantile(amts, 0.99)
            k = 10 ** math.floor(math.log10(p99))
            self.limit = next(m * k for m in (1, 2, 2.5, 5, 10) if m * k >= p99)

    def working(self, d):
        if not self.s["calendar"]:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def non_working(self, d):
        return bool(self.s["calendar"]) and not self.working(d)

    def fmt_date(self, d):
        return fmt_date(d, self.s["date_format"])

    def v(self, i, field):
        return self.rows[i][self.col[self.s[field]]]


# ----------------------------------------------------------------- injector


class Injector:
    def __init__(self, bg, rng):
        self.bg, self.rng = bg, rng
        self.used = set()  # background rows already used as a donor/original
        self.new = []      # dicts: values, date, anchor, kind, event, orig, detail
        self.events = 0

    # helpers --------------------------------------------------------------
    def round_amount(self, x):
        bg = self.bg
        if bg.s["decimals"]:
            return round(x, bg.s["decimals"])
        u = self.rng.random()
        unit = 1000 if u < bg.p1000 else (100 if u < bg.p100 else 10)
        return max(unit, round(x / unit) * unit)

    def floor_amount(self, x):
        bg = self.bg
        if bg.s["decimals"]:
            q = 10 ** bg.s["decimals"]
            return math.floor(x * q) / q
        unit = 1000 if self.rng.random() < bg.p1000 else 100
        return math.floor(x / unit) * unit

    def fmt_amount(self, a):
        return fmt_amount(a, self.bg.s)

    def pick(self, pool, cond=lambda i: True, tries=200):
        """A random unused clean row from pool satisfying cond."""
        for _ in range(tries):
            i = pool[self.rng.randrange(len(pool))]
            if i not in self.used and cond(i):
                return i
        cand = [i for i in pool if i not in self.used and cond(i)]
        return self.rng.choice(cand) if cand else None

    def plain_time(self, i):
        """Row i's time is usable for a non-late injection."""
        return not is_late(self.bg.tmin[i])

    def working_row(self, i):
        return self.bg.working(self.bg.date[i]) and self.plain_time(i)

    def group_pool(self, groups):
        return [i for g in groups for i in self.bg.by_group[g]]

    def other_date(self, g, avoid, cond):
        """A date on which department g was active (a clean row's date), not
        within 10 days of `avoid`, satisfying cond."""
        ix = self.bg.by_group[g]
        for _ in range(200):
            d = self.bg.date[ix[self.rng.randrange(len(ix))]]
            if abs((d - avoid).days) > 10 and cond(d):
                return d
        ds = [self.bg.date[i] for i in ix if cond(self.bg.date[i])]
        return self.rng.choice(ds) if ds else avoid

    def anchor_for(self, g, d):
        """The background row of group g whose date is nearest d (first such)."""
        ix = self.bg.by_group[g]
        return min(ix, key=lambda i: (abs((self.bg.date[i] - d).days), i))

    def emit(self, values, d, g, kind, detail, orig=None, anchor=None, event=None):
        self.new.append(dict(values=values, date=d, kind=kind, detail=detail, orig=orig,
                             anchor=self.anchor_for(g, d) if anchor is None else anchor,
                             event=event if event is not None else self.next_event(kind)))

    def next_event(self, kind):
        self.events += 1
        return f"{kind}-{self.events}"

    def set(self, values, field, val):
        values[self.bg.col[self.bg.s[field]]] = val

    def new_invoice(self, vendor, base, salt):
        """An invoice number in the same shape as `base`, not used by vendor."""
        runs = list(re.finditer(r"\d+", base))
        # the longest run of digits is the number proper (not a "J10" suffix
        # or the exponent of an Excel-mangled "2.16475E+13")
        last = max(reversed(runs), key=lambda r: len(r.group())) if runs else None
        for k in range(1, 500):
            if last:
                num = int(last.group()) + salt + k
                digits = str(num).zfill(len(last.group()))[-len(last.group()):]
                cand = base[:last.start()] + digits + base[last.end():]
            else:
                cand = f"{base}{salt + k}"
            if (vendor, cand) not in self.bg.invoices:
                self.bg.invoices.add((vendor, cand))
                return cand
        return f"{base}-{salt}"

    def time_for(self, values, donor, minutes):
        bg = self.bg
        if bg.s["time"] and bg.tfmt[donor] is not None and minutes is not None:
            self.set(values, "time", fmt_time(minutes, bg.tfmt[donor]))

    def donors(self, pool, n, keep=None):
        """Up to n fresh donor rows from pool (on working days unless `keep`
        says otherwise), each marked used, with its group."""
        keep = keep or self.working_row
        for _ in range(n):
            i = self.pick(pool, keep)
            if i is None:
                return
            self.used.add(i)
            yield i, self.bg.v(i, "group")

    # kinds ----------------------------------------------------------------
    def amount_outlier(self, n):
        bg = self.bg
        pool = self.group_pool(bg.eligible)
        for i, g in self.donors(pool, n):
            mult = math.exp(self.rng.uniform(math.log(10), math.log(30)))
            amt = self.round_amount(bg.median[g] * mult)
            d = self.other_date(g, bg.date[i], bg.working)
            vals = list(bg.rows[i])
            self.set(vals, "date", bg.fmt_date(d))
            self.set(vals, "amount", self.fmt_amount(amt))
            if bg.s["invoice"]:
                self.set(vals, "invoice", self.new_invoice(bg.v(i, "vendor"), bg.v(i, "invoice"),
                                                           self.rng.randrange(1000)))
            self.emit(vals, d, g, "amount_outlier",
                      f"amount={self.fmt_amount(amt)} dept_median={self.fmt_amount(bg.median[g])} "
                      f"x{amt / bg.median[g]:.1f} donor=background row {i + 2}")

    def duplicate(self, n):
        bg = self.bg
        pool = self.group_pool(bg.eligible)
        floor = 10_000 if bg.s["decimals"] == 0 else 10.0
        for i, g in self.donors(pool, n, lambda i: self.working_row(i) and bg.amount[i] >= floor):
            offs = [o for o in range(4) if bg.working(bg.date[i] + dt.timedelta(days=o))]
            o = self.rng.choice(offs)
            d = bg.date[i] + dt.timedelta(days=o)
            vals = list(bg.rows[i])
            self.set(vals, "date", bg.fmt_date(d))
            if bg.s["time"] and bg.tfmt[i] is not None:
                t0 = bg.tmin[i]
                if o == 0:  # charged again at the counter a little later
                    t = t0 + self.rng.randint(0, 20)
                    if is_late(t):
                        t = t0 - self.rng.randint(1, 20)
                else:       # claimed again another day: a usual meal hour
                    t = self.rng.choice([self.rng.randint(11 * 60 + 20, 13 * 60 + 30),
                                         self.rng.randint(18 * 60, 21 * 60)])
                self.time_for(vals, i, t)
            if bg.s["invoice"]:
                self.set(vals, "invoice", self.new_invoice(bg.v(i, "vendor"), bg.v(i, "invoice"),
                                                           self.rng.randrange(1000)))
            self.emit(vals, d, g, "duplicate",
                      f"amount={bg.v(i, 'amount')} +{o}d of background row {i + 2}", orig=i, anchor=i)

    def split(self, n):
        bg = self.bg
        L = bg.limit
        pool = self.group_pool(bg.eligible)
        for i, g in self.donors(pool, n):
            k = self.rng.choices([2, 3, 4], weights=[5, 3, 2])[0]
            d0 = self.other_date(g, bg.date[i], bg.working)
            d1 = d0 + dt.timedelta(days=1)
            spread = self.rng.random() < 0.4 and bg.working(d1)
            event = self.next_event("split")
            parts = []
            for j in range(k):
                a = self.floor_amount(L * self.rng.uniform(0.85, 0.995))
                if a >= L:
                    a = L - (1 if bg.s["decimals"] == 0 else 0.01)
                parts.append(a)
            # Times: one sitting (dinner or lunch), the card swiped again
            # a minute or few later; a next-day part at lunch.
            base = self.rng.choice([self.rng.randint(18 * 60, 21 * 60 + 30),
                                    self.rng.randint(11 * 60 + 30, 13 * 60 + 30)])
            t = base
            for j, a in enumerate(parts):
                day = d1 if (spread and j >= (k + 1) // 2) else d0
                if spread and j == (k + 1) // 2:
                    t = self.rng.randint(11 * 60 + 30, 13 * 60 + 30)
                elif j > 0:
                    t += self.rng.randint(1, 4)
                vals = list(bg.rows[i])
                self.set(vals, "date", bg.fmt_date(day))
                self.set(vals, "amount", self.fmt_amount(a))
                self.time_for(vals, i, t)
                if bg.s["invoice"]:
                    self.set(vals, "invoice", self.new_invoice(bg.v(i, "vendor"),
                                                               bg.v(i, "invoice"), j))
                self.emit(vals, day, g, "split",
                          f"part {j + 1}/{k} amount={self.fmt_amount(a)} limit={self.fmt_amount(L)} "
                          f"total={self.fmt_amount(sum(parts))}", event=event)

    def _rare_weekend_groups(self):
        bg = self.bg
        out = []
        for g in bg.eligible:
            ix = bg.by_group[g]
            if len(ix) >= 30 and sum(bg.non_working(bg.date[i]) for i in ix) / len(ix) <= 0.02:
                out.append(g)
        return out

    def non_working_day(self, n):
        bg = self.bg
        groups = self._rare_weekend_groups()
        if not groups:
            return
        pool = self.group_pool(groups)
        for i, g in self.donors(pool, n):
            ix = bg.by_group[g]
            lo = max(min(bg.date[x] for x in ix), bg.window[0])
            hi = min(max(bg.date[x] for x in ix), bg.window[1])
            days = [lo + dt.timedelta(days=k) for k in range((hi - lo).days + 1)]
            hol = [d for d in days if d.weekday() < 5 and d in bg.holidays]
            wkd = [d for d in days if d.weekday() >= 5]
            src = hol if (hol and self.rng.random() < 1 / 3) else wkd
            if not src:
                continue
            d = self.rng.choice(src)
            # amount: another of this department's own payments (typical)
            j = ix[self.rng.randrange(len(ix))]
            vals = list(bg.rows[i])
            self.set(vals, "date", bg.fmt_date(d))
            self.set(vals, "amount", bg.v(j, "amount"))
            what = "holiday" if d in bg.holidays else d.strftime("%A")
            self.emit(vals, d, g, "non_working_day",
                      f"{d.isoformat()} ({what}) amount={bg.v(j, 'amount')}")

    def late_night(self, n):
        bg = self.bg
        if not bg.s["time"] or bg.time_share < 0.2:
            return
        pool = [i for i in self.group_pool(bg.eligible) if bg.tfmt[i] is not None]
        if not pool:
            return
        for i, g in self.donors(pool, n, lambda i: bg.working(bg.date[i])):
            ix = bg.by_group[g]
            d = self.other_date(g, bg.date[i], bg.working)
            t = 23 * 60 + self.rng.randrange(6 * 60)  # 23:00 .. 04:59
            j = ix[self.rng.randrange(len(ix))]
            vals = list(bg.rows[i])
            self.set(vals, "date", bg.fmt_date(d))
            self.set(vals, "amount", bg.v(j, "amount"))
            self.time_for(vals, i, t)
            self.emit(vals, d, g, "late_night",
                      f"time={fmt_time(t, bg.tfmt[i])} amount={bg.v(j, 'amount')}")

    VENUES = ["노래연습장", "단란주점", "유흥주점", "골프클럽", "컨트리클럽", "라운지바", "가라오케"]
    SYLL = "가나다라마바사아자차카타파하은평서대문마포한강별빛청솔"

    def rare_vendor(self, n):
        bg = self.bg
        pool = self.group_pool(bg.eligible)
        for i, g in self.donors(pool, n):
            ix = bg.by_group[g]
            for _ in range(100):
                name = "".join(self.rng.choice(self.SYLL) for _ in range(2)) + self.rng.choice(self.VENUES)
                if name not in bg.vendors:
                    break
            bg.vendors.add(name)
            d = self.other_date(g, bg.date[i], bg.working)
            j = ix[self.rng.randrange(len(ix))]
            vals = list(bg.rows[i])
            self.set(vals, "date", bg.fmt_date(d))
            self.set(vals, "amount", bg.v(j, "amount"))
            self.set(vals, "vendor", name)
            for h in bg.s["vendor_mirror"]:
                vals[bg.col[h]] = name
            for h in bg.s["clear_on_new_vendor"]:
                if h in bg.col:
                    vals[bg.col[h]] = ""
            self.emit(vals, d, g, "rare_vendor", f"vendor={name} amount={bg.v(j, 'amount')}")


# ---------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("background")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--kinds", nargs="+", choices=ALL_KINDS, default=None,
                    help="kinds to inject (default: all the background supports, rare_vendor excluded)")
    ap.add_argument("--rate", type=float, default=0.0075,
                    help="share of clean rows to inject in total, spread over the kinds (default 0.0075)")
    ap.add_argument("--min-per-kind", type=int, default=15,
                    help="fewest rows per kind (split: max(8, this // 2) events of 2-4 rows)")
    args = ap.parse_args(argv)

    bg = Background(args.background)
    kinds = args.kinds or bg.s["kinds"]
    kinds = [k for k in ALL_KINDS if k in kinds]  # fixed order -> deterministic
    notes = []
    if "late_night" in kinds and (not bg.s["time"] or bg.time_share < 0.2):
        notes.append(f"late_night skipped: only {bg.time_share:.0%} of clean rows carry a time")
        kinds.remove("late_night")
    if "non_working_day" in kinds and not bg.s["calendar"]:
        notes.append("non_working_day skipped: no calendar for this schema")
        kinds.remove("non_working_day")
    rng = random.Random(args.seed)
    inj = Injector(bg, rng)
    if "non_working_day" in kinds and not inj._rare_weekend_groups():
        notes.append("non_working_day skipped: no department with >= 30 clean rows has a "
                     "weekend/holiday share of at most 2%")
        kinds.remove("non_working_day")
    per_kind = max(args.min_per_kind, round(args.rate * len(bg.clean) / max(1, len(kinds))))

    for k in kinds:
        # a split event is 2-4 rows: half as many events keeps its rows near
        # the other kinds' count
        getattr(inj, k)(max(8, per_kind // 2) if k == "split" else per_kind)

    # Interleave: each injected row goes right after its anchor (a row of its
    # department on the nearest date; a duplicate right after its original).
    after = {}
    for seq, r in enumerate(inj.new):
        after.setdefault(r["anchor"], []).append((r["date"], seq, r))
    out_rows, labels, pos_of = [], [], {}
    for i, row in enumerate(bg.rows):
        pos_of[i] = len(out_rows) + 2
        out_rows.append(row)
        for _, _, r in sorted(after.get(i, []), key=lambda t: (t[0], t[1])):
            labels.append((len(out_rows) + 2, r))
            out_rows.append(r["values"])

    os.makedirs(args.out_dir, exist_ok=True)
    enc = "utf-8-sig" if bg.bom else "utf-8"
    with open(os.path.join(args.out_dir, "ledger.csv"), "w", encoding=enc, newline="") as f:
        w = csv.writer(f, lineterminator=bg.eol)
        w.writerow(bg.header)
        w.writerows(out_rows)
    with open(os.path.join(args.out_dir, "labels.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "kind", "event", "orig_row", "detail"])
        for row, r in labels:
            w.writerow([row, r["kind"], r["event"],
                        pos_of[r["orig"]] if r["orig"] is not None else "", r["detail"]])

    counts = {}
    for _, r in labels:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    print(f"{args.background}: schema={bg.schema_name} rows={len(bg.rows)} clean={len(bg.clean)} "
          f"window={bg.window[0]}..{bg.window[1]} limit={inj.fmt_amount(bg.limit)} "
          f"time_share={bg.time_share:.2f} injected={len(labels)} "
          + " ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)
    for n in notes:
        print("note: " + n, file=sys.stderr)


if __name__ == "__main__":
    main()
