import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/wire exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'DEFAULT_MAX_BODY_BYTES',
      'EVENT_TYPES',
      'EventBody',
      'EventType',
      'FieldChange',
      'HEADER_ATTEMPT',
      'HEADER_EVENT',
      'HEADER_SIGNATURE',
      'HEADER_UUID',
      'HEADER_WEBHOOK_ID',
      'HEADER_WEBHOOK_SIGNATURE',
      'HEADER_WEBHOOK_TIMESTAMP',
      'KEY_PREFIX',
      'MAX_KEY_BYTES',
      'MIN_KEY_BYTES',
      'RESERVED_HEADERS',
      'SignedHeadersInput',
      'SmartRuleTriggeredBody',
      'Ticket',
      'TicketChanges',
      'TicketCreatedBody',
      'TicketUpdatedBody',
      'WEBHOOK_EVENT_TYPES',
      'WebhookEventType',
      'WebhookTestBody',
      'computeChanges',
      'constantTimeEqual',
      'encodeEventBody',
      'generateKey',
      'isEventType',
      'keyPreview',
      'keyProblem',
      'sha1SignatureMatches',
      'signSha1',
      'signStandard',
      'signStandardAll',
      'signedHeaders',
      'standardSecret',
    ]);
  }, 30_000);

  it('every exported name is in the README', () => {
    expect(
      undocumentedExports(
        new URL('../src/index.ts', import.meta.url),
        new URL('../README.md', import.meta.url),
      ),
    ).toEqual([]);
  }, 30_000);
});
