import type { EntityRepository } from '@hookdesk/storage';
import { z } from 'zod';

/** A smart rule as stored; its conditions and schedule are validated on the way in (`smart-rule-schema.ts`). */
export interface SmartRuleRecord {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  categories: string[];
  /** Validated on create and update (docs/admin-api.md, "SmartRule"); storage keeps it as JSON. */
  workSchedule: unknown;
  conditions: unknown;
  action: { type: 'trigger_webhook'; url: string };
  createdAt: string;
  updatedAt: string;
}

export type SmartRuleRepository = EntityRepository<SmartRuleRecord>;

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time');

export const smartRuleSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  categories: z.array(z.string()),
  workSchedule: z.unknown(),
  conditions: z.unknown(),
  action: z.looseObject({ type: z.literal('trigger_webhook'), url: z.string() }),
  createdAt: isoTime,
  updatedAt: isoTime,
}) as unknown as z.ZodType<SmartRuleRecord>;
