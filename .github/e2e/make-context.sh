#!/usr/bin/env bash
# A build context in DIR whose image can be recognised at the registry: marker.txt holds a fresh
# random marker, copied into the image as /marker.txt, so finding it in a pushed layer proves the
# registry holds this build and not an older or foreign image.
#
#   make-context.sh DIR [--from IMAGE] [--run COMMAND]
#
# The Dockerfile: FROM IMAGE (default scratch), COPY marker.txt /marker.txt, and RUN COMMAND when
# given (it needs a base with a shell). The marker is also printed.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -ge 1 ] || fail "usage: make-context.sh DIR [--from IMAGE] [--run COMMAND]"
dir=$1
shift
from=scratch run=''
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=$2; shift 2 ;;
    --run) run=$2; shift 2 ;;
    *) fail "make-context.sh: unknown option $1" ;;
  esac
done
mkdir -p "$dir"
marker="e2e-marker-$(openssl rand -hex 8)"
echo "$marker" >"$dir/marker.txt"
{
  echo "FROM $from"
  echo 'COPY marker.txt /marker.txt'
  [ -z "$run" ] || echo "RUN $run"
} >"$dir/Dockerfile"
echo "$marker"
