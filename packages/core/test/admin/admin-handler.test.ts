import { describe, expect, it } from 'vitest';
import type { AdminHttpRequest } from '../../src/admin/admin-http.js';
import type { AdminOperations } from '../../src/admin/admin-operations.js';
import { createAdminHandler } from '../../src/index.js';

function recordingLogger() {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  return {
    lines,
    warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => lines.push({ level: 'error', obj, msg }),
  };
}

const get = (path: string): AdminHttpRequest => ({
  method: 'GET',
  path,
  query: '',
  headers: {},
  body: { kind: 'parsed', value: undefined },
  origin: 'http://127.0.0.1:3000',
  native: null,
});

describe('createAdminHandler', () => {
  it('throws a TypeError that says how to fix a mount without authorize', () => {
    expect(() => createAdminHandler({} as AdminOperations, {})).toThrow(
      /needs an `authorize` option[\s\S]*`insecure: true`/,
    );
    expect(() => createAdminHandler({} as AdminOperations, { authorize: 'yes' as never })).toThrow(
      '`authorize` must be a function',
    );
    expect(() => createAdminHandler({} as AdminOperations, { insecure: true, bodyLimit: -1 })).toThrow(
      '`bodyLimit`',
    );
  });

  it('warns when mounted insecure', () => {
    const logger = recordingLogger();
    createAdminHandler({} as AdminOperations, { insecure: true, logger });
    expect(logger.lines).toEqual([{ level: 'warn', obj: {}, msg: expect.stringMatching(/insecure: true/) }]);
  });

  it('answers an unexpected failure with a 500 that hides the cause, and logs the cause', async () => {
    const logger = recordingLogger();
    const failure = new Error('ECONNRESET at 10.0.0.7: password=hunter2');
    const ops = { getSettings: async () => Promise.reject(failure) } as unknown as AdminOperations;
    const handle = createAdminHandler(ops, { authorize: () => true, logger });
    const response = await handle(get('/api/settings'));
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(JSON.parse(response.body!)).toEqual({
      error: {
        code: 'internal_error',
        message: expect.stringMatching(/server log has the cause/),
        details: [],
      },
    });
    expect(logger.lines).toEqual([{ level: 'error', obj: { err: failure }, msg: expect.any(String) }]);
  });

  it('calls authorize before anything else, with the native request', async () => {
    const seen: unknown[] = [];
    const handle = createAdminHandler({} as AdminOperations, {
      authorize: (native) => {
        seen.push(native);
        return { status: 401 };
      },
    });
    const response = await handle({ ...get('/api/nothing'), native: 'the request' });
    expect(response.status).toBe(401);
    expect(seen).toEqual(['the request']);
  });
});
