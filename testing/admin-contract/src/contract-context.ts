import { buildOpenApiDocument } from '@hookdesk/core';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import request from 'supertest';
import type {
  AdminAdapterFactory,
  AdminContractHarness,
  ContractEngine,
  ContractHookdesk,
} from './contract-types.js';

/** Where every app of the suite mounts the admin API, unless a case is about the mount path. */
export const M = '/admin/webhooks';

const TOKEN = 'contract-token';

/** The `authorize` of the suite's apps: the one bearer token in `AUTH`, 401 without a header. */
export const bearer = (native: unknown): boolean | { status: 401 } => {
  const headers = (native as { headers: Record<string, string | undefined> }).headers;
  const value = headers.authorization;
  if (!value) return { status: 401 };
  return value === `Bearer ${TOKEN}`;
};
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A listening app of the adapter under test. */
export interface ContractApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Every route the admin router serves, from its own route table (the OpenAPI document is generated
 * from it), plus the document itself and HEAD of every GET: a route added later is walked too.
 */
export function everyRoute(engine: ContractEngine): { method: string; path: string }[] {
  const paths = buildOpenApiDocument(engine.adminRoutes?.()).paths as Record<string, Record<string, unknown>>;
  const routes = Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[a-zA-Z]+\}/g, '00000000-0000-4000-8000-000000000000'),
    })),
  );
  return [...routes, ...routes.filter((r) => r.method === 'GET').map((r) => ({ ...r, method: 'HEAD' }))];
}

/** `method url` on `agent`, with an empty JSON body where the method takes one. */
export function send(agent: ReturnType<typeof request>, method: string, url: string) {
  const call = agent[method.toLowerCase() as 'get'](url);
  return method === 'POST' || method === 'PATCH' ? call.send({}) : call;
}

/**
 * Reads until `done` or the timeout, and answers the last value either way: the caller's `expect`
 * then shows what was there (the throwing `until` of test-support would only say it timed out).
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * What every part of the contract shares: the runner, the adapter and harness under test, and the
 * engine, app and receiver made fresh for each test (read them inside a test, not while collecting).
 */
export interface ContractContext {
  readonly api: ConformanceTestApi;
  readonly factory: AdminAdapterFactory;
  readonly harness: AdminContractHarness;
  readonly hookdesk: ContractHookdesk;
  readonly app: ContractApp;
  readonly receiver: TestReceiver;
  /** A supertest agent on this test's app. */
  agent(): ReturnType<typeof request>;
  /** Creates a webhook to this test's receiver for both ticket events, `body` added. */
  createWebhook(body: Record<string, unknown>): request.Test;
}

/**
 * Registers the `beforeEach` and `afterEach` that start an engine, a receiver and an app for every
 * test of the enclosing `describe`, and answers the context that reads them.
 */
export function useContractContext(
  api: ConformanceTestApi,
  factory: AdminAdapterFactory,
  harness: AdminContractHarness,
): ContractContext {
  let hookdesk: ContractHookdesk;
  let app: ContractApp;
  let receiver: TestReceiver;
  const agent = () => request(app.url);

  api.beforeEach(async () => {
    hookdesk = await harness.createHookdesk();
    receiver = await startTestReceiver();
    app = await factory.start({ engine: hookdesk.engine, mountPath: M, authorize: bearer });
  });

  api.afterEach(async () => {
    await app.close();
    await hookdesk.close();
    await receiver.close();
  });

  return {
    api,
    factory,
    harness,
    get hookdesk() {
      return hookdesk;
    },
    get app() {
      return app;
    },
    get receiver() {
      return receiver;
    },
    agent,
    createWebhook: (body) =>
      agent()
        .post(`${M}/api/webhooks`)
        .set(AUTH)
        .send({ url: receiver.url, events: ['ticket.created', 'ticket.updated'], ...body }),
  };
}
