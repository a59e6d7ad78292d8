#!/usr/bin/env bash
# Reads an image back from its registry over the registry API, with curl: independent of buildx,
# BuildKit and the Docker daemon, so a push is judged by what the registry really holds.
#
#   check-pushed.sh IMAGE MARKER [DIGEST]
#       the tag is listed, its manifest is served (DIGEST, when given, is its digest), and the
#       image for this machine's platform has MARKER in one of its layers: it is the image built
#   check-pushed.sh IMAGE
#       the tag is listed and its manifest (or index) names at least one blob: e.g. a registry cache
#   check-pushed.sh --absent IMAGE
#       the registry has no such tag: a refused push left nothing behind
#   check-pushed.sh --layers IMAGE
#       prints the layer digests of the image for this machine's platform, one a line
#
# IMAGE is HOST:PORT/REPO:TAG on a registry started in this job by start-registry.sh.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

mode=check
case "${1:-}" in
  --absent | --layers) mode=${1#--}; shift ;;
esac
[ $# -ge 1 ] || fail "usage: check-pushed.sh [--absent|--layers] IMAGE [MARKER [DIGEST]]"
image=$1 marker=${2:-} digest=${3:-}
split_image "$image"

listed="$(tags "$IMAGE_HOST" "$IMAGE_REPO")"
shown="$(tr '\n' ' ' <<<"$listed" | sed 's/ *$//')"
shown=${shown:-none}
if [ "$mode" = absent ]; then
  if grep -qxF -- "$IMAGE_TAG" <<<"$listed"; then
    fail "$image is at the registry, but the push was expected to be refused"
  fi
  echo "$IMAGE_HOST has no tag $IMAGE_TAG in $IMAGE_REPO (tags: $shown), as expected"
  exit 0
fi
grep -qxF -- "$IMAGE_TAG" <<<"$listed" \
  || fail "$IMAGE_HOST does not list tag $IMAGE_TAG in $IMAGE_REPO (tags: $shown)"
[ "$mode" = layers ] || echo "tags of $IMAGE_REPO on $IMAGE_HOST: $shown"

# The manifest the tag points at, and its digest as the registry states it.
top="$(api "$IMAGE_HOST" "/v2/$IMAGE_REPO/manifests/$IMAGE_TAG" "${MANIFEST_ACCEPT[@]}" -D "$E2E_DIR/manifest-headers")"
served="$(tr -d '\r' <"$E2E_DIR/manifest-headers" | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')"
[ "$mode" = layers ] || echo "manifest $IMAGE_TAG: $(jq -r '.mediaType // "(no mediaType)"' <<<"$top"), $served"
if [ -n "$digest" ] && [ "$served" != "$digest" ]; then
  fail "$image is $served at the registry, but the build reported $digest"
fi

if [ -z "$marker" ] && [ "$mode" = check ]; then
  blobs="$(jq '(.layers // []) + (.manifests // []) | length' <<<"$top")"
  [ "$blobs" -gt 0 ] || fail "the manifest of $image names no blob: $top"
  echo "it names $blobs blob(s)"
  exit 0
fi

# An index (buildx adds a provenance attestation by default): take this platform's image.
manifest=$top
if jq -e '.manifests' <<<"$top" >/dev/null; then
  arch="$(goarch)"
  platform_digest="$(jq -r --arg arch "$arch" \
    'first(.manifests[] | select(.platform.os == "linux" and .platform.architecture == $arch) | .digest) // empty' <<<"$top")"
  [ -n "$platform_digest" ] || fail "$image has no linux/$arch image: $top"
  manifest="$(api "$IMAGE_HOST" "/v2/$IMAGE_REPO/manifests/$platform_digest" "${MANIFEST_ACCEPT[@]}")"
fi

if [ "$mode" = layers ]; then
  jq -r '.layers[].digest' <<<"$manifest"
  exit 0
fi

# Every layer, fetched by digest, checked against its digest, decompressed, searched for the marker.
found=''
count=0
while IFS=$'\t' read -r layer_digest media_type; do
  count=$((count + 1))
  blob="$E2E_DIR/blob"
  api "$IMAGE_HOST" "/v2/$IMAGE_REPO/blobs/$layer_digest" -L >"$blob"
  [ "sha256:$(sha256sum "$blob" | cut -d' ' -f1)" = "$layer_digest" ] || fail "blob $layer_digest does not hash to its digest"
  case "$media_type" in
    *gzip) unpack=(gzip -dc) ;;
    *zstd) unpack=(zstd -dcq) ;;
    *) unpack=(cat) ;;
  esac
  # grep -c reads to the end, so the pipe never breaks under pipefail.
  if [ "$("${unpack[@]}" <"$blob" | grep -caF -- "$marker" || true)" -gt 0 ]; then
    found=$layer_digest
  fi
done < <(jq -r '.layers[] | [.digest, .mediaType] | @tsv' <<<"$manifest")
[ -n "$found" ] || fail "none of the $count layer(s) of $image holds the marker $marker: not the image this job built"
echo "marker $marker found in layer $found ($count layer(s)): $image is the image this job built"
