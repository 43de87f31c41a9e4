export { AdminHttpError } from './admin/admin-errors.js';
export {
  type AdminHandler,
  type AdminHandlerOptions,
  type AdminLogger,
  createAdminHandler,
} from './admin/admin-handler.js';
export type {
  AdminHttpRequest,
  AdminHttpResponse,
  AdminRequestBody,
  Authorize,
  AuthorizeResult,
} from './admin/admin-http.js';
export type { AdminOperations, AdminSource } from './admin/admin-operations.js';
export { bearerToken } from './admin/bearer-token.js';
export { buildOpenApiDocument } from './admin/openapi.js';
export { DEFAULT_ADMIN_BODY_LIMIT } from './admin/read-json-body.js';
export { type Clock, systemClock, type TimerHandle } from './clock.js';
export type { DeliveryHandler, DeliveryQueue } from './delivery-queue.js';
export {
  ConflictError,
  DeliveryError,
  HookdeskError,
  NotFoundError,
  type ValidationDetail,
  ValidationError,
} from './errors.js';
export { MAX_EVENT_ID_LENGTH } from './event-id.js';
export {
  createHookdesk,
  type EmitPayloads,
  Hookdesk,
  MAX_RESEND,
  type ResendResult,
  type RotatedKey,
  type Settings,
  type TicketEventOptions,
  type TicketUpdateOptions,
} from './hookdesk.js';
export type {
  DeliveryDroppedEvent,
  DeliveryEventBase,
  DropReason,
  HookdeskEventMap,
  HookdeskEventName,
} from './hookdesk-events.js';
export {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from './host/record-ticket-event.js';
export { DEFAULT_KEY_GRACE_MS } from './key-ring.js';
export type { Logger } from './logger.js';
export type { HookdeskOptions } from './options.js';
export {
  applyJitter,
  classifyStatus,
  DEFAULT_DISABLE_AFTER_MS,
  DEFAULT_JITTER,
  DEFAULT_RETRY_SCHEDULE_MS,
  decideAfterAttempt,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicy,
} from './retry-policy.js';
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
export {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './sender.js';
export {
  createAddressGuard,
  type NetworkPolicy,
  parseIp,
  type Resolver,
  specialPurpose,
} from './ssrf-guard.js';
export { StorageDeliveryQueue, type StorageDeliveryQueueOptions } from './storage-delivery-queue.js';
export { USER_AGENT, VERSION } from './version.js';
export {
  parseInput,
  type WebhookCreateInput,
  type WebhookPatchInput,
  webhookCreateSchema,
  webhookPatchSchema,
} from './webhook-schema.js';
export type { Webhook, WebhookHealth, WebhookWithHealth } from './webhook-view.js';
