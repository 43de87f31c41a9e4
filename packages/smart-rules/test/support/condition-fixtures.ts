// Shared by the condition tests: a Berlin office week, a ticket with one field of each kind, and
// `one(condition)`, which evaluates a single condition on it at NOW.
import type { Condition } from '../../src/condition-schema.js';
import { evaluateConditions } from '../../src/conditions/compile-rule.js';
import type { TicketAnchors } from '../../src/conditions/rule-context.js';
import type { WorkSchedule } from '../../src/work-schedule-schema.js';

export const H = 3_600_000;
export const at = (iso: string) => Date.parse(iso);
export const NOW = at('2026-11-30T12:00:00Z'); // Monday 13:00 in Berlin
export const noAnchors: TicketAnchors = {
  createdAt: null,
  updatedAt: null,
  statusChangedAt: null,
  dueAt: null,
};
export const berlin: WorkSchedule = {
  timeZone: 'Europe/Berlin',
  hours: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
    sat: [],
    sun: [],
  },
  holidays: ['2026-12-25'],
};

export const ticket = {
  id: 42,
  status: 'pending',
  priority: 'urgent',
  category: 'billing',
  subject: 'Refund for order 7',
  tags: ['vip', 'eu'],
  amount: 120,
  assignee: null,
  empty: '',
  none: [],
  custom_fields: { plan: 'pro', seats: 5 },
  closed_at: '2026-11-20T10:00:00Z',
  local_time: '2026-11-20T10:00:00',
};

export const one = (c: Condition, context: Partial<Parameters<typeof evaluateConditions>[1]> = {}) =>
  evaluateConditions({ all: [c] }, { ticket, anchors: noAnchors, now: NOW, schedule: null, ...context });
