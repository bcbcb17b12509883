#!/usr/bin/env bash
# Installs redis-server (Debian's package) when it is not on PATH: the Orleans cluster tests and the score-cluster
# sample start one on a loopback port as the cluster's membership store. Run as root (CI and the project's machines
# are); idempotent: does nothing when redis-server is already there.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server >/dev/null
# the package may start a system-wide server on 6379; the tests and sample start their own on free ports
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
redis-server --version
