import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSignedRequest, verify, WebhookVerificationError } from '../src/index.js';
import { OTHER_KEY, WIRE_KEY } from './fixtures.js';

const NOW = 1_795_854_605_000;
const options = { now: () => NOW };
const timestamp = NOW / 1000;

const headerName = fc.constantFrom(
  'x-hookdesk-signature',
  'webhook-signature',
  'webhook-id',
  'webhook-timestamp',
  'x-hookdesk-attempt',
  'content-type',
);
const junkHeaders = fc.dictionary(headerName, fc.oneof(fc.string({ unit: 'binary' }), fc.string()), {
  maxKeys: 6,
});
const unicodeBody = fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text, 'utf8'));
const jsonBody = fc
  .record({ uuid: fc.string({ unit: 'binary', minLength: 1 }), subject: fc.string({ unit: 'binary' }) })
  .map(({ uuid, subject }) =>
    Buffer.from(
      JSON.stringify({
        uuid,
        event: 'ticket.created',
        created_at: '2026-11-28T08:30:00.000Z',
        ticket: { subject },
      }),
    ),
  );

function outcome(run: () => unknown): 'ok' | string {
  try {
    run();
    return 'ok';
  } catch (error) {
    // Anything but a WebhookVerificationError is a crash.
    if (!(error instanceof WebhookVerificationError)) throw error;
    return error.code;
  }
}

describe('verify under fast-check', () => {
  it('arbitrary bodies with junk headers never crash and never pass', () => {
    fc.assert(
      fc.property(unicodeBody, junkHeaders, (body, headers) => {
        expect(outcome(() => verify(body, headers, [WIRE_KEY, OTHER_KEY], options))).not.toBe('ok');
      }),
      { numRuns: 500 },
    );
  });

  it('validly signed Unicode bodies pass by either scheme, and decode to the same text', () => {
    fc.assert(
      fc.property(jsonBody, fc.boolean(), (body, useStandard) => {
        const { headers } = createSignedRequest(body, [WIRE_KEY], { timestamp });
        if (useStandard) delete headers['x-hookdesk-signature'];
        else delete headers['webhook-signature'];
        const event = verify(body, headers, [OTHER_KEY, WIRE_KEY], { ...options, acceptSha1Only: true });
        expect(event.uuid).toBe(JSON.parse(body.toString('utf8')).uuid);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid signature over different bytes, or under another key, never passes', () => {
    fc.assert(
      fc.property(jsonBody, unicodeBody, junkHeaders, (body, other, junk) => {
        fc.pre(!body.equals(other));
        const { headers } = createSignedRequest(body, [WIRE_KEY], { timestamp });
        expect(outcome(() => verify(other, { ...junk, ...headers }, [WIRE_KEY], options))).not.toBe('ok');
        expect(outcome(() => verify(body, { ...junk, ...headers }, [OTHER_KEY], options))).not.toBe('ok');
      }),
      { numRuns: 300 },
    );
  });

  it('with webhook-signature there, it alone decides: a valid sha1 beside it never passes a forged one', () => {
    fc.assert(
      fc.property(jsonBody, fc.string({ unit: 'binary' }), fc.boolean(), (body, standard, optedIn) => {
        const { headers } = createSignedRequest(body, [WIRE_KEY], { timestamp });
        fc.pre(!standard.split(' ').includes(headers['webhook-signature']!));
        const result = outcome(() =>
          verify(body, { ...headers, 'webhook-signature': standard }, [WIRE_KEY], {
            ...options,
            acceptSha1Only: optedIn,
          }),
        );
        expect(result).toBe('bad_signature');
      }),
      { numRuns: 300 },
    );
  });

  it('signature headers with arbitrary junk appended or prefixed never crash', () => {
    fc.assert(
      fc.property(
        jsonBody,
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (body, before, after) => {
          const { headers } = createSignedRequest(body, [WIRE_KEY], { timestamp });
          const mangled = {
            ...headers,
            'x-hookdesk-signature': before + headers['x-hookdesk-signature'] + after,
            'webhook-signature': `${before}${headers['webhook-signature']}${after}`,
          };
          const result = outcome(() =>
            verify(body, mangled, [WIRE_KEY], { ...options, acceptSha1Only: true }),
          );
          // Junk that leaves one space-separated v1 signature intact is still a valid signature; the
          // sha1 beside it does not count, intact or not.
          const intact = mangled['webhook-signature'].split(' ').includes(headers['webhook-signature']!);
          expect(result === 'ok').toBe(intact);
        },
      ),
      { numRuns: 300 },
    );
  });
});
