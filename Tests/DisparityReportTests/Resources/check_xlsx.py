"""Opens a workbook with openpyxl and prints what a reader would get, as JSON.

Usage: python3 check_xlsx.py WORKBOOK.xlsx
Any warning openpyxl raises while reading (a sign of a part it had to repair or ignore) is an
error: the script exits 1. Otherwise it prints, per sheet: the frozen cell, and every non-empty
cell as [coordinate, value, python type, number format]. Written for the DisparityReportTests;
MIT, as the project.
"""
import json
import sys
import warnings

warnings.simplefilter("error")
import openpyxl  # noqa: E402

book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": book.sheetnames, "content": {}}
for sheet in book.worksheets:
    cells = []
    for row in sheet.iter_rows():
        for c in row:
            if c.value is not None:
                cells.append([c.coordinate, c.value, type(c.value).__name__, c.number_format])
    out["content"][sheet.title] = {"frozen": sheet.freeze_panes, "cells": cells}
print(json.dumps(out))
