/** How the request body reached the adapter. */
export type AdminRequestBody =
  /** The raw body, not read yet: core reads it with the size limit. */
  | { kind: 'stream'; stream: AsyncIterable<Uint8Array> }
  /** A host body parser (`express.json()`, `koa-bodyparser`) already read and parsed it. */
  | { kind: 'parsed'; value: unknown }
  /** A host body parser already read it as bytes or text (`express.raw()`, `express.text()`). */
  | { kind: 'bytes'; value: Uint8Array | string };

/** A request to the admin API as every adapter translates it: framework-neutral. */
export interface AdminHttpRequest {
  method: string;
  /** The path below the mount point, starting with `/`, e.g. `/api/webhooks/abc`. */
  path: string;
  /** The query string without the leading `?`. */
  query: string;
  /** Lowercase header names, as Node's `IncomingMessage.headers`. */
  headers: Record<string, string | string[] | undefined>;
  body: AdminRequestBody;
  /** Scheme, host and port the request was addressed to (`http://127.0.0.1:3000`), for the same-origin rule. */
  origin: string;
  /** The framework's own request (Express `req`, Koa `ctx`), handed to `authorize`. */
  native: unknown;
}

export interface AdminHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** `null` for an empty body (204). */
  body: string | null;
}

/**
 * What `authorize` answers: `true` lets the call through; `false` refuses it with 403; an object
 * picks the status, 401 when no credentials came (the page then asks for them) or 403.
 */
export type AuthorizeResult = boolean | { status: 401 | 403; message?: string };

export type Authorize<Native = unknown> = (request: Native) => AuthorizeResult | Promise<AuthorizeResult>;
