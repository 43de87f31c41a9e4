import { describe, expect, it } from 'vitest';
import { patch, problems } from './support/rule-input.js';

describe('smartRulePatchSchema', () => {
  it('takes any subset of fields and fills no defaults', () => {
    expect(patch({ active: false })).toEqual({ active: false });
    expect(patch({ workSchedule: null, description: '  ' })).toEqual({
      workSchedule: null,
      description: null,
    });
  });

  it('checks what it gets as strictly as create', () => {
    expect(problems({ conditions: { any: [] } }, patch)).toEqual([
      'conditions.any: A group needs at least one condition.',
    ]);
    expect(problems({ id: 'r1' }, patch)).toEqual([
      ': "id" is not a smart-rule field; the fields are name, description, active, categories, workSchedule, conditions, action.',
    ]);
  });
});
