import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiverResponse } from './handle-request.js';
import { readNodeBody } from './read-node-body.js';
import { type ReceiverInput, toReceiver } from './receiver-input.js';

/**
 * A `node:http` request listener that answers Hookdesk deliveries.
 * @example
 * http.createServer(nodeReceiver({ keys, handler: async (event) => {} })).listen(4000);
 */
export function nodeReceiver(
  input: ReceiverInput,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const receiver = toReceiver(input);
  return async function hookdeskReceiverHandler(req, res) {
    const response = await receiver.handle({
      method: req.method,
      headers: req.headers,
      readBody: (maxBytes, timeoutMs) => readNodeBody(req, maxBytes, timeoutMs),
    });
    sendNodeResponse(res, response);
  };
}

/** Writes a receiver's answer on a Node response. */
export function sendNodeResponse(res: ServerResponse, response: ReceiverResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
