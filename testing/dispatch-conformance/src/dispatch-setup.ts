import type { DeliveryRecord } from '@hookdesk/storage';

/**
 * What the suite drives of a Hookdesk engine; `Hookdesk` from `@hookdesk/core` has it all. Kept
 * structural because core itself runs this suite: a dependency on core would make the workspace a
 * cycle. The callers' typecheck, passing real engines, keeps it honest.
 */
export interface DispatchEngine {
  ticketCreated(
    ticket: Record<string, unknown>,
    options?: { eventId?: string; createdAt?: string },
  ): Promise<string[]>;
  createWebhook(input: unknown): Promise<{ id: string; key?: string }>;
  updateWebhook(id: string, input: unknown): Promise<unknown>;
  getWebhook(id: string): Promise<{ active: boolean }>;
  getLog(uuid: string): Promise<DeliveryRecord>;
  resend(request: { ids: readonly string[] }): Promise<{ uuid: string; status: string }[]>;
  setActive(active: boolean): Promise<unknown>;
  revealKey(): Promise<{ key: string }>;
  on(
    name: 'delivery.retrying',
    listener: (event: { uuid: string; attempt: number; nextAttemptAt: string }) => void,
  ): unknown;
  on(name: 'webhook.deactivated', listener: (event: { webhookId: string; reason: string }) => void): unknown;
}

/**
 * The engine options each case sets (the suite's defaults, some overridden per case). A factory
 * passes them to every engine it makes, as processes of one deployment share their configuration.
 */
export interface DispatchEngineOptions {
  retrySchedule: readonly number[];
  retryJitter: number;
  random: () => number;
  disableAfterMs: number;
  concurrencyPerWebhook: number;
  timeoutMs: number;
  cacheMs: number;
  pollIntervalMs: number;
  /** The loopback receivers' block, which the SSRF guard refuses otherwise. */
  allowCidrs: readonly string[];
}

/** One deployment on a fresh, empty store and queue. */
export interface DispatchSetup {
  /** Where the suite records events and makes admin calls: the web process. */
  recorder: DispatchEngine;
  /**
   * The engine that processes the queue: `recorder` itself in one process, a worker otherwise.
   * Being another engine, it sees the recorder's writes within `cacheMs`, and the suite waits that
   * long after a change (a webhook, the switch) before counting on it.
   */
  deliverer: DispatchEngine;
  /** Closes the engines, then tidies and closes their store and queue. */
  close(): Promise<void>;
}

/** Opens a fresh deployment whose engines run on `options`, started and ready. */
export type DispatchSetupFactory = (options: DispatchEngineOptions) => Promise<DispatchSetup>;
