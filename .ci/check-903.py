#!/usr/bin/env python3
"""Reads the SSDA903 validator's summary of one collection year (validated with last year's
tables beside it) and fails on any error that is not explained.

* Rules where DfE's validator is itself wrong (docs/returns-ssda903.md gives the evidence)
  are printed and allowed.
* 1001 and 1002 (care leaver information for a young person with too little care in the
  two years' tables) are decided child by child. The validator sees only the episodes open
  in this year or last year; its own message says it is wrong for a young person whose care
  came before last year's collection. A flagged child is allowed only when that is the whole
  cause: counting the two years' episodes as the validator does, the rule's test fails, and
  counting every episode the record holds, from the earlier years' returns exported from the
  same store, it passes. Anything else is an error.
* Every other rule is an error. The cross-year UASC rules (205A to 205D) are printed even
  when they find nothing.

    check-903.py SUMMARY.json EXPORT_DIR YEAR HEARTH STORE_URL WORK_DIR DEFECT...

EXPORT_DIR holds 903/ and 903/prev/; earlier years are exported to WORK_DIR/YYYY as needed.
"""
import csv
import datetime as dt
import json
import os
import subprocess
import sys

PER_CHILD = {"1001", "1002"}
ALWAYS_SHOWN = ["205A", "205B", "205C", "205D"]
ADOPTED = {"E11", "E12"}
SHORT_BREAKS = {"V3", "V4"}


def date(s):
    try:
        return dt.datetime.strptime(s, "%d/%m/%Y").date()
    except ValueError:
        return None


def add_years(d, n):
    # As pandas' DateOffset does, which the validator uses: 29 February becomes the 28th.
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def episodes(path):
    """Each child's episodes in a table: (DECOM, DEC, REC, LS), DEC None while open."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["CHILD"], []).append(
                (date(r["DECOM"]), date(r["DEC"]), r["REC"], r["LS"])
            )
    return out


def merged(tables, child):
    """A child's episodes across tables (newest table first), each once: the newest table's
    row of an episode holds its end."""
    seen = {}
    for t in tables:
        for e in t.get(child, []):
            seen.setdefault(e[0], e)
    return sorted(seen.values())


def care_leaver_test(eps, dob, year_end):
    """Rule 1001's test on these episodes: 91 days or more looked after since the 14th
    birthday, a day or more since the 16th, short breaks left out, an open last episode
    counted to 31 March, and the last episode not ending in adoption. Returns (passes,
    days since 14, days since 16)."""
    if not eps:
        return False, 0, 0
    d14, d16 = add_years(dob, 14), add_years(dob, 16)
    since14 = since16 = 0
    for i, (start, end, _, ls) in enumerate(eps):
        if ls in SHORT_BREAKS:
            continue
        end = end or (year_end if i == len(eps) - 1 else None)
        if end is None:
            continue
        since14 += max(0, (end - max(start, d14)).days)
        since16 += max(0, (end - max(start, d16)).days)
    adopted = eps[-1][2] in ADOPTED
    return since14 >= 91 and since16 >= 1 and not adopted, since14, since16


def passes(rule, eps, dob, year_end):
    if rule == "1002":
        return bool(eps)
    return care_leaver_test(eps, dob, year_end)[0]


def main():
    summary, export, year, hearth, db, work = sys.argv[1:7]
    defects = set(sys.argv[7:])
    year = int(year)
    year_end = dt.date(year, 3, 31)
    last_start = dt.date(year - 2, 4, 1)
    report = json.load(open(summary))["ssda903"]
    rules = report["by_rule"]
    ok = True

    for code in sorted(set(rules) | set(ALWAYS_SHOWN)):
        count = rules.get(code, {}).get("count", 0)
        if code in defects:
            label = " (validator defect)"
        elif code in PER_CHILD:
            label = " (checked child by child below)"
        elif count:
            label = " ERROR"
            ok = False
        else:
            label = ""
        print(f"903 {code}: {count}{label}")

    flagged = {}
    for child, items in report["by_child"].items():
        for item in items:
            if item["rule"] in PER_CHILD:
                flagged.setdefault(child, set()).add(item["rule"])
    if not flagged:
        return 0 if ok else 1

    dobs = {}
    with open(os.path.join(export, "903", "header.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            dobs[r["CHILD"]] = date(r["DOB"])
    visible = [
        episodes(os.path.join(export, "903", "episodes.csv")),
        episodes(os.path.join(export, "903", "prev", "episodes.csv")),
    ]

    # The rule's test on the two years the validator sees: a child who passes it was
    # flagged for some other reason, which is not the one the validator warns of.
    unsettled, errored = {}, set()
    for child, codes in sorted(flagged.items()):
        dob = dobs.get(child)
        eps = merged(visible, child)
        if dob is None:
            print(f"  ERROR {child}: no date of birth in the Header")
            errored.add(child)
            ok = False
            continue
        met = sorted(c for c in codes if passes(c, eps, dob, year_end))
        if met:
            print(
                f"  ERROR {child} ({', '.join(sorted(codes))}): the two years' episodes meet "
                f"the test of {', '.join(met)}, so missing history is not the cause"
            )
            errored.add(child)
            ok = False
            continue
        unsettled[child] = codes

    # Earlier years' returns, newest first, until every flagged child's care is found to
    # meet the test, or there is no earlier care that could.
    history = list(visible)
    earlier = year - 2
    while unsettled:
        oldest_needed = min(add_years(dobs[c], 14) for c in unsettled)
        if dt.date(earlier, 3, 31) < oldest_needed:
            break
        out = os.path.join(work, str(earlier))
        subprocess.run(
            [hearth, "--db", db, "export", "ssda903", "--year", str(earlier), "--out", out],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        table = episodes(os.path.join(out, "episodes.csv"))
        if not table:
            break
        history.append(table)
        for child in list(unsettled):
            eps = merged(history, child)
            if all(passes(c, eps, dobs[child], year_end) for c in unsettled[child]):
                del unsettled[child]
        earlier -= 1

    # Settled children are of two kinds: none of their care is in the two years' tables (it
    # ended before last year's collection began), or the part before it is missing.
    ended_before, began_before = [], []
    for child in sorted(flagged):
        if child in unsettled or child in errored:
            continue
        if merged(visible, child):
            began_before.append(child)
            continue
        last = merged(history, child)[-1][1]
        if last is None or last >= last_start:
            print(f"  ERROR {child}: no episode in the two years' tables, yet care ran to {last}")
            ok = False
            continue
        ended_before.append(child)
    for child in sorted(unsettled):
        eps = merged(history, child)
        _, d14, d16 = care_leaver_test(eps, dobs[child], year_end)
        print(
            f"  ERROR {child} ({', '.join(sorted(flagged[child]))}): the record's care, every "
            f"year counted, does not meet the test ({len(eps)} episodes, {d14} days looked "
            f"after since 14, {d16} since 16)"
        )
        ok = False

    def evidence(child):
        eps = merged(history, child)
        _, d14, d16 = care_leaver_test(eps, dobs[child], year_end)
        last = eps[-1][1]
        return (
            f"{child} ({', '.join(sorted(flagged[child]))}): last episode ended "
            f"{last.strftime('%d/%m/%Y') if last else 'open'}; looked after at least {d14} "
            f"days since 14 and {d16} since 16"
        )

    print(
        f"903 1001/1002: {len(flagged)} young people flagged; {len(ended_before)} whose care "
        f"ended before last year's collection began ({last_start.strftime('%d/%m/%Y')}), "
        f"{len(began_before)} whose care began before it and ran into it, "
        f"{len(flagged) - len(ended_before) - len(began_before)} not explained"
    )
    for child in ended_before:
        print("  care ended before last year: " + evidence(child))
    for child in began_before:
        print("  care began before last year: " + evidence(child))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
