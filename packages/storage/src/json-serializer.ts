/** What `deserialize` returns for text that is not a Keyv envelope, so the reader can name the key. */
export class UnreadableValue {
  constructor(
    readonly problem: string,
    readonly text: string,
  ) {}
}

/**
 * Keyv's default serializer is a large share of a record's cost (bench/README.md), and its
 * deserializer turns a broken value into a silent miss. These keep JSON
 * and turn anything that is not a `{ value, expires }` envelope into an `UnreadableValue`.
 */
export function serialize(data: unknown): string {
  return JSON.stringify(data);
}

export function deserialize(text: string): { value: unknown; expires?: number } {
  let parsed: unknown = text;
  // The stores that keep objects hand them over as they are (Keyv's iterator still passes them here).
  if (typeof text === 'string') {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { value: new UnreadableValue(`not JSON: ${(error as Error).message}`, text) };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || !('value' in parsed)) {
    return { value: new UnreadableValue('not a Keyv { value, expires } envelope', String(text)) };
  }
  return parsed as { value: unknown; expires?: number };
}
