import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { createSignedRequest, type SignedRequest } from '@hookdesk/receiver-sdk';
import { describeWithService, REDIS_URL } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { figure } from '../src/figure.js';

// Dedup across example receiver processes sharing real Redis (HOOKDESK_DEDUP_STORE; `pnpm run
// build` first): duplicates racing on two processes, a handler that throws, and a process
// SIGKILLed while it holds a claim.

const RECEIVER = fileURLToPath(new URL('../../examples/receiver', import.meta.url));
const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const COPIES = 50;
const LEASE_MS = 2_000;
const FAILING_TICKET = 13;

const processes: ExampleProcess[] = [];
afterEach(async () => {
  for (const app of processes.splice(0)) await app.stop('SIGKILL');
});

async function receiver(env: Record<string, string> = {}): Promise<ExampleProcess> {
  const app = await startExample(RECEIVER, {
    HOOKDESK_KEYS: KEY,
    HOOKDESK_DEDUP_STORE: REDIS_URL,
    RECEIVER_LEASE_MS: String(LEASE_MS),
    ...env,
  });
  processes.push(app);
  return app;
}

function delivery(ticketId: number): SignedRequest {
  return createSignedRequest(
    {
      uuid: randomUUID(),
      event: 'ticket.created',
      created_at: new Date().toISOString(),
      ticket: { id: ticketId, subject: `dedup ${ticketId}` },
    },
    KEY,
  );
}

function post(app: ExampleProcess, request: SignedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}/webhooks`, { method: 'POST', headers: request.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

/** How many times the handlers of `apps` ran to completion for `request`'s uuid. */
async function handled(apps: ExampleProcess[], request: SignedRequest): Promise<number> {
  const uuid = request.headers['x-hookdesk-uuid'];
  let runs = 0;
  for (const app of apps) {
    const events = (await (await fetch(`${app.url}/events`)).json()) as { uuid: string }[];
    runs += events.filter((event) => event.uuid === uuid).length;
  }
  return runs;
}

const describeRedis = await describeWithService('redis', describe);

describeRedis('dedup on real Redis across example receiver processes', () => {
  it(`${COPIES} concurrent duplicates on two processes: the handler runs once`, async () => {
    // A handler slow enough that every copy arrives while the first is still in it.
    const apps = await Promise.all([
      receiver({ RECEIVER_HANDLER_DELAY_MS: '300' }),
      receiver({ RECEIVER_HANDLER_DELAY_MS: '300' }),
    ]);
    const request = delivery(1);
    const statuses = await Promise.all(Array.from({ length: COPIES }, (_, i) => post(apps[i % 2]!, request)));
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    figure(
      `${COPIES} concurrent duplicates: handler runs`,
      await handled(apps, request),
      { min: 1, max: 1 },
      `runs (answers: ${statuses.filter((s) => s === 200).length}×200, ${statuses.filter((s) => s === 409).length}×409)`,
    );
  });

  it('the handler throws on one process: the retry, on the other, is processed', async () => {
    const failing = await receiver({ RECEIVER_FAIL_ONCE_TICKET: String(FAILING_TICKET) });
    const other = await receiver();
    const request = delivery(FAILING_TICKET);
    expect(await post(failing, request)).toBe(500);
    // The sender's retry: the claim was released in Redis, so any process takes it at once.
    const retry = await post(other, request);
    figure(
      'handler threw: retries processed',
      await handled([failing, other], request),
      { min: 1, max: 1 },
      `runs after the throw (retry answered ${retry})`,
    );
  });

  it('SIGKILL of the process holding the claim: the retry is processed after the lease', async () => {
    // Its handler would take 30 s: it is killed well inside it, holding the claim.
    const doomed = await receiver({ RECEIVER_HANDLER_DELAY_MS: '30000' });
    const survivor = await receiver();
    const request = delivery(2);
    const claimedAt = Date.now();
    void post(doomed, request).catch(() => {});
    // Claimed: a copy elsewhere is told it is in progress.
    let status = 0;
    for (let i = 0; i < 50 && status !== 409; i++) {
      await sleep(50);
      status = await post(survivor, request);
    }
    expect(status).toBe(409);
    await doomed.stop('SIGKILL');
    processes.splice(processes.indexOf(doomed), 1);

    // The sender retries every 100 ms (bounded): 409 while the lease lasts, then processed.
    let processedAt = 0;
    for (let i = 0; i < 100 && processedAt === 0; i++) {
      if ((await post(survivor, request)) === 200) processedAt = Date.now();
      else await sleep(100);
    }
    figure(
      'SIGKILL after claim: processed after the lease',
      await handled([survivor], request),
      { min: 1, max: 1 },
      'runs',
    );
    figure(
      'SIGKILL after claim: ms from claim to processed',
      processedAt - claimedAt,
      { min: LEASE_MS, max: LEASE_MS + 2_000 },
      `ms (lease ${LEASE_MS} ms)`,
    );
  });
});
