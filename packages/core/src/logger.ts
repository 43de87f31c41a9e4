type LogFn = {
  (object: Record<string, unknown>, message?: string): void;
  (message: string): void;
};

/** The subset of a pino logger Hookdesk calls; a pino instance, or `console`-like object, fits. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop = () => {};

/** The default: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
