#!/usr/bin/env bash
# A self-signed certificate for trying the stack (browsers and WeChat will not trust it; use a
# real certificate for the mini-program's request domain).
#   deploy/self-signed-cert.sh [DIR] [NAME]   -> DIR/fullchain.pem and DIR/privkey.pem
# DIR defaults to deploy/certs (compose mounts TLS_CERTIFICATE/TLS_CERTIFICATE_KEY from there),
# NAME to localhost. Valid 30 days; an existing pair is replaced.
set -euo pipefail
dir="${1:-$(dirname "$0")/certs}"
name="${2:-localhost}"
if ! [[ "$name" =~ ^[A-Za-z0-9.-]+$ ]]; then
    echo "NAME must be a host name ([A-Za-z0-9.-]), got: $name" >&2
    exit 2
fi
command -v openssl >/dev/null || { echo "openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
    -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
chmod 644 "$dir/fullchain.pem"
echo "wrote $dir/fullchain.pem and $dir/privkey.pem for $name (self-signed, 30 days)"
