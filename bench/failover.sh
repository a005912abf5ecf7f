#!/bin/bash
# Failover figures for the foundation issue, on real etcd and PostgreSQL 15 (ttl 20, loop_wait 2):
#   start    seconds from starting 3 daemons to a leader with 2 streaming replicas
#   failover seconds from kill -9 of the leader (daemon and postmaster) to the first write
#            accepted by another node
#   rejoin   seconds from restarting the killed node to it streaming from the new leader
#   rss      each daemon's resident memory after 10 s idle (MB)
# Usage: bench/failover.sh [--patroni] [ROUNDS]   (--patroni: the same with Debian's Patroni)
set -euo pipefail
source "$(dirname "$0")/../scripts/local-cluster.sh"
impl=jpatroni
[ "${1:-}" = "--patroni" ] && { impl=patroni; shift; }
rounds=${1:-3}

lc_build
if [ $impl = patroni ] && ! command -v patroni >/dev/null; then
  echo "Patroni is not installed (apt-get install patroni)" >&2; exit 1
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
psql_on() { PGPASSWORD=demo-secret PGCONNECT_TIMEOUT=1 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc "$2"; }
writable() { psql_on "$1" "CREATE TABLE IF NOT EXISTS bench (at timestamptz); INSERT INTO bench VALUES (now())" >/dev/null 2>&1; }
streaming() { [ "$(psql_on "$1" "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'" 2>/dev/null)" = 1 ]; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

start_node() {
  if [ $impl = patroni ]; then
    local cfg="$lc_work/node$1/patroni.yml"
    if [ "$(id -u)" = 0 ]; then
      setpriv --reuid="$lc_user" --regid="$lc_user" --init-groups env HOME=/var/lib/postgresql patroni "$cfg" \
        >>"$lc_work/node$1/patroni.log" 2>&1 &
    else
      patroni "$cfg" >>"$lc_work/node$1/patroni.log" 2>&1 &
    fi
    lc_pids+=($!); eval "lc_node$1_pid=$!"; disown $!
  else
    lc_start_node "$1"
  fi
}
if [ $impl = patroni ]; then
  lc_ctl() { patronictl -c "$lc_work/node1/patroni.yml" "$@" 2>/dev/null; }
  # Patroni 3.0.2 shows replicas as "running" (the "streaming" state came in 3.0.4).
  lc_healthy() { [ "$(lc_ctl list -f json | grep -o '"State": *"running"' | wc -l)" -eq "$1" ] && [ -n "$(lc_leader)" ] \
    && for i in $(seq 1 "$1"); do [ "node$i" = "$(lc_leader)" ] || streaming "$(lc_pg_port "$i")" || return 1; done; }
fi

printf '%s: round start_s failover_s rejoin_s rss_mb(node1,node2,node3)\n' "$impl"
for round in $(seq 1 "$rounds"); do
  lc_prepare "/tmp/jpatroni-bench-$impl"
  lc_start_etcd
  lc_wait 20 etcd bash -c "(exec 3<>/dev/tcp/127.0.0.1/$lc_etcd_port)"
  lc_configure 3 20 2 5
  t0=$(now)
  for i in 1 2 3; do start_node "$i"; done
  lc_wait 180 "a healthy cluster" lc_healthy 3
  t_start=$(elapsed "$t0")
  sleep 10
  rss="$(rss_mb "$(lc_node_pid 1)"),$(rss_mb "$(lc_node_pid 2)"),$(rss_mb "$(lc_node_pid 3)")"

  leader=$(lc_leader); n=${leader#node}
  others=(); for i in 1 2 3; do [ "$i" != "$n" ] && others+=("$(lc_pg_port "$i")"); done
  t0=$(now)
  lc_kill_node "$n"
  new_primary() { for p in "${others[@]}"; do writable "$p" && return 0; done; return 1; }
  lc_wait 120 "a new primary" new_primary
  t_failover=$(elapsed "$t0")

  t0=$(now)
  start_node "$n"
  victim_streams() { streaming "$(lc_pg_port "$n")"; }
  lc_wait 180 "$leader streaming again" victim_streams
  t_rejoin=$(elapsed "$t0")
  printf '%s: %d %s %s %s %s\n' "$impl" "$round" "$t_start" "$t_failover" "$t_rejoin" "$rss"
  lc_stop_all
done
