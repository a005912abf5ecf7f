#!/bin/bash
# A local demo cluster: one etcd and three jpatroni nodes managing PostgreSQL 15 on loopback.
# Prints `jpatronictl list`, kills the leader (daemon and postmaster, like a dead machine),
# prints the list again once another node has taken over, then brings the old leader back as
# a replica. The demo stops everything at the end; `./demo.sh --keep` leaves it running.
set -euo pipefail
source "$(dirname "$0")/scripts/local-cluster.sh"
[ "${1:-}" = "--keep" ] && lc_keep=true

lc_build
lc_prepare "${JPATRONI_DEMO_DIR:-/tmp/jpatroni-demo}"
lc_start_etcd
lc_configure 3
for i in 1 2 3; do lc_start_node "$i"; done

echo "waiting for the cluster to bootstrap..."
lc_wait 120 "a healthy 3-node cluster" lc_healthy 3
lc_ctl list

leader=$(lc_leader)
echo
echo "killing the leader $leader (daemon and postmaster, kill -9)..."
lc_kill_node "${leader#node}"
new_leader() { [ -n "$(lc_leader)" ] && [ "$(lc_leader)" != "$leader" ]; }
lc_wait 60 "a new leader" new_leader
lc_ctl list

echo
echo "restarting $leader: it comes back as a replica (pg_rewind when its timeline diverged)..."
lc_start_node "${leader#node}"
lc_wait 120 "$leader streaming again" lc_healthy 3
lc_ctl list
