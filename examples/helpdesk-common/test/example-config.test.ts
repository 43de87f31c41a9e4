import { parseDuration, parseDurationList } from '@hookdesk/core';
import { describe, expect, it } from 'vitest';
import { readExampleConfig } from '../src/example-config.js';

const defaults = { port: 3000, dataDir: '/tmp/hookdesk-example' };

describe('parseDuration', () => {
  it('puts the queue on the store’s PostgreSQL when there is no HOOKDESK_REDIS_URL', () => {
    const env = { HOOKDESK_QUEUE: 'bullmq', HOOKDESK_STORE: 'postgres://127.0.0.1/test' };
    expect(readExampleConfig(env, defaults).bullmqQueueUrl).toBe('postgres://127.0.0.1/test');
    const redis = { ...env, HOOKDESK_REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(readExampleConfig(redis, defaults).bullmqQueueUrl).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['250', 250],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text, 'X')).toBe(ms);
  });

  it('names the variable and the accepted forms', () => {
    expect(() => parseDuration('soon', 'HOOKDESK_SWEEP_INTERVAL')).toThrow(
      'HOOKDESK_SWEEP_INTERVAL: "soon" is not a duration. Write it like 500ms, 5s, 1m, 2h or 1d.',
    );
    expect(() => parseDurationList(',', 'HOOKDESK_RETRY_SCHEDULE')).toThrow(
      /HOOKDESK_RETRY_SCHEDULE is empty/,
    );
  });
});

describe('readExampleConfig', () => {
  it('applies the docs/examples.md defaults', () => {
    const config = readExampleConfig({}, defaults);
    expect(config).toMatchObject({
      port: 3000,
      dataDir: '/tmp/hookdesk-example',
      storeUrl: undefined,
      adminTokenGenerated: true,
      allowPrivateNetworks: false,
      retrySchedule: undefined,
      sweepIntervalMs: 60_000,
      bullmqQueueUrl: undefined,
    });
    expect(config.adminToken.length).toBeGreaterThanOrEqual(20);
  });

  it('reads every variable', () => {
    const config = readExampleConfig(
      {
        PORT: '0',
        HOOKDESK_DATA_DIR: '/var/tmp/hd',
        HOOKDESK_STORE: 'redis://127.0.0.1:6379',
        HOOKDESK_ADMIN_TOKEN: 'secret',
        HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
        HOOKDESK_RETRY_SCHEDULE: '1s,2s,5s',
        HOOKDESK_SWEEP_INTERVAL: '1s',
        HOOKDESK_QUEUE: 'bullmq',
        HOOKDESK_REDIS_URL: 'redis://127.0.0.1:6380',
      },
      defaults,
    );
    expect(config).toEqual({
      port: 0,
      dataDir: '/var/tmp/hd',
      storeUrl: 'redis://127.0.0.1:6379',
      adminToken: 'secret',
      adminTokenGenerated: false,
      allowPrivateNetworks: true,
      retrySchedule: [1000, 2000, 5000],
      sweepIntervalMs: 1000,
      bullmqQueueUrl: 'redis://127.0.0.1:6380',
    });
  });

  it('takes the queue to the store when both are Redis', () => {
    const env = { HOOKDESK_QUEUE: 'bullmq', HOOKDESK_STORE: 'redis://127.0.0.1:6379' };
    expect(readExampleConfig(env, defaults).bullmqQueueUrl).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: "eighty" is not a port number/],
    [{ PORT: '70000' }, /PORT/],
    [{ HOOKDESK_STORE: 'mysql://x' }, /HOOKDESK_STORE: "mysql:\/\/x" is not a store URL/],
    [{ HOOKDESK_ALLOW_PRIVATE_NETWORKS: 'yes' }, /HOOKDESK_ALLOW_PRIVATE_NETWORKS: "yes"/],
    [{ HOOKDESK_RETRY_SCHEDULE: '1s,soon' }, /HOOKDESK_RETRY_SCHEDULE: "soon"/],
    [{ HOOKDESK_QUEUE: 'sqs' }, /HOOKDESK_QUEUE: "sqs" is not a queue/],
    [{ HOOKDESK_QUEUE: 'bullmq' }, /HOOKDESK_QUEUE=bullmq needs HOOKDESK_STORE/],
    [
      {
        HOOKDESK_QUEUE: 'bullmq',
        HOOKDESK_STORE: 'postgres://127.0.0.1/test',
        HOOKDESK_REDIS_URL: 'http://x',
      },
      /HOOKDESK_REDIS_URL: "http:\/\/x" is not a Redis URL/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readExampleConfig(env, defaults)).toThrow(message);
  });
});
