#!/usr/bin/env bash
# Waits (bounded) until the builder NAME boots and runs: for a remote builder whose buildkitd
# container this job has just started, which takes a moment to listen.
#
#   wait-builder.sh NAME

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -eq 1 ] || fail "usage: wait-builder.sh NAME"
out=''
for _ in $(seq 1 60); do
  if out="$(docker buildx inspect --bootstrap "$1" 2>&1)" && grep -Eq '^Status:[[:space:]]+running' <<<"$out"; then
    echo "$out"
    exit 0
  fi
  sleep 1
done
echo "$out"
fail "builder $1 did not come up within 60 s"
