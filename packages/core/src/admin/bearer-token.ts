import { timingSafeEqual } from 'node:crypto';
import type { Authorize } from './admin-http.js';

function digestable(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

const WRONG_TOKEN =
  'The admin token is wrong. Check for a typo or a stale token, and send it as `Authorization: Bearer <token>`.';

/**
 * An `authorize` hook that accepts `Authorization: Bearer <token>`: 401 when the header is
 * missing or the token is wrong (compared in constant time; RFC 6750's `invalid_token` is a 401:
 * the caller has the wrong credentials, not too few rights). Works with Express `req` and
 * Koa `ctx` alike, since both carry `headers`.
 * @example app.use('/admin/webhooks', hookdeskAdmin(hookdesk, { authorize: bearerToken(process.env.ADMIN_TOKEN) }));
 */
export function bearerToken(
  token: string,
): Authorize<{ headers: Record<string, string | string[] | undefined> }> {
  if (typeof token !== 'string' || token.length < 16) {
    throw new TypeError(
      '`token` must be a string of at least 16 characters; generate one with crypto.randomBytes.',
    );
  }
  const expected = digestable(token);
  return function hookdeskBearerToken(request) {
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return { status: 401 };
    const match = /^Bearer\s+(.+)$/i.exec(value.trim());
    if (!match) return { status: 401, message: 'Send the admin token as `Authorization: Bearer <token>`.' };
    const given = digestable(match[1]!);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    return { status: 401, message: WRONG_TOKEN };
  };
}
