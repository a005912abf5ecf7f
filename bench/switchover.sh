#!/bin/bash
# Write-unavailability window of a planned switchover: a client commits rows continuously to
# whichever node accepts writes (reconnecting like an application behind a proxy); the longest gap
# between two acknowledged commits is the figure. 3 nodes, ttl 20, loop_wait 2, async replication.
# The switchover is requested by writing the DCS failover key ({"leader","member"}), which both
# jpatroni and Patroni act on. Usage: bench/switchover.sh [--patroni] [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/../scripts/local-cluster.sh"
impl=jpatroni
[ "${1:-}" = "--patroni" ] && { impl=patroni; shift; }
rounds=${1:-3}
lc_build
pgjdbc=$(ls "$lc_here"/distribution/target/jpatroni/lib/postgresql-*.jar)

start_node() {
  if [ $impl = patroni ]; then
    setpriv --reuid="$lc_user" --regid="$lc_user" --init-groups env HOME=/var/lib/postgresql \
      patroni "$lc_work/node$1/patroni.yml" >>"$lc_work/node$1/patroni.log" 2>&1 &
    lc_pids+=($!); disown $!
  else
    lc_start_node "$1"
  fi
}
streaming_count() {
  PGPASSWORD=demo-secret PGCONNECT_TIMEOUT=1 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc \
    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null
}
leader_of() { ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$lc_etcd_port" get --print-value-only /service/demo/leader; }

for round in $(seq 1 "$rounds"); do
  lc_prepare "/tmp/jpatroni-switchover-$impl"
  lc_start_etcd
  lc_wait 20 etcd bash -c "(exec 3<>/dev/tcp/127.0.0.1/$lc_etcd_port)"
  lc_configure 3 20 2 5
  for i in 1 2 3; do start_node "$i"; done
  two_streaming() { local l; l=$(leader_of); [ -n "$l" ] && [ "$(streaming_count "$(lc_pg_port "${l#node}")")" = 2 ]; }
  lc_wait 180 "a healthy cluster" two_streaming
  leader=$(leader_of)
  candidate=node1; [ "$leader" = node1 ] && candidate=node2
  ports="$(lc_pg_port 1) $(lc_pg_port 2) $(lc_pg_port 3)"
  java -cp "$pgjdbc" "$lc_here/bench/SwitchoverWriter.java" 20 demo-secret $ports >"$lc_work/writer.out" &
  writer=$!
  sleep 6
  ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$lc_etcd_port" put /service/demo/failover \
    "{\"leader\":\"$leader\",\"member\":\"$candidate\"}" >/dev/null
  wait $writer
  echo "$impl round $round: $leader -> $candidate, $(cat "$lc_work/writer.out"), new leader $(leader_of)"
  lc_stop_all
done
