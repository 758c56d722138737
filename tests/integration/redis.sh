# A redis-server of the test's own on 127.0.0.1 (persistence on), started
# here and stopped at the exit: R is its URL, redis_start and redis_stop
# restart it. Sourced after lib.sh.
command -v redis-server > /dev/null || { echo "FAIL: redis-server is not installed" >&2; exit 1; }
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
R=redis://127.0.0.1:$RPORT
mkdir -p redis
redis_start() {
    redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$WORK/redis" --appendonly yes \
        --appendfsync everysec --save "" --daemonize yes --pidfile "$WORK/redis/pid" \
        --logfile "$WORK/redis/log" || return 1
    for _ in $(seq 50); do redis-cli -p "$RPORT" ping > /dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
redis_stop() { redis-cli -p "$RPORT" shutdown > /dev/null 2>&1; for _ in $(seq 50); do
    [ -e "$WORK/redis/pid" ] && kill -0 "$(cat "$WORK/redis/pid")" 2> /dev/null || return 0; sleep 0.1; done; }
trap 'redis_stop; kill $(jobs -p) 2> /dev/null' EXIT
redis_start || { echo "FAIL: redis-server did not start" >&2; exit 1; }
