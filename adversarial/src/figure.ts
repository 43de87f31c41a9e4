import { expect } from 'vitest';

/** A bound an attack's figure must hold: at most `max`, at least `min`, or both. */
export interface Bound {
  max?: number;
  min?: number;
}

/**
 * Prints one attack's figure as `attack <name>: <value> <unit> (bound …)` and fails the test when
 * the figure breaks its bound. Every attack reports through this, so the run's output is the table.
 * @example figure('replay after the window', processedAgain, { max: 0 }, 'processed again');
 */
export function figure(name: string, value: number, bound: Bound, unit = ''): void {
  const limits = [
    bound.min === undefined ? null : `≥ ${bound.min}`,
    bound.max === undefined ? null : `≤ ${bound.max}`,
  ].filter((part) => part !== null);
  if (limits.length === 0) throw new TypeError('`bound` needs `min`, `max` or both.');
  const held =
    (bound.min === undefined || value >= bound.min) && (bound.max === undefined || value <= bound.max);
  console.log(
    `attack ${name}: ${value}${unit ? ` ${unit}` : ''} (bound ${limits.join(', ')}) ${held ? 'held' : 'BROKEN'}`,
  );
  expect(held, `${name}: ${value} ${unit} breaks its bound ${limits.join(', ')}`).toBe(true);
}
