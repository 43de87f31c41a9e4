/**
 * Request headers as any runtime gives them: a Fetch `Headers`, or Node's `IncomingHttpHeaders`
 * (lowercase names, a value or a list of values).
 */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value by lowercase name; a repeated header's values joined with `, `. */
export function headerValue(headers: HeadersInput, name: string): string | undefined {
  // Node's plain object first: the common case, one property read.
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  if (typeof value === 'string') return value;
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  return Array.isArray(value) ? value.join(', ') : undefined;
}
