import type { ExtensionAdminRoute } from '@hookdesk/core';

/** The parts of a Hookdesk engine the contract suite drives directly (as a host app would). */
export interface ContractEngine {
  ticketCreated(ticket: Record<string, unknown>): Promise<unknown>;
  ticketUpdated(
    ticket: Record<string, unknown>,
    options?: { previous?: Record<string, unknown> | null },
  ): Promise<unknown>;
  /** The admin routes installed extensions add (smart rules'). */
  adminRoutes?(): readonly ExtensionAdminRoute[];
}

export interface ContractHookdesk {
  engine: ContractEngine;
  close(): Promise<void>;
}

export interface AdminAppOptions {
  engine: ContractEngine;
  /** Where the admin API is mounted. */
  mountPath: string;
  /** Mount with this `authorize` (receives the framework's request); omit it to test the TypeError. */
  authorize?: (native: unknown) => boolean | { status: 401 | 403; message?: string } | Promise<unknown>;
  insecure?: boolean;
  bodyLimit?: number;
  /** Mount the framework's usual JSON body parser before Hookdesk, as many hosts do. */
  hostJsonParser?: boolean;
  /** Failure reports of the ticket hooks. */
  onTicketEventError?: (error: unknown) => void;
}

/**
 * One framework's adapter under test. `start` mounts the admin API and these host routes, and
 * listens on 127.0.0.1 port 0:
 * - `POST /tickets?status=NNN`: answers NNN with the JSON body as the ticket; the
 *   `ticket.created` hook selects the response body;
 * - `PATCH /tickets/:id?status=NNN`: answers NNN with `{ id, ...body }`; the `ticket.updated` hook
 *   selects it with `previous: { id, status: 'open' }`;
 * - `POST /tickets/explode`: the route throws; the host's own error handler answers 500
 *   `{ "host": "error" }`.
 */
export interface AdminAdapterFactory {
  name: string;
  start(options: AdminAppOptions): Promise<{ url: string; close(): Promise<void> }>;
}

/** Which storage an engine of the suite runs on: `memory` unless a case needs the embedded store. */
export type ContractStore = 'memory' | 'embedded';

export interface AdminContractHarness {
  /**
   * A fresh engine on fresh storage (in memory unless `store` says) that may reach loopback
   * receivers, with smart rules installed unless `smartRules: false`.
   */
  createHookdesk(options?: { store?: ContractStore; smartRules?: boolean }): Promise<ContractHookdesk>;
}
