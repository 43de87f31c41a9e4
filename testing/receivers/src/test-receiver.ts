import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request exactly as it crossed the wire. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lowercase names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** The raw body bytes. */
  body: Buffer;
  /** `Date.now()` when the body was complete. */
  receivedAt: number;
  /** Client port of the connection, to tell connections apart. */
  remotePort: number;
}

/**
 * What the receiver does with a request:
 * - `{ status, headers, body }`: answer at once (default 200, empty body);
 * - `{ hang: true }`: never answer;
 * - `{ trickle: { intervalMs, maxBytes } }`: send 200 and headers, then one byte every `intervalMs`;
 * - `{ stream: { bytes } }`: send a 200 body of `bytes` bytes as fast as the client reads it;
 * - `{ destroy: true }`: drop the connection without answering.
 */
export type ScriptedResponse =
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer }
  | { hang: true }
  | { trickle: { intervalMs: number; maxBytes?: number } }
  | { stream: { bytes: number } }
  | { destroy: true };

export interface TestReceiverOptions {
  /**
   * A response for every request, a sequence (the last one repeats), or a function of the request
   * and its 0-based index.
   * @default { status: 200 }
   */
  respond?:
    | ScriptedResponse
    | ScriptedResponse[]
    | ((request: ReceivedRequest, index: number) => ScriptedResponse);
  /** @default '127.0.0.1' */
  host?: string;
}

export interface TestReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  url: string;
  port: number;
  /** Every request received so far, in arrival order. */
  requests: ReceivedRequest[];
  /** Bytes of response bodies written by `stream`/`trickle` responses so far. */
  bytesSent: number;
  /** Responses whose connection the client closed before the body was complete. */
  abortedResponses: number;
  /** Replaces the script for later requests. */
  respondWith(respond: NonNullable<TestReceiverOptions['respond']>): void;
  /** Resolves with the requests once at least `count` have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** A real HTTP server on an ephemeral port that records what it receives and answers as scripted. */
export async function startTestReceiver(options: TestReceiverOptions = {}): Promise<TestReceiver> {
  let respond = options.respond ?? { status: 200 };
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const pick = (request: ReceivedRequest, index: number): ScriptedResponse => {
    if (typeof respond === 'function') return respond(request, index);
    if (Array.isArray(respond)) return respond[Math.min(index, respond.length - 1)] ?? { status: 200 };
    return respond;
  };

  const answer = (res: ServerResponse, script: ScriptedResponse) => {
    if ('hang' in script) return;
    if ('destroy' in script) {
      res.socket?.destroy();
      return;
    }
    if ('trickle' in script) {
      const max = script.trickle.maxBytes ?? 100_000;
      let sent = 0;
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => {
        if (res.destroyed || sent >= max) {
          clearInterval(timer);
          timers.delete(timer);
          if (!res.destroyed) res.end();
          else receiver.abortedResponses++;
          return;
        }
        res.write('x');
        sent++;
        receiver.bytesSent++;
      }, script.trickle.intervalMs);
      timers.add(timer);
      return;
    }
    if ('stream' in script) {
      const total = script.stream.bytes;
      let sent = 0;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      const pump = () => {
        while (sent < total && !res.destroyed) {
          const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, total - sent));
          sent += chunk.length;
          receiver.bytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (sent >= total && !res.destroyed) res.end();
      };
      res.on('close', () => {
        if (sent < total || !res.writableFinished) receiver.abortedResponses++;
      });
      pump();
      return;
    }
    res.writeHead(script.status ?? 200, script.headers);
    res.end(script.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
        remotePort: req.socket.remotePort ?? 0,
      };
      const index = receiver.requests.length;
      receiver.requests.push(request);
      for (const wake of waiters) wake();
      answer(res, pick(request, index));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const receiver: TestReceiver = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/hook`,
    port,
    requests: [],
    bytesSent: 0,
    abortedResponses: 0,
    respondWith(next) {
      respond = next;
    },
    waitForRequests(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.requests.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(receiver.requests);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`expected ${count} requests within ${timeoutMs} ms, got ${receiver.requests.length}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
