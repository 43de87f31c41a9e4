import { describe, expect, it } from 'vitest';
import { compileRule } from '../src/conditions/compile-rule.js';
import type { TicketAnchors } from '../src/conditions/rule-context.js';
import { decideFiring, type FiringState, type MatchKind, matchKind } from '../src/rule-firing.js';

describe('decideFiring', () => {
  it.each<[FiringState, MatchKind, boolean, FiringState, string]>([
    ['armed', 'standing', true, 'fired', 'fire'],
    ['fired', 'standing', false, 'fired', 'stay'],
    ['armed', 'momentary', true, 'armed', 'fire'],
    ['fired', 'momentary', false, 'armed', 'rearm'],
    ['armed', 'none', false, 'armed', 'idle'],
    ['fired', 'none', false, 'armed', 'rearm'],
  ])('%s + %s → fire %s, next %s (%s)', (previous, match, fire, next, transition) => {
    expect(decideFiring(previous, match)).toEqual({ fire, next, transition });
  });

  it('fires once per match period over a run of evaluations', () => {
    const matches: MatchKind[] = [
      'none',
      'standing',
      'standing',
      'none',
      'standing',
      'momentary',
      'momentary',
      'none',
    ];
    let state: FiringState = 'armed';
    const fired: number[] = [];
    matches.forEach((m, i) => {
      const d = decideFiring(state, m);
      if (d.fire) fired.push(i);
      state = d.next;
    });
    // Fires entering the first standing match, entering the second; the momentary match at 5
    // continues the standing one (no fire) and re-arms, so the change at 6 fires.
    expect(fired).toEqual([1, 4, 6]);
  });
});

describe('matchKind', () => {
  const anchors: TicketAnchors = { createdAt: null, updatedAt: null, statusChangedAt: null, dueAt: null };
  const ticket = { status: 'pending', priority: 'urgent' };
  const changes = { status: { old: 'open', new: 'pending' } };
  const kind = (
    conditions: Parameters<typeof compileRule>[0]['conditions'],
    ch: typeof changes | undefined,
  ) => {
    const rule = compileRule({ categories: [], workSchedule: null, conditions });
    return matchKind(rule, rule.at(0), ticket, anchors, ch);
  };
  it.each<[string, Parameters<typeof compileRule>[0]['conditions'], typeof changes | undefined, MatchKind]>([
    [
      'field match is standing',
      { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      changes,
      'standing',
    ],
    [
      'change-only match is momentary',
      { all: [{ field: 'status', op: 'changed_to', value: 'pending' }] },
      changes,
      'momentary',
    ],
    [
      'change without the change is none',
      { all: [{ field: 'status', op: 'changed_to', value: 'pending' }] },
      undefined,
      'none',
    ],
    [
      'an any with a holding field is standing',
      {
        any: [
          { field: 'status', op: 'changed' },
          { field: 'priority', op: 'is', value: 'urgent' },
        ],
      },
      changes,
      'standing',
    ],
    ['no match is none', { all: [{ field: 'priority', op: 'is', value: 'low' }] }, changes, 'none'],
  ])('%s', (_label, conditions, ch, expected) => {
    expect(kind(conditions, ch)).toBe(expected);
  });
});
