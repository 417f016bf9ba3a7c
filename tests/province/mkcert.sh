#!/bin/sh
# mkcert.sh DIR [extra.dns.name] — a throw-away EC certificate for the
# development server (testing.md §4). Writes DIR/cert.pem, DIR/key.pem and
# DIR/pin (the sha256// public-key pin) and prints the pin.
set -eu
D="$1"
mkdir -p "$D"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1${2:+,DNS:$2}" 2>/dev/null
PIN="sha256//$(openssl x509 -in "$D/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der \
                 | openssl dgst -sha256 -binary | base64)"
echo "$PIN" > "$D/pin"
echo "$PIN"
