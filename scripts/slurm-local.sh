#!/usr/bin/env bash
# A one-machine Slurm cluster for tests and trying mmforge's Slurm support: munged, slurmctld and
# slurmd on this host, one node, one partition "debug". What CI runs; never for a real cluster.
#
#   scripts/slurm-local.sh start    install slurm-wlm + munge if missing, configure, start, wait until
#                                   the node is idle (does nothing when already running)
#   scripts/slurm-local.sh stop     stop the daemons this script started (by their pid files)
#   scripts/slurm-local.sh status   exit 0 when the node answers, 1 when not
#
# Exit codes: 0 running (start, status) or stopped (stop); 1 not running (status); 2 usage;
# 3 Slurm cannot run here (not root and no passwordless sudo, packages not installable, the daemons
# fail), with one line on stderr saying why (and the daemons' logs before it when they failed).
#
# It only ever writes /etc/slurm/slurm.conf when that file is absent or was written by this script
# (it carries the marker line below), so it cannot overwrite a real cluster's configuration.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

readonly marker="# Written by mmforge scripts/slurm-local.sh (single-node test cluster)."
readonly conf=/etc/slurm/slurm.conf
readonly run_dir=/run/slurm-local
readonly log_dir=/var/log/slurm-local
readonly munge_key=/etc/munge/munge.key
readonly munge_pid=/run/munge/munged.pid
readonly ctld_pid="$run_dir/slurmctld.pid"
readonly slurmd_pid="$run_dir/slurmd.pid"
readonly ready_timeout=60

cannot() { echo "slurm-local: cannot run Slurm here: $*" >&2; exit 3; }

# Everything below needs root: run as root, or through passwordless sudo.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
fi
need_root() {
  [[ $(id -u) -eq 0 || ${#as_root[@]} -gt 0 ]] || cannot "not root and no passwordless sudo (the daemons must run as root)"
}
root() { "${as_root[@]}" "$@"; }

node_name() { hostname -s; }

# Alive when the pid file names a running process: the daemons we started, not any of that name.
alive() { local pid; pid="$(root cat "$1" 2>/dev/null)" && [[ -n $pid ]] && root kill -0 "$pid" 2>/dev/null; }

munge_works() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

node_state() { sinfo -h -n "$(node_name)" -o %T 2>/dev/null | head -n 1; }
node_ready() { [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; }

show_logs() {
  local f
  for f in "$log_dir/munged.log" "$log_dir/slurmctld.log" "$log_dir/slurmd.log"; do
    root test -s "$f" || continue
    echo "---- $f (last 30 lines)" >&2
    root tail -n 30 "$f" >&2
  done
}

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && return
  "$here/debian-packages.sh" slurm-wlm munge >&2 || cannot "installing the Debian packages slurm-wlm and munge failed"
  command -v slurmctld >/dev/null || cannot "slurm-wlm installed but slurmctld is not on PATH"
}

start_munge() {
  munge_works && return
  # The key: 1024 random bits readable by the munge user only (munged refuses anything looser).
  if ! root test -s "$munge_key"; then
    root install -d -o munge -g munge -m 0700 /etc/munge
    root mungekey --create --keyfile="$munge_key" || cannot "could not create $munge_key"
  fi
  root chown munge:munge "$munge_key" && root chmod 0400 "$munge_key"
  root install -d -o munge -g munge -m 0755 /run/munge
  root install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  root install -d -m 0755 "$log_dir"
  # munged daemonizes itself; as the munge user, the way the packaged service runs it.
  root runuser -u munge -- /usr/sbin/munged --pid-file="$munge_pid" </dev/null >>"$log_dir/munged.log" 2>&1 \
    || { show_logs; cannot "munged did not start"; }
  local i
  for ((i = 0; i < 20; i++)); do munge_works && return; sleep 0.5; done
  show_logs; cannot "munged started but munge -n | unmunge fails"
}

# The configuration for this host: its real CPUs and memory as slurmd detects them, so the node
# registers without being drained for a mismatch.
write_config() {
  local node detected
  node="$(node_name)"
  detected="$(slurmd -C 2>/dev/null | head -n 1)" || cannot "slurmd -C could not detect this host's hardware"
  [[ $detected == NodeName=* ]] || cannot "slurmd -C printed no node line"
  detected="${detected#NodeName=* }"
  local wanted
  wanted="$(cat <<EOF
$marker
# Start/stop it with that script; never copy this to a real cluster.
ClusterName=mmforge-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# No accounting: no slurmdbd, so sacct has nothing; callers poll squeue instead.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
StateSaveLocation=/var/spool/slurm-local/ctld
SlurmdSpoolDir=/var/spool/slurm-local/d
SlurmctldPidFile=$ctld_pid
SlurmdPidFile=$slurmd_pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 $detected State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
)"
  if root test -e "$conf" && ! root grep -qxF "$marker" "$conf"; then
    cannot "$conf exists and was not written by this script (a real cluster's?); not touching it"
  fi
  if [[ "$(root cat "$conf" 2>/dev/null)" != "$wanted" ]]; then
    # A changed configuration needs fresh daemons.
    stop_slurm
    root install -d -m 0755 /etc/slurm
    printf '%s\n' "$wanted" | root tee "$conf" >/dev/null
  fi
}

start_slurm() {
  root install -d -m 0755 "$run_dir" "$log_dir" /var/spool/slurm-local
  root install -d -m 0700 /var/spool/slurm-local/ctld /var/spool/slurm-local/d
  # Both daemonize themselves; their output goes to the log files, not to our caller's pipes.
  if ! alive "$ctld_pid"; then
    root slurmctld </dev/null >>"$log_dir/slurmctld.log" 2>&1 || { show_logs; cannot "slurmctld did not start"; }
  fi
  if ! alive "$slurmd_pid"; then
    root slurmd </dev/null >>"$log_dir/slurmd.log" 2>&1 || { show_logs; cannot "slurmd did not start"; }
  fi
}

wait_until_idle() {
  local deadline=$((SECONDS + ready_timeout)) state
  while ((SECONDS < deadline)); do
    state="$(node_state)"
    case "$state" in
      idle | mixed | allocated | completing) return ;;
      down* | drain* | drained*)
        root scontrol update nodename="$(node_name)" state=resume >/dev/null 2>&1 ;;
    esac
    sleep 1
  done
  show_logs
  cannot "node $(node_name) not idle after ${ready_timeout}s (state: ${state:-no answer from slurmctld})"
}

stop_pid() {
  local file="$1" pid
  alive "$file" || return 0
  pid="$(root cat "$file")"
  root kill "$pid"
  local i
  for ((i = 0; i < 50; i++)); do root kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  root kill -9 "$pid" 2>/dev/null || true
}
stop_slurm() { stop_pid "$slurmd_pid"; stop_pid "$ctld_pid"; }

case "${1:-}" in
  start)
    need_root
    install_packages
    if alive "$ctld_pid" && alive "$slurmd_pid" && node_ready; then exit 0; fi
    start_munge
    write_config
    start_slurm
    wait_until_idle
    echo "slurm-local: node $(node_name) idle in partition debug" >&2
    ;;
  stop)
    need_root
    stop_slurm
    stop_pid "$munge_pid"
    ;;
  status)
    command -v sinfo >/dev/null && node_ready || exit 1
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
