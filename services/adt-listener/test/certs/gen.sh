#!/bin/sh
# Regenerates the synthetic test-only PKI in this folder (see README.md). Never used outside tests.
set -eu
cd "$(dirname "$0")"
DAYS=36500
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
  -subj "/O=Homeward Test/CN=Homeward Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.crt
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=Homeward Test/CN=localhost" \
  -keyout server.key -out server.csr
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS" \
  -extfile server.ext -out server.crt
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=Homeward Test/CN=test-interface-engine" \
  -keyout client.key -out client.csr
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=clientAuth" > client.ext
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS" \
  -extfile client.ext -out client.crt
# A client certificate the test CA did not sign (self-signed), which a verifying listener must refuse.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" -subj "/O=Not Homeward/CN=rogue-engine" \
  -addext "extendedKeyUsage=clientAuth" -keyout rogue-client.key -out rogue-client.crt
rm -f server.csr client.csr server.ext client.ext ca.srl ca.key
