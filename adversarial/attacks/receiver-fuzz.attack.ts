import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { createSignedRequest, VERIFICATION_ERROR_STATUS } from '@hookdesk/receiver-sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { figure } from '../src/figure.js';

// fast-check over the headers and bodies of `POST /webhooks` on the example receiver run as a
// process (`pnpm run build` first): signed and unsigned, well-formed and not, every field of the
// event swapped for any JSON. Issue 11, defect 8: a signed `"ticket": null` was answered 500.

const RECEIVER = fileURLToPath(new URL('../../examples/receiver', import.meta.url));
const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RUNS = 1_000;

let app: ExampleProcess;
beforeAll(async () => {
  app = await startExample(RECEIVER, { HOOKDESK_KEYS: KEY });
});
afterAll(() => app?.stop('SIGKILL'));

interface Answer {
  status: number;
  text: string;
}

function post(body: Uint8Array, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}/webhooks`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    // An early answer (413) may close the socket while the body is still written.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

// What each refusal's message must name.
const NAMES: Record<string, RegExp> = {
  missing_signature: /X-Hookdesk-Signature or webhook-signature header/,
  bad_signature: /webhook-id|numeric webhook-timestamp|No signature of the request verifies/,
  sha1_only_refused: /signed only with X-Hookdesk-Signature/,
  stale_timestamp: /webhook-timestamp is \d+ s/,
  malformed_body: /`[a-z_]+(\.[a-z_]+|\[".*"\])?`|is not JSON|not a JSON object/,
  body_too_large: /larger than \d+ bytes/,
  body_timeout: /within \d+ ms/,
  unsupported_media_type: /Content-Type is/,
  method_not_allowed: /POST/,
  in_progress: /being processed/,
};

/**
 * Whether a 4xx says what was wrong: `{ error, message }` with a known code, answered with that
 * code's status, and a message naming the header, the field (in backticks) or the limit.
 */
function namesWhatWasWrong({ status, text }: Answer): boolean {
  let body: { error?: unknown; message?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  const { error, message } = body;
  if (typeof error !== 'string' || typeof message !== 'string' || !(error in NAMES)) return false;
  const expected =
    error === 'in_progress'
      ? 409
      : VERIFICATION_ERROR_STATUS[error as keyof typeof VERIFICATION_ERROR_STATUS];
  return expected === status && NAMES[error]!.test(message);
}

// Header values HTTP can carry: visible ASCII and Latin-1, spaces and tabs.
const headerText = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const eventName = fc.oneof(
  fc.constantFrom('ticket.created', 'ticket.updated', 'smart_rule.triggered', 'webhook.test'),
  fc.jsonValue(),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
// A ticket nested up to 5,000 deep, built as text: fast-check's own printing would overflow on it.
const deepBody = fc
  .tuple(fc.uuid(), fc.integer({ min: 1, max: 5_000 }))
  .map(([uuid, depth]) =>
    Buffer.from(
      `{"uuid":"${uuid}","event":"ticket.created","created_at":"2026-11-28T08:30:00.000Z","ticket":{"id":1,"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    ),
  );
// An event's fields, each well-formed, any JSON, or missing.
const eventBody = fc.record(
  {
    uuid: fc.oneof(fc.uuid(), fc.jsonValue()),
    event: eventName,
    created_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.jsonValue(),
    ),
    ticket: fc.oneof(fc.record({ id: fc.integer(), subject: fc.string() }), fc.jsonValue()),
    changes: maybe(
      fc.oneof(
        fc.dictionary(fc.string(), fc.record({ old: fc.jsonValue(), new: fc.jsonValue() })),
        fc.jsonValue(),
      ),
    ),
    smart_rule: maybe(fc.oneof(fc.record({ id: fc.string(), name: fc.string() }), fc.jsonValue())),
    webhook: maybe(fc.oneof(fc.record({ id: fc.string(), name: fc.option(fc.string()) }), fc.jsonValue())),
  },
  { requiredKeys: [] },
);
const bodyBytes = fc.oneof(
  deepBody,
  eventBody.map((body) => Buffer.from(JSON.stringify(body))),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? '')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text, 'utf8')),
);
const HEADER_NAMES = [
  'x-hookdesk-signature',
  'webhook-signature',
  'webhook-id',
  'webhook-timestamp',
  'x-hookdesk-attempt',
  'content-type',
] as const;
// Per header of a validly signed request: kept, dropped, or replaced by junk.
const headerPlan = fc.record(
  Object.fromEntries(
    HEADER_NAMES.map((name) => [
      name,
      fc.oneof(
        { arbitrary: fc.constant('keep'), weight: 8 },
        { arbitrary: fc.constant('drop'), weight: 1 },
        { arbitrary: headerText, weight: 1 },
      ),
    ]),
  ) as Record<(typeof HEADER_NAMES)[number], fc.Arbitrary<string>>,
);

// Seconds off the clock: mostly inside the 5-minute tolerance, so signed bodies reach the shape check.
const timestampSkew = fc.oneof(
  { arbitrary: fc.integer({ min: -60, max: 60 }), weight: 4 },
  { arbitrary: fc.integer({ min: -600, max: 600 }), weight: 1 },
);

it('fast-check over receiver headers and bodies: no 5xx, every 4xx names what was wrong', async () => {
  const fiveHundreds: Answer[] = [];
  const unexplained: Answer[] = [];
  const statuses = new Map<number, number>();
  const now = Math.floor(Date.now() / 1000);
  await fc.assert(
    fc.asyncProperty(bodyBytes, headerPlan, timestampSkew, async (body, plan, skew) => {
      const signed = createSignedRequest(body, KEY, { timestamp: now + skew }).headers;
      const headers: Record<string, string> = { 'content-length': String(body.byteLength) };
      for (const [name, value] of Object.entries(signed)) {
        const step = plan[name as keyof typeof plan];
        if (step === undefined || step === 'keep') headers[name] = value;
        else if (step !== 'drop') headers[name] = step;
      }
      const answer = await post(body, headers);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500) fiveHundreds.push(answer);
      else if (answer.status >= 400 && !namesWhatWasWrong(answer)) unexplained.push(answer);
    }),
    { numRuns: RUNS },
  );
  const spread = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
  figure(
    'receiver fuzz: 5xx answers',
    fiveHundreds.length,
    { max: 0 },
    `5xx (of ${RUNS}: ${spread.join(' ')})`,
  );
  figure(
    'receiver fuzz: 4xx without a reason',
    unexplained.length,
    { max: 0 },
    `4xx not naming what was wrong${unexplained[0] ? `, e.g. ${unexplained[0].status} ${unexplained[0].text.slice(0, 120)}` : ''}`,
  );
  // The run reached past the signature check: signed bodies of every shape were tried.
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
});
