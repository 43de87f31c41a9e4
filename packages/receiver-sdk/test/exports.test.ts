import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/receiver-sdk exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'ClaimResult',
      'DedupStore',
      'DedupStoreInput',
      'DedupUnavailableError',
      'EventHandler',
      'EventHandlers',
      'EventOf',
      'HandlerError',
      'HeadersInput',
      'HookdeskEvent',
      'KeyRing',
      'KeyvDedupStore',
      'KeyvDedupStoreOptions',
      'MemoryDedupStore',
      'MemoryDedupStoreOptions',
      'ProcessOutcome',
      'Receiver',
      'ReceiverOptions',
      'ReceiverRequest',
      'ReceiverResponse',
      'RedisDedupStore',
      'RedisDedupStoreOptions',
      'ResolveDedupStoreOptions',
      'SignedRequest',
      'SignedRequestOptions',
      'SmartRuleTriggeredEvent',
      'TicketCreatedEvent',
      'TicketUpdatedEvent',
      'VERIFICATION_ERROR_STATUS',
      'VerificationErrorCode',
      'VerifyOptions',
      'WebhookTestEvent',
      'WebhookVerificationError',
      'bodyTimeout',
      'bodyTooLarge',
      'captureRawBody',
      'createReceiver',
      'createSignedRequest',
      'expressReceiver',
      'fetchReceiver',
      'keyRing',
      'koaReceiver',
      'nodeReceiver',
      'resolveDedupStore',
      'verify',
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
