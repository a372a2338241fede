// Calls the demo bank's SOAP face the way a Node.js client would, with node-soap's own WS-Security:
//   node bank-client.js <wsdl> <endpoint> <account> text|digest <user> <password>
//   node bank-client.js <wsdl> <endpoint> <account> cert <private-key.pem> <certificate.pem>
// Prints one JSON line: {"owner": ...} for an answer, {"fault": ...} for a SOAP fault.
'use strict';
const fs = require('fs');
const soap = require('soap');

const [wsdl, endpoint, account, mode, a, b] = process.argv.slice(2);

function security() {
  if (mode === 'text' || mode === 'digest') {
    return new soap.WSSecurity(a, b, {
      passwordType: mode === 'text' ? 'PasswordText' : 'PasswordDigest',
      hasTimeStamp: true,
      hasNonce: true,
    });
  }
  if (mode === 'cert') {
    return new soap.WSSecurityCert(fs.readFileSync(a), fs.readFileSync(b), '', {
      hasTimeStamp: true,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      signerOptions: { prefix: 'ds' },
    });
  }
  throw new Error('mode must be text, digest or cert');
}

soap.createClientAsync(wsdl, { endpoint })
  .then((client) => {
    client.setSecurity(security());
    return client.GetAccountAsync({ accountId: account });
  })
  .then(([result]) => console.log(JSON.stringify({ owner: result.owner })))
  .catch((error) => {
    const fault = error && error.root && error.root.Envelope && error.root.Envelope.Body
      ? error.root.Envelope.Body.Fault : null;
    console.log(JSON.stringify({ fault: fault ? fault.faultcode || 'fault' : String(error && error.message) }));
  });
