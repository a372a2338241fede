#!/usr/bin/env bash
# Calls the demo bank's SOAP face through the gateway with a WS-Security UsernameToken:
#   examples/soap/get-account.sh [ACCOUNT] [USER] [PASSWORD]
# (DEMO ONLY: the passwords are the published demo ones.) Prints the response or the SOAP fault.
set -euo pipefail
account="${1:-acc-alice-1}"; user="${2:-alice}"; password="${3:-alice-demo-password}"
gateway="${GATEWAY:-http://127.0.0.1:8080}"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
expires=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
nonce=$(head -c 16 /dev/urandom | base64)
curl -s -i "$gateway/soap/bank" \
  -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "urn:portcullis:demo-bank/GetAccount"' \
  --data-binary @- <<XML
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">
  <s:Header>
    <wsse:Security s:mustUnderstand="1">
      <wsu:Timestamp><wsu:Created>$now</wsu:Created><wsu:Expires>$expires</wsu:Expires></wsu:Timestamp>
      <wsse:UsernameToken>
        <wsse:Username>$user</wsse:Username>
        <wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">$password</wsse:Password>
        <wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">$nonce</wsse:Nonce>
        <wsu:Created>$now</wsu:Created>
      </wsse:UsernameToken>
    </wsse:Security>
  </s:Header>
  <s:Body>
    <b:GetAccount xmlns:b="urn:portcullis:demo-bank"><b:accountId>$account</b:accountId></b:GetAccount>
  </s:Body>
</s:Envelope>
XML
echo
