import type { ExtensionAdminRoute } from '@hookdesk/core';
import { z } from 'zod';
import type { SmartRulePreview } from './service/preview-stored-rule.js';
import type { SmartRule } from './smart-rule.js';
import { smartRuleCreateSchema, smartRulePatchSchema } from './smart-rule-schema.js';

const isoTime = z.iso.datetime({ offset: true, error: 'Use an ISO 8601 time such as 2026-11-28T08:30:00Z.' });

/** A smart rule as the admin API answers it (docs/admin-api.md, "SmartRule"), for the OpenAPI document. */
export const smartRuleView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  categories: z.array(z.string()),
  workSchedule: z
    .unknown()
    .describe('null (around the clock) or { timeZone, hours, holidays }: see docs/admin-api.md'),
  conditions: z.unknown().describe('{ all: [...] } or { any: [...] } of field, change and time conditions'),
  action: z.object({ type: z.literal('trigger_webhook'), url: z.string() }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** What the smart-rule routes call: the rules handle `installSmartRules` returns. */
export interface SmartRuleAdminOperations {
  list(): Promise<SmartRule[]>;
  get(id: string): Promise<SmartRule>;
  create(input: unknown): Promise<SmartRule>;
  update(id: string, input: unknown): Promise<SmartRule>;
  delete(id: string): Promise<void>;
  preview(id: string): Promise<SmartRulePreview>;
}

const ok = (body: unknown) => ({ status: 200, body });

/** The smart-rule routes of docs/admin-api.md, served by core's admin handler once rules are installed. */
export function smartRuleAdminRoutes(ops: SmartRuleAdminOperations): ExtensionAdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/smart-rules',
      summary: 'Every smart rule',
      response: z.object({ items: z.array(smartRuleView) }),
      handle: async () => ok({ items: await ops.list() }),
    },
    {
      method: 'POST',
      path: '/api/smart-rules',
      summary: 'Create a smart rule whose action triggers a webhook',
      request: smartRuleCreateSchema,
      response: smartRuleView,
      status: 201,
      handle: async (input) => ({ status: 201, body: await ops.create(await input.body()) }),
    },
    {
      method: 'GET',
      path: '/api/smart-rules/:id',
      summary: 'One smart rule',
      response: smartRuleView,
      handle: async (input) => ok(await ops.get(input.params.id!)),
    },
    {
      method: 'PATCH',
      path: '/api/smart-rules/:id',
      summary: 'Edit a smart rule, activate or deactivate it',
      request: smartRulePatchSchema,
      response: smartRuleView,
      handle: async (input) => ok(await ops.update(input.params.id!, await input.body())),
    },
    {
      method: 'DELETE',
      path: '/api/smart-rules/:id',
      summary: 'Delete a smart rule',
      status: 204,
      handle: async (input) => {
        await ops.delete(input.params.id!);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/api/smart-rules/:id/preview',
      summary: 'Dry run: which known tickets match now, and when each would fire; sends nothing',
      handle: async (input) => ok(await ops.preview(input.params.id!)),
    },
  ];
}
