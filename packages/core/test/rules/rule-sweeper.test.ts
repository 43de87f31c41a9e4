import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTicketEvent, type SweepRule, sweepRules } from '../../src/rules/rule-sweeper.js';
import { nextTicketState, type TicketState } from '../../src/rules/ticket-index.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-30T10:00:00Z');

const stale: SweepRule = {
  id: 'stale',
  active: true,
  categories: [],
  workSchedule: null,
  conditions: {
    all: [
      { field: 'status', op: 'is', value: 'pending' },
      { time: 'since_updated', op: 'gt', hours: 24, clock: 'calendar' },
    ],
  },
};
const urgent: SweepRule = {
  id: 'urgent',
  active: true,
  categories: [],
  workSchedule: null,
  conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
};
const toPending: SweepRule = {
  id: 'to-pending',
  active: true,
  categories: [],
  workSchedule: null,
  conditions: { all: [{ field: 'status', op: 'changed_to', value: 'pending' }] },
};

/** A tiny in-memory engine around the pure functions: what the real engine does with storage. */
function harness(rules: SweepRule[]) {
  const fired = new Map<string, Set<string>>();
  const states = new Map<string, TicketState>();
  const sent: string[] = [];
  const apply = (out: ReturnType<typeof sweepRules>, when: string) => {
    for (const f of out.fire) {
      sent.push(`${when}:${f.ruleId}:${f.ticketId}`);
      if (f.hold) {
        if (!fired.has(f.ruleId)) fired.set(f.ruleId, new Set());
        fired.get(f.ruleId)?.add(f.ticketId);
      }
    }
    for (const r of out.rearm) fired.get(r.ruleId)?.delete(r.ticketId);
  };
  return {
    sent,
    event(
      type: 'ticket.created' | 'ticket.updated',
      ticket: Record<string, unknown>,
      at: number,
      changes?: Record<string, { old: unknown; new: unknown }>,
    ) {
      const state = nextTicketState(states.get(String(ticket.id)), {
        type,
        ticket,
        changes,
        at,
      }) as TicketState;
      states.set(state.id, state);
      apply(
        evaluateTicketEvent(rules, state, changes, at, (id) => fired.get(id)),
        `event@${(at - T0) / H}h`,
      );
    },
    sweep(now: number) {
      apply(
        sweepRules(rules, [...states.values()], now, (id) => fired.get(id)),
        `sweep@${(now - T0) / H}h`,
      );
    },
  };
}

describe('sweepRules and evaluateTicketEvent', () => {
  it('fire once per match period, re-arm when the ticket stops matching, fire per change event', () => {
    const h = harness([stale, urgent, toPending]);
    h.event('ticket.created', { id: 1, status: 'pending', priority: 'urgent' }, T0);
    h.sweep(T0 + 12 * H);
    h.sweep(T0 + 25 * H); // 25 h without update: stale fires
    h.sweep(T0 + 26 * H); // still matching: nothing
    h.event('ticket.updated', { id: 1, status: 'open', priority: 'urgent' }, T0 + 27 * H, {
      status: { old: 'pending', new: 'open' },
    });
    h.event('ticket.updated', { id: 1, status: 'pending', priority: 'urgent' }, T0 + 28 * H, {
      status: { old: 'open', new: 'pending' },
    });
    h.event('ticket.updated', { id: 1, status: 'pending', priority: 'urgent' }, T0 + 29 * H, {
      status: { old: 'pending', new: 'pending' },
    });
    h.sweep(T0 + 40 * H); // 11 h since the last update: not yet
    h.sweep(T0 + 54 * H); // 25 h: stale fires again
    expect(h.sent).toEqual([
      'event@0h:urgent:1',
      'sweep@25h:stale:1',
      'event@28h:to-pending:1',
      'event@29h:to-pending:1',
      'sweep@54h:stale:1',
    ]);
  });

  it('skips inactive rules and rules without time conditions on sweeps', () => {
    const h = harness([{ ...stale, active: false }, urgent]);
    h.event('ticket.created', { id: 1, status: 'pending', priority: 'low' }, T0);
    h.sweep(T0 + 48 * H);
    expect(h.sent).toEqual([]);
  });

  it('a sweep decides as evaluateTicketEvent does without changes', () => {
    const rules: SweepRule[] = [
      stale,
      {
        ...stale,
        id: 'soon',
        conditions: { all: [{ time: 'since_created', op: 'lt', hours: 5, clock: 'calendar' }] },
      },
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 30 }),
            status: fc.constantFrom('pending', 'open'),
            age: fc.integer({ min: 0, max: 60 }),
          }),
          { maxLength: 30 },
        ),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 60 }),
        (rows, firedIds, hour) => {
          const states = new Map<string, TicketState>();
          for (const r of rows) {
            const s = nextTicketState(undefined, {
              type: 'ticket.created',
              ticket: { id: r.id, status: r.status },
              at: T0 - r.age * H,
            });
            if (s) states.set(s.id, s);
          }
          const fired = new Set(firedIds.map(String));
          const lookup = () => fired;
          const now = T0 + hour * H;
          const sweep = sweepRules(rules, [...states.values()], now, lookup);
          const viaEvents = { fire: [] as unknown[], rearm: [] as unknown[] };
          for (const rule of rules) {
            for (const s of states.values()) {
              const out = evaluateTicketEvent([rule], s, undefined, now, lookup);
              viaEvents.fire.push(...out.fire);
              viaEvents.rearm.push(...out.rearm);
            }
          }
          expect(sweep).toEqual(viaEvents);
        },
      ),
      { numRuns: 200 },
    );
  });
});
