/**
 * For tests that hold on every database and say more on a Citus coordinator (docs/decisions/0012): whether the
 * database is one, the statements a piece of app code sends, and how Citus would run each of them.
 */
import pg from 'pg';
import { db } from '@/lib/core/db';
import { withAppClientOn } from './db-role';

let citus: Promise<boolean> | undefined;
/** True when the test database has the citus extension (the CI run against the 3-node cluster). */
export function isCitus(): Promise<boolean> {
  citus ??= db()
    .$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'citus'`
    .then((rows) => (rows[0]?.n ?? 0) > 0);
  return citus;
}

export type RecordedStatement = { text: string; values: unknown[] };

/** Runs fn with the app's own client (db()) on one recording connection; returns every statement it sent. */
export async function recordStatements(fn: () => Promise<unknown>): Promise<RecordedStatement[]> {
  const statements: RecordedStatement[] = [];
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [config, values] = args;
      if (typeof config === 'string') statements.push({ text: config, values: Array.isArray(values) ? values : [] });
      else if (config && typeof config === 'object' && 'text' in config) {
        const c = config as { text: string; values?: unknown[] };
        statements.push({ text: c.text, values: c.values ?? (Array.isArray(values) ? values : []) });
      }
      return query(...args);
    };
  });
  await withAppClientOn(pool, () => fn());
  return statements;
}

/** Statements that read or write tables (not BEGIN, COMMIT, SET …). */
export const isDataStatement = (s: RecordedStatement) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(s.text);

/**
 * The EXPLAIN of each statement with its parameters (planned, never executed) and the Task Count of each Citus scan in
 * it: [1] for a router query that runs on one shard, [n] for a fan-out to n shards, [] when it touches no Citus table.
 */
export async function explainTaskCounts(statements: RecordedStatement[]): Promise<{ statement: RecordedStatement; plan: string; taskCounts: number[] }[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const out = [];
    for (const statement of statements) {
      // the text comes from the app's own statement log, never from user input (G3: no SQL built from strings elsewhere)
      const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, statement.values);
      const plan = result.rows.map((r) => r['QUERY PLAN']).join('\n');
      out.push({ statement, plan, taskCounts: [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => Number(m[1])) });
    }
    return out;
  } finally {
    await client.end();
  }
}
