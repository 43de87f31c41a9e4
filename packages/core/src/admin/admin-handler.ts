import { assertPathIds } from './admin-bounds.js';
import { AdminHttpError, errorResponse, jsonResponse } from './admin-errors.js';
import type { AdminHttpRequest, AdminHttpResponse, Authorize } from './admin-http.js';
import type { AdminOperations } from './admin-operations.js';
import { ADMIN_ROUTES, type ExtensionAdminRoute, matchPath, type RouteInput } from './admin-routes.js';
import { assertSameOrigin } from './csrf-guard.js';
import { buildOpenApiDocument } from './openapi.js';
import { DEFAULT_ADMIN_BODY_LIMIT, readJsonBody } from './read-json-body.js';

/** The subset of a pino-compatible logger the admin API writes to. */
export interface AdminLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AdminHandlerOptions<Native = unknown> {
  /**
   * Decides whether a request may use the admin API; called first on every `M/api/*` request with
   * the framework's request (Express `req`, Koa `ctx`). Required unless `insecure: true`.
   * @example authorize: (req) => req.get('authorization') === `Bearer ${process.env.ADMIN_TOKEN}`
   */
  authorize?: Authorize<Native>;
  /** Serve the admin API to anyone, with no `authorize` hook (logs a warning). Default `false`. */
  insecure?: boolean;
  /** Largest request body in bytes; larger ones get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Where 5xx causes and the insecure-mount warning go. Default: `console`. */
  logger?: AdminLogger;
}

export type AdminHandler = (request: AdminHttpRequest) => Promise<AdminHttpResponse>;

function checkOptions(options: AdminHandlerOptions<never>): void {
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    throw new TypeError('`authorize` must be a function (request) => boolean | { status: 401 | 403 }.');
  }
  if (options.authorize === undefined && options.insecure !== true) {
    throw new TypeError(
      'Hookdesk admin needs an `authorize` option: a function that receives the request and answers true ' +
        'when the caller may manage webhooks (for example by checking a session or a bearer token). To ' +
        'serve the admin API to anyone, for local development only, pass `insecure: true` instead.',
    );
  }
  if (options.bodyLimit !== undefined && !(Number.isInteger(options.bodyLimit) && options.bodyLimit > 0)) {
    throw new TypeError('`bodyLimit` must be a positive whole number of bytes.');
  }
}

async function authorizeRequest(authorize: Authorize<unknown> | undefined, native: unknown): Promise<void> {
  if (!authorize) return;
  const verdict = await authorize(native);
  if (verdict === true) return;
  if (verdict === false || verdict === undefined || verdict === null) {
    throw new AdminHttpError(
      403,
      'forbidden',
      'You are not allowed to manage webhooks. Ask an administrator.',
    );
  }
  if (verdict.status === 401) {
    throw new AdminHttpError(
      401,
      'unauthorized',
      verdict.message ?? 'Sign in, or send the admin token as `Authorization: Bearer <token>`.',
      // RFC 9110 §11.6.1: a 401 names the scheme that would work.
      { headers: { 'www-authenticate': WWW_AUTHENTICATE } },
    );
  }
  throw new AdminHttpError(403, 'forbidden', verdict.message ?? 'You are not allowed to manage webhooks.');
}

/** The challenge every 401 carries: the admin API takes a bearer token (or the host's session). */
export const WWW_AUTHENTICATE = 'Bearer realm="Hookdesk admin API"';

function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * The admin HTTP API of docs/admin-api.md as one framework-neutral function: request in, response out.
 * The Express and Koa adapters only translate to and from it, so both behave the same.
 */
export function createAdminHandler<Native = unknown>(
  ops: AdminOperations,
  options: AdminHandlerOptions<Native>,
): AdminHandler {
  checkOptions(options as AdminHandlerOptions<never>);
  const logger = options.logger ?? console;
  const bodyLimit = options.bodyLimit ?? DEFAULT_ADMIN_BODY_LIMIT;
  const authorize = options.authorize as Authorize<unknown> | undefined;
  if (options.insecure === true && !authorize) {
    logger.warn(
      {},
      'Hookdesk admin API is mounted with `insecure: true`: anyone who can reach it can manage webhooks.',
    );
  }
  let openApi: { routes: readonly ExtensionAdminRoute[]; json: string } | undefined;

  return async function hookdeskAdminHandler(request) {
    try {
      const path = normalizePath(request.path);
      if (!path.startsWith('/api/') && path !== '/api') {
        throw new AdminHttpError(
          404,
          'not_found',
          `Nothing is served at ${path}; the admin API lives under /api/.`,
        );
      }
      await authorizeRequest(authorize, request.native);
      assertSameOrigin(request);

      // HEAD answers as GET does, body included: Node's http drops the body of a HEAD response and
      // keeps its Content-Length, whatever framework sits in between (RFC 9110 §9.3.2).
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      // Read per request: an extension installed after the handler was made is served too.
      const extensionRoutes = ops.adminRoutes?.() ?? NO_ROUTES;
      if (path === '/api/openapi.json') {
        if (method !== 'GET') throw methodNotAllowed(path, ['GET']);
        if (openApi?.routes !== extensionRoutes) {
          openApi = { routes: extensionRoutes, json: JSON.stringify(buildOpenApiDocument(extensionRoutes)) };
        }
        return {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: openApi.json,
        };
      }

      const allowed: string[] = [];
      const input = (params: Record<string, string>): RouteInput => ({
        params,
        query: new URLSearchParams(request.query),
        body: () => readJsonBody(request, bodyLimit),
      });
      const routes: readonly (readonly { method: string; path: string }[])[] = [
        ADMIN_ROUTES,
        extensionRoutes,
      ];
      for (const table of routes) {
        for (const route of table) {
          const params = matchPath(route.path, path);
          if (!params) continue;
          if (route.method !== method) {
            allowed.push(route.method);
            continue;
          }
          assertPathIds(params);
          const output =
            table === ADMIN_ROUTES
              ? await (route as (typeof ADMIN_ROUTES)[number]).handle(ops, input(params))
              : await (route as ExtensionAdminRoute).handle(input(params));
          return output.body === undefined
            ? { status: output.status, headers: { 'cache-control': 'no-store' }, body: null }
            : jsonResponse(output.status, output.body);
        }
      }
      if (allowed.length > 0) throw methodNotAllowed(path, allowed);
      const missing = NOT_INSTALLED.find(
        (area) =>
          (path === area.path || path.startsWith(`${area.path}/`)) && !serves(extensionRoutes, area.path),
      );
      if (missing) throw new AdminHttpError(404, 'not_found', missing.message);
      throw new AdminHttpError(
        404,
        'not_found',
        `There is no admin API route ${request.method} ${path}. GET /api/openapi.json lists the routes.`,
      );
    } catch (error) {
      const response = errorResponse(error);
      if (response.status >= 500) logger.error({ err: error }, 'Hookdesk admin API request failed');
      return response;
    }
  };
}

const NO_ROUTES: readonly ExtensionAdminRoute[] = [];

/**
 * Routes of docs/admin-api.md that a package installed on the engine serves: without it they answer
 * 404 with how to install it, not "no such route".
 */
const NOT_INSTALLED = [
  {
    path: '/api/smart-rules',
    message:
      'Smart rules are not installed on this Hookdesk: add @hookdesk/smart-rules and call installSmartRules(hookdesk) once after createHookdesk() (see its README).',
  },
] as const;

function serves(routes: readonly ExtensionAdminRoute[], prefix: string): boolean {
  return routes.some((route) => route.path === prefix || route.path.startsWith(`${prefix}/`));
}

function methodNotAllowed(path: string, methods: string[]): AdminHttpError {
  const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
  return new AdminHttpError(405, 'method_not_allowed', `${path} answers ${allowed.join(', ')} only.`, {
    headers: { allow: allowed.join(', ') },
  });
}
