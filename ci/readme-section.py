#!/usr/bin/env python3
"""Replaces the text between <!-- NAME:begin --> and <!-- NAME:end --> in
README.md with standard input (the tables that ci/footprint.sh and
ci/bench.sh measure).   usage: ci/readme-section.py NAME < table.md"""
import re
import sys

name = sys.argv[1]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
text = open("README.md").read()
if begin not in text or end not in text:
    sys.exit(f"readme-section: README.md has no {begin} ... {end}")
new = begin + "\n" + sys.stdin.read().rstrip("\n") + "\n" + end
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: new, text, flags=re.S)
open("README.md", "w").write(text)
print("README.md updated")
