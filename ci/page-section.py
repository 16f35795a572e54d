#!/usr/bin/env python3
"""Replaces the text between <!-- NAME:begin --> and <!-- NAME:end --> in a
Markdown page with standard input: the measured tables that ci/bench.sh
(ci/BENCHMARKS.md) and ci/footprint.sh (ci/CROSS.md) keep beside themselves.
README.md is never rewritten by a script.
   usage: ci/page-section.py PAGE NAME < table.md"""
import re
import sys

page, name = sys.argv[1], sys.argv[2]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
text = open(page).read()
if begin not in text or end not in text:
    sys.exit(f"page-section: {page} has no {begin} ... {end}")
new = begin + "\n" + sys.stdin.read().rstrip("\n") + "\n" + end
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: new, text, flags=re.S)
open(page, "w").write(text)
print(f"{page} updated")
