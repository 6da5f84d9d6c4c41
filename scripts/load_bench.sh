#!/usr/bin/env bash
# Loopback load benchmark: examples/load_server.rs in several modes, driven by wrk with
# signed 1 KiB GitHub deliveries (scripts/load_bench.lua), each a new event: a new
# delivery id and a new body (signatures prepared before each run, up to RATE_CAP
# requests/s for the run's duration; a run that sends more fails and says so).
#
#   bare    a plain axum POST handler reading the body as Bytes (the baseline)
#   verify  the same handler behind WebhookLayer (github preset), replay guard disabled
#   memory  WebhookLayer as built by WebhookLayer::new: the default MemoryStore
#   moka    WebhookLayer with a MokaStore of the same capacity (feature moka)
#   redis   WebhookLayer with a RedisStore (a throwaway Redis from scripts/redis.sh, pinned
#           with the server), only when MODES asks for it: MODES="bare verify memory redis"
#   postgres          WebhookLayer with a PgStore, its pool from PgPool::connect (sqlx's
#           defaults: 10 connections, a ping before each statement); only when MODES asks
#           for it: MODES="bare memory postgres postgres-no-ping" (axum only)
#   postgres-no-ping  the same, the pool with test_before_acquire(false)
#           For these the script starts a PostgreSQL cluster of its own (scripts/postgres.sh
#           start load-bench: loopback, fsync and synchronous_commit off) on the server's
#           CPUs, drops the store's table before each such mode, and stops the cluster on
#           exit; LOAD_POSTGRES_URL=postgres://… uses a running server instead (nothing
#           dropped, nothing pinned). The table then also gives the database's CPU time per
#           request (all its processes), and each mode is compared with `memory`.
#   gateway `hookshield serve` (one route, the github preset, the default memory store)
#           forwarding to the `bare` server as its upstream: both run where the server
#           runs (and under QUOTA together), so the ratio to `bare` is what putting the
#           gateway in front of a service costs. Only when MODES asks: MODES="bare gateway"
#   proxy   the load server forwarding each body, unverified, to the `bare` server the same
#           way (hyper's pooled client): what any proxy in front of it costs, the floor of
#           `gateway`. Only when MODES asks: MODES="bare proxy gateway"
#
# Every mode is run for the same time with the same wrk settings, after a warm-up, on a
# fresh server; every answer must be 204 (a non-2xx, a duplicate or a socket error fails
# the script). Prints requests/s and p99 latency with their ratios to `bare`.
#
#   scripts/load_bench.sh                      # defaults below
#   DURATION=30s CONNECTIONS=128 scripts/load_bench.sh
#   PIN=0 scripts/load_bench.sh                # let server and wrk share every CPU
#   FRAMEWORK=actix scripts/load_bench.sh      # the actix-web server (examples/load_server_actix.rs)
#
# SIGNED_ID=1 signs each delivery id with its body (`{id}.{body}`, the servers' scheme
# under LOAD_SIGNED_ID=1): the replay guard then keys events by id alone, without the
# content digest GitHub's unsigned ids need (a second SHA-256 pass and a second
# reservation).
#
# QUOTA=40 limits the server to 40% of one CPU (a cgroup CPU quota, 10 ms period; needs
# root and the cgroup `cpu` controller, v1 or v2), so that the server, not wrk, sets the
# pace even where wrk cannot saturate a whole CPU's worth of server: requests/s ratios
# are then ratios of the server's capacity. "server busy" is then out of the quota.
#
# PIN=1 (the default, with 2 or more CPUs) runs the server on CPU 0 and wrk on the other
# CPUs, so wrk's own work does not eat into the server's. The server's Tokio runtime sizes
# itself to the CPUs it may use. Besides requests/s, the table gives the server's CPU time
# per request (from /proc/PID/stat) and how busy it was: when the server is not ~100%
# busy, wrk was the bottleneck and requests/s ratios understate the server's costs.
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18088}
MODES=${MODES:-bare verify memory moka}
PIN=${PIN:-1}
QUOTA=${QUOTA:-}
SIGNED_ID=${SIGNED_ID:-0}
RATE_CAP=${RATE_CAP:-200000}
SECRET=load-bench-secret
URL="http://127.0.0.1:${PORT}/webhook"

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

FRAMEWORK=${FRAMEWORK:-axum}
case "$FRAMEWORK" in
    axum) EXAMPLE=load_server ;;
    actix) EXAMPLE=load_server_actix ;;
    *) echo "FRAMEWORK must be axum or actix" >&2; exit 2 ;;
esac
postgres_modes=0
for mode in $MODES; do
    case "$mode" in postgres | postgres-no-ping) postgres_modes=1 ;; esac
done
FEATURES="$FRAMEWORK,redis,moka"
if [ "$FRAMEWORK" = axum ]; then
    FEATURES="$FEATURES,postgres"
elif [ "$postgres_modes" = 1 ]; then
    echo "the postgres modes need FRAMEWORK=axum" >&2
    exit 2
fi
cargo build --release --example "$EXAMPLE" --features "$FEATURES" >&2
if [[ " $MODES " == *" gateway "* ]]; then
    cargo build --release -p hookshield-cli >&2
fi
if [[ " $MODES " == *" redis "* ]] && [ -z "${HOOKSHIELD_REDIS_URL:-}" ]; then
    echo "MODES includes redis: set HOOKSHIELD_REDIS_URL (eval \"\$(scripts/redis.sh start)\")" >&2
    exit 2
fi
SERVER=target/release/examples/$EXAMPLE

CPUS=$(nproc)
server_cpus=""
wrk_cpus=""
# Command prefixes; taskset execs its command, so `$!` is the server itself.
server_on=()
wrk_on=()
if [ "$PIN" = 1 ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    server_cpus="0"
    wrk_cpus="1-$((CPUS - 1))"
    server_on=(taskset -c "$server_cpus")
    wrk_on=(taskset -c "$wrk_cpus")
fi
# One wrk thread per CPU wrk may use: more threads than CPUs time-slice each other and
# add the scheduler's slices (milliseconds) to the measured latency.
THREADS=${THREADS:-$(if [ -n "$wrk_cpus" ]; then echo $((CPUS - 1)); else echo "$CPUS"; fi)}

work=$(mktemp -d)
server_pid=""
upstream_pid=""
# The PostgreSQL cluster this script started (its name), if any.
pg_cluster=""
stop() { # stop PID
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}
cleanup() {
    stop "$server_pid"
    stop "$upstream_pid"
    if [ -n "$pg_cluster" ]; then scripts/postgres.sh stop "$pg_cluster" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# prepare DIR TAG DURATION: the bodies (exactly 1,024 bytes of JSON, around a 21-character
# delivery serial) and the signature of each, for RATE_CAP requests/s over DURATION.
prepare() {
    mkdir -p "$1"
    python3 - "$1" "$SECRET" "$2" "$3" "$RATE_CAP" "$SIGNED_ID" <<'EOF'
import hmac, json, math, re, sys
out, secret, tag, duration, cap = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
signed_id = sys.argv[6] == "1"
seconds = float(re.fullmatch(r"([0-9.]+)s?", duration).group(1))
head = b'{"action":"opened","delivery":"'
tail_start = b'","zen":"'
end = b'"}'
filler = b"x" * (1024 - len(head) - 21 - len(tail_start) - len(end))
tail = tail_start + filler + end
open(f"{out}/head", "wb").write(head)
open(f"{out}/tail", "wb").write(tail)
prefix = b"%08x-" % tag
with open(f"{out}/signatures", "w") as sigs:
    for serial in range(math.ceil(seconds * cap)):
        delivery = prefix + b"%012x" % serial
        body = head + delivery + tail
        signed = delivery + b"." + body if signed_id else body
        sigs.write("sha256=" + hmac.digest(secret, signed, "sha256").hex() + "\n")
assert len(body) == 1024 and json.loads(body)
EOF
}

# limit_server PID: puts the server under the QUOTA (see above), if one is asked for.
limit_server() {
    [ -n "$QUOTA" ] || return 0
    local dir
    if [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then
        dir=/sys/fs/cgroup/cpu/hookshield-load
        mkdir -p "$dir"
        echo 10000 >"$dir/cpu.cfs_period_us"
        echo $((QUOTA * 100)) >"$dir/cpu.cfs_quota_us"
    elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
        dir=/sys/fs/cgroup/hookshield-load
        echo +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
        mkdir -p "$dir"
        echo "$((QUOTA * 100)) 10000" >"$dir/cpu.max"
    else
        echo "QUOTA needs root and the cgroup cpu controller" >&2
        exit 2
    fi
    for pid in "$@"; do echo "$pid" >"$dir/cgroup.procs"; done
}

# start_upstream: the bare server on PORT+1, the upstream of `proxy` and `gateway`.
start_upstream() {
    LOAD_SECRET=$SECRET "${server_on[@]}" "$SERVER" bare "$((PORT + 1))" >&2 &
    upstream_pid=$!
}

# start_gateway: `hookshield serve` on PORT forwarding /webhook to the upstream; sets
# server_pid (the gateway) and upstream_pid.
start_gateway() {
    local upstream_port=$((PORT + 1))
    start_upstream
    {
        printf '[server]\naddr = "127.0.0.1:%s"\n' "$PORT"
        printf '[[route]]\nname = "load"\npath = "/webhook"\nsecret_env = "LOAD_SECRET"\n'
        if [ "$SIGNED_ID" != 1 ]; then printf 'preset = "github"\n'; fi
        printf '[route.output]\ntype = "http"\nurl = "http://127.0.0.1:%s/webhook"\n' "$upstream_port"
        if [ "$SIGNED_ID" = 1 ]; then
            # The servers' LOAD_SIGNED_ID=1 scheme: GitHub's headers, `{id}.{body}` signed.
            printf '[route.scheme]\nname = "github-signed-id"\nsignature_header = "X-Hub-Signature-256"\n'
            printf 'prefix = "sha256="\nsigned_content = "{id}.{body}"\nid_header = "X-GitHub-Delivery"\n'
        fi
    } >"$work/gateway.toml"
    # One line per event on stdout, as in a deployment; read by no one here.
    LOAD_SECRET=$SECRET "${server_on[@]}" target/release/hookshield serve \
        --config "$work/gateway.toml" >/dev/null 2>"$work/gateway.log" &
    server_pid=$!
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "the server did not start on port ${PORT}" >&2
    return 1
}

# run_wrk DURATION TAG: prints wrk's RESULT line (and the full output on stderr).
run_wrk() {
    local out
    prepare "$work/run-$2" "$2" "$1"
    out=$("${wrk_on[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --latency \
        -s scripts/load_bench.lua "$URL" -- "$work/run-$2" "$2" "$THREADS")
    rm -rf "$work/run-$2"
    echo "$out" >&2
    grep '^RESULT ' <<<"$out"
}

# The CPU time so far of the given processes (all threads, user + system), in clock ticks.
cpu_ticks() {
    local pid total=0
    for pid in "$@"; do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
TICKS=$(getconf CLK_TCK)

# The PostgreSQL for the postgres modes: a cluster of our own on the server's CPUs (its
# backends inherit the affinity), or LOAD_POSTGRES_URL.
pg_postmaster=""
if [ "$postgres_modes" = 1 ]; then
    if [ -n "${LOAD_POSTGRES_URL:-}" ]; then
        PG_URL=$LOAD_POSTGRES_URL
    else
        pg_cluster=load-bench
        started=$("${server_on[@]}" scripts/postgres.sh start "$pg_cluster")
        PG_URL=${started#export HOOKSHIELD_POSTGRES_URL=}
        pg_postmaster=$(head -n 1 "$(cat "target/postgres/$pg_cluster/data")/postmaster.pid")
        echo "PostgreSQL for the postgres modes: $PG_URL (postmaster $pg_postmaster, CPUs ${server_cpus:-all})" >&2
    fi
fi

# "PID TICKS" for the cluster's processes (the postmaster and its children), if it is ours.
db_ticks() {
    [ -n "$pg_postmaster" ] || return 0
    local pid
    for pid in "$pg_postmaster" $(pgrep -P "$pg_postmaster"); do
        awk -v pid="$pid" '{ print pid, $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
    done
}

field() { # field NAME RESULT-LINE
    sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"
}

declare -A RPS P50 P99 CPU BUSY DBCPU
tag=$(( $(date +%s) % 100000 * 100 ))
failed=0
for mode in $MODES; do
    echo "== $mode" >&2
    if [ "$mode" = gateway ]; then
        start_gateway
    elif [ "$mode" = proxy ]; then
        start_upstream
        LOAD_UPSTREAM="http://127.0.0.1:$((PORT + 1))/webhook" "${server_on[@]}" "$SERVER" proxy "$PORT" >&2 &
        server_pid=$!
    else
        if [ "$mode" = postgres ] || [ "$mode" = postgres-no-ping ]; then
            if [ -n "$pg_cluster" ]; then
                # Each postgres mode starts on an empty table (the server creates it).
                psql "$PG_URL" -qc 'DROP TABLE IF EXISTS hookshield_events' >&2
            fi
            export HOOKSHIELD_POSTGRES_URL=$PG_URL
        fi
        LOAD_SECRET=$SECRET LOAD_SIGNED_ID=$SIGNED_ID "${server_on[@]}" "$SERVER" "$mode" "$PORT" >&2 &
        server_pid=$!
    fi
    limit_server "$server_pid" $upstream_pid
    wait_for_port
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "FAIL: $mode: the server exited (is port $PORT taken?)" >&2
        exit 1
    fi
    tag=$((tag + 1))
    run_wrk "$WARMUP" "$tag" >/dev/null
    tag=$((tag + 1))
    before=$(cpu_ticks "$server_pid" $upstream_pid)
    db_before=$(db_ticks)
    result=$(run_wrk "$DURATION" "$tag")
    after=$(cpu_ticks "$server_pid" $upstream_pid)
    db_after=$(db_ticks)
    stop "$server_pid"
    stop "$upstream_pid"
    server_pid=""
    upstream_pid=""

    for check in non2xx non204 socket_errors; do
        value=$(field "$check" "$result")
        if [ "$value" != 0 ]; then
            echo "FAIL: $mode: $check=$value (every answer must be 204)" >&2
            failed=1
        fi
    done
    if [ "$(field exhausted "$result")" != 0 ]; then
        echo "FAIL: $mode: more requests than signed deliveries: raise RATE_CAP (now $RATE_CAP/s)" >&2
        failed=1
    fi
    if [ "$(field requests "$result")" -eq 0 ]; then
        echo "FAIL: $mode: no request completed" >&2
        failed=1
    fi
    RPS[$mode]=$(field rps "$result")
    P50[$mode]=$(field p50_us "$result")
    P99[$mode]=$(field p99_us "$result")
    # Server CPU per request (µs) and how busy the server was (100% = one CPU all along).
    read -r "CPU[$mode]" "BUSY[$mode]" < <(python3 -c '
import sys
ticks, hz, requests, seconds = map(float, sys.argv[1:])
cpu = ticks / hz
print(f"{cpu / requests * 1e6:.2f} {100 * cpu / seconds:.0f}")
' "$((after - before))" "$TICKS" "$(field requests "$result")" "$(field seconds "$result")")
    # The database's CPU per request (µs), its processes' ticks over the run.
    if [ -n "$pg_postmaster" ] && { [ "$mode" = postgres ] || [ "$mode" = postgres-no-ping ]; }; then
        DBCPU[$mode]=$(python3 -c '
import sys
before = dict(line.split() for line in sys.argv[1].splitlines() if line)
after = dict(line.split() for line in sys.argv[2].splitlines() if line)
ticks = sum(int(t) - int(before.get(pid, 0)) for pid, t in after.items())
print(f"{ticks / float(sys.argv[3]) / float(sys.argv[4]) * 1e6:.2f}")
' "$db_before" "$db_after" "$TICKS" "$(field requests "$result")")
    fi
done

echo
echo "$CPUS CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)); server on CPUs ${server_cpus:-all}, wrk on ${wrk_cpus:-all}"
echo "$FRAMEWORK: ${QUOTA:+server limited to $QUOTA% of one CPU; }wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up), 1 KiB signed github deliveries$(if [ "$SIGNED_ID" = 1 ]; then echo ", id signed"; fi)"
echo
echo "| mode | requests/s | ratio to bare | p50 | p99 | p99 ratio to bare | server CPU / request | ratio to bare | server busy |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for mode in $MODES; do
    python3 - "$mode" "${RPS[$mode]}" "${P50[$mode]}" "${P99[$mode]}" "${CPU[$mode]}" \
        "${BUSY[$mode]}" "${RPS[bare]:-}" "${P99[bare]:-}" "${CPU[bare]:-}" <<'EOF'
import sys
mode, rps, p50, p99, cpu, busy, base_rps, base_p99, base_cpu = sys.argv[1:]
ratio = f"{float(rps) / float(base_rps):.3f}×" if base_rps else "—"
p99_ratio = f"{float(p99) / float(base_p99):.2f}×" if base_p99 else "—"
cpu_ratio = f"{float(cpu) / float(base_cpu):.2f}×" if base_cpu else "—"
print(f"| {mode} | {float(rps):,.0f} | {ratio} | {int(p50) / 1000:.2f} ms | "
      f"{int(p99) / 1000:.2f} ms | {p99_ratio} | {float(cpu):.2f} µs | {cpu_ratio} | {busy}% |")
EOF
done
if [ -n "${RPS[memory]:-}" ] && [ "$postgres_modes" = 1 ]; then
    echo
    for mode in $MODES; do
        case "$mode" in postgres | postgres-no-ping) ;; *) continue ;; esac
        python3 -c '
import sys
mode, rps, cpu, p99, base_rps, base_cpu, base_p99, db = sys.argv[1:]
line = (f"{mode} vs memory: requests/s {float(rps) / float(base_rps):.3f}×, server CPU / request "
        f"{float(cpu) / float(base_cpu):.2f}×, p99 {float(p99) / float(base_p99):.2f}×")
if db:
    line += (f"; database CPU / request {float(db):.2f} µs, server + database "
             f"{float(cpu) + float(db):.2f} µs = {(float(cpu) + float(db)) / float(base_cpu):.2f}× "
             "memory'"'"'s server")
print(line)
' "$mode" "${RPS[$mode]}" "${CPU[$mode]}" "${P99[$mode]}" "${RPS[memory]}" "${CPU[memory]}" \
            "${P99[memory]}" "${DBCPU[$mode]:-}"
    done
fi
if [ -n "${RPS[bare]:-}" ]; then
    echo
    for mode in $MODES; do
        [ "$mode" = bare ] && continue
        # No target for the PostgreSQL store against bare (issue #18 compares it with memory).
        case "$mode" in postgres | postgres-no-ping) continue ;; esac
        python3 -c '
import sys
mode, rps, base = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
# Issue #16: layer + store >= 0.85x bare; the layer alone (verify) >= 0.9x (issues #3, #5);
# issue #17: the gateway in front of the bare server >= 0.5x the bare server alone.
target = {"verify": 0.9, "gateway": 0.5, "proxy": 0.5}.get(mode, 0.85)
verdict = "met" if rps >= target * base else "MISSED"
print(f"{mode}: requests/s >= {target}x bare: {verdict} ({rps / base:.3f}x)")
' "$mode" "${RPS[$mode]}" "${RPS[bare]}"
    done
fi
exit "$failed"
