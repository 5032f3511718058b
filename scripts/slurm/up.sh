#!/usr/bin/env bash
# A throw-away single-host Slurm for the tests: munge, slurmctld, one slurmd per fake GPU node and
# slurmrestd (JWT auth), all on 127.0.0.1 under $SLURM_ROOT. `down.sh` stops exactly what it started.
#
# The host's Slurm (Debian 12: 22.05; apt-get install munge slurmctld slurmd slurmrestd slurm-client):
#   SLURM_ROOT=/tmp/usine-slurm NODES=4 GPUS=8 bash scripts/slurm/up.sh
# Another version, from a Debian root in a folder (trixie-root.sh makes one: 24.11):
#   SLURM_CHROOT=/opt/usine-trixie SLURM_ROOT=/tmp/usine-slurm-2411 CTLD_PORT=24817 \
#     SLURMD_BASE_PORT=24900 REST_PORT=24820 bash scripts/slurm/up.sh
# The daemons then run chrooted, and $SLURM_ROOT on the host is a link to the same folder inside the
# root, so job scripts and outputs have one path on both sides. Slurm's commands must be the root's
# too (a 22.05 `scontrol` does not speak to a 24.11 slurmctld): $SLURM_ROOT/bin/ has wrappers.
# REST_ONLY=1 restarts only its slurmrestd (SLURM_REST_VERSIONS=data_parser/v0.0.40: only that one).
# Then: export SLURM_CONF=$SLURM_ROOT/etc/slurm.conf PATH=$SLURM_ROOT/bin:$PATH; it also writes
# $SLURM_ROOT/rest-url, /version and /jwt (a root token for 4 hours).
set -euo pipefail
R=${SLURM_ROOT:-/tmp/usine-slurm}
C=${SLURM_CHROOT:-}
NODES=${NODES:-4}
GPUS=${GPUS:-8}
GPU_TYPE=${GPU_TYPE:-h100}
CTLD_PORT=${CTLD_PORT:-6817}
SLURMD_BASE_PORT=${SLURMD_BASE_PORT:-17000}   # node i listens on BASE+i
REST_PORT=${REST_PORT:-6820}
HERE=$(cd "$(dirname "$0")" && pwd)

# REST_ONLY=1: restart only slurmrestd of the cluster at $SLURM_ROOT (with SLURM_REST_VERSIONS, if set)
if [ "${REST_ONLY:-0}" = 1 ]; then
  C=$(cat "$R/chroot"); REST_PORT=$(sed 's/.*://' "$R/rest-url"); export SLURM_CONF=$R/etc/slurm.conf
fi
IN=()
if [ -n "$C" ] && [ "${REST_ONLY:-0}" = 1 ]; then
  IN=(chroot "$C")
elif [ -n "$C" ]; then
  bash "$HERE/trixie-root.sh" "$C" > /dev/null
  IN=(chroot "$C")
  mkdir -p "$C$R"
  if [ ! -L "$R" ]; then rm -rf "$R"; ln -s "$C$R" "$R"; fi
fi
VERSION=$("${IN[@]}" slurmctld -V | awk '{print $2}')
spawn() { local name=$1; shift; setsid "${IN[@]}" "$@" > "$R/log/$name.out" 2>&1 < /dev/null & echo $! > "$R/run/$name.bgpid"; }

# slurmrestd refuses root: -u/-g drop to nobody after binding. Only the slurmctld endpoints (the
# slurmdbd ones need accounting). SLURM_JWT=daemon: it talks JWT to slurmctld.
# SLURM_REST_VERSIONS (24.11: data_parser/v0.0.40,...) restricts the versions it serves.
start_rest() {
  local args
  case "$VERSION" in
    22.*) args=(-s openapi/v0.0.38 -u nobody) ;;
    # 26.05 no longer resolves `-u nobody` in a chroot: numeric ids (nobody, nogroup)
    *) args=(-s openapi/slurmctld ${SLURM_REST_VERSIONS:+-d "$SLURM_REST_VERSIONS"} -u 65534 -g 65534) ;;
  esac
  SLURM_JWT=daemon spawn slurmrestd slurmrestd -a rest_auth/jwt "${args[@]}" "127.0.0.1:$REST_PORT"
}
rest_code() { curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REST_PORT/openapi/v3" || true; }

if [ "${REST_ONLY:-0}" = 1 ]; then
  old=$(cat "$R/run/slurmrestd.bgpid")
  kill "$old" 2>/dev/null || true
  for ((t = 0; t < 100; t++)); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  start_rest
  for ((t = 0; t < 100; t++)); do [ "$(rest_code)" != 000 ] && break; sleep 0.1; done
  [ "$(rest_code)" != 000 ] || { echo "slurmrestd did not start" >&2; tail -5 "$R/log/slurmrestd.out" >&2; exit 1; }
  echo "slurmrestd restarted: http://127.0.0.1:$REST_PORT ${SLURM_REST_VERSIONS:-(all versions)}"
  exit 0
fi

# a cluster already running here (or half started by a failed up.sh): its PIDs would be lost
for f in "$R"/run/*.bgpid; do
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null \
    && { echo "a Slurm already runs under $R ($f): SLURM_ROOT=$R bash $HERE/down.sh first" >&2; exit 1; }
done
mkdir -p "$R"/{etc,munge,spool/ctld,spool/d,log,run,dev,jobs,bin}
chmod 755 "$R" "$R/munge"
chmod 1777 "$R/jobs"
for cmd in scontrol squeue sinfo sbatch scancel srun; do
  if [ -n "$C" ]; then printf '#!/bin/sh\nexec chroot %q %s "$@"\n' "$C" "$cmd"; else printf '#!/bin/sh\nexec %s "$@"\n' "$cmd"; fi > "$R/bin/$cmd"
  chmod 755 "$R/bin/$cmd"
done

echo "$C" > "$R/chroot"

[ -f "$R/munge/munge.key" ] || "${IN[@]}" mungekey -c -k "$R/munge/munge.key"
chmod 600 "$R/munge/munge.key"
spawn munged munged -F -f --key-file="$R/munge/munge.key" --socket="$R/munge/munge.socket" \
  --pid-file="$R/munge/munged.pid" --log-file="$R/munge/munged.log" --seed-file="$R/munge/munged.seed"
for ((t = 0; t < 50; t++)); do [ -S "$R/munge/munge.socket" ] && break; sleep 0.1; done

# fake GPUs: Slurm drops a gpu gres without File=, and File= must name character devices
for ((g = 0; g < GPUS; g++)); do [ -e "$R/dev/nvidia$g" ] || mknod "$R/dev/nvidia$g" c 195 "$g"; done

[ -f "$R/etc/jwt.key" ] || dd if=/dev/urandom of="$R/etc/jwt.key" bs=32 count=1 status=none
chmod 600 "$R/etc/jwt.key"

# a job in partition `urgent` preempts (cancels: PREEMPTED) the jobs of the others it needs room from
cat > "$R/etc/slurm.conf" <<EOF
ClusterName=usinedev
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$R/munge/munge.socket
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$R/etc/jwt.key
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$R/spool/ctld
SlurmdSpoolDir=$R/spool/d/%n
SlurmctldPidFile=$R/run/slurmctld.pid
SlurmdPidFile=$R/run/slurmd-%n.pid
SlurmctldLogFile=$R/log/slurmctld.log
SlurmdLogFile=$R/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$R/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SlurmdParameters=config_overrides
GresTypes=gpu
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=300
MaxJobCount=100000
EnforcePartLimits=ALL
NodeName=gpu-[1-$NODES] NodeHostname=localhost NodeAddr=127.0.0.1 Port=[$((SLURMD_BASE_PORT + 1))-$((SLURMD_BASE_PORT + NODES))] CPUs=64 Sockets=2 CoresPerSocket=32 ThreadsPerCore=1 RealMemory=512000 Gres=gpu:$GPU_TYPE:$GPUS State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=ALL MaxTime=7-00:00:00 State=UP
PartitionName=urgent Nodes=ALL MaxTime=INFINITE PriorityTier=10 State=UP
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
EOF
echo "NodeName=gpu-[1-$NODES] Name=gpu Type=$GPU_TYPE File=$R/dev/nvidia[0-$((GPUS - 1))]" > "$R/etc/gres.conf"
# 24.11's slurmd starts a cgroup plugin even for proctrack/linuxproc; a chroot has no /sys/fs/cgroup
case "$VERSION" in 22.*) ;; *) echo "CgroupPlugin=disabled" > "$R/etc/cgroup.conf" ;; esac
chmod 644 "$R"/etc/*.conf
export SLURM_CONF=$R/etc/slurm.conf

spawn slurmctld slurmctld -D
for ((i = 1; i <= NODES; i++)); do mkdir -p "$R/spool/d/gpu-$i"; spawn "slurmd-gpu-$i" slurmd -D -N "gpu-$i"; done

start_rest

# wait until every node is idle and REST answers (deadline 60 s)
deadline=$((SECONDS + 60)); idle=0; code=000
while ((SECONDS < deadline)); do
  kill -0 "$(cat "$R/run/slurmctld.bgpid")" 2>/dev/null \
    || { echo "slurmctld died:" >&2; tail -5 "$R/log/slurmctld.log" >&2; exit 1; }
  idle=$(timeout 5 "$R/bin/sinfo" -h -N -p debug -t idle -o %N 2>/dev/null | wc -l || true)
  code=$(rest_code)
  [ "$idle" -eq "$NODES" ] && [ "$code" != 000 ] && break
  sleep 0.2
done
[ "$idle" -eq "$NODES" ] && [ "$code" != 000 ] \
  || { echo "cluster not ready (idle=$idle rest=$code)" >&2; "$R/bin/sinfo" -N >&2 || true; exit 1; }
# what the tests read (test/executors/slurm-subject.ts): the REST URL, the version, a root token (4 h)
echo "http://127.0.0.1:$REST_PORT" > "$R/rest-url"
echo "$VERSION" > "$R/version"
"$R/bin/scontrol" token username=root lifespan=14400 > "$R/jwt" && chmod 600 "$R/jwt"
echo "slurm $VERSION up: $NODES nodes x $GPUS $GPU_TYPE; SLURM_CONF=$SLURM_CONF; REST http://127.0.0.1:$REST_PORT"
