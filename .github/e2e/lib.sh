# shellcheck shell=bash
# Sourced by the e2e scripts: strict mode, where they keep their files, and the registry API
# read with curl, the way each registry was started (start-registry.sh records it).

set -euo pipefail

E2E_DIR="${RUNNER_TEMP:?RUNNER_TEMP is not set (this runs as a step of a GitHub Actions job)}/e2e"
mkdir -p "$E2E_DIR"

fail() {
  echo "::error::$*" >&2
  exit 1
}

# split_image HOST:PORT/REPO:TAG sets IMAGE_HOST (HOST:PORT), IMAGE_REPO and IMAGE_TAG.
# shellcheck disable=SC2034 # for the scripts that source this file
split_image() {
  [[ $1 =~ ^([^/]+:[0-9]+)/(.+):([^:/]+)$ ]] || fail "'$1' is not HOST:PORT/REPO:TAG"
  IMAGE_HOST=${BASH_REMATCH[1]}
  IMAGE_REPO=${BASH_REMATCH[2]}
  IMAGE_TAG=${BASH_REMATCH[3]}
}

# How this job reaches the registry on PORT: its scheme, and a curl config file (CA, client
# keypair, basic auth), both written by start-registry.sh.
registry_scheme() {
  local file="$E2E_DIR/registry-$1.scheme"
  [ -f "$file" ] || fail "no registry was started on port $1 in this job (start-registry.sh)"
  cat "$file"
}

registry_curlrc() {
  echo "$E2E_DIR/registry-$1.curlrc"
}

# api HOST:PORT PATH [curl args...]: GET on the registry; the body goes to stdout, and the HTTP
# status to the file named by API_STATUS when that is set; fails on a transport error only.
api() {
  local host=$1 path=$2 port status
  shift 2
  port=${host##*:}
  status="$(curl -sS -K "$(registry_curlrc "$port")" -o "$E2E_DIR/api-body" -w '%{http_code}' "$@" \
    "$(registry_scheme "$port")://$host$path")"
  [ -z "${API_STATUS:-}" ] || echo "$status" >"$API_STATUS"
  cat "$E2E_DIR/api-body"
  if [ -z "${API_STATUS:-}" ] && [ "$status" != 200 ]; then
    fail "GET $path on $host answered HTTP $status: $(head -c 300 "$E2E_DIR/api-body")"
  fi
}

# shellcheck disable=SC2034 # for the scripts that source this file
MANIFEST_ACCEPT=(
  -H 'Accept: application/vnd.oci.image.index.v1+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json'
  -H 'Accept: application/vnd.oci.image.manifest.v1+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
)

# tags HOST:PORT REPO: the repository's tags, one a line (none when it does not exist).
tags() {
  local body status
  body="$(API_STATUS="$E2E_DIR/api-status" api "$1" "/v2/$2/tags/list")"
  status="$(cat "$E2E_DIR/api-status")"
  case "$status" in
    200) jq -r '(.tags // [])[]' <<<"$body" ;;
    404) ;;
    *) fail "tags of $2 on $1: HTTP $status: $body" ;;
  esac
}

# The GOARCH of this machine, as image indexes name platforms.
goarch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}
