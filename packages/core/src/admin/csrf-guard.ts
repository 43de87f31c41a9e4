import { AdminHttpError } from './admin-errors.js';
import type { AdminHttpRequest } from './admin-http.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The docs/admin-api.md CSRF rule for a request that changes state: refused with 403 when the browser
 * says it is cross-site (`Sec-Fetch-Site: cross-site`) or when it sends an `Origin` that is not the
 * API's own. (The JSON content type the body routes require forces a CORS preflight besides.)
 */
export function assertSameOrigin(request: AdminHttpRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (single(request.headers['sec-fetch-site'])?.toLowerCase() === 'cross-site') {
    throw new AdminHttpError(
      403,
      'cross_site_request',
      'Cross-site requests cannot change Hookdesk settings. Call the admin API from its own page or from a server.',
    );
  }
  const origin = single(request.headers.origin);
  if (origin !== undefined && origin !== 'null' && sameOrigin(origin, request.origin)) return;
  if (origin !== undefined) {
    throw new AdminHttpError(
      403,
      'cross_origin_request',
      `Requests from ${origin} cannot change Hookdesk settings; only ${request.origin} may.`,
    );
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
