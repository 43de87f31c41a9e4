import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/smart-rules exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'ChangeCondition',
      'Condition',
      'ConditionGroup',
      'ConditionNode',
      'FieldCondition',
      'SMART_RULE_KEYS',
      'SMART_RULE_SETS',
      'SmartRule',
      'SmartRuleInput',
      'SmartRuleOptions',
      'SmartRulePatch',
      'SmartRulePreview',
      'SmartRulePreviewItem',
      'SmartRuleRecord',
      'SmartRuleStorage',
      'SmartRuleSweepResult',
      'SmartRules',
      'TicketSource',
      'TimeCondition',
      'Weekday',
      'WorkRange',
      'WorkSchedule',
      'conditionsSchema',
      'installSmartRules',
      'smartRuleCreateSchema',
      'smartRulePatchSchema',
      'smartRuleStorage',
      'workScheduleSchema',
    ]);
  }, 30_000);

  it('only names the README documents', () => {
    expect(
      undocumentedExports(
        new URL('../src/index.ts', import.meta.url),
        new URL('../README.md', import.meta.url),
      ),
    ).toEqual([]);
  }, 30_000);
});
