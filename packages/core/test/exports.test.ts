import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/core exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'AdminHandlerOptions',
      'AdminSource',
      'Authorize',
      'Clock',
      'ConflictError',
      'DeliveryHandler',
      'DeliveryQueue',
      'ExtensionAdminRoute',
      'ExtensionContext',
      'Hookdesk',
      'HookdeskError',
      'HookdeskEventMap',
      'HookdeskExtension',
      'HookdeskOptions',
      'Logger',
      'NotFoundError',
      'Resolver',
      'SelectedTicket',
      'SerialByKey',
      'Settings',
      'TicketEvent',
      'TicketEventErrorHandler',
      'TicketEventListener',
      'TicketEventName',
      'TicketEventOptions',
      'TicketEventTarget',
      'TicketUpdateOptions',
      'TimerHandle',
      'ValidationError',
      'Webhook',
      'WebhookWithHealth',
      'bearerToken',
      'buildOpenApiDocument',
      'createAdminHandler',
      'createHookdesk',
      'isSuccessStatus',
      'parseDuration',
      'parseDurationList',
      'parseInput',
      'recordTicketEvent',
      'reportTicketEventError',
      'targetUrlSchema',
    ]);
  }, 30_000);

  it('each of them documented in the README', () => {
    expect(
      undocumentedExports(
        new URL('../src/index.ts', import.meta.url),
        new URL('../README.md', import.meta.url),
      ),
    ).toEqual([]);
  }, 30_000);
});
