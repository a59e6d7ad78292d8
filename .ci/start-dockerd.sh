#!/usr/bin/env bash
# Starts dockerd in the background unless `docker info` already answers, then waits
# (bounded) until it does. dockerd's own output goes to $DOCKERD_LOG.
#   DOCKERD_LOG      log file            (default /tmp/dockerd.log)
#   DOCKERD_TIMEOUT  seconds to wait     (default 60)
#   DOCKERD_FLAGS    extra dockerd flags (default none; the defaults -- overlay2,
#                    cgroupfs, iptables on -- work in this sandbox)
set -euo pipefail

log() { printf '[start-dockerd] %s\n' "$*" >&2; }

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
DOCKERD_FLAGS="${DOCKERD_FLAGS:-}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

answers() { timeout 10 docker info >/dev/null 2>&1; }

if answers; then
  log "docker already answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); nothing to do"
  exit 0
fi

command -v dockerd >/dev/null 2>&1 || { log "ERROR: dockerd not found; run .ci/install-system.sh first"; exit 1; }
command -v docker >/dev/null 2>&1 || { log "ERROR: docker CLI not found"; exit 1; }

log "starting: dockerd ${DOCKERD_FLAGS} (log: $DOCKERD_LOG)"
printf '\n===== %s: dockerd %s =====\n' "$(date -u +%FT%TZ)" "$DOCKERD_FLAGS" >>"$DOCKERD_LOG"
# setsid: own session, so it outlives this script and the job-control group of the caller.
# shellcheck disable=SC2086
$SUDO setsid -w nohup dockerd $DOCKERD_FLAGS </dev/null >>"$DOCKERD_LOG" 2>&1 &
pid=$!

deadline=$(( $(date +%s) + DOCKERD_TIMEOUT ))
until answers; do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null && rc=0 || rc=$?
    log "ERROR: dockerd exited (status $rc) before answering; last lines of $DOCKERD_LOG:"
    tail -n 40 "$DOCKERD_LOG" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "ERROR: dockerd (pid $pid) did not answer 'docker info' within ${DOCKERD_TIMEOUT}s (left running); last lines of $DOCKERD_LOG:"
    tail -n 40 "$DOCKERD_LOG" >&2
    exit 1
  fi
  sleep 0.5
done
log "dockerd is up (pid $(cat /var/run/docker.pid 2>/dev/null || echo "?"), server $(docker version --format '{{.Server.Version}}'))"
