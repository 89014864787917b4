// Prints URLs signed by ImageKit's Node.js SDK, for the Go tests of package
// compat.
//
// Usage: node sign.js < request.json
//
// The request is a JSON object:
//
//   {
//     "privateKey": "...",
//     "urlEndpoint": "http://images.example.test/demo/",
//     "urls": [{"path": "/a.jpg", "queryParameters": {"w": "40"}, "expireSeconds": 300}]
//   }
//
// Each element of urls holds options of the SDK's url() method; every URL is
// signed ("signed": true). The output is a JSON array of the signed URLs, in
// the order of the request.
'use strict';

const ImageKit = require('imagekit');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main() {
  const req = JSON.parse(await readStdin());
  if (typeof req.privateKey !== 'string' || req.privateKey === '') {
    throw new Error('the request needs a privateKey');
  }
  if (typeof req.urlEndpoint !== 'string' || req.urlEndpoint === '') {
    throw new Error('the request needs a urlEndpoint');
  }
  if (!Array.isArray(req.urls)) {
    throw new Error('the request needs a urls array');
  }
  const ik = new ImageKit({
    publicKey: 'unused', // the constructor requires one; signing URLs does not use it
    privateKey: req.privateKey,
    urlEndpoint: req.urlEndpoint,
  });
  const urls = req.urls.map((opts) => ik.url({ ...opts, signed: true }));
  process.stdout.write(JSON.stringify(urls) + '\n');
}

main().catch((err) => {
  process.stderr.write('sign.js: ' + err.message + '\n');
  process.exit(1);
});
