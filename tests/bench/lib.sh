# lib.sh: what the benchmarks share: a network namespace with its own
# resolv.conf, and measuring a tool's whole process tree. Sourced, with
# $dir (a scratch directory) and $ns (the namespace's name) set.

in_ns() { ip netns exec "$ns" "$@"; }

# need "PACKAGES" TOOL...: each tool is there, or exit 2 naming the
# packages to install.
need() {
    local pkgs=$1 t; shift
    for t in "$@"; do
        command -v "$t" > /dev/null || { echo "bench: $t is missing (apt-get install $pkgs)" >&2; exit 2; }
    done
}

ns_up() {
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf"
}

ns_down() {
    local p
    for p in "$dir"/*.pid; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
    [ -n "${KEEP:-}" ] && echo "bench: kept $dir" >&2 || rm -rf "$dir"
}

# A dnsmasq in the namespace that answers 127.0.0.1 for every name under
# bench.test (the wildcard of the default job's target).
wildcard_dns_up() {
    in_ns dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
        --address=/bench.test/127.0.0.1 --address=/paths.test/127.0.0.1 --address=/tree.test/127.0.0.1 --cache-size=0 --pid-file="$dir/dnsmasq.pid" \
        --dns-forward-max=10000 --user=root
}

# gen N: the default job's words, one in 100 a real page, the rest soft-404s.
gen() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) print (i % 100 == 0 ? "hit-" i : "w" i "x") }'; }

# HTTPS: an ECDSA certificate (what most sites serve now) for every name
# the benches ask for, in $dir/tls.crt and $dir/tls.key.
bench_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj /CN=salvo-bench -addext "subjectAltName=DNS:*.bench.test,DNS:*.baidu.com,DNS:paths.test" \
        -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
}

# The test nginx (answers per Host like the real site), on port 80 in the namespace.
nginx_up() {
    local src=$1
    mkdir -p "$dir/www" "$dir/tmp"
    cp "$src"/tests/fixtures/nginx/www/*.html "$src"/tests/fixtures/nginx/www/*.js "$dir/www/"
    for f in "$src"/tests/fixtures/nginx/www/*.src; do
        iconv -f UTF-8 -t GBK "$f" > "$dir/www/$(basename "$f" .src).html"
    done
    mkdir -p "$dir/www/paths"
    for p in admin login.html backup.zip page; do echo "page $p" > "$dir/www/paths/$p"; done
    bench_cert
    # The benches measure the scanners, not the server's logging: no
    # access log, and no error-log line per 404 (a recursion's every miss),
    # which took a quarter of the server's CPU. The access-log pattern goes
    # before @DIR@ is filled in: it names @DIR@.
    sed -e "s|access_log @DIR@/[a-z]*.log conn;|access_log off;|" \
        -e "s|@DIR@|$dir|g" -e "s|@PORT@|80|g" -e "s|@TLSPORT@|443|g" -e "s|@TLS1PORT@|8443|g" -e "s|@PROXYPORT@|3128|g" \
        -e "s|^worker_processes .*|worker_processes ${NGINX_WORKERS:-1};|" \
        -e "/keepalive_requests 100;/d" -e "s#^http {#http { log_not_found off;#" \
        "$src/tests/fixtures/nginx/nginx.conf.in" > "$dir/nginx.conf"
    in_ns nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
}

# run NAME CMD...: wall, CPU (user+sys of the tree), peak RSS (sum over the
# tree, sampled every 50 ms by peak.py) and hits, as one line in $dir/NAME.res
run() {
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    # time(1) reports the CPU of the tool and every process it waited for
    # (salvo's workers), not that of the sampling.
    in_ns /usr/bin/time -f "%U %S" -o "$dir/$name.cpu" "$@" > "$dir/$name.out" 2> "$dir/$name.err" &
    local pid=$!
    /usr/bin/python3 -S "$(dirname "${BASH_SOURCE[0]}")/peak.py" $pid > "$dir/$name.peak" &
    local sampler=$!
    wait $pid || true
    end=$(date +%s.%N)
    wait $sampler || true
    echo "$start $end $(cat "$dir/$name.peak")" > "$dir/$name.res"
}

# server_ticks: CPU clock ticks the bench's nginx (master and workers) has
# used so far, 0 without one.
server_ticks() {
    local master
    master=$(cat "$dir/${server:-nginx}.pid" 2>/dev/null) || { echo 0; return; }
    for p in $master $(pgrep -P "$master"); do
        awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
    done | awk '{ s += $1 } END { print s + 0 }'
}

measure() {
    local name=$1 n=$2; shift 2
    local srv0 srv
    srv0=$(server_ticks)
    run "$name" "$@"
    srv=$(( $(server_ticks) - srv0 ))
    read -r start end peak < "$dir/$name.res"
    local cpu
    cpu=$(awk '{ print $1 + $2 }' "$dir/$name.cpu")
    local hits
    hits=$(grep -c . "$dir/$name.out" || true)
    awk -v n="$name" -v w="$n" -v s="$start" -v e="$end" -v cpu="$cpu" \
        -v p="$peak" -v h="$hits" -v srv="$srv" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        t = e - s; srv /= hz;
        printf "%-14s %9d words %8.2f s %9.0f probes/s %8.2f CPU s %9.1f MB peak RSS %7d hits %6.2f server CPU s\n",
            n, w, t, w / t, cpu, p / 1024, h, srv;
        printf "%s %f %f %f %d %f\n", n, t, w / t, cpu, p, srv > "/dev/stderr" }' 2>> "$dir/summary"
}

# bench_up SRC: the namespace, its wildcard DNS and the test nginx, all
# removed again when the bench exits.
bench_up() {
    trap ns_down EXIT
    ns_up
    wildcard_dns_up
    nginx_up "$1"
}

# delay_nginx_up "DELAYS_MS": an nginx that answers after a fixed delay
# (the echo module's echo_sleep, which holds no worker), one server per
# delay: port 8000 + delay over HTTP, 9000 + delay over HTTPS (HTTP/2); a
# real page for hit-* names, the soft-404 for the rest. $echo_mod names the
# module.
delay_nginx_up() {
    local delays=$1 d s
    {
        echo "load_module $echo_mod;"
        echo "worker_processes 1; worker_rlimit_nofile 100000; pid $dir/nginx.pid; error_log $dir/error.log warn;"
        echo "events { worker_connections 60000; }"
        echo "http { access_log off; map \$host\$uri \$kind { default miss; ~^hit- hit; ~^paths\.test/hit- hit; }"
        echo "  ssl_certificate $dir/tls.crt; ssl_certificate_key $dir/tls.key;"
        for d in $delays; do
            s=$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')
            echo "  server { listen 127.0.0.1:$((8000 + d)) backlog=65535; listen 127.0.0.1:$((9000 + d)) ssl http2 backlog=65535;"
            echo "    location / { rewrite ^ /_\$kind last; }"
            echo "    location = /_hit { default_type 'text/html; charset=utf-8'; echo_sleep $s; echo '<html><title>welcome</title>a real page</html>'; }"
            echo "    location = /_miss { default_type 'text/html; charset=utf-8'; echo_sleep $s; echo '<html><title>百度</title>页面不存在</html>'; } }"
        done
        echo "}"
    } > "$dir/nginx.conf"
    bench_cert
    in_ns nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    in_ns sh -c 'ulimit -n 100000' 2>/dev/null || true
}
