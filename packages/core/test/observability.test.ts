import { until } from '@hookdesk/test-support';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { expect, it } from 'vitest';
import type { Logger } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function collected(reader: TestReader) {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      out.set(
        metric.descriptor.name,
        metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
      );
    }
  }
  return out;
}

it('records deliveries, attempts and latency as OpenTelemetry metrics', async () => {
  const reader = new TestReader();
  const { hookdesk, storage } = await harness({ meterProvider: new MeterProvider({ readers: [reader] }) });
  const r = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
  await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
  const [a] = await hookdesk.ticketCreated({ id: 1 });
  await until(async () => (await storage.log.get(a as string))?.attemptCount === 1, 'first attempt');
  const [b] = await hookdesk.ticketCreated({ id: 2 });
  await until(async () => (await storage.log.get(b as string))?.status === 'succeeded', 'second delivered');

  const metrics = await collected(reader);
  expect(metrics.get('hookdesk.deliveries')).toEqual([{ attributes: { event: 'ticket.created' }, value: 2 }]);
  expect(metrics.get('hookdesk.attempts')).toEqual(
    expect.arrayContaining([
      { attributes: { event: 'ticket.created', outcome: 'retrying' }, value: 1 },
      { attributes: { event: 'ticket.created', outcome: 'succeeded' }, value: 1 },
    ]),
  );
  const latency = metrics.get('hookdesk.attempt.duration') ?? [];
  expect(latency.map((p) => (p.value as { count: number }).count).reduce((x, y) => x + y, 0)).toBe(2);
});

it('never logs a key', async () => {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(
      JSON.stringify(args, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
    );
  };
  const logger: Logger = { debug: capture, info: capture, warn: capture, error: capture };
  const { hookdesk, storage } = await harness({ logger });
  const ok = await receiver();
  const failing = await receiver({ respond: { status: 410 } });
  await hookdesk.createWebhook({ url: ok.url, events: ['ticket.created'], key: 'generate' });
  await hookdesk.createWebhook({ url: failing.url, events: ['ticket.created'] });
  await hookdesk.rotateKey();
  const uuids = await hookdesk.ticketCreated({ id: 1 });
  for (const uuid of uuids) {
    await until(async () => (await storage.log.get(uuid))?.status !== 'pending', 'finished');
  }
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.join('\n')).not.toContain('whsec_');
});

it('counts deliveries failed unsent, by event and reason', async () => {
  const reader = new TestReader();
  const { hookdesk, storage } = await harness({
    meterProvider: new MeterProvider({ readers: [reader] }),
    maxBodyBytes: 2048,
  });
  const r = await receiver({ respond: { status: 500 } });
  const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
  await hookdesk.ticketCreated({ id: 1, text: 'x'.repeat(4096) });
  const [sent] = (await hookdesk.ticketCreated({ id: 2 })) as [string];
  await until(async () => (await storage.log.get(sent))?.attemptCount === 1, 'first attempt');
  await hookdesk.deleteWebhook(webhook.id);
  await hookdesk.resend({ ids: [sent] });
  await until(async () => (await storage.log.get(sent))?.error !== undefined, 'resend dropped');

  const metrics = await collected(reader);
  expect(metrics.get('hookdesk.deliveries.dropped')).toEqual(
    expect.arrayContaining([
      { attributes: { event: 'ticket.created', reason: 'body_too_large' }, value: 1 },
      { attributes: { event: 'ticket.created', reason: 'webhook_deleted' }, value: 1 },
    ]),
  );
  expect(metrics.get('hookdesk.deliveries')).toEqual([{ attributes: { event: 'ticket.created' }, value: 2 }]);
});
