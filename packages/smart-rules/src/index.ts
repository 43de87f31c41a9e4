export type {
  ChangeCondition,
  Condition,
  ConditionGroup,
  ConditionNode,
  FieldCondition,
  TimeCondition,
} from './condition-schema.js';
export { conditionsSchema } from './condition-schema.js';
export { installSmartRules, type SmartRules } from './install-smart-rules.js';
export type { SmartRulePreview, SmartRulePreviewItem } from './service/preview-stored-rule.js';
export type { SmartRuleSweepResult } from './service/rule-sweep.js';
export type { SmartRule } from './smart-rule.js';
export type { SmartRuleOptions, TicketSource } from './smart-rule-options.js';
export {
  type SmartRuleInput,
  type SmartRulePatch,
  smartRuleCreateSchema,
  smartRulePatchSchema,
} from './smart-rule-schema.js';
export { SMART_RULE_KEYS, SMART_RULE_SETS } from './storage/smart-rule-keys.js';
export type { SmartRuleRecord } from './storage/smart-rule-record.js';
export { type SmartRuleStorage, smartRuleStorage } from './storage/smart-rule-storage.js';
export {
  type Weekday,
  type WorkRange,
  type WorkSchedule,
  workScheduleSchema,
} from './work-schedule-schema.js';
