#!/usr/bin/env bash
# Starts and stops one Docker engine generation at a time, on the default socket
# (/var/run/docker.sock, pid file /var/run/docker.pid), each with its own data root:
#
#   bookworm  Debian bookworm's dockerd 20.10 + containerd 1.6, docker CLI 20.10, buildx 0.13.1
#   unstable  Debian unstable's dockerd 28.5 + containerd 2.1, docker CLI 28.5, buildx 0.29.1,
#             unpacked by .ci/install-system.sh (run that first)
#
# Both use bookworm's runc (/usr/sbin/runc) and /etc/docker/daemon.json.
#
# Usage:
#   .ci/engine.sh start NAME   start NAME and wait until it answers (nothing to do if it runs already)
#   .ci/engine.sh stop         stop the dockerd on the default socket, whichever it is, and wait
#                              until it and its containerd are gone; puts bookworm's buildx back
#   .ci/engine.sh env NAME     print the `export PATH=...` that puts NAME's docker CLI first
#   .ci/engine.sh check NAME   exit 1, naming the file and the fix, unless `docker buildx` (NAME's
#                              CLI, as the caller: its DOCKER_CONFIG or ~/.docker) runs NAME's buildx;
#                              needs no running engine
#   .ci/engine.sh status       which engine runs (exit 1 if none)
#
# `start` exits 3 when the engine is up but `docker buildx` runs another buildx than NAME's (the
# check above): the engine is left running, and tests run now would test the wrong buildx.
#
# Which docker CLI and buildx:
#   The tests run `docker` from PATH, as root and as throwaway users with DOCKER_CONFIG set to
#   temporary directories. `.ci/engine.sh env NAME` gives the PATH with NAME's CLI first: each
#   generation runs with the CLI of its own Docker release, the way a machine with that release
#   has it (a bookworm runner has docker.io's 20.10 CLI; a runner with dockerd 28 has a 28 CLI).
#   The 28.2 CLI some images have in /usr/local/bin is neither, so it is used by neither: against
#   dockerd 20.10 it would hide what an old CLI does, against 28.5 it would be an older client.
#   buildx is a CLI plugin: the CLI looks in DOCKER_CONFIG/cli-plugins, then in the system
#   directories, /usr/local/lib/docker/cli-plugins first (docker/cli has no environment variable
#   for more). `start` copies NAME's buildx there; `stop` puts bookworm's back, the machine's
#   default, which tests that read that file as "the real buildx" expect to find.
#   A docker-buildx in ~/.docker/cli-plugins (or DOCKER_CONFIG's) comes first and shadows it:
#   `start` and `check` fail then, naming that file.
#
# Environment:
# Every engine listens on the default socket and on tcp://$ENGINE_TLS_ADDRESS with --tlsverify
# (.ci/engines.env), its certificates made at the first start.
#
#   DOCKERD_FLAGS         extra dockerd flags (default none). Not `--bridge none`: a dockerd
#                         started so deletes an existing docker0 bridge.
#   DOCKERD_LOG           dockerd's log (default /tmp/dockerd-NAME.log)
#   DOCKERD_TIMEOUT       seconds to wait for dockerd to answer (default 60)
#   DOCKERD_STOP_TIMEOUT  seconds to wait for it to exit before SIGKILL (default 60)
set -euo pipefail

log() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] ERROR: %s\n' "$*" >&2; exit 1; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=.ci/engines.env
. "$HERE/engines.env"

PIDFILE=/var/run/docker.pid
SOCKET=/var/run/docker.sock
STATE_DIR=/run/sbr-engines        # tmpfs: forgotten at reboot, like the daemon itself
STATE="$STATE_DIR/active"         # "NAME PID EXEC_ROOT" of the engine this script started
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
DOCKERD_STOP_TIMEOUT="${DOCKERD_STOP_TIMEOUT:-60}"
DOCKERD_FLAGS="${DOCKERD_FLAGS:-}"
# The daemon is always the one on the default socket; never whatever a caller's variables name.
unset DOCKER_HOST DOCKER_CONTEXT

# engine_vars NAME: sets what differs between the generations.
engine_vars() {
  NAME="$1"
  case "$NAME" in
    bookworm)
      DOCKERD=/usr/sbin/dockerd
      CLI=/usr/bin/docker
      BUILDX="$BOOKWORM_BUILDX"
      PROXY=/usr/sbin/docker-proxy
      INIT=/usr/bin/docker-init
      # Debian's default data root and exec root: what `npm test` after install-system uses.
      DATA_ROOT=/var/lib/docker
      EXEC_ROOT=/var/run/docker
      # No /usr/local: dockerd finds bookworm's containerd, containerd-shim-runc-v2 and runc.
      DAEMON_PATH=/usr/sbin:/usr/bin:/sbin:/bin
      ;;
    unstable)
      DOCKERD="$UNSTABLE_ROOT/usr/sbin/dockerd"
      CLI="$UNSTABLE_ROOT/usr/bin/docker"
      BUILDX="$UNSTABLE_BUILDX"
      PROXY="$UNSTABLE_ROOT/usr/sbin/docker-proxy"
      INIT="$UNSTABLE_ROOT/usr/bin/docker-init"
      # Its own data root: dockerd 28 and containerd 2 change the formats under it, which
      # dockerd 20.10 must never read.
      DATA_ROOT=/var/lib/docker-unstable
      EXEC_ROOT=/var/run/docker-unstable
      # dockerd starts `containerd` from PATH, and containerd the shim: the unpacked ones come
      # first. runc is not unpacked: bookworm's /usr/sbin/runc serves both generations.
      DAEMON_PATH="$UNSTABLE_ROOT/usr/sbin:$UNSTABLE_ROOT/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin"
      ;;
    *) die "unknown engine '$NAME': bookworm or unstable" ;;
  esac
  CLI_BIN="$ENGINES_DIR/$NAME/bin"   # holds only `docker`, a link to $CLI
  for f in "$DOCKERD" "$CLI" "$BUILDX" "$PROXY" "$INIT"; do
    [ -x "$f" ] || die "$NAME: $f is missing: run .ci/install-system.sh first"
  done
}

# alive PID: the process exists and is not a zombie
alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# running_dockerd: pid of the dockerd on the default pid file, or of any dockerd (one at a time)
running_dockerd() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    echo "$pid"; return 0
  fi
  # pgrep lists zombies too: a dockerd that exited and whose parent (often init, when the shell that
  # started it is gone) has not reaped it yet is no daemon (measured: CI then refused to start one).
  for pid in $(pgrep -x dockerd || true); do
    if alive "$pid"; then echo "$pid"; return 0; fi
  done
  return 1
}

# set_plugin FILE: makes FILE the system buildx plugin (atomic rename; skipped when equal)
set_plugin() {
  local src="$1"
  if [ -f "$SYSTEM_BUILDX" ] && cmp -s "$src" "$SYSTEM_BUILDX"; then return 0; fi
  install -d -m 0755 "$SYSTEM_PLUGIN_DIR"
  # Not named docker-*: the CLI ignores it while it is being written.
  install -m 0755 "$src" "$SYSTEM_PLUGIN_DIR/.docker-buildx.new"
  mv -f "$SYSTEM_PLUGIN_DIR/.docker-buildx.new" "$SYSTEM_BUILDX"
  log "system buildx plugin: $("$SYSTEM_BUILDX" version | awk '{print $2}') ($SYSTEM_BUILDX)"
}

answers() { timeout 10 "$CLI" -H "unix://$SOCKET" info >/dev/null 2>&1; }

# cmd_check NAME: 0 when the buildx that `docker buildx` runs, for the caller, is NAME's (the file
# `start` copies to $SYSTEM_BUILDX); otherwise 1, with the file in effect and the fix.
# Which file the CLI runs is the CLI's own answer (`docker info`'s client plugins, which needs no
# daemon), not a guess: docker/cli's cli-plugins/manager/manager.go (getPluginDirs, the same at
# tags v20.10.24 and v28.5.0) searches the config file's cliPluginsExtraDirs, then the config directory's
# cli-plugins (DOCKER_CONFIG, else ~/.docker), then manager_unix.go's defaultSystemPluginDirs,
# /usr/local/lib/docker/cli-plugins first; the first docker-buildx found runs.
cmd_check() {
  engine_vars "$1"
  local found want have config_dir
  want="$("$BUILDX" version | awk '{print $2}')"
  found="$(timeout 20 "$CLI" info --format \
    '{{range .ClientInfo.Plugins}}{{if eq .Name "buildx"}}{{.Path}}{{end}}{{end}}' 2>/dev/null || true)"
  if [ -n "$found" ] && cmp -s "$found" "$BUILDX"; then
    log "$NAME: docker buildx runs $NAME's buildx $want ($found)"
    return 0
  fi
  config_dir="${DOCKER_CONFIG:-${HOME:-~}/.docker}"
  # What the tests would see: `docker buildx version` through the CLI, as they run it.
  have="$("$CLI" buildx version 2>/dev/null | awk '{print $2}' || true)"
  if [ -n "$found" ] && [ "$found" != "$SYSTEM_BUILDX" ] && [ -e "$SYSTEM_BUILDX" ]; then
    log "$NAME: docker buildx runs $found (buildx ${have:-?}), not $NAME's buildx $want: that file comes before $SYSTEM_BUILDX, where this script puts the engine's, in the docker CLI's plugin search (the config's cliPluginsExtraDirs, then $config_dir/cli-plugins, then the system directories). Fix: move it away (mv '$found' '$found.off'), then run again"
  else
    log "$NAME: docker buildx runs ${found:-no plugin} (buildx ${have:-none}), not $NAME's buildx $want ($BUILDX): .ci/engine.sh start $NAME copies it to $SYSTEM_BUILDX"
  fi
  return 1
}

# make_tls: a CA, a server certificate for $ENGINE_TLS_ADDRESS's address and localhost, and a client
# certificate in $ENGINE_TLS_DIR/client (ca.pem, cert.pem, key.pem: the names DOCKER_CERT_PATH wants).
# Made once; kept while the machine runs (tmpfs).
make_tls() {
  [ -f "$ENGINE_TLS_DIR/client/key.pem" ] && return 0
  local dir="$ENGINE_TLS_DIR" ip="${ENGINE_TLS_ADDRESS%:*}" tmp
  tmp="$(mktemp -d "$STATE_DIR/.tls.XXXXXX")"
  mkdir -p "$tmp/client"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj '/CN=sbr engine CA' -keyout "$tmp/ca-key.pem" -out "$tmp/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=sbr engine' \
    -keyout "$tmp/server-key.pem" -out "$tmp/server.csr" 2>/dev/null
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca-key.pem" -CAcreateserial -days 3650 \
    -extfile <(printf 'subjectAltName=IP:%s,DNS:localhost\nextendedKeyUsage=serverAuth\n' "$ip") \
    -out "$tmp/server-cert.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=sbr engine client' \
    -keyout "$tmp/client/key.pem" -out "$tmp/client.csr" 2>/dev/null
  openssl x509 -req -in "$tmp/client.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca-key.pem" -CAcreateserial -days 3650 \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$tmp/client/cert.pem" 2>/dev/null
  cp "$tmp/ca.pem" "$tmp/client/ca.pem"
  rm -f "$tmp"/*.csr "$tmp"/*.srl "$tmp/ca-key.pem"
  chmod 0600 "$tmp/server-key.pem" "$tmp/client/key.pem"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "TLS listener material in $dir (client: $dir/client)"
}

cmd_start() {
  engine_vars "$1"
  local pid
  pid="$(running_dockerd || true)"
  if [ -n "$pid" ]; then
    if [ "$(cut -d' ' -f1-2 "$STATE" 2>/dev/null)" = "$NAME $pid" ] && answers; then
      log "$NAME already runs (pid $pid)"
      cmd_check "$NAME" || exit 3
      return 0
    fi
    die "a dockerd already runs (pid $pid, $(tr '\0' ' ' <"/proc/$pid/cmdline")); one engine at a time on $SOCKET: stop it first (.ci/engine.sh stop)"
  fi
  # dockerd uses a containerd listening there instead of starting its own (of its generation).
  if [ -S /run/containerd/containerd.sock ]; then
    die "/run/containerd/containerd.sock exists: dockerd would use that containerd instead of its own; stop that containerd (or remove the stale socket)"
  fi

  set_plugin "$BUILDX"
  mkdir -p "$CLI_BIN" "$STATE_DIR"
  ln -sfn "$CLI" "$CLI_BIN/docker"

  local logfile="${DOCKERD_LOG:-/tmp/dockerd-$NAME.log}"
  make_tls
  # The default socket, and TCP with TLS (client certificates required) as a dind sidecar listens:
  # --tlsverify applies to the TCP listener only.
  local flags=(--data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE"
    --userland-proxy-path "$PROXY" --init-path "$INIT"
    -H "unix://$SOCKET" -H "tcp://$ENGINE_TLS_ADDRESS" --tlsverify
    --tlscacert "$ENGINE_TLS_DIR/ca.pem" --tlscert "$ENGINE_TLS_DIR/server-cert.pem" --tlskey "$ENGINE_TLS_DIR/server-key.pem")
  # shellcheck disable=SC2206  # DOCKERD_FLAGS is a list of words
  flags+=($DOCKERD_FLAGS)
  log "starting $NAME: $DOCKERD ${flags[*]} (log: $logfile)"
  printf '\n===== %s: %s %s =====\n' "$(date -u +%FT%TZ)" "$DOCKERD" "${flags[*]}" >>"$logfile"
  # setsid: its own session, so it outlives this script and the caller's process group.
  PATH="$DAEMON_PATH" setsid "$DOCKERD" "${flags[@]}" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  printf '%s %s %s\n' "$NAME" "$pid" "$EXEC_ROOT" >"$STATE"

  local deadline=$(( $(date +%s) + DOCKERD_TIMEOUT ))
  until answers; do
    if ! alive "$pid"; then
      rm -f "$STATE"
      log "last lines of $logfile:"; tail -n 30 "$logfile" >&2
      die "$NAME: dockerd exited before answering (see above)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "last lines of $logfile:"; tail -n 30 "$logfile" >&2
      die "$NAME: dockerd (pid $pid) did not answer within ${DOCKERD_TIMEOUT}s; it is left running: .ci/engine.sh stop"
    fi
    sleep 0.2
  done
  set_plugin "$BUILDX"   # again: nothing may have swapped it meanwhile
  if ! cmd_check "$NAME"; then
    log "$NAME is up (pid $pid), but docker buildx is not its buildx (above): fix that before running tests"
    exit 3
  fi
  log "$NAME is up: pid $pid, dockerd $("$CLI" version --format '{{.Server.Version}}'), containerd $("$CLI" version --format '{{range .Server.Components}}{{if eq .Name "containerd"}}{{.Version}}{{end}}{{end}}'), CLI $("$CLI" version --format '{{.Client.Version}}'), buildx $("$CLI" buildx version | awk '{print $2}')"
}

# wait_gone SECONDS PID...: 0 when none of the PIDs is alive any more, 1 at the deadline
wait_gone() {
  local deadline=$(( $(date +%s) + $1 )) p left; shift
  while :; do
    left=""
    for p in "$@"; do alive "$p" && left="$left $p"; done
    [ -z "$left" ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

cmd_stop() {
  local pid exec_root containerd shims
  pid="$(running_dockerd || true)"
  if [ -z "$pid" ]; then
    log "no dockerd runs"
  else
    # Its exec root (where its containerd's socket is): from its command line, else the default.
    exec_root="$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^--exec-root$/{n;p;q};s/^--exec-root=//p' | head -n1)"
    exec_root="${exec_root:-/var/run/docker}"
    # Its containerd is its child (dockerd starts and supervises it).
    containerd="$(pgrep -P "$pid" -x containerd | tr '\n' ' ' || true)"
    log "stopping dockerd (pid $pid${containerd:+, containerd $containerd}, exec root $exec_root)"
    kill -TERM "$pid"
    # shellcheck disable=SC2086  # containerd: a list of pids
    if ! wait_gone "$DOCKERD_STOP_TIMEOUT" "$pid" $containerd; then
      log "still running after ${DOCKERD_STOP_TIMEOUT}s: SIGKILL"
      # shellcheck disable=SC2086
      kill -KILL "$pid" $containerd 2>/dev/null || true
      # shellcheck disable=SC2086
      wait_gone 10 "$pid" $containerd || die "dockerd $pid / containerd $containerd survive SIGKILL"
    fi
    # dockerd stops its containers before it exits, and their shims then exit too. A shim whose
    # container outlived that (a container that ignored SIGTERM and SIGKILL) would keep the
    # container's processes, mounts and cgroups: end it.
    shims="$(pgrep -f "containerd-shim.* -address $exec_root/containerd/containerd.sock" | tr '\n' ' ' || true)"
    # shellcheck disable=SC2086
    if [ -n "$shims" ] && ! wait_gone 10 $shims; then
      log "shims of stopped containers still run ($shims): SIGKILL"
      # shellcheck disable=SC2086
      kill -KILL $shims 2>/dev/null || true
      # shellcheck disable=SC2086
      wait_gone 10 $shims || die "containerd shims $shims survive SIGKILL"
    fi
    log "dockerd $pid and its containerd are gone"
  fi
  rm -f "$STATE"
  # Back to the machine's default, generation (a).
  [ -x "$BOOKWORM_BUILDX" ] && set_plugin "$BOOKWORM_BUILDX"
  return 0
}

cmd_env() {
  engine_vars "$1"
  if [ "$(id -u)" -eq 0 ]; then mkdir -p "$CLI_BIN" && ln -sfn "$CLI" "$CLI_BIN/docker"; fi
  printf 'export PATH=%q\n' "$CLI_BIN:$PATH"
}

cmd_status() {
  local pid
  pid="$(running_dockerd || true)"
  [ -n "$pid" ] || { echo "none"; return 1; }
  if [ "$(cut -d' ' -f2 "$STATE" 2>/dev/null)" = "$pid" ]; then
    echo "$(cut -d' ' -f1 "$STATE") (pid $pid)"
  else
    echo "a dockerd not started by .ci/engine.sh (pid $pid)"
  fi
}

# env and check only read: any user may run them (check then answers for that user).
case "${1:-}" in env | check) ;; *) [ "$(id -u)" -eq 0 ] || die "must run as root" ;; esac
case "${1:-}" in
  start)  [ $# -eq 2 ] || die "usage: $0 start bookworm|unstable"; cmd_start "$2" ;;
  stop)   cmd_stop ;;
  env)    [ $# -eq 2 ] || die "usage: $0 env bookworm|unstable"; cmd_env "$2" ;;
  check)  [ $# -eq 2 ] || die "usage: $0 check bookworm|unstable"; cmd_check "$2" ;;
  status) cmd_status ;;
  *) die "usage: $0 start NAME | stop | env NAME | check NAME | status   (NAME: bookworm or unstable)" ;;
esac
