import { TicketInputError } from './ticket-service.js';

/** An error answer in the admin API's shape (docs/admin-api.md, "Errors"), which the helpdesk uses too. */
export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string } };
  /** Extra response headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
}

/** Largest JSON body the helpdesk's ticket routes read; Express and Koa get the same limit. */
export const TICKET_BODY_LIMIT_BYTES = 100 * 1024;

const answer = (status: number, code: string, message: string): ErrorAnswer => ({
  status,
  body: { error: { code, message } },
});

/**
 * What the helpdesk answers for an error its routes or their body parser threw: the ticket
 * input's own errors, and the 4xx that Express's body-parser and Koa's co-body raise (a body over
 * the limit, malformed JSON, a charset they cannot read). `null` for anything else: a 500.
 */
export function errorAnswer(error: unknown): ErrorAnswer | null {
  if (error instanceof TicketInputError) return answer(error.status, error.code, error.message);
  const { status, statusCode, expose } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const code = typeof status === 'number' ? status : statusCode;
  if (code === 413) {
    return answer(
      413,
      'payload_too_large',
      `The request body is over the helpdesk's ${TICKET_BODY_LIMIT_BYTES / 1024} KiB limit; send a smaller ticket (or the change alone, with PATCH).`,
    );
  }
  if (code === 400) return answer(400, 'malformed_json', 'The request body is not valid JSON.');
  if (code === 415) {
    return answer(
      415,
      'unsupported_media_type',
      'Send the ticket as JSON in UTF-8 (Content-Type: application/json).',
    );
  }
  // Any other client error the parsers raise on purpose carries a message meant for the client.
  if (typeof code === 'number' && code >= 400 && code < 500 && expose === true) {
    return answer(code, 'bad_request', (error as Error).message);
  }
  return null;
}

/** The answer for a path the helpdesk has no route for. */
export function notFoundAnswer(method: string, path: string): ErrorAnswer {
  return answer(
    404,
    'not_found',
    `${method} ${path} is not a route of this helpdesk: its API is /api/tickets and /api/tickets/:id, its admin API /admin/webhooks/api/.`,
  );
}

/** The answer for a route asked with a method it does not take. */
export function methodNotAllowedAnswer(
  method: string,
  path: string,
  allowed: readonly string[],
): ErrorAnswer {
  return {
    ...answer(
      405,
      'method_not_allowed',
      `${path} does not take ${method}; it answers ${allowed.join(', ')}.`,
    ),
    headers: { Allow: allowed.join(', ') },
  };
}

/** The answer when something failed inside the helpdesk (its log says what). */
export const INTERNAL_ERROR_ANSWER: ErrorAnswer = answer(
  500,
  'internal_error',
  'The helpdesk failed; see its log.',
);
