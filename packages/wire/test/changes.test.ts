import { describe, expect, it } from 'vitest';
import { computeChanges } from '../src/index.js';

describe('computeChanges', () => {
  it.each([
    [{ status: 'open' }, { status: 'closed' }, { status: { old: 'open', new: 'closed' } }],
    [{ status: 'open' }, { status: 'open' }, {}],
    [{ tags: ['a'] }, { tags: ['a'] }, {}],
    [{ tags: ['a'] }, { tags: ['a', 'b'] }, { tags: { old: ['a'], new: ['a', 'b'] } }],
    [{}, { assignee: 'kim' }, { assignee: { old: null, new: 'kim' } }],
    [{ assignee: 'kim' }, {}, { assignee: { old: 'kim', new: null } }],
    [
      { custom: { plan: 'pro' } },
      { custom: { plan: 'free' } },
      { custom: { old: { plan: 'pro' }, new: { plan: 'free' } } },
    ],
  ])('%j → %j', (previous, current, expected) => {
    expect(computeChanges(previous, current)).toEqual(expected);
  });
});
