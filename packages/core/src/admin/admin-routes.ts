import type { z } from 'zod';
import { parseInput } from '../parse-input.js';
import { AdminHttpError } from './admin-errors.js';
import type { AdminOperations } from './admin-operations.js';
import { logQuerySchema, resendSchema, settingsPatchSchema, statsQuerySchema } from './admin-schemas.js';

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Reads and parses the JSON body (content type, size limit, syntax checked). */
  body(): Promise<unknown>;
}

export interface RouteOutput {
  status: number;
  body?: unknown;
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below the mount point; `:name` segments are parameters. */
  path: string;
  summary: string;
  handle(ops: AdminOperations, input: RouteInput): Promise<RouteOutput>;
}

/**
 * A route an extension adds to the admin API (`HookdeskExtension.adminRoutes`), with the schemas
 * its OpenAPI entry is generated from.
 */
export interface ExtensionAdminRoute {
  method: AdminRoute['method'];
  /** Below the mount point, under `/api/`; `:name` segments are parameters. */
  path: string;
  summary: string;
  request?: z.ZodType;
  response?: z.ZodType;
  /** The success status. Default 200. */
  status?: number;
  handle(input: RouteInput): Promise<RouteOutput>;
}

function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    if (values.length > 1) {
      throw new AdminHttpError(
        400,
        'malformed_query',
        `Give the query parameter "${name}" once, not ${values.length} times.`,
      );
    }
    out[name] = values[0]!;
  }
  return out;
}

const ok = (body: unknown): RouteOutput => ({ status: 200, body });

/** Every route of docs/admin-api.md that the engine serves (the page and the OpenAPI document aside). */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/api/settings',
    summary: 'The global "Webhook Active" switch and a preview of the account key',
    handle: async (ops) => ok(await ops.getSettings()),
  },
  {
    method: 'PATCH',
    path: '/api/settings',
    summary: 'Turn the global switch on or off',
    handle: async (ops, input) => {
      const { active } = parseInput(settingsPatchSchema, await input.body(), 'settings change');
      return ok(await ops.setActive(active));
    },
  },
  {
    method: 'GET',
    path: '/api/settings/key',
    summary: 'The full account key',
    handle: async (ops) => ok(await ops.revealKey()),
  },
  {
    method: 'POST',
    path: '/api/settings/key/rotate',
    summary: 'Make a new account key; the old one keeps signing webhook-signature for its grace period',
    handle: async (ops) => ok(await ops.rotateKey()),
  },
  {
    method: 'GET',
    path: '/api/webhooks',
    summary: 'Every webhook',
    handle: async (ops) => ok({ items: await ops.listWebhooks() }),
  },
  {
    method: 'POST',
    path: '/api/webhooks',
    summary: 'Create a webhook',
    handle: async (ops, input) => ({ status: 201, body: await ops.createWebhook(await input.body()) }),
  },
  {
    method: 'GET',
    path: '/api/webhooks/:id',
    summary: 'One webhook with its recent health',
    handle: async (ops, input) => ok(await ops.getWebhook(input.params.id!)),
  },
  {
    method: 'GET',
    path: '/api/webhooks/:id/key',
    summary: "The webhook's own key; 404 when it signs with the account key",
    handle: async (ops, input) => ok(await ops.revealWebhookKey(input.params.id!)),
  },
  {
    method: 'PATCH',
    path: '/api/webhooks/:id',
    summary: 'Edit a webhook, activate or deactivate it',
    handle: async (ops, input) => ok(await ops.updateWebhook(input.params.id!, await input.body())),
  },
  {
    method: 'DELETE',
    path: '/api/webhooks/:id',
    summary: 'Delete a webhook',
    handle: async (ops, input) => {
      await ops.deleteWebhook(input.params.id!);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/api/webhooks/:id/test',
    summary: 'Send a signed webhook.test delivery now; answers with its log entry',
    handle: async (ops, input) => ok(await ops.testWebhook(input.params.id!)),
  },
  {
    method: 'GET',
    path: '/api/logs',
    summary: 'Deliveries, newest first, filtered and paginated',
    handle: async (ops, input) => {
      const request = parseInput(logQuerySchema, queryObject(input.query), 'log query');
      return ok(await ops.listLogs(request));
    },
  },
  {
    method: 'POST',
    path: '/api/logs/resend',
    summary: 'Resend deliveries by uuid or by filter: one new attempt each, now; or count them (dryRun)',
    handle: async (ops, input) => {
      const request = parseInput(resendSchema, await input.body(), 'resend request');
      return { status: 202, body: await ops.resendWithCounts(request) };
    },
  },
  {
    method: 'GET',
    path: '/api/logs/:uuid',
    summary: 'One delivery with its payload, signature and every attempt',
    handle: async (ops, input) => ok(await ops.getLog(input.params.uuid!)),
  },
  {
    method: 'GET',
    path: '/api/stats',
    summary: 'Deliveries settled per hour, succeeded and failed, from counters kept as they settle',
    handle: async (ops, input) => {
      const request = parseInput(statsQuerySchema, queryObject(input.query), 'stats query');
      return ok(await ops.stats(request));
    },
  },
];

/** Matches a path against a route pattern; the parameters, or `null`. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const actual = got[i]!;
    if (segment.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        throw new AdminHttpError(
          400,
          'malformed_path',
          `The path segment "${actual}" is not valid percent-encoding.`,
        );
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}
