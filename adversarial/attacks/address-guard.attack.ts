import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHookdesk, type Hookdesk, type HookdeskOptions, type Resolver } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { afterEach, expect, it } from 'vitest';
import { type ConnectionCounter, startConnectionCounter } from '../src/connection-counter.js';
import { figure } from '../src/figure.js';

// The SSRF address guard, attacked through the real engine: every spelling of a loopback, private
// or metadata address at save time; the same spellings saved past the guard (by an instance that
// allowed private networks) and then dialled by a guarded one; DNS rebinding; redirects. The
// target is a loopback listener that counts the TCP connections it gets.

/** Names the attacker controls, as its DNS would answer them (a trailing dot is the same name). */
const ATTACKER_DNS: Record<string, string[]> = {
  'loopback.attack.test': ['127.0.0.1'],
  'loopback6.attack.test': ['::1'],
  'mapped.attack.test': ['::ffff:127.0.0.1'],
  'zero.attack.test': ['0.0.0.0'],
  'metadata.attack.test': ['169.254.169.254'],
  'private.attack.test': ['10.0.0.1'],
  // Only the second answer is loopback: a check of the first answer alone lets it through.
  'second-answer.attack.test': ['93.184.216.34', '127.0.0.1'],
};

const attackerDns: Resolver = async (host) => {
  const answers = ATTACKER_DNS[host.replace(/\.+$/, '')];
  if (answers) return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  // `localhost` and friends: what this machine's resolver says.
  return lookup(host, { all: true, verbatim: true });
};

/** Hosts that all reach the counting listener (or a metadata service) if dialled. */
const SPELLINGS: string[] = [
  // IP literals
  '127.0.0.1',
  '127.0.0.2',
  '127.255.255.254',
  '0.0.0.0',
  '[::1]',
  '[::]',
  '[0:0:0:0:0:0:0:1]',
  // odd integer, octal and hex forms
  '0',
  '2130706433',
  '0x7f000001',
  '017700000001',
  '0177.0.0.1',
  '0x7f.0.0.1',
  '0x7F.1',
  '127.1',
  '127.0.1',
  '127.000.000.001',
  '%31%32%37.0.0.1',
  '１２７.０.０.１',
  // IPv4-mapped and IPv4-compatible
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:7f00:1]',
  '[::ffff:0.0.0.0]',
  '[::127.0.0.1]',
  // NAT64 and 6to4
  '[64:ff9b::127.0.0.1]',
  '[64:ff9b::7f00:1]',
  '[64:ff9b:1::7f00:1]',
  '[2002:7f00:1::]',
  '[2002:7f00:0001::1]',
  // metadata services and private networks
  '169.254.169.254',
  '[::ffff:169.254.169.254]',
  '[fd00:ec2::254]',
  '[fe80::1]',
  '10.0.0.1',
  '192.168.0.1',
  '100.64.0.1',
  // trailing dots and case
  '127.0.0.1.',
  '0x7f.1.',
  'localhost',
  'LocalHost',
  'localhost.',
  'LOCALHOST.',
  'localhost..',
  'localhost%2e',
  'app.localhost',
  'app.LOCALHOST.',
  'ｌｏｃａｌｈｏｓｔ',
  // names resolving to loopback, private or metadata addresses
  'loopback.attack.test',
  'LOOPBACK.ATTACK.TEST.',
  'loopback6.attack.test',
  'mapped.attack.test',
  'zero.attack.test',
  'metadata.attack.test',
  'private.attack.test',
  'second-answer.attack.test',
  // userinfo: a public-looking name before the @, the real host after it
  'hooks.example.com@127.0.0.1',
  'user:pass@127.0.0.1',
  'user@LOCALHOST.',
  'hooks.example.com:443@[::1]',
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function engine(storage: HookdeskStorage, options: Partial<HookdeskOptions> = {}): Promise<Hookdesk> {
  const hookdesk = createHookdesk({
    storage,
    resolve: attackerDns,
    retrySchedule: [],
    connectTimeoutMs: 1_000,
    timeoutMs: 2_000,
    ...options,
  });
  await hookdesk.ready();
  cleanups.push(() => hookdesk.close());
  return hookdesk;
}

async function setup() {
  const storage = await createStorage({ store: 'memory' });
  cleanups.push(() => storage.close());
  const counter = await startConnectionCounter();
  cleanups.push(() => counter.close());
  return { storage, counter };
}

const urlOf = (host: string, counter: ConnectionCounter) => `http://${host}:${counter.port}/hook`;

it('save time: every spelling of a loopback, private or metadata address is refused', async () => {
  const { storage, counter } = await setup();
  const guarded = await engine(storage);
  const accepted: string[] = [];
  for (const host of SPELLINGS) {
    const saved = await guarded.createWebhook({ url: urlOf(host, counter), events: ['ticket.created'] }).then(
      () => true,
      (error: { status?: number }) => {
        expect(error.status, host).toBe(422);
        return false;
      },
    );
    if (saved) accepted.push(host);
  }
  expect(accepted).toEqual([]);
  figure(
    'address guard: spellings accepted on save',
    accepted.length,
    { max: 0 },
    `accepted (of ${SPELLINGS.length})`,
  );
  expect(counter.connections).toBe(0);
});

it('connect time: the same spellings, saved past the guard, are never dialled', async () => {
  const { storage, counter } = await setup();
  // Saved while the host allowed private networks (or by a process configured so): the guard
  // that dials must refuse them anyway.
  const lax = await engine(storage, { allowPrivateNetworks: true, process: false });
  // cacheMs 0: the webhooks the other instance saves are seen at once.
  const guarded = await engine(storage, { cacheMs: 0 });
  let attempts = 0;
  let blocked = 0;
  for (const host of SPELLINGS) {
    const webhook = await lax
      .createWebhook({ url: urlOf(host, counter), events: ['ticket.created'] })
      .catch(() => null);
    // Userinfo is refused by the URL rules themselves, whatever the network policy.
    if (!webhook) continue;
    const record = await guarded.testWebhook(webhook.id);
    attempts++;
    if (record.attempts.length === 1 && record.attempts[0]?.blocked) blocked++;
    else expect.soft(record.attempts, host).toEqual([expect.objectContaining({ blocked: true })]);
  }
  expect(attempts).toBeGreaterThan(50);
  expect(blocked).toBe(attempts);
  figure(
    'address guard: connections from dialling saved loopback spellings',
    counter.connections,
    { max: 0 },
    `connections (${attempts} attempts, ${blocked} recorded blocked)`,
  );
});

it('DNS rebinding: public on save, loopback or metadata when dialled', async () => {
  const { storage, counter } = await setup();
  const rebindTo = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '0.0.0.0', '169.254.169.254', '127.0.0.2'];
  const lookups = new Map<string, number>();
  const rebinding: Resolver = async (host) => {
    const n = lookups.get(host) ?? 0;
    lookups.set(host, n + 1);
    const match = /^rebind-(\d+)\.attack\.test$/.exec(host);
    if (!match) return attackerDns(host);
    // TTL 0: the first answer (the save-time check) is public, every later one is not.
    const address = n === 0 ? '93.184.216.34' : (rebindTo[Number(match[1])] as string);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  const guarded = await engine(storage, { resolve: rebinding });
  const uuids: string[] = [];
  for (const [i] of rebindTo.entries()) {
    await guarded.createWebhook({
      url: urlOf(`rebind-${i}.attack.test`, counter),
      events: ['ticket.created'],
    });
  }
  uuids.push(...(await guarded.ticketCreated({ id: 1, subject: 'rebinding' })));
  expect(uuids).toHaveLength(rebindTo.length);
  const deadline = Date.now() + 10_000;
  let records = await Promise.all(uuids.map((uuid) => guarded.getLog(uuid)));
  while (records.some((r) => r.attemptCount === 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    records = await Promise.all(uuids.map((uuid) => guarded.getLog(uuid)));
  }
  const blocked = records.filter((r) => r.attempts.length === 1 && r.attempts[0]?.blocked);
  expect(blocked).toHaveLength(rebindTo.length);
  figure(
    'address guard: connections after DNS rebinding',
    counter.connections,
    { max: 0 },
    `connections (${records.length} deliveries, ${blocked.length} blocked at connect time)`,
  );
});

it('301/302/307/308 to a loopback or metadata address are never followed', async () => {
  const { storage, counter } = await setup();
  const locations = [
    `http://127.0.0.1:${counter.port}/latest/meta-data/`,
    `http://[::1]:${counter.port}/`,
    `http://[::ffff:127.0.0.1]:${counter.port}/`,
    `http://localhost:${counter.port}/`,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  ];
  const codes = [301, 302, 307, 308];
  // The redirector stands on 127.0.0.2, the one address this engine may dial.
  const redirector: Server = createServer((req, res) => {
    const [, code, index] = /^\/(\d+)\/(\d+)$/.exec(req.url ?? '') ?? [];
    res.writeHead(Number(code), { location: locations[Number(index)] as string }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
  cleanups.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
  const { port } = redirector.address() as AddressInfo;
  const guarded = await engine(storage, { allowCidrs: ['127.0.0.2/32'] });
  const statuses: number[] = [];
  for (const code of codes) {
    for (const [index] of locations.entries()) {
      const webhook = await guarded.createWebhook({
        url: `http://127.0.0.2:${port}/${code}/${index}`,
        events: ['ticket.created'],
      });
      const record = await guarded.testWebhook(webhook.id);
      statuses.push(record.attempts[0]?.statusCode ?? 0);
      expect(record.status).not.toBe('succeeded');
    }
  }
  expect(statuses).toEqual(codes.flatMap((code) => locations.map(() => code)));
  figure(
    'address guard: connections after a 301/302/307/308 to loopback or metadata',
    counter.connections,
    { max: 0 },
    `connections (${statuses.length} redirects answered)`,
  );
});
