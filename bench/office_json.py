#!/usr/bin/env python3
"""Writes a workbook's first sheet as the JSON body the add-in sends to
POST /api/v1/score: rows exactly as Office.js range.values gives them
(header first, dates as serial numbers, empty cells as "")."""
import datetime
import json
import sys

from python_calamine import CalamineWorkbook

EPOCH = datetime.datetime(1899, 12, 30)


def office_value(v):
    if v is None:
        return ""
    if isinstance(v, datetime.datetime):
        return (v - EPOCH).total_seconds() / 86400.0
    if isinstance(v, datetime.date):
        return float((v - EPOCH.date()).days)
    return v


def main():
    path = sys.argv[1]
    book = CalamineWorkbook.from_path(path)
    name = book.sheet_names[0]
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    body = {"workbook": path.rsplit("/", 1)[-1], "sheet": name,
            "rows": [[office_value(v) for v in row] for row in rows]}
    json.dump(body, sys.stdout, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
