export {
  CHANGE_OPS,
  type ChangeCondition,
  type ChangeOp,
  type Condition,
  type ConditionGroup,
  type ConditionNode,
  conditionsSchema,
  FIELD_OPS,
  type FieldCondition,
  type FieldOp,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_NODES,
  type Scalar,
  TIME_ANCHORS,
  type TimeAnchor,
  type TimeCondition,
} from './condition-schema.js';
export { compileRule, evaluateConditions, ruleMatches } from './conditions/compile-rule.js';
export { nextMatchTime } from './conditions/next-match-time.js';
export type {
  CompiledRule,
  RuleContext,
  RuleDefinition,
  RuleMatcher,
  TicketAnchors,
  TicketChanges as RuleTicketChanges,
} from './conditions/rule-context.js';
export {
  installSmartRules,
  SMART_RULES_EXTENSION,
  type SmartRules,
} from './install-smart-rules.js';
export {
  decideFiring,
  type FiringDecision,
  type FiringState,
  type MatchKind,
  matchKind,
} from './rule-firing.js';
export { type PreviewItem, previewRule } from './rule-preview.js';
export {
  evaluateTicketEvent,
  type RuleOutcome,
  type RuleTicket,
  type SweepRule,
  sweepRules,
} from './rule-sweeper.js';
export {
  DEFAULT_PREVIEW_LIMIT,
  type SmartRulePreview,
  type SmartRulePreviewItem,
} from './service/preview-stored-rule.js';
export type { SmartRuleSweepResult } from './service/rule-sweep.js';
export type { EvaluableRule, SmartRule } from './smart-rule.js';
export {
  type SmartRuleAdminOperations,
  smartRuleAdminRoutes,
  smartRuleView,
} from './smart-rule-admin-routes.js';
export {
  DEFAULT_CLOSED_TICKET_RETENTION_MS,
  DEFAULT_FIRING_LEASE_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_SWEEP_PAGE_SIZE,
  type SmartRuleOptions,
  type TicketSource,
} from './smart-rule-options.js';
export {
  type SmartRuleInput,
  type SmartRulePatch,
  smartRuleCreateSchema,
  smartRulePatchSchema,
  smartRuleUrlsToCheck,
} from './smart-rule-schema.js';
export type { RuleFiringIntent, RuleFiringRepository } from './storage/rule-firing-repository.js';
export { SMART_RULE_KEYS, SMART_RULE_SETS } from './storage/smart-rule-keys.js';
export type { SmartRuleRecord, SmartRuleRepository } from './storage/smart-rule-record.js';
export { type SmartRuleStorage, smartRuleStorage } from './storage/smart-rule-storage.js';
export type { TicketStateRecord, TicketStateRepository } from './storage/ticket-state-repository.js';
export {
  nextTicketState,
  type TicketEvent,
  type TicketIndexOptions,
  type TicketState,
  ticketIdOf,
  withFired,
} from './ticket-index.js';
export {
  isTimeZone,
  WEEKDAYS,
  type Weekday,
  type WorkRange,
  type WorkSchedule,
  workScheduleSchema,
} from './work-schedule-schema.js';
export {
  addWorkingMs,
  type WorkingClock,
  workingClock,
  workingMsBetween,
} from './working-hours.js';
