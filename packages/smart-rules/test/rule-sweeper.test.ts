import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateTicketEvent, type SweepRule, sweepRules } from '../src/rule-sweeper.js';
import { nextTicketState, type TicketState, withFired } from '../src/ticket-index.js';

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
  const states = new Map<string, TicketState>();
  const sent: string[] = [];
  const record = (ticketId: string, ruleId: string, fired: boolean) =>
    states.set(ticketId, withFired(states.get(ticketId) as TicketState, ruleId, fired));
  const apply = (out: ReturnType<typeof sweepRules>, when: string) => {
    for (const f of out.fire) {
      sent.push(`${when}:${f.ruleId}:${f.ticketId}`);
      if (f.hold) record(f.ticketId, f.ruleId, true);
    }
    for (const r of out.rearm) record(r.ticketId, r.ruleId, false);
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
      apply(evaluateTicketEvent(rules, state, changes, at), `event@${(at - T0) / H}h`);
    },
    sweep(now: number) {
      apply(sweepRules(rules, [...states.values()], now), `sweep@${(now - T0) / H}h`);
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

  it('tracks fired state for more than 32 rules (several mask words)', () => {
    const many: SweepRule[] = Array.from({ length: 40 }, (_, k) => ({
      ...stale,
      id: `after-${k}h`,
      conditions: { all: [{ time: 'since_created', op: 'gt', hours: k, clock: 'calendar' }] },
    }));
    const base = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: { id: 9 },
      at: T0 - 35.5 * H,
    }) as TicketState;
    const ticket = {
      ...base,
      firedRules: [...many.map((r) => r.id).filter((id) => id !== 'after-33h'), 'gone'],
    };
    const out = sweepRules(many, [ticket], T0);
    expect(out.fire).toEqual([{ ruleId: 'after-33h', ticketId: '9', hold: true }]);
    expect(out.rearm.map((r) => r.ruleId)).toEqual(['after-36h', 'after-37h', 'after-38h', 'after-39h']);
  });

  it('a sweep decides as evaluateTicketEvent does without changes', () => {
    const soon: SweepRule = {
      ...stale,
      id: 'soon',
      conditions: { all: [{ time: 'since_created', op: 'lt', hours: 5, clock: 'calendar' }] },
    };
    const rules = [stale, soon, { ...soon, id: 'off', active: false }, urgent];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 30 }),
            status: fc.constantFrom('pending', 'open'),
            priority: fc.constantFrom('urgent', 'low'),
            age: fc.integer({ min: 0, max: 60 }),
            firedRules: fc.subarray(['stale', 'soon', 'off', 'urgent', 'deleted-rule']),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 60 }),
        (rows, hour) => {
          const states = new Map<string, TicketState>();
          for (const r of rows) {
            const s = nextTicketState(undefined, {
              type: 'ticket.created',
              ticket: { id: r.id, status: r.status, priority: r.priority },
              at: T0 - r.age * H,
            });
            if (s) states.set(s.id, { ...s, firedRules: r.firedRules });
          }
          const now = T0 + hour * H;
          const sweep = sweepRules(rules, [...states.values()], now);
          const viaEvents = { fire: [] as unknown[], rearm: [] as unknown[] };
          for (const s of states.values()) {
            // Rules without time conditions are the sweep's to skip: an event decides for them.
            const out = evaluateTicketEvent(
              [stale, soon, { ...soon, id: 'off', active: false }],
              s,
              undefined,
              now,
            );
            viaEvents.fire.push(...out.fire);
            viaEvents.rearm.push(...out.rearm);
          }
          // The order of decisions is not part of the contract.
          const sorted = (o: { fire: unknown[]; rearm: unknown[] }) => ({
            fire: o.fire.map((x) => JSON.stringify(x)).sort(),
            rearm: o.rearm.map((x) => JSON.stringify(x)).sort(),
          });
          expect(sorted(sweep)).toEqual(sorted(viaEvents));
        },
      ),
      { numRuns: 300 },
    );
  });
});
