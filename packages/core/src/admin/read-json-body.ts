import { AdminHttpError } from './admin-errors.js';
import type { AdminHttpRequest } from './admin-http.js';

/** Default largest admin request body: 1 MiB. */
export const DEFAULT_ADMIN_BODY_LIMIT = 1024 * 1024;

function header(request: AdminHttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function tooLarge(limit: number): AdminHttpError {
  return new AdminHttpError(
    413,
    'body_too_large',
    `The request body is larger than ${limit} bytes, the admin API's limit. Send a smaller body.`,
  );
}

/** `application/json` or any `+json` type, with or without parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Requires a JSON content type, reads the body up to `limit` bytes (refusing a larger one as soon as
 * its `Content-Length` or its streamed bytes pass the limit) and parses it.
 */
export async function readJsonBody(request: AdminHttpRequest, limit: number): Promise<unknown> {
  if (!isJsonContentType(header(request, 'content-type'))) {
    throw new AdminHttpError(
      415,
      'unsupported_media_type',
      'Send the body as JSON with the header `Content-Type: application/json`.',
    );
  }
  const declared = Number(header(request, 'content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);

  const { body } = request;
  if (body.kind === 'parsed') return body.value;

  let bytes: Buffer;
  if (body.kind === 'bytes') {
    bytes = typeof body.value === 'string' ? Buffer.from(body.value, 'utf8') : Buffer.from(body.value);
    if (bytes.byteLength > limit) throw tooLarge(limit);
  } else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body.stream) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(Buffer.from(chunk));
    }
    bytes = Buffer.concat(chunks);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    throw new AdminHttpError(400, 'malformed_json', 'The request body is empty; send a JSON object.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AdminHttpError(
      400,
      'malformed_json',
      `The request body is not valid JSON (${(error as Error).message}). Check quotes, commas and brackets.`,
    );
  }
}
