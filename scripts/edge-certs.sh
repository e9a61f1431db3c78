#!/usr/bin/env bash
# A private certificate authority for the collectors' TLS listener (README "Edge collector: installation").
#   scripts/edge-certs.sh DIR BROKER_NAME [DEPOT…]
# DIR gets ca.pem/ca.key (keep ca.key offline), broker.pem/broker.key for Mosquitto (BROKER_NAME is the host
# name or IP address the collectors use in mqtt.url), and DEPOT.pem/DEPOT.key per collector for mutual TLS.
# Needs openssl (Debian `openssl`). Existing files are kept: re-running adds new depots only.
set -euo pipefail
dir=${1:?usage: scripts/edge-certs.sh DIR BROKER_NAME [DEPOT…]}
broker=${2:?usage: scripts/edge-certs.sh DIR BROKER_NAME [DEPOT…]}
shift 2
mkdir -p "$dir"
cd "$dir"
umask 077
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes -keyout ca.key -out ca.pem -subj "/CN=DepotWatch collectors CA" 2>/dev/null
fi
if [[ "$broker" =~ ^[0-9.]+$ ]]; then san="IP:$broker"; else san="DNS:$broker"; fi
sign() { # name subject-alt-name(optional)
  openssl req -newkey rsa:3072 -sha256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  if [ -n "${2:-}" ]; then printf 'subjectAltName=%s\n' "$2" > "$1.ext"; else printf 'extendedKeyUsage=clientAuth\n' > "$1.ext"; fi
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
[ -f broker.pem ] || sign broker "$san"
for depot in "$@"; do [ -f "$depot.pem" ] || sign "$depot"; done
chmod 0644 ca.pem ./*.pem
echo "certificates in $dir: ca.pem, broker.pem/.key${*:+, $*}"
