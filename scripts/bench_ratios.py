#!/usr/bin/env python3
"""Print ratios from the last hookshield-core benchmarks, as Markdown tables.

    python3 scripts/bench_ratios.py          # `--bench verify`: hookshield / bare HMAC
    python3 scripts/bench_ratios.py replay   # `--bench replay`: replay guard / 1 KiB github verify

Reads target/criterion/<group>/<function>[/<size>]/new/estimates.json (median point
estimates) and prints each figure beside its baseline from the same run.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
groups = ["github", "stripe", "standard-webhooks", "civo", "hcp"]
sizes = ["256", "1024", "16384", "1048576"]


def median_ns(group, function, size):
    # An empty `size` adds no path component (figures without a parameter).
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


def verify_table():
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
    return missing


# `--bench replay`: (function, what it measures); the baseline is the last one.
REPLAY = [
    ("id-format", "formatting one 36-character delivery id (not in the figures below)"),
    ("reserve-commit-new", "`MokaStore` reserve + commit of a new id"),
    ("guard-admit-commit", "`ReplayGuard` admit + `Ticket::commit` of a new id"),
    ("reserve-done", "`MokaStore` reserve of an id already done (duplicate)"),
    ("github-verify-1k", "`Verifier::verify_at`, github, 1 KiB body (baseline)"),
]
REPLAY_TARGET_NS = 1000.0  # reserve + commit ≤ 1 µs
REPLAY_TARGET_RATIO = 0.10  # … and ≤ 10% of the 1 KiB github verify


def replay_table():
    base = median_ns("replay", "github-verify-1k", "")
    if base is None:
        return True
    print("| figure | median | ratio to verify |")
    print("| --- | --- | --- |")
    missing = False
    for function, what in REPLAY:
        ns = median_ns("replay", function, "")
        if ns is None:
            missing = True
            continue
        print(f"| {what} | {fmt(ns)} | {ns / base:.3f}× |")
    new = median_ns("replay", "reserve-commit-new", "")
    if new is not None:
        ok_abs = "met" if new <= REPLAY_TARGET_NS else "MISSED"
        ok_rel = "met" if new / base <= REPLAY_TARGET_RATIO else "MISSED"
        print(f"\nreserve+commit ≤ 1 µs: {ok_abs} ({fmt(new)}); "
              f"≤ 10% of verify: {ok_rel} ({100 * new / base:.0f}%)")
    return missing


which = sys.argv[1] if len(sys.argv) > 1 else "verify"
if which not in ("verify", "replay"):
    sys.exit(f"usage: {sys.argv[0]} [verify|replay]")
missing = verify_table() if which == "verify" else replay_table()
if missing:
    print("\n(some results are missing: run the whole benchmark first)", file=sys.stderr)
