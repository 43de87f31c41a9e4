// Parsing rule bodies as the admin API does, and the problems a refused body reports.
import { parseInput, ValidationError } from '@hookdesk/core';
import { expect } from 'vitest';
import { smartRuleCreateSchema, smartRulePatchSchema } from '../../src/smart-rule-schema.js';

export const create = (input: unknown) => parseInput(smartRuleCreateSchema, input, 'smart rule');
export const patch = (input: unknown) => parseInput(smartRulePatchSchema, input, 'smart rule');

export const base = {
  name: 'Pending too long',
  conditions: { all: [{ field: 'status', op: 'is', value: 'pending' }] },
  action: { type: 'trigger_webhook', url: 'https://example.com/hook' },
};

export function problems(input: unknown, parse: (input: unknown) => unknown = create): string[] {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(422);
    return (error as ValidationError).details.map((d) => `${d.path}: ${d.message}`);
  }
  throw new Error('expected a ValidationError');
}
