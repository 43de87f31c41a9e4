import { describe, expect, it } from 'vitest';
import { previewRule } from '../src/rule-preview.js';
import type { SweepRule } from '../src/rule-sweeper.js';
import { nextTicketState, type TicketState, withFired } from '../src/ticket-index.js';

const H = 3_600_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');

const state = (id: number, status: string, ageHours: number): TicketState =>
  nextTicketState(undefined, {
    type: 'ticket.created',
    ticket: { id, status },
    at: NOW - ageHours * H,
  }) as TicketState;

const stale: SweepRule = {
  id: 'stale',
  active: false,
  categories: [],
  workSchedule: null,
  conditions: {
    all: [
      { field: 'status', op: 'is', value: 'pending' },
      { time: 'since_updated', op: 'gt', hours: 24, clock: 'calendar' },
    ],
  },
};

describe('previewRule', () => {
  it('lists tickets matching now, fired, and later, with when each fires; skips the rest', () => {
    const tickets = [
      state(1, 'pending', 30), // matches now
      withFired(state(2, 'pending', 30), 'stale', true), // matches, already fired
      state(3, 'pending', 20), // matches in 4 h
      state(4, 'open', 30), // never by time alone
      withFired(state(5, 'open', 30), 'stale', true), // fired, stopped matching, never again by time
    ];
    expect(previewRule(stale, tickets, NOW)).toEqual([
      { ticketId: '1', matchesNow: true, when: 'now', firesAt: NOW },
      { ticketId: '2', matchesNow: true, when: 'fired', firesAt: null },
      { ticketId: '3', matchesNow: false, when: 'later', firesAt: NOW + 4 * H + 1 },
    ]);
  });

  it('says a rule without time conditions fires on the next event', () => {
    const pending: SweepRule = {
      ...stale,
      id: 'p',
      conditions: { all: [{ field: 'status', op: 'is', value: 'pending' }] },
    };
    expect(previewRule(pending, [state(1, 'pending', 1), state(2, 'open', 1)], NOW)).toEqual([
      { ticketId: '1', matchesNow: true, when: 'next_event', firesAt: null },
    ]);
  });
});
