import type { DeliveryAttempt, DeliveryRecord } from '@hookdesk/storage';

/** An attempt as the admin API shows it: always with the headers it went out with. */
export type LogEntryAttempt = DeliveryAttempt & { headers: Record<string, string> };

/** A delivery's full log entry as the admin API shows it (docs/admin-api.md, "LogSummary"). */
export type LogEntry = Omit<DeliveryRecord, 'attempts'> & { attempts: LogEntryAttempt[] };

/**
 * The entry of `record`. An attempt recorded before attempts kept their headers shows `{}`, not
 * the entry's `headers`: those are the latest attempt's, and would show another attempt's
 * timestamp and signatures as its own.
 */
export function toLogEntry(record: DeliveryRecord): LogEntry {
  if (record.attempts.every((attempt) => attempt.headers !== undefined)) return record as LogEntry;
  return {
    ...record,
    attempts: record.attempts.map((attempt) =>
      attempt.headers === undefined ? { ...attempt, headers: {} } : (attempt as LogEntryAttempt),
    ),
  };
}
