#!/usr/bin/env bash
# Installs what the tests need on a Debian bookworm machine, for the two Docker engine
# generations that .ci/run tests against (started and stopped by .ci/engine.sh):
#
#   bookworm  Debian bookworm's docker.io (dockerd 20.10, containerd 1.6), installed as system
#             packages, with the buildx 0.13.1 CLI plugin from Debian trixie's docker-buildx
#             (bookworm has no docker-buildx).
#   unstable  dockerd 28.5, containerd 2.1, docker CLI 28.5 and buildx 0.29.1 from Debian
#             unstable, NOT installed: the .debs are only unpacked (dpkg -x) into $UNSTABLE_DIR,
#             so no system package ever comes from unstable. bookworm's runc serves both.
#
# Also: docker-registry, openssl, iproute2, sudo and the other tools the tests run, from bookworm.
# trixie and unstable are added as apt sources pinned so low that apt never picks them by itself;
# their URI is the one of this machine's bookworm source (never written here).
# Idempotent: every step is skipped when already done; a second run takes about a second.
#
# Usage: .ci/install-system.sh [--no-start]
#   Without --no-start, the bookworm engine is started afterwards (.ci/engine.sh start bookworm)
#   unless a dockerd already answers on /var/run/docker.sock.
set -euo pipefail

log() { printf '[install-system] %s\n' "$*" >&2; }
die() { printf '[install-system] ERROR: %s\n' "$*" >&2; exit 1; }

START_DOCKERD=1
for arg in "$@"; do
  case "$arg" in
    --no-start) START_DOCKERD=0 ;;
    *) die "unknown argument: $arg (usage: $0 [--no-start])" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root: it installs packages and writes /etc/apt and /opt"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=.ci/engines.env
. "$HERE/engines.env"   # ENGINES_DIR, BOOKWORM_DIR, UNSTABLE_DIR, SYSTEM_PLUGIN_DIR, ...

# bookworm packages (their dependencies, e.g. tini, come along).
# apache2-utils: htpasswd (bcrypt htpasswd files for the registry's auth); iputils-ping: ping, for
# netns tests; sudo: the action's path for a runner user that is not root (tests run it as such a
# user); busybox-static: a static /bin/sh the tests build base images from; jq: JSON on the command
# line; procps: pgrep, which .ci/engine.sh uses to find a dockerd's containerd.
PACKAGES=(docker.io containerd runc tini iptables docker-registry iproute2 iputils-ping openssl
  ca-certificates curl apache2-utils sudo busybox-static jq procps python3)

# What generation (b) is unpacked from. docker-cli: unstable's docker.io has no CLI of its own;
# tini-static: the target of docker.io's docker-init symlink (dockerd's --init process).
UNSTABLE_PACKAGES=(docker.io docker-cli containerd docker-buildx tini-static)
# The versions these scripts were written and checked for; unstable moves on, and only its newest
# version is in the archive, so another version is used (with a warning), not refused.
UNSTABLE_EXPECTED="docker.io=28.5. docker-cli=28.5. containerd=2.1. docker-buildx=0.29.1"

DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources

export DEBIAN_FRONTEND=noninteractive

# write_file PATH CONTENT: writes only if the content differs; returns 0 if it wrote.
write_file() {
  local path="$1" content="$2"
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then
    return 1
  fi
  printf '%s\n' "$content" >"$path"
  return 0
}

# ---- 1. trixie and unstable apt sources, pinned low ----------------------------------------
# Their URI (and Signed-By) are those of the stanza of debian.sources whose Suites has 'bookworm':
# the machine's own choice of archive or mirror. No host name is written in this project.
[ -f "$DEBIAN_SOURCES" ] || die "no $DEBIAN_SOURCES: this script reads the Debian archive's URI from its stanza with the 'bookworm' suite (deb822 format, as Debian's bookworm images ship it). Write one with 'Types: deb', 'URIs:' your archive or mirror, 'Suites: bookworm bookworm-updates', 'Components: main' and 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'"
stanza_vals="$(awk '
  BEGIN { RS=""; FS="\n" }
  {
    u=""; s=""; k=""
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^URIs:/)      { u=$i; sub(/^URIs:[ \t]*/, "", u) }
      if ($i ~ /^Suites:/)    { s=$i; sub(/^Suites:/, "", s); s=" " s " " }
      if ($i ~ /^Signed-By:/) { k=$i; sub(/^Signed-By:[ \t]*/, "", k) }
    }
    if (u != "" && s ~ /[ \t]bookworm[ \t]/) { print u "\t" k; exit }
  }' "$DEBIAN_SOURCES")"
[ -n "$stanza_vals" ] || die "$DEBIAN_SOURCES has no stanza with 'URIs:' and the suite 'bookworm' in 'Suites:'; add one (the URI of a Debian archive or mirror): trixie's and unstable's sources use the same URI"
uri="${stanza_vals%%$'\t'*}"
signed_by="${stanza_vals#*$'\t'}"

sources_changed=0
# add_suite NAME SUITE PIN_RELEASE PRIORITY
add_suite() {
  local name="$1" suite="$2" pin="$3" priority="$4"
  local stanza="Types: deb
URIs: $uri
Suites: $suite
Components: main"
  [ -n "$signed_by" ] && stanza="$stanza
Signed-By: $signed_by"
  if write_file "/etc/apt/sources.list.d/$name.sources" "$stanza"; then
    log "wrote /etc/apt/sources.list.d/$name.sources (URIs: $uri, Suites: $suite)"
    sources_changed=1
  fi
  if write_file "/etc/apt/preferences.d/$name" "Package: *
Pin: release $pin
Pin-Priority: $priority"; then
    log "wrote /etc/apt/preferences.d/$name (Pin-Priority: $priority)"
  fi
}
# trixie at 100 (< bookworm's 500): never picked while bookworm has the package, never as an
# upgrade; only 'apt-get download docker-buildx/trixie' below uses it.
add_suite trixie trixie "n=trixie" 100
# unstable at -1: apt never picks it on its own, not as a candidate, an upgrade or a dependency
# (only an explicit pkg/unstable or -t unstable would, and nothing here installs that way);
# 'apt-get download pkg/unstable' below fetches the .debs, which are only unpacked.
add_suite unstable unstable "a=unstable" -1

# ---- what is missing? ----------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" != "ii " ]; then
    missing+=("$p")
  fi
done

# wanted_stamps: sets bw_want and un_want to the "pkg=version" lines that apt's lists have now for
# docker-buildx in trixie and UNSTABLE_PACKAGES in unstable (empty when one is missing). One
# apt-cache call: where apt keeps no cache file (Dir::Cache::pkgcache ""), each call takes ~2 s.
wanted_stamps() {
  local specs=(docker-buildx/trixie) p got expected
  for p in "${UNSTABLE_PACKAGES[@]}"; do specs+=("$p/unstable"); done
  got="$(apt-cache show --no-all-versions "${specs[@]}" 2>/dev/null \
    | awk '/^Package:/ { p = $2 } /^Version:/ { print p "=" $2 }' || true)"
  expected="$(printf '%s\n' docker-buildx "${UNSTABLE_PACKAGES[@]}")"
  if [ "$(printf '%s\n' "$got" | cut -d= -f1)" = "$expected" ]; then
    bw_want="$(printf '%s\n' "$got" | head -n1)"
    un_want="$(printf '%s\n' "$got" | tail -n +2)"
  else
    bw_want=""; un_want=""
  fi
}
# have_stamp DIR: what is unpacked in DIR (its .versions file, written last)
have_stamp() { cat "$1/.versions" 2>/dev/null || true; }

wanted_stamps
bookworm_ok=0
if [ -n "$bw_want" ] && [ "$(have_stamp "$BOOKWORM_DIR")" = "$bw_want" ] && "$BOOKWORM_BUILDX" version >/dev/null 2>&1; then
  bookworm_ok=1
fi
unstable_ok=0
if [ -n "$un_want" ] && [ "$(have_stamp "$UNSTABLE_DIR")" = "$un_want" ] && [ -x "$UNSTABLE_ROOT/usr/sbin/dockerd" ]; then
  unstable_ok=1
fi

# ---- 2. apt-get update (only when something is to be installed or downloaded) ---------------
updated=0
apt_update() { log "apt-get update"; apt-get update -q >&2; updated=1; }
if [ "$sources_changed" = 1 ] || [ "${#missing[@]}" -gt 0 ] || [ "$bookworm_ok" = 0 ] || [ "$unstable_ok" = 0 ]; then
  apt_update
  wanted_stamps
  [ -n "$bw_want" ] || die "after 'apt-get update', apt lacks docker-buildx in trixie or one of ${UNSTABLE_PACKAGES[*]} in unstable: see 'apt-cache policy PACKAGE'"
else
  log "nothing to install or download: skipping apt-get update"
fi

# ---- 3. bookworm packages -----------------------------------------------------------------
# Only the missing ones are installed, so already-installed packages are not upgraded.
# '-t bookworm' on top of the low pins: nothing is installed from trixie or unstable.
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get install -y -q --no-install-recommends -t bookworm \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >&2
else
  log "bookworm packages already installed"
fi

# ---- 4. download and unpack (never install) -------------------------------------------------
# unpack SUITE DEST PKG...: apt-get download PKG/SUITE for each, dpkg -x into DEST/root, then
# DEST/.versions. Unpacks into a fresh directory renamed into place, so a failed run leaves
# the previous tree (or none), never half of one.
unpack() {
  local suite="$1" dest="$2" want="$3"; shift 3
  local tmp p
  tmp="$(mktemp -d "$ENGINES_DIR/.download.XXXXXX")"
  # apt-get download fetches as user _apt, which must be able to write here
  if id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
  local specs=()
  for p in "$@"; do specs+=("$p/$suite"); done
  log "apt-get download ${specs[*]}"
  if ! (cd "$tmp" && apt-get download -q "${specs[@]}" >&2); then
    # The lists may be older than the archive (unstable keeps only its newest versions).
    [ "$updated" = 1 ] && { rm -rf "$tmp"; die "apt-get download ${specs[*]} failed (see above)"; }
    apt_update
    wanted_stamps
    [ -n "$bw_want" ] || { rm -rf "$tmp"; die "after 'apt-get update', apt lacks one of $* in $suite: see 'apt-cache policy PACKAGE'"; }
    if [ "$suite" = trixie ]; then want="$bw_want"; else want="$un_want"; fi
    (cd "$tmp" && apt-get download -q "${specs[@]}" >&2) || { rm -rf "$tmp"; die "apt-get download ${specs[*]} failed (see above)"; }
  fi
  mkdir "$tmp/new" "$tmp/new/root"
  for deb in "$tmp"/*.deb; do
    log "unpacking $(basename "$deb")"
    dpkg -x "$deb" "$tmp/new/root"
  done
  chmod 0755 "$tmp/new" "$tmp/new/root"
  printf '%s\n' "$want" >"$tmp/new/.versions"
  rm -rf "$dest.old"
  if [ -e "$dest" ]; then mv "$dest" "$dest.old"; fi
  mv "$tmp/new" "$dest"
  rm -rf "$dest.old" "$tmp"
}

mkdir -p "$ENGINES_DIR"
chmod 0755 "$ENGINES_DIR"

if [ "$bookworm_ok" = 0 ]; then
  unpack trixie "$BOOKWORM_DIR" "$bw_want" docker-buildx
  "$BOOKWORM_BUILDX" version >/dev/null || die "$BOOKWORM_BUILDX does not run"
fi
log "bookworm: buildx $("$BOOKWORM_BUILDX" version | awk '{print $2}') in $BOOKWORM_DIR"

if [ "$unstable_ok" = 0 ]; then
  unpack unstable "$UNSTABLE_DIR" "$un_want" "${UNSTABLE_PACKAGES[@]}"
fi
for exp in $UNSTABLE_EXPECTED; do
  p="${exp%%=*}"
  v="$(sed -n "s/^$p=//p" "$UNSTABLE_DIR/.versions")"
  case "$v" in
    "${exp#*=}"*) ;;
    *) log "WARNING: unstable now has $p $v; these scripts were checked with ${exp#*=}*: check that .ci/engine.sh still starts it and the tests still mean what they say" ;;
  esac
done
log "unstable: $(tr '\n' ' ' <"$UNSTABLE_DIR/.versions")in $UNSTABLE_DIR"

# ---- 5. the system buildx plugin --------------------------------------------------------------
# Generation (a) is the machine's default: its buildx in the plugin directory every docker CLI
# searches. .ci/engine.sh swaps it while another engine runs and puts it back when stopping.
if ! "$SYSTEM_BUILDX" version >/dev/null 2>&1; then
  install -d -m 0755 "$SYSTEM_PLUGIN_DIR"
  install -m 0755 "$BOOKWORM_BUILDX" "$SYSTEM_BUILDX"
  log "installed $SYSTEM_BUILDX ($("$SYSTEM_BUILDX" version))"
fi

# ---- 6. check the tools answer ----------------------------------------------------------------
for t in /usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd /usr/sbin/runc "$UNSTABLE_ROOT/usr/sbin/dockerd" \
         "$UNSTABLE_ROOT/usr/bin/docker" "$UNSTABLE_ROOT/usr/bin/containerd" "$UNSTABLE_BUILDX"; do
  [ -x "$t" ] || die "$t is missing"
done
for t in docker-registry ip ping openssl htpasswd curl sudo useradd busybox jq pgrep python3; do
  command -v "$t" >/dev/null 2>&1 || die "$t not found in PATH"
done
log "bookworm: $(/usr/sbin/dockerd --version); unstable: $("$UNSTABLE_ROOT/usr/sbin/dockerd" --version)"

# ---- 7. start the bookworm engine ---------------------------------------------------------------
if [ "$START_DOCKERD" = 1 ]; then
  if timeout 10 docker info >/dev/null 2>&1; then
    log "a dockerd already answers on /var/run/docker.sock: not starting one"
  else
    bash "$HERE/engine.sh" start bookworm
  fi
fi
log "done"
