#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
// The quick start's demo. Until the example helpdesk lands, it shows the wire contract end to end:
// a local receiver on port 0 gets one signed `ticket.created` request and checks both signatures.
import { createServer, request } from 'node:http';
import { encodeEventBody, generateKey, signedHeaders, signSha1, signStandard } from '@hookdesk/wire';

const key = generateKey();
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const sha1Ok = req.headers['x-hookdesk-signature'] === signSha1(key, body);
    const expected = signStandard(
      key,
      req.headers['webhook-id'],
      Number(req.headers['webhook-timestamp']),
      body,
    );
    const standardOk = String(req.headers['webhook-signature']).split(' ').includes(expected);
    console.log('receiver got', req.headers['x-hookdesk-event'], 'uuid', req.headers['x-hookdesk-uuid']);
    console.log('  X-Hookdesk-Signature', sha1Ok ? 'verified' : 'INVALID');
    console.log('  webhook-signature   ', standardOk ? 'verified' : 'INVALID');
    console.log('  body', body.toString('utf8'));
    res.writeHead(sha1Ok && standardOk ? 204 : 401).end();
  });
});

receiver.listen(0, '127.0.0.1', () => {
  const { port } = receiver.address();
  const uuid = randomUUID();
  const body = encodeEventBody({
    uuid,
    event: 'ticket.created',
    created_at: new Date().toISOString(),
    ticket: { id: 1, subject: 'Printer on fire ☃', status: 'open', priority: 'urgent' },
  });
  const headers = signedHeaders({
    event: 'ticket.created',
    uuid,
    attempt: 1,
    timestamp: Math.floor(Date.now() / 1000),
    body,
    keys: [key],
    userAgent: 'hookdesk/demo',
  });
  console.log(`receiver listening on http://127.0.0.1:${port}; sending one signed delivery`);
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks', headers }, (res) => {
    console.log('sender got', res.statusCode);
    receiver.close();
    process.exitCode = res.statusCode === 204 ? 0 : 1;
  });
  req.end(body);
});
