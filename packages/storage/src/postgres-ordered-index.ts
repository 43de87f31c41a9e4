import { groupBySet, type IndexRange, type IndexUpdate, type OrderedIndex } from './ordered-index.js';

/** The `query` function of a `@keyv/postgres` store: SQL with `$n` parameters to rows. */
export type PostgresQuery = (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** Default name of the index table, created beside Keyv's table in the same schema. */
export const DEFAULT_POSTGRES_INDEX_TABLE = 'hookdesk_index';

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * Ordered sets as rows of one table whose primary key (a btree) is `(set_name, member)`, with the
 * "C" collation so order is byte order. A page is `ORDER BY member DESC LIMIT n` on that btree;
 * an update is one statement (atomic), and `ON CONFLICT DO NOTHING` makes concurrent appends safe.
 * A member's value (`addIfAbsent`) is the row's nullable `value` column.
 */
export class PostgresOrderedIndex implements OrderedIndex {
  readonly #query: PostgresQuery;
  readonly #table: string;
  #ready: Promise<void> | undefined;

  constructor(query: PostgresQuery, options: { schema?: string; table?: string } = {}) {
    this.#query = query;
    this.#table = `${quote(options.schema ?? 'public')}.${quote(options.table ?? DEFAULT_POSTGRES_INDEX_TABLE)}`;
  }

  /** Creates the table on first use; a failure (server down) is retried by the next call. */
  #ensureTable(): Promise<void> {
    this.#ready ??= this.#createTable().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #createTable(): Promise<void> {
    // Two processes creating the table (or adding the column) at once: the loser sees a
    // duplicate type, table or column, and the table is there all the same.
    const raced = (error: { code?: string }) => {
      if (error.code !== '23505' && error.code !== '42P07' && error.code !== '42701') throw error;
    };
    await this.#query(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (
         set_name text COLLATE "C" NOT NULL,
         member text COLLATE "C" NOT NULL,
         value text,
         PRIMARY KEY (set_name, member))`,
    ).catch(raced);
    // A table made before members had values gains the column. Looked up first: ALTER TABLE takes
    // an exclusive lock even when the column exists, and every process runs this at start.
    const found = await this.#query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'value' AND NOT attisdropped`,
      [this.#table],
    );
    if (found.length === 0) {
      await this.#query(`ALTER TABLE ${this.#table} ADD COLUMN IF NOT EXISTS value text`).catch(raced);
    }
  }

  async update({ add = [], remove = [] }: IndexUpdate): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await this.#ensureTable();
    const columns = (entries: IndexUpdate['add'] = []) => {
      const sets: string[] = [];
      const members: string[] = [];
      for (const [set, list] of groupBySet(entries)) {
        for (const member of list) {
          sets.push(set);
          members.push(member);
        }
      }
      return [sets, members];
    };
    const [removeSets, removeMembers] = columns(remove);
    const [addSets, addMembers] = columns(add);
    await this.#query(
      `WITH removed AS (
         DELETE FROM ${this.#table} t USING unnest($1::text[], $2::text[]) AS r(set_name, member)
         WHERE t.set_name = r.set_name AND t.member = r.member)
       INSERT INTO ${this.#table} (set_name, member)
       SELECT * FROM unnest($3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [removeSets, removeMembers, addSets, addMembers],
    );
  }

  async addIfAbsent(set: string, member: string, value?: string): Promise<boolean> {
    await this.#ensureTable();
    // The primary key decides: of racing inserts exactly one returns its row, value included.
    const rows = await this.#query(
      `INSERT INTO ${this.#table} (set_name, member, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1 AS added`,
      [set, member, value ?? null],
    );
    return rows.length === 1;
  }

  async memberValue(set: string, member: string): Promise<string | undefined> {
    await this.#ensureTable();
    const rows = await this.#query(`SELECT value FROM ${this.#table} WHERE set_name = $1 AND member = $2`, [
      set,
      member,
    ]);
    const value = rows[0]?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async range(set: string, { from, below, limit, order }: IndexRange): Promise<string[]> {
    await this.#ensureTable();
    const values: unknown[] = [set];
    let where = 'set_name = $1';
    if (from !== undefined) {
      values.push(from);
      where += ` AND member >= $${values.length}`;
    }
    if (below !== undefined) {
      values.push(below);
      where += ` AND member < $${values.length}`;
    }
    values.push(Math.min(limit, Number.MAX_SAFE_INTEGER));
    const rows = await this.#query(
      `SELECT member FROM ${this.#table} WHERE ${where} ORDER BY member ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => row.member as string);
  }

  async count(set: string): Promise<number> {
    await this.#ensureTable();
    const rows = await this.#query(`SELECT count(*)::int AS n FROM ${this.#table} WHERE set_name = $1`, [
      set,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {}
}
