#!/usr/bin/env python3
"""Print hookshield/bare-hmac ratios from the last `cargo bench -p hookshield-core --bench verify`.

Reads target/criterion/<group>/<function>/<size>/new/estimates.json (median point estimates)
and prints a Markdown table: each preset and body size, both times and the ratio.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
groups = ["github", "stripe", "standard-webhooks", "civo", "hcp"]
sizes = ["256", "1024", "16384", "1048576"]


def median_ns(group, function, size):
    path = root / group / function / size / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


print("| preset | body | hookshield verify | bare HMAC | ratio |")
print("| --- | --- | --- | --- | --- |")
missing = False
for group in groups:
    for size in sizes:
        ours = median_ns(group, "hookshield", size)
        floor = median_ns(group, "bare-hmac", size)
        if ours is None or floor is None:
            missing = True
            continue
        print(f"| {group} | {int(size):,} B | {fmt(ours)} | {fmt(floor)} | {ours / floor:.3f}× |")
if missing:
    print("\n(some results are missing: run the whole benchmark first)", file=sys.stderr)
