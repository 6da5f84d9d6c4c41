#!/usr/bin/env python3
"""Print ratios from the last hookshield-core benchmarks, as Markdown tables.

    python3 scripts/bench_ratios.py          # `--bench verify`: hookshield / bare HMAC, then the public keys
    python3 scripts/bench_ratios.py keys     # `--bench verify`, public keys only: hookshield / bare crate verify
    python3 scripts/bench_ratios.py headermap  # `--bench verify --features http`: through an http::HeaderMap on the system clock / bare HMAC
    python3 scripts/bench_ratios.py replay   # `--bench replay`: replay guard / 1 KiB github verify
    python3 scripts/bench_ratios.py redis    # hookshield-redis `--bench store`: RedisStore vs MemoryStore
    python3 scripts/bench_ratios.py peers    # hookshield-bench-peers `--bench peers`: vs svix, standardwebhooks, webhook-verify

Reads target/criterion/<group>/<function>[/<size>]/new/estimates.json (median point
estimates) and prints each figure beside its baseline from the same run.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
groups = ["github", "stripe", "standard-webhooks", "civo", "hcp", "paddle", "pagerduty", "square", "twilio"]
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


# `--bench verify`, public-key groups (issue #15): (group, baseline function, what the
# baseline is); sizes are the bench's KEY_SIZES.
KEYS = [
    ("discord", "bare-ed25519", "ed25519-dalek `verify_strict`"),
    ("sendgrid", "bare-p256", "p256 `verify_prehash`"),
]
KEY_SIZES = ["256", "1024"]
KEY_TARGET = ("1024", 1.10)  # ≤ 1.1× the bare crate verify at 1 KiB


def keys_table():
    print("| preset | body | hookshield verify | bare crate verify | baseline | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    missing = False
    verdicts = []
    for group, function, what in KEYS:
        for size in KEY_SIZES:
            ours = median_ns(group, "hookshield", size)
            floor = median_ns(group, function, size)
            if ours is None or floor is None:
                missing = True
                continue
            print(f"| {group} | {int(size):,} B | {fmt(ours)} | {fmt(floor)} | {what} | {ours / floor:.3f}× |")
            if size == KEY_TARGET[0]:
                ok = "met" if ours / floor <= KEY_TARGET[1] else "MISSED"
                verdicts.append(f"{group} {ours / floor:.3f}×: {ok}")
    if verdicts:
        print(f"\n≤ {KEY_TARGET[1]}× at {int(KEY_TARGET[0]):,} B: " + "; ".join(verdicts))
    return missing


def verify_and_keys_tables():
    missing = verify_table()
    print()
    return keys_table() or missing


# `--bench verify --features http`, the user's path (issue #16): verify through an
# `http::HeaderMap` on the system clock / the bare HMAC of the same bytes, beside the same
# ratio through `(name, value)` pairs on a fixed clock (the groups of `verify_table`).
HEADERMAP = [
    ("github", "GitHub (HMAC-SHA256 of the body)"),
    ("standard-webhooks", "Standard Webhooks (HMAC-SHA256 of `{id}.{t}.{body}`)"),
]
HEADERMAP_TARGETS = {"256": 1.3, "1024": 1.15, "16384": 1.05, "1048576": 1.03}


def headermap_table():
    print("| preset | body | verify (HeaderMap, system clock) | bare HMAC | ratio | target "
          "| ratio through pairs, fixed clock |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    missing = False
    verdicts = []
    for group, title in HEADERMAP:
        for size in sizes:
            ours = median_ns(f"headermap-{group}", "hookshield", size)
            floor = median_ns(f"headermap-{group}", "bare-hmac", size)
            if ours is None or floor is None:
                missing = True
                continue
            pairs, pairs_floor = median_ns(group, "hookshield", size), median_ns(group, "bare-hmac", size)
            pairs_ratio = "?" if pairs is None or pairs_floor is None else f"{pairs / pairs_floor:.3f}×"
            limit = HEADERMAP_TARGETS[size]
            ok = "met" if ours / floor <= limit else "MISSED"
            print(f"| {title} | {int(size):,} B | {fmt(ours)} | {fmt(floor)} | {ours / floor:.3f}× "
                  f"| ≤ {limit}×: {ok} | {pairs_ratio} |")
            verdicts.append(ok)
    if verdicts:
        print(f"\ntargets met: {verdicts.count('met')} of {len(verdicts)}")
    return missing


# `--bench replay`: (function, what it measures); the baseline is the last one.
REPLAY = [
    ("id-format", "formatting one 36-character delivery id (not in the figures below)"),
    ("memory_reserve-commit-new", "`MemoryStore` (the default) reserve + commit of a new id, store full"),
    ("moka_reserve-commit-new", "`MokaStore` reserve + commit of a new id, store full"),
    ("moka-insert-new", "bare moka `insert` of a new key, cache set up as `MokaStore`'s (floor)"),
    ("memory_reserve-commit-new-below-capacity", "`MemoryStore` reserve + commit of a new id, store not full"),
    ("moka_reserve-commit-new-below-capacity", "`MokaStore` reserve + commit of a new id, store not full"),
    ("guard-admit-commit", "`ReplayGuard` (default store) admit + `Ticket::commit` of a new id"),
    ("guard-admit-digest-commit", "`ReplayGuard` admit + commit of a new id and its content digest (unsigned ids)"),
    ("github-content-digest-1k", "`Verifier::content_digest`, 1 KiB body (one SHA-256 pass)"),
    ("github-receive-new-1k", "`Receiver::receive` + commit of a new 1 KiB github delivery (verify, digest, two reservations)"),
    ("memory_reserve-done", "`MemoryStore` reserve of an id already done (duplicate)"),
    ("moka_reserve-done", "`MokaStore` reserve of an id already done (duplicate)"),
    ("github-verify-1k", "`Verifier::verify_at`, github, 1 KiB body (baseline)"),
]
REPLAY_TARGET_NS = 1000.0  # reserve + commit of a new id on a full store ≤ 1 µs (issue #16)
REPLAY_DUPLICATE_NS = 300.0  # a duplicate ≤ 0.3 µs (issue #16)
REPLAY_TARGET_RATIO = 0.10  # … and ≤ 10% of the 1 KiB github verify


def verdict(ok):
    return "met" if ok else "MISSED"


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
    print()
    for store in ("memory", "moka"):
        new = median_ns("replay", f"{store}_reserve-commit-new", "")
        done = median_ns("replay", f"{store}_reserve-done", "")
        if new is None or done is None:
            continue
        print(f"{store}: reserve+commit ≤ 1 µs: {verdict(new <= REPLAY_TARGET_NS)} ({fmt(new)}); "
              f"≤ 10% of verify: {verdict(new / base <= REPLAY_TARGET_RATIO)} ({100 * new / base:.0f}%); "
              f"duplicate ≤ 0.3 µs: {verdict(done <= REPLAY_DUPLICATE_NS)} ({fmt(done)})")
    return missing


# hookshield-redis `--bench store` (group `redis-store`): (function, what it measures).
REDIS = [
    ("memory-reserve-commit-new", "`MemoryStore` reserve + commit of a new id"),
    ("redis-reserve-commit-new", "`RedisStore` reserve + commit of a new id"),
    ("memory-reserve-done", "`MemoryStore` reserve of an id already done (duplicate)"),
    ("redis-reserve-done", "`RedisStore` reserve of an id already done (duplicate)"),
    ("redis-ping", "bare `PING` (one loopback round trip)"),
]
REDIS_TARGET_COMMANDS = 2  # reserve + commit


def per_event(counts, n):
    return ", ".join(f"{name.upper()} {calls / n:.3g}" for name, calls in counts.items()) or "none"


def round_trips_table():
    path = root / "redis-store" / "round-trips.json"
    if not path.exists():
        return True
    phases = json.loads(path.read_text())
    timed = phases.pop("server-time", None)
    print("| phase | events | sent by the store, per event (MONITOR) | round trips per event "
          "| run inside the scripts, per event | INFO total_commands_processed per event "
          "| failed calls (INFO) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for phase in phases.values():
        n = phase["events"]
        seen = phase["monitor"]
        sent = per_event(seen["sent"], n) if seen else "(no MONITOR)"
        trips = f"{sum(seen['sent'].values()) / n:.3f}" if seen else "?"
        inner = per_event(seen["in_scripts"], n) if seen else "?"
        failed = ", ".join(f"{name.upper()} {c['failed']}" for name, c in phase["commandstats"].items()
                           if c["failed"] or c["rejected"]) or "0"
        print(f"| {phase['what']} | {n:,} | {sent} | {trips} | {inner} | "
              f"{phase['total_commands_processed'] / n:.3f} | {failed} |")
    new = phases.get("new")
    if new is not None and new["monitor"] is not None:
        trips = sum(new["monitor"]["sent"].values()) / new["events"]
        ok = "met" if trips <= REDIS_TARGET_COMMANDS else "MISSED"
        eval_calls = new["commandstats"].get("eval", {}).get("calls", 0)
        print(f"\nround trips per new event ≤ {REDIS_TARGET_COMMANDS}: {ok} ({trips:.3f}); "
              f"EVAL fallbacks in steady state: {eval_calls}")
    if timed is not None:
        n = timed["events"]
        parts = [f"{name.upper()} {c['usec'] / c['calls']:.2f} µs × {c['calls'] / n:.3g}"
                 for name, c in timed["commandstats"].items() if c["calls"]]
        print(f"server time per call (INFO commandstats, {n:,} new events without MONITOR; "
              f"EVALSHA includes the GET and SET its script runs): {', '.join(parts)}")
    print()
    return False


def redis_table():
    missing = round_trips_table()
    med = {f: median_ns("redis-store", f, "") for f, _ in REDIS}
    ping = med["redis-ping"]
    if ping is None:
        return True
    print("| figure | median | ratio to 2× PING |")
    print("| --- | --- | --- |")
    for function, what in REDIS:
        ns = med[function]
        if ns is None:
            missing = True
            continue
        print(f"| {what} | {fmt(ns)} | {ns / (2 * ping):.3f}× |")
    memory, redis = med["memory-reserve-commit-new"], med["redis-reserve-commit-new"]
    if memory is not None and redis is not None:
        print(f"\nadded latency per new event (Redis − memory): {fmt(redis - memory)} "
              f"({redis / memory:.1f}× memory); RedisStore / 2× PING: {redis / (2 * ping):.2f}×")
    memory, redis = med["memory-reserve-done"], med["redis-reserve-done"]
    if memory is not None and redis is not None:
        print(f"added latency per duplicate (Redis − memory): {fmt(redis - memory)}; "
              f"RedisStore / 1× PING: {redis / ping:.2f}×")
    return missing


# hookshield-bench-peers `--bench peers`: (group, title, verifiers); the floor is `bare-hmac`.
PEERS = [
    ("peers-standard-webhooks", "Standard Webhooks (HMAC-SHA256 of `{id}.{t}.{body}`)",
     ["hookshield", "hookshield-headermap", "svix", "standardwebhooks", "webhook-verify"]),
    ("peers-github", "GitHub `sha256=` (HMAC-SHA256 of the body)", ["hookshield", "webhook-verify"]),
    ("peers-civo", "Civo (HMAC-SHA1 of the body)", ["hookshield", "webhook-verify"]),
    ("peers-hcp", "HCP (HMAC-SHA512 of the body)", ["hookshield", "webhook-verify"]),
]
OURS = ("hookshield", "hookshield-headermap")
PEER_TARGETS = {"256": 1.3, "1024": 1.2, "16384": 1.05, "1048576": 1.03}  # hookshield / floor


def peers_table():
    missing = False
    verdicts = []
    for group, title, names in PEERS:
        med = {(n, size): median_ns(group, n, size) for n in names + ["bare-hmac"] for size in sizes}
        print(f"### {title}\n")
        print("| body | bare HMAC | " + " | ".join(f"{n} (× floor)" for n in names) + " |")
        print("| --- | --- |" + " --- |" * len(names))
        for size in sizes:
            floor = med[("bare-hmac", size)]
            if floor is None:
                missing = True
                continue
            cells = []
            for n in names:
                ns = med[(n, size)]
                if ns is None:
                    missing = True
                cells.append("?" if ns is None else f"{fmt(ns)} ({ns / floor:.3f}×)")
            print(f"| {int(size):,} B | {fmt(floor)} | " + " | ".join(cells) + " |")
        ours = [n for n in names if n in OURS]
        peers = [n for n in names if n not in OURS]
        print()
        print("| body | " + " | ".join(f"{o} ÷ {p}" for o in ours for p in peers) + " |")
        print("| --- |" + " --- |" * (len(ours) * len(peers)))
        for size in sizes:
            cells = []
            for o in ours:
                for p in peers:
                    a, b = med[(o, size)], med[(p, size)]
                    cells.append("?" if a is None or b is None else f"{a / b:.3f}×")
            print(f"| {int(size):,} B | " + " | ".join(cells) + " |")
        print()
        for size in sizes:
            ns, floor = med[("hookshield", size)], med[("bare-hmac", size)]
            if ns is None or floor is None:
                continue
            limit = PEER_TARGETS[size]
            ok = "met" if ns / floor <= limit else "MISSED"
            slower = [f"{p}: {ns / med[(p, size)]:.3f}×" for p in peers
                      if med[(p, size)] is not None and ns >= med[(p, size)]]
            fastest = "met" if not slower else "MISSED (not faster than " + ", ".join(slower) + ")"
            verdicts.append(f"| {group} | {int(size):,} B | {ns / floor:.3f}× ≤ {limit}×: {ok} | {fastest} |")
    print("### Targets\n")
    print("| group | body | hookshield / floor | faster than every peer |")
    print("| --- | --- | --- | --- |")
    print("\n".join(verdicts))
    return missing


TABLES = {"verify": verify_and_keys_tables, "keys": keys_table, "headermap": headermap_table,
          "replay": replay_table, "redis": redis_table, "peers": peers_table}
which = sys.argv[1] if len(sys.argv) > 1 else "verify"
if which not in TABLES:
    sys.exit(f"usage: {sys.argv[0]} [verify|keys|headermap|replay|redis|peers]")
missing = TABLES[which]()
if missing:
    print("\n(some results are missing: run the whole benchmark first)", file=sys.stderr)
