import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerToken, buildOpenApiDocument, createHookdesk } from '@hookdesk/core';
import { hookdeskAdmin } from '@hookdesk/express';
import { installSmartRules } from '@hookdesk/smart-rules';
import { createStorage } from '@hookdesk/storage';
import express from 'express';

const TOKEN = 'adversarial-admin-token-0123456789';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
const M = '/admin/webhooks';

/** One answer of the admin API, as the fuzz judges it. */
export interface Outcome {
  what: string;
  status: number;
  body: string;
  allow: string | null;
}

/** The admin API under fuzz, and what it answered and logged. */
export interface AdminFuzzTarget {
  /** The admin API's URL, its mount path included. */
  readonly base: string;
  /** Every answer `call` got, in order. */
  readonly outcomes: Outcome[];
  /** What the admin API logged (its 5xx causes). */
  readonly logged: string[];
  /** Sends one request and records its outcome. */
  call(method: string, path: string, body?: string, contentType?: string): Promise<void>;
  /** Every route of the router's table, from the OpenAPI document built from it. */
  routes(): { method: string; path: string }[];
  close(): Promise<void>;
}

/**
 * A real server: the Express adapter on port 0 over the embedded (lmdb) store, a real host's default
 * and the one whose 1,978-byte key limit turned long ids into 500s. Nothing is dialled: the resolver
 * answers a public address for every name and no ticket event is recorded, so no delivery exists.
 */
export async function startAdminFuzzTarget(): Promise<AdminFuzzTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-admin-fuzz-'));
  const storage = await createStorage({ path: dir });
  const hookdesk = createHookdesk({
    storage,
    resolve: async () => [{ address: '93.184.216.34', family: 4 }],
  });
  installSmartRules(hookdesk);
  await hookdesk.ready();

  // Counted, and never longer than a line should be.
  const logged: string[] = [];
  const adminLog = {
    warn: (obj: object, msg?: string) => logged.push(`${msg} ${JSON.stringify(obj)}`),
    error: (obj: object, msg?: string) =>
      logged.push(`${msg} ${String((obj as { err?: Error }).err?.message ?? JSON.stringify(obj))}`),
  };
  const app = express();
  app.use(M, hookdeskAdmin(hookdesk, { authorize: bearerToken(TOKEN), logger: adminLog }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${M}`;

  const outcomes: Outcome[] = [];
  return {
    base,
    outcomes,
    logged,
    async call(method, path, body, contentType = 'application/json') {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': contentType }) },
        body,
      });
      const text = await res.text();
      outcomes.push({
        what: `${method} ${path.slice(0, 120)} ${body === undefined ? '' : body.slice(0, 120)}`,
        status: res.status,
        body: text,
        allow: res.headers.get('allow'),
      });
    },
    routes() {
      const paths = buildOpenApiDocument(hookdesk.adminRoutes()).paths as Record<
        string,
        Record<string, unknown>
      >;
      return Object.entries(paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await hookdesk.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
