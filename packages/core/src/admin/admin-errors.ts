import { InvalidCursorError } from '@hookdesk/storage';
import { HookdeskError } from '../errors.js';
import type { AdminHttpResponse } from './admin-http.js';

/** An error the admin API answers with a status of its own (400, 401, 403, 405, 413, 415). */
export class AdminHttpError extends HookdeskError {
  readonly details: unknown[];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message, code, status);
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): AdminHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The docs/admin-api.md error shape for any thrown value. Hookdesk errors keep their status, code and
 * message; anything else is a 500 whose message hides internals (the adapter logs the cause).
 */
export function errorResponse(error: unknown): AdminHttpResponse {
  // Storage's own input error (it knows no HTTP): the only cursor the admin API takes is `?cursor=`.
  if (error instanceof InvalidCursorError) {
    return jsonResponse(400, {
      error: {
        code: error.code,
        message: error.message,
        details: [{ path: 'cursor', message: error.message }],
      },
    });
  }
  if (error instanceof HookdeskError) {
    const details = (error as { details?: unknown }).details;
    const headers = error instanceof AdminHttpError ? error.headers : {};
    return jsonResponse(
      error.status,
      { error: { code: error.code, message: error.message, details: Array.isArray(details) ? details : [] } },
      headers,
    );
  }
  return jsonResponse(500, {
    error: {
      code: 'internal_error',
      message:
        'Hookdesk failed to handle this request; the server log has the cause. Try again, or report it.',
      details: [],
    },
  });
}
