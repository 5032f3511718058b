#!/usr/bin/env bash
# A Debian 13 (trixie) root in a folder, with Slurm 24.11 in it, for running a second Slurm version
# beside the host's (Debian 12: 22.05). Idempotent: does nothing when the root already has slurmrestd.
# Needs root and debootstrap (apt-get install debootstrap) and Debian's registry.
# Usage: bash trixie-root.sh /opt/usine-trixie            (~40 s the first time)
set -euo pipefail
D=${1:?usage: trixie-root.sh DIR}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ ! -e "$D/usr/lib/x86_64-linux-gnu/slurm-wlm/auth_jwt.so" ]; then
  command -v debootstrap > /dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap > /dev/null; }
  [ -x "$D/usr/bin/apt-get" ] || debootstrap --variant=minbase trixie "$D" "$MIRROR" > "$D.debootstrap.log" 2>&1 \
    || { tail -5 "$D.debootstrap.log" >&2; exit 1; }
  cp /etc/resolv.conf "$D/etc/resolv.conf"
  chroot "$D" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurmrestd slurm-client slurm-wlm-jwt-plugin munge curl > /dev/null'
fi
# names as the host resolves them: without /etc/hosts, every lookup of localhost (SlurmctldHost, the
# nodes) goes to DNS and slurmctld stalls for seconds at a time
cp /etc/hosts "$D/etc/hosts"
# slurmd finds its jobs' processes in /proc (proctrack/linuxproc); shared by every cluster in this root
mountpoint -q "$D/proc" || mount -t proc proc "$D/proc"
chroot "$D" slurmctld -V
