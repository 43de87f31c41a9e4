import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeWithService, reachable, serviceGate } from '../src/services.js';

async function closedPortUrl(scheme: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `${scheme}://127.0.0.1:${port}`;
}

describe('service gate', () => {
  const ci = process.env.CI;
  afterEach(() => {
    process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('runs when the service answers', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await reachable(`redis://127.0.0.1:${port}`, 6379)).toBe(true);
      expect(await serviceGate('redis', `redis://127.0.0.1:${port}`)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('skips with a printed reason locally when the service is missing', async () => {
    process.env.CI = '';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const url = await closedPortUrl('postgres');
    expect(await serviceGate('postgres', url)).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      `Skipping the postgres tests: nothing answers at ${url}. Start postgres to run them.`,
    );
  });

  it('fails under CI=true when the service is missing', async () => {
    process.env.CI = 'true';
    const url = await closedPortUrl('redis');
    await expect(serviceGate('redis', url)).rejects.toThrow(`CI=true but redis is not answering at ${url}`);
  });

  it('hands back describe when the service answers, describe.skip when not (locally)', async () => {
    process.env.CI = '';
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = Object.assign(() => {}, { skip: () => {} });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await describeWithService('redis', fake, `redis://127.0.0.1:${port}`)).toBe(fake);
    } finally {
      server.close();
    }
    expect(await describeWithService('redis', fake, await closedPortUrl('redis'))).toBe(fake.skip);
  });
});
