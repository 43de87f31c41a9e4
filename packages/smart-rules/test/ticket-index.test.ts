import { describe, expect, it } from 'vitest';
import { nextTicketState, type TicketState, ticketIdOf, withFired } from '../src/ticket-index.js';

const at = (iso: string) => Date.parse(iso);
const T0 = at('2026-11-30T10:00:00Z');
const T1 = at('2026-11-30T11:00:00Z');
const T2 = at('2026-11-30T12:00:00Z');

describe('nextTicketState', () => {
  it('takes anchors from the ticket when it has them', () => {
    const s = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: {
        id: 7,
        status: 'open',
        created_at: '2026-11-29T08:00:00Z',
        updated_at: '2026-11-29T09:00:00Z',
        due_at: '2026-12-01T00:00:00Z',
      },
      at: T0,
    });
    expect(s).toMatchObject({
      id: '7',
      createdAt: at('2026-11-29T08:00:00Z'),
      updatedAt: at('2026-11-29T09:00:00Z'),
      statusChangedAt: at('2026-11-29T08:00:00Z'),
      dueAt: at('2026-12-01T00:00:00Z'),
      closedAt: null,
    });
  });

  it('falls back to the events Hookdesk saw', () => {
    const created = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: { id: 'a', status: 'open' },
      at: T0,
    }) as TicketState;
    expect(created).toMatchObject({ createdAt: T0, updatedAt: T0, statusChangedAt: T0, dueAt: null });
    const touched = nextTicketState(created, {
      type: 'ticket.updated',
      ticket: { id: 'a', status: 'open', subject: 'x' },
      changes: { subject: { old: null, new: 'x' } },
      at: T1,
    }) as TicketState;
    expect(touched).toMatchObject({ createdAt: T0, updatedAt: T1, statusChangedAt: T0 });
    const moved = nextTicketState(touched, {
      type: 'ticket.updated',
      ticket: { id: 'a', status: 'pending' },
      changes: { status: { old: 'open', new: 'pending' } },
      at: T2,
    }) as TicketState;
    expect(moved).toMatchObject({ createdAt: T0, updatedAt: T2, statusChangedAt: T2 });
  });

  it('sees a status change without `changes` by comparing with the stored ticket', () => {
    const s0 = nextTicketState(undefined, {
      type: 'ticket.updated',
      ticket: { id: 1, status: 'open' },
      at: T0,
    }) as TicketState;
    expect(s0.createdAt).toBe(T0); // predates the install: first event seen
    expect(
      nextTicketState(s0, { type: 'ticket.updated', ticket: { id: 1, status: 'open' }, at: T1 })
        ?.statusChangedAt,
    ).toBe(T0);
    expect(
      nextTicketState(s0, { type: 'ticket.updated', ticket: { id: 1, status: 'solved' }, at: T1 })
        ?.statusChangedAt,
    ).toBe(T1);
  });

  it('records when a ticket closed, keeps that time, and forgets it on reopening', () => {
    const open = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: { id: 1, status: 'open' },
      at: T0,
    }) as TicketState;
    const closed = nextTicketState(open, {
      type: 'ticket.updated',
      ticket: { id: 1, status: 'closed' },
      at: T1,
    }) as TicketState;
    expect(closed.closedAt).toBe(T1);
    expect(
      nextTicketState(closed, {
        type: 'ticket.updated',
        ticket: { id: 1, status: 'closed', note: 1 },
        at: T2,
      })?.closedAt,
    ).toBe(T1);
    expect(
      nextTicketState(closed, { type: 'ticket.updated', ticket: { id: 1, status: 'open' }, at: T2 })
        ?.closedAt,
    ).toBe(null);
    const solved = nextTicketState(
      open,
      { type: 'ticket.updated', ticket: { id: 1, status: 'solved' }, at: T1 },
      { closedStatuses: ['solved'] },
    );
    expect(solved?.closedAt).toBe(T1);
  });

  it('ignores unparseable dates and refuses tickets without an id', () => {
    const s = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: { id: 1, created_at: 'yesterday', due_at: 5 },
      at: T0,
    });
    expect(s).toMatchObject({ createdAt: T0, dueAt: null });
    expect(nextTicketState(undefined, { type: 'ticket.created', ticket: { subject: 'no id' }, at: T0 })).toBe(
      null,
    );
    expect(ticketIdOf({ id: { nested: 1 } })).toBe(null);
    expect(ticketIdOf(null)).toBe(null);
  });
});

describe('withFired', () => {
  const s0 = nextTicketState(undefined, { type: 'ticket.created', ticket: { id: 1 }, at: T0 }) as TicketState;
  it('records and forgets a fired rule without touching the input, and keeps it across events', () => {
    const s1 = withFired(s0, 'r1', true);
    expect(s1.firedRules).toEqual(['r1']);
    expect(s0.firedRules).toEqual([]);
    expect(withFired(s1, 'r1', true)).toBe(s1);
    expect(withFired(s1, 'r2', false)).toBe(s1);
    expect(withFired(withFired(s1, 'r2', true), 'r1', false).firedRules).toEqual(['r2']);
    expect(
      nextTicketState(s1, { type: 'ticket.updated', ticket: { id: 1, x: 1 }, at: T1 })?.firedRules,
    ).toEqual(['r1']);
  });
});
