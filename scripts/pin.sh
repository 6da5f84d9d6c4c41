# Sourced by the store benchmarks (redis_bench.sh, postgres_bench.sh): where the server and
# the bench run, from PIN. Sets two command prefixes (taskset execs its command, and a
# server's processes inherit it):
#   server_on   the server's       bench_on   the bench's
# PIN=0 (the default): the scheduler's choice; PIN=same: both on CPU 0; PIN=split (or 1):
# the server on the last CPU, the bench on the others.
PIN=${PIN:-0}
server_on=()
bench_on=()
case "$PIN" in
    0) ;;
    same)
        server_on=(taskset -c 0)
        bench_on=(taskset -c 0)
        ;;
    1 | split)
        cpus=$(nproc)
        if [ "$cpus" -lt 2 ]; then echo "PIN=split needs 2 CPUs or more" >&2; exit 2; fi
        last=$((cpus - 1))
        server_on=(taskset -c "$last")
        if [ "$last" -eq 1 ]; then bench_on=(taskset -c 0); else bench_on=(taskset -c "0-$((last - 1))"); fi
        ;;
    *) echo "PIN must be 0, same or split" >&2; exit 2 ;;
esac
if [ "${#server_on[@]}" -gt 0 ] && ! command -v taskset >/dev/null 2>&1; then
    echo "PIN=$PIN needs taskset (util-linux)" >&2
    exit 2
fi
