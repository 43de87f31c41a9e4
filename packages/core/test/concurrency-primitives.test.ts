import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from '../src/keyed-limiter.js';
import { SharedExclusiveLock } from '../src/shared-exclusive-lock.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedExclusiveLock', () => {
  it('runs shared holders together and an exclusive one alone, in arrival order', async () => {
    const lock = new SharedExclusiveLock();
    const log: string[] = [];
    const gate = (name: string) => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return {
        open,
        run: async () => {
          log.push(`start ${name}`);
          await opened;
          log.push(`end ${name}`);
        },
      };
    };
    const a = gate('a');
    const b = gate('b');
    const x = gate('x');
    const c = gate('c');
    const runs = [lock.shared(a.run), lock.shared(b.run), lock.exclusive(x.run), lock.shared(c.run)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    a.open();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a']);
    b.open();
    await tick();
    expect(log.slice(3)).toEqual(['end b', 'start x']);
    x.open();
    c.open();
    await Promise.all(runs);
    expect(log.slice(5)).toEqual(['end x', 'start c', 'end c']);
  });

  it('releases on a throw', async () => {
    const lock = new SharedExclusiveLock();
    await expect(
      lock.exclusive(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(lock.exclusive(async () => 1)).resolves.toBe(1);
  });
});

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
