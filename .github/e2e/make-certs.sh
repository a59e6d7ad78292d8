#!/usr/bin/env bash
# A CA of this job's own (trusted by nothing on the runner), a server certificate it signs and a
# client keypair it signs, all EC P-256, into DIR:
#   ca.pem ca.key  server.pem server.key  client.pem client.key
#
#   make-certs.sh DIR [SAN ...]
#
# The server certificate is for localhost, 127.0.0.1 and ::1 plus each SAN given (`IP:172.17.0.1`,
# `DNS:registry.internal`): Go, hence BuildKit and the registry, looks only at subjectAltName. The
# CA says CA:TRUE, or Go rejects it as an issuer.

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -ge 1 ] || fail "usage: make-certs.sh DIR [SAN ...]"
dir=$1
shift
san='DNS:localhost,IP:127.0.0.1,IP:::1'
for extra in "$@"; do san+=",$extra"; done

mkdir -p "$dir"
cd "$dir"
umask 077
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 2 -keyout ca.key -out ca.pem \
  -subj "/CN=setup-buildkit-registry e2e CA $(openssl rand -hex 4)" \
  -addext 'basicConstraints=critical,CA:TRUE' \
  -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
printf '%s\n' "subjectAltName=$san" 'basicConstraints=critical,CA:FALSE' \
  'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >server.ext
printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=clientAuth' >client.ext
for who in server client; do
  openssl req -new "${ec[@]}" -keyout "$who.key" -out "$who.csr" -subj "/CN=e2e $who" 2>/dev/null
  openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -out "$who.pem" -extfile "$who.ext" 2>/dev/null
done
rm -f ./*.csr ./*.ext ca.srl
# The certificates are public; the keys stay 0600.
chmod 644 ./*.pem
openssl verify -CAfile ca.pem server.pem client.pem
echo "server certificate for $san"
