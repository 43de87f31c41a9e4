import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from '../src/keyed-limiter.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLimiter', () => {
  it('bounds holders per key and hands slots to waiters in order', async () => {
    const limiter = new KeyedLimiter(2);
    const r1 = await limiter.acquire('w');
    const r2 = await limiter.acquire('w');
    const other = await limiter.acquire('v');
    const order: number[] = [];
    const third = limiter.acquire('w').then((release) => {
      order.push(3);
      return release;
    });
    const fourth = limiter.acquire('w').then((release) => {
      order.push(4);
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    expect(limiter.active('w')).toBe(2);
    r1();
    r1(); // a second release is ignored
    await tick();
    expect(order).toEqual([3]);
    r2();
    await tick();
    expect(order).toEqual([3, 4]);
    (await third)();
    (await fourth)();
    other();
    expect(limiter.active('w')).toBe(0);
  });
});
