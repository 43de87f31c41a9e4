import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import {
  captureRawBody,
  expressReceiver,
  fetchReceiver,
  koaReceiver,
  nodeReceiver,
  type Receiver,
} from '../src/index.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Each framework helper, mounted as an app would mount it, on a real server on port 0. */
export const FRAMEWORKS: Record<string, (receiver: Receiver) => http.Server> = {
  'node:http': (receiver) => http.createServer(nodeReceiver(receiver)),
  express: (receiver) => {
    const app = express();
    app.post('/webhooks', expressReceiver(receiver));
    app.get('/webhooks', expressReceiver(receiver));
    return http.createServer(app);
  },
  'express after express.json({ verify: captureRawBody })': (receiver) => {
    const app = express();
    app.use(express.json({ verify: captureRawBody, limit: '2mb' }));
    app.all('/webhooks', expressReceiver(receiver));
    return http.createServer(app);
  },
  koa: (receiver) => {
    const app = new Koa();
    app.use(koaReceiver(receiver));
    return http.createServer(app.callback());
  },
  'fetch (Request → Response)': (receiver) => {
    const handler = fetchReceiver(receiver);
    return http.createServer(async (req, res) => {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        duplex: 'half',
      } as RequestInit);
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
      // As Web runtimes do, discard what the handler left unread (a refused body) instead of resetting.
      if (request.body !== null && !request.body.locked) {
        for await (const _ of request.body as unknown as AsyncIterable<Uint8Array>);
      }
    });
  },
};

export async function listen(server: http.Server): Promise<RunningServer> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs with node:http, so any Content-Length or chunked body can be sent. */
export function post(
  url: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
  method = 'POST',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: response.statusCode!, body: JSON.parse(text) });
        } catch {
          reject(new Error(`not JSON (${response.statusCode}): ${text.slice(0, 200)}`));
        }
      });
    });
    // An early 413 may close the socket while the client still writes: the answer is what counts.
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
    });
    if (body instanceof Uint8Array) {
      request.end(body);
    } else {
      Readable.from(body).pipe(request);
    }
  });
}
