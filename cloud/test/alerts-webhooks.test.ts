import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertEvent } from '../src/alerts/alert-schemas.ts';
import { WebhookNotifier } from '../src/alerts/webhook-notifier.ts';
import { silentLogger } from '../src/shared/logger.ts';

const event = (n: number): AlertEvent => ({
  type: 'opened',
  at: '2026-11-23T08:00:00.000Z',
  alert: { id: `a-${n}`, rule: 'r', rule_kind: 'threshold', severity: 'warning', device: 'aq-1', state: 'open', message: 'm', opened_at: '2026-11-23T08:00:00.000Z' },
});

/** A receiver answering `status` to everything; `hold` keeps requests unanswered until released. */
async function receiver(status: number, hold = false) {
  const ids: string[] = [];
  const waiting: (() => void)[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    ids.push((JSON.parse(body) as AlertEvent).alert.id);
    if (hold) await new Promise<void>((resolve) => waiting.push(resolve));
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    ids,
    held: () => waiting.length,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('webhook notifier', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('gives an event up after maxAttempts, counts every attempt, and goes on with the next event', async () => {
    const failing = await receiver(503);
    cleanup.push(failing.close);
    const notifier = new WebhookNotifier({ backoffMs: 5, maxAttempts: 3 }, silentLogger());
    cleanup.push(() => notifier.stop());
    notifier.notify([failing.url], event(1));
    notifier.notify([failing.url], event(2));
    await vi.waitFor(() => expect(notifier.stats()[failing.url]).toMatchObject({ attempts: 6, given_up: 2, queued: 0 }));
    expect(failing.ids).toEqual(['a-1', 'a-1', 'a-1', 'a-2', 'a-2', 'a-2']);
    expect(notifier.stats()[failing.url]).toMatchObject({ delivered: 0, failed_attempts: 6, last_status: 503, last_error: 'HTTP 503' });
  });

  it('a receiver that hangs or refuses connections blocks nobody else; its queue is bounded', async () => {
    const hanging = await receiver(200, true);
    const healthy = await receiver(204);
    cleanup.push(hanging.close, healthy.close);
    const refused = await receiver(200);
    await refused.close();
    const notifier = new WebhookNotifier({ backoffMs: 10_000, maxQueued: 2 }, silentLogger());
    cleanup.push(() => notifier.stop());
    for (const n of [1, 2, 3, 4]) {
      notifier.notify([hanging.url, refused.url, healthy.url], event(n));
      await vi.waitFor(() => expect(healthy.ids).toHaveLength(n));
    }
    expect(healthy.ids).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    await vi.waitFor(() => expect(notifier.stats()[refused.url]).toMatchObject({ attempts: 1, failed_attempts: 1 }));
    expect(hanging.held()).toBe(1);
    // One in flight (a-1) and the two newest waiting; a-2 was dropped to keep the bound.
    expect(notifier.stats()[hanging.url]).toMatchObject({ attempts: 1, dropped: 1, queued: 3 });
    expect(notifier.stats()[healthy.url]).toMatchObject({ attempts: 4, delivered: 4, last_status: 204 });
  });
});
