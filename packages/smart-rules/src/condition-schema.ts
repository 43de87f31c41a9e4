import { z } from 'zod';

/** A value a field condition compares with. */
export type Scalar = string | number | boolean;

/** Operators of field conditions, on the ticket as it is. */
export const FIELD_OPS = [
  'is',
  'is_not',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'is_set',
  'is_not_set',
  'gt',
  'lt',
] as const;
/** Operators of change conditions, on a `ticket.updated` event's `changes`. */
export const CHANGE_OPS = ['changed', 'changed_from', 'changed_to'] as const;
/** What a time condition counts from (or, `until_due`, to). */
export const TIME_ANCHORS = [
  'since_created',
  'since_updated',
  'since_status_changed',
  'since_due',
  'until_due',
] as const;

export type FieldOp = (typeof FIELD_OPS)[number];
export type ChangeOp = (typeof CHANGE_OPS)[number];
export type TimeAnchor = (typeof TIME_ANCHORS)[number];

/** `{ field, op, value }` on the ticket as it is now. `field` is a dotted path (`custom_fields.plan`). */
export type FieldCondition =
  | { field: string; op: 'is' | 'is_not' | 'contains' | 'not_contains'; value: Scalar }
  | { field: string; op: 'in' | 'not_in'; value: Scalar[] }
  | { field: string; op: 'is_set' | 'is_not_set' }
  /** A number, or an ISO 8601 date (`2026-12-01`) or date-time with a zone (`…T08:00:00Z`). */
  | { field: string; op: 'gt' | 'lt'; value: number | string };

/** `{ field, op, value }` on the `changes` of a `ticket.updated` event. */
export type ChangeCondition =
  | { field: string; op: 'changed' }
  | { field: string; op: 'changed_from' | 'changed_to'; value: Scalar | null };

/** Hours since an anchor (or until `due_at`), on the calendar or on the rule's working hours. */
export interface TimeCondition {
  time: TimeAnchor;
  op: 'gt' | 'lt';
  hours: number;
  clock: 'calendar' | 'working';
}

export type Condition = FieldCondition | ChangeCondition | TimeCondition;
export type ConditionGroup = { all: ConditionNode[] } | { any: ConditionNode[] };
export type ConditionNode = ConditionGroup | Condition;

/** Groups nest at most this deep (the top-level group is level 1), so hostile input cannot blow the stack. */
export const MAX_CONDITION_DEPTH = 6;
/** Groups and conditions in one rule, all levels together. */
export const MAX_CONDITION_NODES = 200;
const MAX_GROUP_ITEMS = 50;
const MAX_LIST = 500;
const MAX_TEXT = 1000;
const MAX_PATH = 200;
const MAX_HOURS = 24 * 366 * 10;

// Date-only, or date-time with seconds optional and a zone required: a date-time without a zone
// would be read in the server's zone, which differs between a laptop and production.
const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** True for the ISO 8601 dates and date-times `gt` / `lt` accept; they compare by the instant. */
export function isIsoDate(value: string): boolean {
  return ISO_DATE_OR_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

const list = (items: readonly string[]) => items.join(', ');

const scalar = z.union(
  [z.string().max(MAX_TEXT, `At most ${MAX_TEXT} characters.`), z.number(), z.boolean()],
  {
    error: 'The value is a text, a number or true/false.',
  },
);

const fieldPath = z
  .string({ error: 'Name the ticket field, e.g. "priority" or "custom_fields.plan".' })
  .max(MAX_PATH, `At most ${MAX_PATH} characters.`)
  .refine((path) => path.split('.').every((part) => part.length > 0), {
    error: (issue) =>
      `"${String(issue.input)}" is no field path; separate nested fields with single dots, e.g. "custom_fields.plan".`,
  });

const comparable = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  if (typeof value === 'string' && !isIsoDate(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is neither a number nor an ISO date; write e.g. 10, "2026-12-01" or "2026-12-01T08:00:00Z".`,
    });
  }
});

const noValue = (op: string) => z.undefined({ error: `"${op}" takes no value; remove "value".` }).optional();

// One strict schema per operator, so an operator's value is checked for what that operator needs.
const LEAF_SCHEMAS: Record<string, z.ZodType> = {
  is: z.strictObject({ field: fieldPath, op: z.literal('is'), value: scalar }),
  is_not: z.strictObject({ field: fieldPath, op: z.literal('is_not'), value: scalar }),
  contains: z.strictObject({ field: fieldPath, op: z.literal('contains'), value: scalar }),
  not_contains: z.strictObject({ field: fieldPath, op: z.literal('not_contains'), value: scalar }),
  in: z.strictObject({
    field: fieldPath,
    op: z.literal('in'),
    value: z
      .array(scalar, { error: '"in" takes a list of values, e.g. ["urgent", "high"].' })
      .min(1, 'List at least one value.')
      .max(MAX_LIST, `At most ${MAX_LIST} values.`),
  }),
  not_in: z.strictObject({
    field: fieldPath,
    op: z.literal('not_in'),
    value: z
      .array(scalar, { error: '"not_in" takes a list of values, e.g. ["low"].' })
      .min(1, 'List at least one value.')
      .max(MAX_LIST, `At most ${MAX_LIST} values.`),
  }),
  is_set: z.strictObject({ field: fieldPath, op: z.literal('is_set'), value: noValue('is_set') }),
  is_not_set: z.strictObject({ field: fieldPath, op: z.literal('is_not_set'), value: noValue('is_not_set') }),
  gt: z.strictObject({ field: fieldPath, op: z.literal('gt'), value: comparable }),
  lt: z.strictObject({ field: fieldPath, op: z.literal('lt'), value: comparable }),
  changed: z.strictObject({ field: fieldPath, op: z.literal('changed'), value: noValue('changed') }),
  changed_from: z.strictObject({ field: fieldPath, op: z.literal('changed_from'), value: scalar.nullable() }),
  changed_to: z.strictObject({ field: fieldPath, op: z.literal('changed_to'), value: scalar.nullable() }),
};

const timeSchema = z.strictObject({
  time: z.enum(TIME_ANCHORS, { error: `"time" is one of ${list(TIME_ANCHORS)}.` }),
  op: z.enum(['gt', 'lt'], { error: 'A time condition\'s "op" is "gt" (more than) or "lt" (less than).' }),
  hours: z
    .number({ error: '"hours" is a number of hours, e.g. 24 or 1.5.' })
    .min(0, '"hours" may not be negative.')
    .max(MAX_HOURS, `At most ${MAX_HOURS} hours.`),
  clock: z
    .enum(['calendar', 'working'], { error: '"clock" is "calendar" or "working".' })
    .default('calendar'),
});

type Issue = { path: (string | number)[]; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a condition tree without recursion deeper than `MAX_CONDITION_DEPTH`: the depth is checked
 * before a group's items are visited, so a 100,000-level input is refused at level 7.
 */
function walk(
  node: unknown,
  path: (string | number)[],
  depth: number,
  budget: { nodes: number },
  issues: Issue[],
): ConditionNode | undefined {
  budget.nodes += 1;
  if (budget.nodes > MAX_CONDITION_NODES) {
    if (budget.nodes === MAX_CONDITION_NODES + 1) {
      issues.push({
        path,
        message: `A rule has at most ${MAX_CONDITION_NODES} conditions and groups; simplify it.`,
      });
    }
    return undefined;
  }
  if (!isRecord(node)) {
    issues.push({
      path,
      message: 'Each item is a group { "all": […] } / { "any": […] } or a condition object.',
    });
    return undefined;
  }
  const isGroup = 'all' in node || 'any' in node;
  if (isGroup) {
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      issues.push({
        path,
        message: 'A group has exactly one key, "all" or "any"; nest a second group to combine them.',
      });
      return undefined;
    }
    const kind = keys[0] as 'all' | 'any';
    const items = node[kind];
    if (!Array.isArray(items)) {
      issues.push({ path: [...path, kind], message: `"${kind}" holds a list of conditions and groups.` });
      return undefined;
    }
    if (depth > MAX_CONDITION_DEPTH) {
      issues.push({
        path,
        message: `Groups nest at most ${MAX_CONDITION_DEPTH} levels deep; flatten the rule.`,
      });
      return undefined;
    }
    // An empty top-level "all" is "every ticket in the rule's categories"; anywhere else it is a mistake.
    if (items.length === 0 && !(depth === 1 && kind === 'all')) {
      issues.push({ path: [...path, kind], message: 'A group needs at least one condition.' });
      return undefined;
    }
    if (items.length > MAX_GROUP_ITEMS) {
      issues.push({
        path: [...path, kind],
        message: `A group holds at most ${MAX_GROUP_ITEMS} items; nest groups.`,
      });
      return undefined;
    }
    const out: ConditionNode[] = [];
    for (let i = 0; i < items.length; i++) {
      const child = walk(items[i], [...path, kind, i], depth + 1, budget, issues);
      if (child) out.push(child);
      if (budget.nodes > MAX_CONDITION_NODES) return undefined;
    }
    return (kind === 'all' ? { all: out } : { any: out }) as ConditionGroup;
  }
  if (depth === 1) {
    issues.push({ path, message: 'Wrap the conditions in a group: { "all": [ … ] } or { "any": [ … ] }.' });
    return undefined;
  }
  let schema: z.ZodType | undefined;
  if ('time' in node) schema = timeSchema;
  else if ('field' in node) {
    const op = node.op;
    schema = typeof op === 'string' && Object.hasOwn(LEAF_SCHEMAS, op) ? LEAF_SCHEMAS[op] : undefined;
    if (!schema) {
      issues.push({
        path: [...path, 'op'],
        message: `${op === undefined ? 'Missing "op"' : `"${String(op)}" is no operator`}; use one of ${list(FIELD_OPS)} (field) or ${list(CHANGE_OPS)} (change).`,
      });
      return undefined;
    }
  } else {
    issues.push({
      path,
      message: 'A condition has "field" (field or change condition) or "time" (time condition).',
    });
    return undefined;
  }
  const result = schema.safeParse(node);
  if (!result.success) {
    const allowed = 'time' in node ? 'time, op, hours, clock' : 'field, op, value';
    for (const issue of result.error.issues) {
      issues.push({
        path: [...path, ...issue.path.map((p) => p as string | number)],
        message:
          issue.code === 'unrecognized_keys'
            ? `${issue.keys.map((k) => `"${k}"`).join(', ')} is not part of a condition; it has ${allowed}.`
            : issue.message,
      });
    }
    return undefined;
  }
  const data = result.data as Record<string, unknown>;
  // zod keeps an optional key that was sent as undefined; drop it so output equals what was meant.
  if ('value' in data && data.value === undefined) delete data.value;
  return data as unknown as Condition;
}

/**
 * `conditions` of a smart rule: a group `{ all: […] }` or `{ any: […] }` of conditions and groups
 * (docs/admin-api.md). Limits: `MAX_CONDITION_DEPTH` levels, `MAX_CONDITION_NODES` nodes, 50 items a group.
 */
export const conditionsSchema = z
  .unknown()
  .meta({
    description:
      'A group { "all": [...] } or { "any": [...] } of groups and conditions: field { field, op, value }, ' +
      'change { field, op: changed | changed_from | changed_to, value }, time { time, op: gt | lt, hours, clock }. ' +
      `At most ${MAX_CONDITION_DEPTH} levels and ${MAX_CONDITION_NODES} nodes.`,
  })
  .transform((input, ctx): ConditionGroup => {
    const issues: Issue[] = [];
    if (input === undefined) {
      ctx.addIssue({ code: 'custom', message: 'Add conditions, e.g. { "all": [ … ] }.' });
      return z.NEVER;
    }
    const tree = walk(input, [], 1, { nodes: 0 }, issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    if (issues.length > 0 || !tree) return z.NEVER;
    return tree as ConditionGroup;
  });

/** True for a group node (`all` / `any`). */
export function isGroup(node: ConditionNode): node is ConditionGroup {
  return 'all' in node || 'any' in node;
}
