import type { DeliveryRecord, DeliveryStatus, LogFilter } from './records.js';
import { INDEX_SETS } from './storage-keys.js';

/** The sets a delivery belongs to, given the fields that decide membership. */
export function deliverySets(
  record: Pick<DeliveryRecord, 'status' | 'webhookId' | 'ruleId' | 'event'>,
  status: DeliveryStatus = record.status,
): { fixed: string[]; byStatus: string[] } {
  const fixed: string[] = [INDEX_SETS.log, INDEX_SETS.logEvent(record.event)];
  const byStatus: string[] = [INDEX_SETS.logStatus(status)];
  if (record.webhookId !== null) {
    fixed.push(INDEX_SETS.logWebhook(record.webhookId));
    byStatus.push(INDEX_SETS.logWebhookStatus(record.webhookId, status));
  }
  if (record.ruleId !== null) {
    fixed.push(INDEX_SETS.logRule(record.ruleId));
    byStatus.push(INDEX_SETS.logRuleStatus(record.ruleId, status));
  }
  return { fixed, byStatus };
}

export interface LogPlan {
  /** The set to walk, newest first. */
  set: string;
  /** True when every entry of the set matches the filter: no reads are wasted. */
  exact: boolean;
}

/**
 * Which set to walk for a filter. Sets exist for one field (status, webhook, rule, event) and
 * for webhook+status and rule+status, the combinations the admin page asks for; time bounds
 * are ranges on any set. Any other combination walks the most selective set and filters the
 * rest on the records, so its cost grows with how rare the other fields are in that set.
 */
export function planLogQuery(filter: LogFilter): LogPlan {
  const { status, webhookId, ruleId, event } = filter;
  const fields = [status, webhookId, ruleId, event].filter((value) => value !== undefined).length;
  if (webhookId !== undefined && status !== undefined) {
    return { set: INDEX_SETS.logWebhookStatus(webhookId, status), exact: fields === 2 };
  }
  if (ruleId !== undefined && status !== undefined) {
    return { set: INDEX_SETS.logRuleStatus(ruleId, status), exact: fields === 2 };
  }
  if (webhookId !== undefined) return { set: INDEX_SETS.logWebhook(webhookId), exact: fields === 1 };
  if (ruleId !== undefined) return { set: INDEX_SETS.logRule(ruleId), exact: fields === 1 };
  if (status !== undefined) return { set: INDEX_SETS.logStatus(status), exact: fields === 1 };
  if (event !== undefined) return { set: INDEX_SETS.logEvent(event), exact: true };
  return { set: INDEX_SETS.log, exact: true };
}

/** Whether a record matches the filter's fields (time bounds are applied as ranges). */
export function matchesFilter(record: DeliveryRecord, filter: LogFilter): boolean {
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.webhookId === undefined || record.webhookId === filter.webhookId) &&
    (filter.ruleId === undefined || record.ruleId === filter.ruleId) &&
    (filter.event === undefined || record.event === filter.event)
  );
}
