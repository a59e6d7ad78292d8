#!/usr/bin/env bash
# Installs (and starts) the real system tools the tests need:
#   - Docker engine (dockerd, containerd, runc) and registry from Debian bookworm
#   - the docker buildx CLI plugin, taken from Debian trixie's docker-buildx package
#     (bookworm has no docker-buildx); trixie is added pinned low, so nothing else is
#     ever installed or upgraded from it
# Idempotent: every step is skipped when already done; a second run takes ~1 s.
# Usage: .ci/install-system.sh [--no-start]   (--no-start: don't start dockerd)
set -euo pipefail

log() { printf '[install-system] %s\n' "$*" >&2; }
die() { printf '[install-system] ERROR: %s\n' "$*" >&2; exit 1; }

START_DOCKERD=1
for arg in "$@"; do
  case "$arg" in
    --no-start) START_DOCKERD=0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "must run as root (or have sudo)"
  SUDO="sudo"
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# bookworm packages (their dependencies, e.g. tini, come along).
# apache2-utils: htpasswd (bcrypt htpasswd files for the registry's auth); iputils-ping: ping, for netns tests;
# sudo: the action's path for a runner user that is not root (tests run it as such a user).
PACKAGES=(docker.io containerd runc iptables docker-registry iproute2 iputils-ping openssl ca-certificates curl apache2-utils sudo)

BUILDX_PLUGIN_DIR=/usr/local/lib/docker/cli-plugins   # searched by every docker CLI >= 19.03
BUILDX_PLUGIN="$BUILDX_PLUGIN_DIR/docker-buildx"

TRIXIE_SOURCES=/etc/apt/sources.list.d/trixie.sources
TRIXIE_PREFS=/etc/apt/preferences.d/trixie
DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources

export DEBIAN_FRONTEND=noninteractive

# write_file PATH CONTENT: writes only if the content differs; returns 0 if it wrote.
write_file() {
  local path="$1" content="$2"
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then
    return 1
  fi
  printf '%s\n' "$content" | $SUDO tee "$path" >/dev/null
  return 0
}

# ---- 1. trixie apt source, pinned low ------------------------------------------------
# URI and Signed-By are taken from the stanza of debian.sources that has the 'bookworm' suite.
uri="http://deb.debian.org/debian"
signed_by="/usr/share/keyrings/debian-archive-keyring.gpg"
if [ -f "$DEBIAN_SOURCES" ]; then
  stanza_vals="$(awk '
    BEGIN { RS=""; FS="\n" }
    {
      u=""; s=""; k=""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/)      { u=$i; sub(/^URIs:[ \t]*/, "", u) }
        if ($i ~ /^Suites:/)    { s=" " $i " " }
        if ($i ~ /^Signed-By:/) { k=$i; sub(/^Signed-By:[ \t]*/, "", k) }
      }
      if (s ~ /[ \t]bookworm[ \t]/) { print u "\t" k; exit }
    }' "$DEBIAN_SOURCES")"
  if [ -n "$stanza_vals" ]; then
    uri="${stanza_vals%%$'\t'*}"
    sb="${stanza_vals#*$'\t'}"
    [ -n "$sb" ] && signed_by="$sb"
  fi
fi

sources_changed=0
if write_file "$TRIXIE_SOURCES" "Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: $signed_by"; then
  log "wrote $TRIXIE_SOURCES (URIs: $uri)"
  sources_changed=1
else
  log "$TRIXIE_SOURCES already in place"
fi

# Priority 100 < 500 (bookworm): trixie versions are never picked while bookworm has the
# package, and never as an upgrade; only an explicit 'pkg/trixie' or '-t trixie' uses it.
if write_file "$TRIXIE_PREFS" "Package: *
Pin: release n=trixie
Pin-Priority: 100"; then
  log "wrote $TRIXIE_PREFS (Pin-Priority: 100)"
else
  log "$TRIXIE_PREFS already in place"
fi

# ---- what is missing? ---------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" != "ii " ]; then
    missing+=("$p")
  fi
done

buildx_ok=0
if [ -x "$BUILDX_PLUGIN" ] && "$BUILDX_PLUGIN" version >/dev/null 2>&1; then
  buildx_ok=1
fi

# ---- 2. apt-get update (only when something is to be installed or sources changed) -----
if [ "$sources_changed" = 1 ] || [ "${#missing[@]}" -gt 0 ] || [ "$buildx_ok" = 0 ]; then
  log "apt-get update"
  $SUDO apt-get update -q
else
  log "nothing to install: skipping apt-get update"
fi

# ---- 3. bookworm packages -------------------------------------------------------------
# Only the missing ones are installed, so already-installed packages are not upgraded.
# '-t bookworm' on top of the low pin: nothing but the buildx .deb below ever comes from trixie.
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get install -y -q --no-install-recommends -t bookworm \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"
else
  log "packages already installed: ${PACKAGES[*]}"
fi

# ---- 4. docker buildx plugin from trixie ----------------------------------------------
if [ "$buildx_ok" = 0 ]; then
  tmp="$(mktemp -d)"
  trap '$SUDO rm -rf "$tmp"' EXIT
  # apt-get download fetches as user _apt, which must be able to write here
  if id _apt >/dev/null 2>&1; then $SUDO chown _apt "$tmp"; fi
  log "apt-get download docker-buildx/trixie (into $tmp)"
  (cd "$tmp" && $SUDO apt-get download -q docker-buildx/trixie)
  deb="$(ls "$tmp"/docker-buildx_*.deb)"
  log "extracting $(basename "$deb")"
  $SUDO dpkg -x "$deb" "$tmp/x"
  bin="$(find "$tmp/x" -type f -name docker-buildx -path '*cli-plugins*' | head -n1)"
  [ -n "$bin" ] || die "no cli-plugins/docker-buildx in $deb"
  $SUDO install -d -m 0755 "$BUILDX_PLUGIN_DIR"
  $SUDO install -m 0755 "$bin" "$BUILDX_PLUGIN"
  "$BUILDX_PLUGIN" version >/dev/null || die "$BUILDX_PLUGIN does not run"
  log "installed $BUILDX_PLUGIN ($("$BUILDX_PLUGIN" version))"
else
  log "buildx plugin already installed: $BUILDX_PLUGIN ($("$BUILDX_PLUGIN" version))"
fi

# ---- 5. check the tools answer ----------------------------------------------------------
docker_bin="$(command -v docker)" || die "no docker CLI in PATH"
docker buildx version >/dev/null 2>&1 || die "'$docker_bin buildx version' fails"
for t in dockerd containerd runc docker-registry ip ping openssl htpasswd curl sudo useradd; do
  command -v "$t" >/dev/null 2>&1 || die "$t not found in PATH"
done
log "docker CLI: $docker_bin ($(docker --version)); buildx: $(docker buildx version)"

# ---- 6. start dockerd ---------------------------------------------------------------
if [ "$START_DOCKERD" = 1 ]; then
  bash "$HERE/start-dockerd.sh"
fi
log "done"
