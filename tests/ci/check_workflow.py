#!/usr/bin/env python3
"""Checks .github/workflows/ci.yml, the hosted CI matrix, against CMakePresets.json.

    python3 tests/ci/check_workflow.py [SOURCE_DIR]

Asserts that:
  - the file is valid YAML with jobs, and the workflow's token is read-only
    (top-level `permissions: contents: read`, no job asks for more);
  - every workflow preset in CMakePresets.json is run by some job's matrix,
    and every preset a matrix names exists;
  - every job runs an install script from ci/ and `cmake --workflow --preset`;
  - every action is pinned to a full 40-hex commit SHA;
  - when `action-validator` is on PATH (npm: @action-validator/cli), the file
    also passes its check against GitHub's workflow schema (never fetched
    here: the check needs no network).
Exit status 0 when all hold, 1 with the reasons when not, 77 (skipped) when
PyYAML is not installed (Debian: python3-yaml).
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIPPED: PyYAML is not installed (Debian: apt-get install python3-yaml)")
    sys.exit(77)

WORKFLOW = ".github/workflows/ci.yml"
PRESETS = "CMakePresets.json"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def matrix_presets(job):
    """The presets a job's matrix runs: `preset` in a list or in `include` entries."""
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    found = []
    if isinstance(matrix, dict):
        listed = matrix.get("preset", [])
        found += listed if isinstance(listed, list) else [listed]
        for entry in matrix.get("include", []) or []:
            if isinstance(entry, dict) and "preset" in entry:
                found.append(entry["preset"])
    return [str(p) for p in found]


def step_text(job):
    return "\n".join(str(step.get("run", "")) for step in job.get("steps", []) or [])


def read_only(permissions):
    if permissions in ("read-all", {}):
        return True
    if isinstance(permissions, dict):
        return all(value in ("read", "none") for value in permissions.values())
    return False


def check(source):
    problems = []
    workflow = yaml.safe_load((source / WORKFLOW).read_text(encoding="utf-8"))
    presets = json.loads((source / PRESETS).read_text(encoding="utf-8"))
    if not isinstance(workflow, dict) or not isinstance(workflow.get("jobs"), dict):
        return [f"{WORKFLOW}: no jobs"]
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    if "on" not in workflow and True not in workflow:
        problems.append(f"{WORKFLOW}: no `on:` triggers")

    if workflow.get("permissions") != {"contents": "read"}:
        problems.append(f"{WORKFLOW}: top-level permissions must be exactly `contents: read`, "
                        f"not {workflow.get('permissions')!r}")

    known = {p["name"] for p in presets.get("workflowPresets", [])}
    covered = set()
    for name, job in workflow["jobs"].items():
        if "permissions" in job and not read_only(job["permissions"]):
            problems.append(f"job {name}: permissions {job['permissions']!r} are not read-only")
        runs = matrix_presets(job)
        if not runs:
            problems.append(f"job {name}: its matrix names no preset")
        for preset in runs:
            if preset not in known:
                problems.append(f"job {name}: preset {preset!r} is not a workflow preset "
                                f"in {PRESETS}")
        covered.update(runs)
        text = step_text(job)
        if not re.search(r"ci/install-[\w-]+\.(sh|ps1)", text):
            problems.append(f"job {name}: runs no ci/install-* script")
        if "cmake --workflow --preset ${{ matrix.preset }}" not in text:
            problems.append(f"job {name}: does not run `cmake --workflow --preset "
                            "${{ matrix.preset }}`")
        for step in job.get("steps", []) or []:
            uses = step.get("uses")
            if uses is not None and not SHA_PIN.match(str(uses)):
                problems.append(f"job {name}: `{uses}` is not pinned to a full commit SHA")
    validator = shutil.which("action-validator")
    if validator:
        result = subprocess.run([validator, str(source / WORKFLOW)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"action-validator rejects {WORKFLOW}:\n{result.stdout}{result.stderr}")
    for preset in sorted(known - covered):
        problems.append(f"workflow preset {preset!r} is in no job's matrix")
    if not problems:
        print(f"{WORKFLOW}: {len(workflow['jobs'])} jobs cover all {len(known)} workflow "
              f"presets: {', '.join(sorted(known))}")
    return problems


def main():
    source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = check(source)
    for problem in problems:
        print(f"check_workflow: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
