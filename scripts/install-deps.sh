#!/bin/bash
# Installs what jpatroni's build, tests and demo need from Debian's packages, when missing:
# PostgreSQL 15, etcd (server and client), HAProxy, pgBackRest, a JDK 17 and Maven.
# As root it installs; otherwise it lists what is missing and how to install it.
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v pgbackrest >/dev/null 2>&1 || need+=(pgbackrest)
# The JDK: javac and java must both be there and be 17 or later (the build targets release 17).
java_major() { # "javac 17.0.15", 'openjdk version "17.0.15" ...', 'java version "1.8.0_372"' -> 17, 17, 8
  local v
  # only the version line: "Picked up JAVA_TOOL_OPTIONS: ..." may come first and holds digits too
  v=$("$1" -version 2>&1 | grep -E '^javac |version "' | sed -n 's/^[^0-9]*\([0-9][0-9._]*\).*$/\1/p' | head -n 1)
  v=${v#1.}
  echo "${v%%[._]*}"
}
if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  need+=(openjdk-17-jdk-headless)
else
  for tool in javac java; do
    major=$(java_major "$tool")
    if [ -z "$major" ] || [ "$major" -lt 17 ]; then
      echo "jpatroni needs Java 17 or later: found $(command -v "$tool") reporting '$("$tool" -version 2>&1 | head -n 1)'." >&2
      echo "Install a JDK 17 (sudo apt-get install -y openjdk-17-jdk-headless) and put it first on PATH" >&2
      echo "(or select it: sudo update-alternatives --config $tool)." >&2
      exit 1
    fi
  done
fi
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
