#!/bin/bash
# Runs every test: unit tests, and integration tests on real PostgreSQL 15, etcd and HAProxy.
#
# PostgreSQL refuses to run as root. Run as root (as CI does), this script installs what is
# missing, copies the checkout to a directory the unprivileged user owns and runs Maven there
# as that user (JPATRONI_TEST_USER, default postgres).
#
# The tests' inputs are the project's example configs (distribution/src/conf/examples). The users'
# files in ../shared/fixtures, when present beside the checkout, add cases; nothing needs them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
scripts/install-deps.sh

fixtures=""
for dir in "$here/../shared/fixtures" "$here/shared/fixtures"; do
  if [ -d "$dir" ]; then fixtures=$(cd "$dir" && pwd); break; fi
done

mvn_args=(-B -ntp verify "$@")
if [ "$(id -u)" != 0 ]; then
  [ -z "$fixtures" ] || mvn_args+=(-Djpatroni.fixtures="$fixtures")
  exec mvn "${mvn_args[@]}"
fi

user=${JPATRONI_TEST_USER:-postgres}
work=/var/tmp/jpatroni-test-$user
repo=/var/tmp/jpatroni-m2
rm -rf "$work"
mkdir -p "$work/main" "$repo"
tar -C "$here" --exclude=./.git --exclude='*/target' -cf - . | tar -C "$work/main" -xf -
if [ -n "$fixtures" ]; then
  mkdir -p "$work/shared"
  cp -a "$fixtures" "$work/shared/fixtures"
  mvn_args+=(-Djpatroni.fixtures="$work/shared/fixtures")
fi
chown -R "$user" "$work" "$repo"
cd "$work/main"
exec runuser -u "$user" -- env HOME="$(getent passwd "$user" | cut -d: -f6)" \
  mvn "${mvn_args[@]}" -Dmaven.repo.local="$repo"
