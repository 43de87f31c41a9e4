import { readFetchBody } from './read-fetch-body.js';
import { type ReceiverInput, toReceiver } from './receiver-input.js';

/**
 * A Fetch-API handler (`Request` → `Response`) for Hono, Next.js route handlers, Bun, Deno and
 * other Web-standard runtimes.
 * @example
 * export const POST = fetchReceiver({ keys, handler: async (event) => {} });
 */
export function fetchReceiver(input: ReceiverInput): (request: Request) => Promise<Response> {
  const receiver = toReceiver(input);
  return async function hookdeskReceiverFetchHandler(request) {
    const response = await receiver.handle({
      method: request.method,
      headers: request.headers,
      readBody: (maxBytes) => readFetchBody(request, maxBytes),
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}
