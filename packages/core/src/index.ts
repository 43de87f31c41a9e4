// The public API: what the README documents, nothing more (test/exports.test.ts pins the list).
export type { AdminHandlerOptions } from './admin/admin-handler.js';
export { createAdminHandler } from './admin/admin-handler.js';
export type { Authorize } from './admin/admin-http.js';
export type { AdminSource } from './admin/admin-operations.js';
export { bearerToken } from './admin/bearer-token.js';
export { buildOpenApiDocument } from './admin/openapi.js';
export type { Clock, TimerHandle } from './clock.js';
export type { DeliveryHandler, DeliveryQueue } from './delivery-queue.js';
export {
  ConflictError,
  HookdeskError,
  NotFoundError,
  type ValidationDetail,
  ValidationError,
} from './errors.js';
export {
  createHookdesk,
  type EmitPayloads,
  Hookdesk,
  type ResendResult,
  type RotatedKey,
  type Settings,
  type TicketEventOptions,
  type TicketUpdateOptions,
} from './hookdesk.js';
export type { HookdeskEventMap, HookdeskEventName } from './hookdesk-events.js';
export {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from './host/record-ticket-event.js';
export type { Logger } from './logger.js';
export type { HookdeskOptions } from './options.js';
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
} from './rules/condition-schema.js';
export {
  type CompiledRule,
  compileRule,
  evaluateConditions,
  nextMatchTime,
  type RuleContext,
  type RuleDefinition,
  type RuleMatcher,
  ruleMatches,
  type TicketAnchors,
  type TicketChanges as RuleTicketChanges,
} from './rules/conditions.js';
export {
  decideFiring,
  type FiringDecision,
  type FiringState,
  type MatchKind,
  matchKind,
} from './rules/rule-firing.js';
export { type PreviewItem, previewRule } from './rules/rule-preview.js';
export {
  evaluateTicketEvent,
  type RuleOutcome,
  type RuleTicket,
  type SweepRule,
  sweepRules,
} from './rules/rule-sweeper.js';
export type { EvaluableRule, SmartRule } from './rules/smart-rule.js';
export {
  DEFAULT_CLOSED_TICKET_RETENTION_MS,
  DEFAULT_FIRING_LEASE_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_SWEEP_PAGE_SIZE,
  type SmartRuleOptions,
  type TicketSource,
} from './rules/smart-rule-options.js';
export {
  type SmartRuleInput,
  type SmartRulePatch,
  smartRuleCreateSchema,
  smartRulePatchSchema,
  smartRuleUrlsToCheck,
} from './rules/smart-rule-schema.js';
export {
  DEFAULT_PREVIEW_LIMIT,
  type SmartRulePreview,
  type SmartRulePreviewItem,
  type SmartRuleSweepResult,
} from './rules/smart-rule-service.js';
export {
  nextTicketState,
  type TicketEvent,
  type TicketIndexOptions,
  type TicketState,
  ticketIdOf,
  withFired,
} from './rules/ticket-index.js';
export {
  isTimeZone,
  WEEKDAYS,
  type Weekday,
  type WorkRange,
  type WorkSchedule,
  workScheduleSchema,
} from './rules/work-schedule-schema.js';
export {
  addWorkingMs,
  type WorkingClock,
  workingClock,
  workingMsBetween,
} from './rules/working-hours.js';
export type { Resolver } from './ssrf-guard.js';
export type { Webhook, WebhookHealth, WebhookWithHealth } from './webhook-view.js';
