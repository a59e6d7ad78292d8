#!/usr/bin/env bash
# Puts a base image into a registry on the runner's localhost: Docker Hub's busybox plus
# /seed.txt, which Docker Hub's busybox does not have. A build whose `RUN cat /seed.txt` works
# therefore got its base from this registry, not from Docker Hub.
#
#   seed-image.sh TARGET          TARGET: localhost:PORT/REPO:TAG
#
# Pushed by the Docker daemon, which treats registries on 127.0.0.0/8 as insecure (plain HTTP or
# any certificate), so it needs none of the action's config.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -eq 1 ] || fail "usage: seed-image.sh localhost:PORT/REPO:TAG"
target=$1
docker pull -q busybox:latest
seed="$E2E_DIR/seed.txt"
echo "seeded into $target by the e2e workflow" >"$seed"
container="$(docker create busybox:latest)"
docker cp "$seed" "$container:/seed.txt"
docker commit "$container" "$target" >/dev/null
docker rm "$container" >/dev/null
docker push -q "$target"
docker rmi "$target" >/dev/null
echo "$target: busybox with /seed.txt"
