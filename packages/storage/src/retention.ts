const DAY_MS = 24 * 60 * 60 * 1000;

/** How long deliveries stay in the log when `retention` is not given: 30 days. */
export const DEFAULT_RETENTION_DAYS = 30;

/** Milliseconds or `{ days }`, as the `retention` option takes it. */
export type RetentionOption = number | { days: number };

export function retentionMs(option: RetentionOption | undefined): number {
  const ms =
    option === undefined
      ? DEFAULT_RETENTION_DAYS * DAY_MS
      : typeof option === 'number'
        ? option
        : option.days * DAY_MS;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new TypeError(
      `\`retention\` must be a positive number of milliseconds or { days: n } with n > 0, got ${JSON.stringify(option)}.`,
    );
  }
  return ms;
}
