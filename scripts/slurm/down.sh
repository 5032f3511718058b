#!/usr/bin/env bash
# Stops the cluster up.sh started, by the PIDs it recorded (never by name). WIPE=1 also deletes
# $SLURM_ROOT (and, for a chrooted cluster, its folder inside the root).
R=${SLURM_ROOT:-/tmp/usine-slurm}
pids=()
for f in "$R"/run/*.bgpid; do [ -f "$f" ] && pids+=("$(cat "$f")") && rm -f "$f"; done
((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
alive=()
for ((t = 0; t < 100; t++)); do                       # each daemon needs ~2 s to exit on SIGTERM
  alive=(); for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
  ((${#alive[@]})) || break; sleep 0.1
done
((${#alive[@]})) && kill -9 "${alive[@]}" 2>/dev/null # slurmd ignores TERM while it cannot reach slurmctld
if [ "${WIPE:-0}" = 1 ]; then
  [ -L "$R" ] && rm -rf "$(readlink "$R")"
  rm -rf "$R"
fi
true
