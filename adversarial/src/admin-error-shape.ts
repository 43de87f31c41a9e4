import type { Outcome } from './admin-fuzz-target.js';

/**
 * Whether a 4xx says what was wrong: the docs/admin-api.md error shape with a real sentence, and for a
 * 422 the field it is about (its first detail's path in the message), for a 404 the id or route.
 */
export function namesTheProblem(outcome: Outcome): boolean {
  let error: { code?: unknown; message?: unknown; details?: unknown };
  try {
    error = (JSON.parse(outcome.body) as { error: typeof error }).error;
  } catch {
    return false;
  }
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return false;
  const message = error.message;
  if (message.length < 15 || /(^|: )Invalid input\.?$/.test(message)) return false;
  if (!Array.isArray(error.details)) return false;
  switch (outcome.status) {
    case 422: {
      const first = error.details[0] as { path?: unknown; message?: unknown } | undefined;
      if (!first || typeof first.path !== 'string' || typeof first.message !== 'string') return false;
      return first.path === '' || message.includes(first.path) || message.includes(`The ${first.path} `);
    }
    case 404:
      return /\b(id|uuid|route)\b/.test(message);
    case 405:
      return outcome.allow !== null;
    default:
      return true;
  }
}
