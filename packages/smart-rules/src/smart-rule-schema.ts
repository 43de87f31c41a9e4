import { targetUrlSchema } from '@hookdesk/core';
import { z } from 'zod';
import { conditionsSchema } from './condition-schema.js';
import { workScheduleSchema } from './work-schedule-schema.js';

// The SSRF check needs DNS, so it runs in the engine on save, on the URLs of `smartRuleUrlsToCheck`.
const url = targetUrlSchema;

const action = z.strictObject(
  {
    type: z.literal('trigger_webhook', { error: 'The only action is "trigger_webhook".' }),
    url,
  },
  { error: 'Send the action as { "type": "trigger_webhook", "url": "https://…" }.' },
);

const name = z
  .string({ error: 'Give the rule a name.' })
  .trim()
  .min(1, 'Give the rule a name.')
  .max(200, 'At most 200 characters.');

const description = z
  .string({ error: 'The description is text, or null.' })
  .max(2000, 'At most 2000 characters.')
  .nullable()
  .transform((v) => (v === null || v.trim() === '' ? null : v.trim()));

const categories = z
  .array(
    z
      .string({ error: 'Each category is a text such as "billing".' })
      .trim()
      .min(1, 'A category may not be empty.')
      .max(200, 'At most 200 characters.'),
    { error: 'List categories as an array of names; [] means every category.' },
  )
  .max(100, 'At most 100 categories.')
  .transform((list) => [...new Set(list)]);

const active = z.boolean({ error: '`active` is true or false.' });

const FIELDS = ['name', 'description', 'active', 'categories', 'workSchedule', 'conditions', 'action'];
const unknownFields = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? `${issue.keys.map((k) => `"${k}"`).join(', ')} is not a smart-rule field; the fields are ${FIELDS.join(', ')}.`
      : undefined,
};

/** Body of "create a smart rule" (docs/admin-api.md, "SmartRule"). Unknown fields are refused. */
export const smartRuleCreateSchema = z.strictObject(
  {
    name,
    description: description.default(null),
    active: active.default(true),
    categories: categories.default([]),
    workSchedule: workScheduleSchema.default(null),
    conditions: conditionsSchema,
    action,
  },
  unknownFields,
);

/** Body of a smart-rule PATCH: any field of the create body; absent fields are left as they are. */
export const smartRulePatchSchema = z.strictObject(
  {
    name: name.optional(),
    description: description.optional(),
    active: active.optional(),
    categories: categories.optional(),
    workSchedule: workScheduleSchema.optional(),
    conditions: conditionsSchema.optional(),
    action: action.optional(),
  },
  unknownFields,
);

/** A valid smart rule body, defaults filled: what `parseInput(smartRuleCreateSchema, …)` returns. */
export type SmartRuleInput = z.output<typeof smartRuleCreateSchema>;
/** A valid smart-rule PATCH body. */
export type SmartRulePatch = z.output<typeof smartRulePatchSchema>;

/**
 * The URLs the engine must pass through the SSRF guard (`urlProblem`) before it saves a parsed
 * create or PATCH body, exactly as for a webhook's `url`. Empty when a PATCH leaves the action alone.
 *
 * @example
 * const input = parseInput(smartRuleCreateSchema, body, 'smart rule');
 * for (const url of smartRuleUrlsToCheck(input)) {
 *   const problem = await urlProblem(new URL(url), guard, resolve);
 *   if (problem) throw new ValidationError(`The action URL is refused: ${problem}.`, [{ path: 'action.url', message: problem }]);
 * }
 */
export function smartRuleUrlsToCheck(input: Pick<SmartRulePatch, 'action'>): string[] {
  return input.action ? [input.action.url] : [];
}
