import type { ChangeCondition, FieldCondition } from '../condition-schema.js';
import { sameJson, valueAt } from '../ticket-path.js';
import type { CompiledCondition } from './rule-context.js';

/** Is the condition a change condition (`changed`, `changed_from`, `changed_to`)? */
export function isChange(node: FieldCondition | ChangeCondition): node is ChangeCondition {
  return node.op === 'changed' || node.op === 'changed_from' || node.op === 'changed_to';
}

/** A change condition, compiled: it holds only when the event's `changes` carry the field. */
export function compileChange(c: ChangeCondition): CompiledCondition {
  const [head, ...rest] = c.field.split('.') as [string, ...string[]];
  const op = c.op;
  const value = op === 'changed' ? undefined : (c as { value: unknown }).value;
  return (_t, _a, changes) => {
    if (changes === undefined || changes === null || !Object.hasOwn(changes, head)) return false;
    const entry = changes[head];
    if (typeof entry !== 'object' || entry === null) return false;
    let before = entry.old;
    let after = entry.new;
    if (rest.length > 0) {
      // `changes` lists top-level fields; a nested path changed when its value differs inside them.
      before = valueAt(before, rest);
      after = valueAt(after, rest);
      if (sameJson(before, after)) return false;
    }
    if (op === 'changed') return true;
    return ((op === 'changed_from' ? before : after) ?? null) === value;
  };
}
