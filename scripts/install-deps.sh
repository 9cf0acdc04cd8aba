#!/usr/bin/env bash
# Installs the Debian packages hpml needs, and only those that are missing.
# Idempotent: a second run checks and does nothing. Called by `make` (through a
# stamp file); safe to run by hand. As root it installs with apt-get; otherwise
# it prints the exact command to run and fails.
#
#   scripts/install-deps.sh            build + test packages
#   scripts/install-deps.sh --check    only report what is missing (exit 1 if any)
set -euo pipefail

# Build: compiler, zlib (.gz input), OpenBLAS (nets), SQLite (tune studies), MPI.
BUILD_PKGS="gcc make pkg-config zlib1g-dev libopenblas-dev libsqlite3-dev openmpi-bin libopenmpi-dev"
# Tests and references: Python packages that compute reference values, clang for the fuzzer,
# headless Chromium to check that the compare report renders, SLURM and munge for srun under a
# single-node cluster (tests/e2e/test_slurm.sh starts its own: scripts/slurm-localhost.sh).
TEST_PKGS="python3 python3-numpy python3-pandas python3-sklearn python3-xgboost python3-torch clang libclang-rt-14-dev chromium slurm-wlm munge"

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

missing=""
for p in $BUILD_PKGS $TEST_PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all Debian packages present"
    exit 0
fi

cmd="apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends$missing"
if [ "$check_only" = 1 ]; then
    echo "install-deps: missing:$missing" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install-deps: run as root:  apt-get update && $cmd" >&2
    exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Without systemd (a container), the maintainer scripts of munge, slurmd and slurmctld would
# start their daemons through invoke-rc.d. A policy-rc.d that denies every start (Debian's
# container images ship one; otherwise it is there while apt runs) keeps them stopped.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ] && [ ! -d /run/systemd/system ]; then
    printf '#!/bin/sh\n# scripts/install-deps.sh: no daemon starts while it installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
apt-get -o DPkg::Lock::Timeout=600 update -q
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
echo "install-deps: done"
