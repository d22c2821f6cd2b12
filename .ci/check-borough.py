#!/usr/bin/env python3
"""Checks the summary `hearth generate --summary-json` printed on its last line: every
configured rate within 15% of its target, and every kind of event present."""
import json
import sys

lines = [l for l in sys.stdin.read().splitlines() if l.strip()]
if not lines:
    sys.exit("no output from hearth generate")
summary = json.loads(lines[-1])
bad = [f for f in summary["figures"] if not f["within_15_percent"]]
for f in summary["figures"]:
    mark = "ok " if f["within_15_percent"] else "OUT"
    print(f"  {mark} {f['name']}: configured {f['configured']}, generated {f['generated']}")
if summary["kinds_missing"]:
    print("event kinds missing: " + ", ".join(summary["kinds_missing"]))
print(f"{summary['events']} events, fingerprint {summary['hash']}")
if bad or summary["kinds_missing"]:
    sys.exit(f"{len(bad)} figures outside 15%, {len(summary['kinds_missing'])} event kinds missing")
