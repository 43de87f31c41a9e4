import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Clock } from './clock.js';
import {
  type AddressGuard,
  isLocalhostName,
  LOCALHOST_ADDRESS,
  parseIp,
  type Refusal,
  type Resolver,
  resolvesTo,
} from './ssrf-guard.js';

/** docs/wire.md defaults. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024;

export interface SenderOptions {
  connectTimeoutMs: number;
  /** Whole attempt, from dialling to the last byte of the response. */
  timeoutMs: number;
  /** Response bytes kept; the rest is never read. */
  maxResponseBytes: number;
  guard: AddressGuard;
  resolve: Resolver;
  clock: Clock;
}

export interface OutgoingRequest {
  url: string;
  /** The exact bytes to send. */
  body: Uint8Array;
  /** Lowercase names, `content-length` included. */
  headers: Record<string, string>;
}

/** What one attempt came back with; `error` is set for anything but a complete response in time. */
export interface SendResult {
  statusCode: number | null;
  retryAfter: string | null;
  responseExcerpt: string | null;
  error: string | null;
  /** The SSRF guard refused the address actually dialled. */
  blocked: boolean;
  durationMs: number;
}

/** Raised by the connect-time lookup, so a blocked dial is told apart from any other failure. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_HOOKDESK_BLOCKED_ADDRESS';
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address?: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * Sends attempts over one keep-alive undici `Pool` per origin. Redirects are never followed (a
 * `Pool` has no redirect handling), and every address dialled passes the guard after DNS
 * resolution, so a name that resolves to a private address later (DNS rebinding) is refused too.
 */
export class Sender {
  readonly #options: SenderOptions;
  readonly #pools = new Map<string, Pool>();
  /** Parsed target URLs: a webhook's URL is sent to again and again, and `new URL` is not free. */
  readonly #targets = new Map<string, Target>();
  #closed = false;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  #lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const { guard } = this.#options;
    const blocked = (refusal: Refusal) =>
      callback(new BlockedAddressError(`Refused to connect: ${resolvesTo(hostname, refusal)}.`));
    // By name, before DNS: a localhost name means loopback whatever a resolver answers (RFC 6761).
    const local = isLocalhostName(hostname) ? guard.refusal(LOCALHOST_ADDRESS) : null;
    if (local) {
      blocked(local);
      return;
    }
    this.#options.resolve(hostname).then(
      (answers) => {
        // Every answer, not the first: the socket may fall back to any of them.
        for (const { address } of answers) {
          const refused = guard.refusal(address);
          if (refused) return blocked(refused);
        }
        const first = answers[0];
        if (!first)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
        if (options.all) callback(null, answers);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error),
    );
  };

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connect: { timeout: this.#options.connectTimeoutMs, lookup: this.#lookup } as Pool.Options['connect'],
        // Backstops only: the deadline below is what ends an attempt, trickling responses included.
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#closed) throw new Error('The sender is closed.');
    const started = performance.now();
    const result = (partial: Partial<SendResult>): SendResult => ({
      statusCode: null,
      retryAfter: null,
      responseExcerpt: null,
      error: null,
      blocked: false,
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    const target = this.#target(request.url);
    // An IP literal never reaches the lookup hook, so it is checked here, on every send.
    if (target.literal) {
      const reason = this.#options.guard.check(target.literal);
      if (reason) return result({ error: `Refused to connect: ${reason}.`, blocked: true });
    }

    const deadline = new Deadline();
    const { timeoutMs } = this.#options;
    const timer = this.#options.clock.setTimeout(() => deadline.abort(), timeoutMs);
    let statusCode: number | null = null;
    let retryAfter: string | null = null;
    const kept: Buffer[] = [];
    try {
      const response = await this.#pool(target.origin).request({
        method: 'POST',
        path: target.path,
        headers: request.headers,
        body: request.body,
        signal: deadline,
      });
      statusCode = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? (header[0] ?? null) : (header ?? null);
      await readCapped(response.body, this.#options.maxResponseBytes, kept);
      return result({ statusCode, retryAfter, responseExcerpt: excerpt(kept) });
    } catch (error) {
      const blocked = findBlocked(error);
      const message = blocked
        ? blocked.message
        : deadline.aborted
          ? `No complete response within ${timeoutMs} ms.`
          : describe(error);
      return result({
        statusCode,
        retryAfter,
        responseExcerpt: excerpt(kept),
        error: message,
        blocked: !!blocked,
      });
    } finally {
      this.#options.clock.clearTimeout(timer);
    }
  }

  #target(url: string): Target {
    let target = this.#targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = {
        origin: parsed.origin,
        path: parsed.pathname + parsed.search,
        literal: parseIp(parsed.hostname),
      };
      // Bounded: URLs come from webhooks and rules, but nothing stops an admin making many.
      if (this.#targets.size >= MAX_CACHED_TARGETS) this.#targets.clear();
      this.#targets.set(url, target);
    }
    return target;
  }

  /** Waits for requests in flight, then closes every connection. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
    this.#pools.clear();
  }
}

/**
 * The attempt's deadline as undici's `signal`, which may be an emitter of `abort` with an `aborted`
 * flag: an `AbortController` and its signal cost about as much per attempt as the rest of the
 * sender (bench/README.md).
 */
class Deadline extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

interface Target {
  origin: string;
  path: string;
  /** The host as an IP address when it is one, for the guard. */
  literal: ReturnType<typeof parseIp>;
}

const MAX_CACHED_TARGETS = 10_000;

/**
 * Reads `body` into `kept` up to `cap` bytes, then stops reading (the rest of a large response is
 * neither needed nor wanted). Listeners rather than `for await`, whose iterator costs more per
 * response. Rejects with the stream's error, e.g. the deadline's abort.
 */
function readCapped(body: Readable, cap: number, kept: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      const room = cap - size;
      kept.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= cap) {
        done();
        body.destroy();
        resolve();
      }
    };
    const onEnd = () => {
      done();
      resolve();
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const done = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      // A later error (say, from the destroy above) must not go unhandled.
      body.on('error', () => {});
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

function excerpt(chunks: Buffer[]): string | null {
  return chunks.length === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function findBlocked(error: unknown): BlockedAddressError | null {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof BlockedAddressError) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.find((x) => x instanceof BlockedAddressError);
      if (inner) return inner;
    }
  }
  return null;
}

const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused.',
  ECONNRESET: 'The connection was reset.',
  ENOTFOUND: 'The host name does not resolve.',
  EAI_AGAIN: 'DNS lookup failed temporarily.',
  UND_ERR_CONNECT_TIMEOUT: 'Could not connect in time.',
  UND_ERR_HEADERS_TIMEOUT: 'No response headers in time.',
  UND_ERR_BODY_TIMEOUT: 'The response body stalled.',
  UND_ERR_SOCKET: 'The connection closed unexpectedly.',
};

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known = code ? MESSAGES[code] : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  return known ? `${known} (${code}: ${detail})` : detail;
}
