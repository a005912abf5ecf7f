# Shared by demo.sh and the benchmarks: a local cluster of one etcd and N jpatroni nodes on
# loopback. Source it, then call: lc_prepare WORKDIR; lc_start_etcd; lc_configure N; lc_start_node I.
# Every node runs as the PostgreSQL user when the caller is root (bin/jpatroni drops privileges).

lc_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lc_pids=()
lc_next_port=${JPATRONI_BASE_PORT:-21000}

# Ports below the kernel's ephemeral range, probed so that a busy one is skipped; the result is
# left in $lc_port (not echoed: a subshell would lose the counter).
lc_free_port() {
  while (exec 3<>"/dev/tcp/127.0.0.1/$lc_next_port") 2>/dev/null; do lc_next_port=$((lc_next_port + 1)); done
  lc_port=$lc_next_port
  lc_next_port=$((lc_next_port + 1))
}

lc_build() {
  "$lc_here/scripts/install-deps.sh"
  local dist="$lc_here/distribution/target/jpatroni"
  if [ ! -x "$dist/bin/jpatroni" ] || [ -n "$(find "$lc_here" -name '*.java' -newer "$dist/bin/jpatroni" -print -quit)" ]; then
    echo "building jpatroni (mvn package, tests skipped)..."
    (cd "$lc_here" && mvn -B -q -ntp -DskipTests package)
  fi
}

lc_prepare() {
  lc_work=$1
  lc_user=$(id -un)
  [ "$(id -u)" = 0 ] && lc_user=${JPATRONI_USER:-postgres}
  lc_stop_all
  rm -rf "$lc_work"
  mkdir -p "$lc_work"
  # A copy readable by the PostgreSQL user wherever the checkout lives.
  cp -a "$lc_here/distribution/target/jpatroni" "$lc_work/jpatroni"
  trap lc_stop_all EXIT
}

lc_start_etcd() {
  lc_free_port; lc_etcd_port=$lc_port
  lc_free_port; local peer=$lc_port
  etcd --name local --data-dir "$lc_work/etcd" \
    --listen-client-urls "http://127.0.0.1:$lc_etcd_port" --advertise-client-urls "http://127.0.0.1:$lc_etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "local=http://127.0.0.1:$peer" >"$lc_work/etcd.log" 2>&1 &
  lc_pids+=($!)
}

# lc_configure N [TTL LOOP_WAIT RETRY_TIMEOUT]
lc_configure() {
  local n=$1 ttl=${2:-20} loop_wait=${3:-2} retry=${4:-5}
  for i in $(seq 1 "$n"); do
    lc_free_port; local pg_port=$lc_port
    lc_free_port; local rest_port=$lc_port
    mkdir -p "$lc_work/node$i"
    cat >"$lc_work/node$i/patroni.yml" <<YML
scope: demo
name: node$i
restapi:
  listen: 127.0.0.1:$rest_port
  connect_address: 127.0.0.1:$rest_port
etcd3:
  hosts: 127.0.0.1:$lc_etcd_port
bootstrap:
  dcs:
    ttl: $ttl
    loop_wait: $loop_wait
    retry_timeout: $retry
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
  initdb:
  - encoding: UTF8
  - data-checksums
  pg_hba:
  - host replication replicator 127.0.0.1/32 md5
  - host all all 127.0.0.1/32 md5
postgresql:
  listen: 127.0.0.1:$pg_port
  connect_address: 127.0.0.1:$pg_port
  data_dir: $lc_work/node$i/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: $lc_work/node$i/pgpass
  authentication:
    superuser: {username: postgres, password: demo-secret}
    replication: {username: replicator, password: demo-replication}
  parameters:
    unix_socket_directories: $lc_work/node$i
YML
  done
  chown -R "$lc_user" "$lc_work"
}

lc_start_node() {
  "$lc_work/jpatroni/bin/jpatroni" "$lc_work/node$1/patroni.yml" >>"$lc_work/node$1/jpatroni.log" 2>&1 &
  lc_pids+=($!)
  eval "lc_node$1_pid=$!"
  disown $!   # a node killed on purpose is no news for the shell
}

lc_node_pid() { eval echo "\$lc_node$1_pid"; }
lc_pg_port() { grep -A1 '^postgresql:' "$lc_work/node$1/patroni.yml" | sed -n 's/.*listen: 127.0.0.1:\([0-9]*\)/\1/p'; }

lc_ctl() { "$lc_work/jpatroni/bin/jpatronictl" -c "$lc_work/node1/patroni.yml" "$@"; }

# lc_wait SECONDS DESCRIPTION COMMAND...
lc_wait() {
  local limit=$1 what=$2; shift 2
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out after ${limit}s waiting for $what; logs are in $lc_work" >&2
  return 1
}

lc_leader() { lc_ctl list -f json | tr '{' '\n' | grep '"Role": *"Leader"' | grep -o '"Member": *"[^"]*"' | cut -d'"' -f4; }
lc_healthy() { # a running leader and N-1 streaming replicas
  local n=$1 json
  json=$(lc_ctl list -f json)
  [ "$(echo "$json" | grep -o '"State": *"streaming"' | wc -l)" -eq $((n - 1)) ] && [ -n "$(lc_leader)" ]
}

lc_kill_node() { # kill -9 the daemon and the postmaster: a machine that died
  kill -9 "$(lc_node_pid "$1")" 2>/dev/null || true
  local pidfile="$lc_work/node$1/data/postmaster.pid"
  [ -f "$pidfile" ] && kill -9 "$(head -1 "$pidfile")" 2>/dev/null || true
}

lc_stop_all() {
  if [ "${lc_keep:-false}" = true ]; then echo "left running in $lc_work"; return; fi
  for p in "${lc_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ ${#lc_pids[@]} -gt 0 ] && sleep 2
  for d in "${lc_work:-/nonexistent}"/node*/data; do
    [ -f "$d/postmaster.pid" ] && kill -9 "$(head -1 "$d/postmaster.pid")" 2>/dev/null || true
  done
  for p in "${lc_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  lc_pids=()
}
