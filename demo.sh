#!/bin/bash
# A local demo cluster: one etcd and three jpatroni nodes managing PostgreSQL 15 on loopback.
# Prints `jpatronictl list`, kills the leader (daemon and postmaster, like a dead machine),
# prints the list again once another node has taken over, then brings the old leader back as
# a replica. Ctrl-C (or the end of the demo) stops everything; --keep leaves it running.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keep=false
[ "${1:-}" = "--keep" ] && keep=true

"$here/scripts/install-deps.sh"
dist="$here/distribution/target/jpatroni"
if [ ! -x "$dist/bin/jpatroni" ] || [ -n "$(find "$here" -name '*.java' -newer "$dist/bin/jpatroni" -print -quit 2>/dev/null)" ]; then
  echo "building jpatroni (mvn package, tests skipped)..."
  (cd "$here" && mvn -B -q -ntp -DskipTests package)
fi

work=${JPATRONI_DEMO_DIR:-/tmp/jpatroni-demo}
user=$(id -un)
[ "$(id -u)" = 0 ] && user=${JPATRONI_USER:-postgres}
pkill -f "jpatroni-demo-marker" 2>/dev/null || true
rm -rf "$work"
mkdir -p "$work"
cp -a "$dist" "$work/jpatroni"   # readable by the PostgreSQL user wherever the checkout lives

# Ports below the kernel's ephemeral range, probed so that a busy one is skipped.
next_port=${JPATRONI_DEMO_BASE_PORT:-21000}
free_port() {
  while (exec 3<>"/dev/tcp/127.0.0.1/$next_port") 2>/dev/null; do next_port=$((next_port + 1)); done
  echo $next_port
  next_port=$((next_port + 1))
}
etcd_port=$(free_port); etcd_peer=$(free_port)

pids=()
cleanup() {
  if $keep; then echo "left running in $work (logs there); stop with: pkill -f jpatroni-demo-marker"; return; fi
  echo "stopping the demo..."
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 3
  for d in "$work"/node*/data; do
    [ -f "$d/postmaster.pid" ] && kill -9 "$(head -1 "$d/postmaster.pid")" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

etcd --name demo --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "demo=http://127.0.0.1:$etcd_peer" >"$work/etcd.log" 2>&1 &
pids+=($!)

for i in 1 2 3; do
  pg_port=$(free_port); rest_port=$(free_port)
  mkdir -p "$work/node$i"
  cat >"$work/node$i/patroni.yml" <<YML
# jpatroni-demo-marker
scope: demo
name: node$i
restapi:
  listen: 127.0.0.1:$rest_port
  connect_address: 127.0.0.1:$rest_port
etcd3:
  hosts: 127.0.0.1:$etcd_port
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_keep_size: 128MB
  initdb:
  - encoding: UTF8
  - data-checksums
  pg_hba:
  - host replication replicator 127.0.0.1/32 md5
  - host all all 127.0.0.1/32 md5
postgresql:
  listen: 127.0.0.1:$pg_port
  connect_address: 127.0.0.1:$pg_port
  data_dir: $work/node$i/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: $work/node$i/pgpass
  authentication:
    superuser: {username: postgres, password: demo-secret}
    replication: {username: replicator, password: demo-replication}
  parameters:
    unix_socket_directories: $work/node$i
YML
done
chown -R "$user" "$work"

start_node() {
  "$work/jpatroni/bin/jpatroni" "$work/node$1/patroni.yml" >>"$work/node$1/jpatroni.log" 2>&1 &
  pids+=($!)
  eval "node$1_pid=$!"
}
for i in 1 2 3; do start_node $i; done

ctl() { "$work/jpatroni/bin/jpatronictl" -c "$work/node1/patroni.yml" "$@"; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "timed out waiting for $what; see the logs in $work" >&2; exit 1
}
healthy() { [ "$(ctl list -f json | grep -o '"State": *"\(running\|streaming\)"' | wc -l)" -eq 3 ] && ctl list | grep -q Leader; }

echo "waiting for the cluster to bootstrap..."
wait_for 120 "a healthy 3-node cluster" healthy
ctl list

leader=$(ctl list -f json | tr '{' '\n' | grep '"Role": *"Leader"' | grep -o '"Member": *"[^"]*"' | cut -d'"' -f4)
n=${leader#node}
echo
echo "killing the leader $leader (daemon and postmaster, kill -9)..."
kill -9 "$(eval echo \$node${n}_pid)"
kill -9 "$(head -1 "$work/$leader/data/postmaster.pid")"
new_leader() { ctl list -f json | tr '{' '\n' | grep '"Role": *"Leader"' | grep -vq "\"$leader\""; }
wait_for 60 "a new leader" new_leader
ctl list

echo
echo "restarting $leader: it rejoins as a replica (pg_rewind if its timeline diverged)..."
start_node "$n"
wait_for 120 "$leader streaming again" healthy
ctl list
