#!/usr/bin/env bash
# Starts a registry:2 container on the runner, published on PORT (all of the runner's addresses),
# waits until it answers /v2/, and records how this job reaches it (scheme, CA, client keypair,
# basic auth) for check-pushed.sh.
#
#   start-registry.sh NAME PORT [--tls DIR [--mtls]] [--htpasswd USER PASSWORD]
#
#   --tls DIR              serve HTTPS with DIR/server.pem and DIR/server.key (make-certs.sh); this
#                          job verifies it against DIR/ca.pem
#   --mtls                 also require a client certificate signed by DIR/ca.pem (this job
#                          presents DIR/client.pem)
#   --htpasswd USER PASS   require basic auth as USER with PASS
#
# The registry logs every request (its access log, `docker logs NAME`), e.g. to show a mirror used.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -ge 2 ] || fail "usage: start-registry.sh NAME PORT [--tls DIR [--mtls]] [--htpasswd USER PASSWORD]"
name=$1 port=$2
shift 2
tls_dir='' mtls='' user='' password=''
while [ $# -gt 0 ]; do
  case "$1" in
    --tls) tls_dir="$(cd "$2" && pwd)"; shift 2 ;;
    --mtls) mtls=1; shift ;;
    --htpasswd) user=$2 password=$3; shift 3 ;;
    *) fail "start-registry.sh: unknown option $1" ;;
  esac
done
[ -z "$mtls" ] || [ -n "$tls_dir" ] || fail "--mtls needs --tls"

# Everything the registry reads, in one directory mounted where registry:2 reads its config.
dir="$E2E_DIR/registry-$name"
mkdir -p "$dir"
config=(
  'version: 0.1'
  'log:'
  '  level: info'
  '  accesslog:'
  '    disabled: false'
  'storage:'
  '  filesystem:'
  '    rootdirectory: /var/lib/registry'
  'http:'
  "  addr: 0.0.0.0:$port"
  "  secret: e2e-$name"
)
curlrc=("max-time = 30")
if [ -n "$tls_dir" ]; then
  cp "$tls_dir/server.pem" "$tls_dir/server.key" "$dir/"
  config+=('  tls:' '    certificate: /etc/docker/registry/server.pem' '    key: /etc/docker/registry/server.key')
  curlrc+=("cacert = \"$tls_dir/ca.pem\"")
  if [ -n "$mtls" ]; then
    # With clientcas, the registry requires and verifies a client certificate.
    cp "$tls_dir/ca.pem" "$dir/client-ca.pem"
    config+=('    clientcas:' '      - /etc/docker/registry/client-ca.pem')
    curlrc+=("cert = \"$tls_dir/client.pem\"" "key = \"$tls_dir/client.key\"")
  fi
fi
if [ -n "$user" ]; then
  # registry:2 reads bcrypt entries only; htpasswd comes with the runner's apache2 (apache2-utils).
  command -v htpasswd >/dev/null || {
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends apache2-utils
  }
  htpasswd -Bbn "$user" "$password" >"$dir/htpasswd"
  config+=('auth:' '  htpasswd:' '    realm: e2e' '    path: /etc/docker/registry/htpasswd')
  curlrc+=("user = \"$user:$password\"")
fi
printf '%s\n' "${config[@]}" >"$dir/config.yml"
(umask 077 && printf '%s\n' "${curlrc[@]}" >"$(registry_curlrc "$port")")
if [ -n "$tls_dir" ]; then echo https; else echo http; fi >"$E2E_DIR/registry-$port.scheme"

echo "::group::registry $name on port $port: config.yml"
cat "$dir/config.yml"
echo "::endgroup::"
docker run -d --name "$name" -p "$port:$port" -v "$dir:/etc/docker/registry:ro" registry:2

# The container is up before the registry listens: wait (bounded) for any HTTP answer on /v2/
# (401 for a registry that wants a login), over the scheme and trust recorded above.
for _ in $(seq 1 30); do
  status=000
  if API_STATUS="$E2E_DIR/api-status" api "localhost:$port" /v2/ >/dev/null 2>&1; then
    status="$(cat "$E2E_DIR/api-status")"
  fi
  case "$status" in
    200 | 401) echo "registry $name answers on port $port (HTTP $status)"; exit 0 ;;
  esac
  sleep 1
done
docker logs "$name" || true
fail "registry $name did not answer on port $port within 30 s"
