#!/usr/bin/env bash
# After a failure: every container's log (registries, BuildKit), the builders, and the
# registries' config files under $RUNNER_TEMP/e2e (no keys are printed).

set -uo pipefail

echo "::group::docker ps -a"
docker ps -a
echo "::endgroup::"
echo "::group::docker buildx ls"
docker buildx ls
echo "::endgroup::"
for container in $(docker ps -aq); do
  name="$(docker inspect -f '{{.Name}}' "$container")"
  echo "::group::docker logs ${name#/} (last 300 lines)"
  docker logs --tail 300 "$container" 2>&1
  echo "::endgroup::"
done
for file in "${RUNNER_TEMP:-/tmp}"/e2e/registry-*/config.yml; do
  [ -f "$file" ] || continue
  echo "::group::$file"
  cat "$file"
  echo "::endgroup::"
done
