#!/usr/bin/env bash
# What a later `run:` step of a user's job does after the action: `docker buildx build --push`,
# here of a context holding a fresh marker (make-context.sh). Then the push is judged at the
# registry itself (check-pushed.sh), never by buildx's word.
#
#   build-push.sh [OPTION ...] IMAGE [BUILDX-FLAG ...]
#
#   --context DIR        build DIR (made by make-context.sh) rather than a fresh context
#   --from IMAGE         base of the fresh context (default scratch)
#   --run COMMAND        a RUN step in the fresh context
#   --expect-log PCRE    the build's log must match (grep -Pz: whole log, \n matches line ends)
#   --expect-fail PCRE   the build must fail with a log that matches, and leave IMAGE absent
#
# BUILDER (environment, required): the builder the build must have run on, normally the action's
# `name` output. The build records it (metadata `buildx.build.ref`), and a mismatch fails: the
# runner's default builder (driver docker) would have the Docker daemon push, and dockerd
# accepts any registry on 127.0.0.0/8 without TLS or trust, so a push through it proves nothing
# about the action's config.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

context='' from=scratch run='' expect_log='' expect_fail=''
while [ $# -gt 0 ]; do
  case "$1" in
    --context) context=$2; shift 2 ;;
    --from) from=$2; shift 2 ;;
    --run) run=$2; shift 2 ;;
    --expect-log) expect_log=$2; shift 2 ;;
    --expect-fail) expect_fail=$2; shift 2 ;;
    -*) fail "build-push.sh: unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || fail "usage: build-push.sh [OPTION ...] IMAGE [BUILDX-FLAG ...]"
[ -n "${BUILDER:-}" ] || fail "BUILDER is not set: give the step env BUILDER: \${{ steps.<id>.outputs.name }}"
image=$1
shift

if [ -z "$context" ]; then
  context="$(mktemp -d "$E2E_DIR/context-XXXXXX")"
  args=()
  [ "$from" = scratch ] || args+=(--from "$from")
  [ -z "$run" ] || args+=(--run "$run")
  "${BASH_SOURCE[0]%/*}/make-context.sh" "$context" "${args[@]}" >/dev/null
fi
marker="$(cat "$context/marker.txt")"
echo "::group::Dockerfile (marker $marker)"
cat "$context/Dockerfile"
echo "::endgroup::"

log="$(mktemp "$E2E_DIR/build-XXXXXX.log")"
metadata="$(mktemp "$E2E_DIR/metadata-XXXXXX.json")"
command=(docker buildx build --progress plain --metadata-file "$metadata" "$@" --push -t "$image" "$context")
echo "+ ${command[*]}"
status=0
"${command[@]}" >"$log" 2>&1 || status=$?
cat "$log"

if [ -n "$expect_fail" ]; then
  [ "$status" -ne 0 ] || fail "the push of $image was expected to fail, but it succeeded"
  grep -Pzq -- "$expect_fail" "$log" || fail "the push of $image failed, but its log does not match /$expect_fail/"
  echo "The push failed as expected (matches /$expect_fail/)."
  "${BASH_SOURCE[0]%/*}/check-pushed.sh" --absent "$image"
  exit 0
fi

[ "$status" -eq 0 ] || fail "docker buildx build --push of $image exited $status"
ref="$(jq -r '."buildx.build.ref" // empty' "$metadata")"
[[ $ref == "$BUILDER/"* ]] || fail "the build ran on '${ref%%/*}' (buildx.build.ref '$ref'), not on the builder $BUILDER"
echo "built on $BUILDER (buildx.build.ref $ref)"
if [ -n "$expect_log" ]; then
  grep -Pzq -- "$expect_log" "$log" || fail "the build's log does not match /$expect_log/"
  echo "The build's log matches /$expect_log/."
fi
"${BASH_SOURCE[0]%/*}/check-pushed.sh" "$image" "$marker"
