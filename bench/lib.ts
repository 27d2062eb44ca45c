/**
 * Shared helpers of the benchmarks: local-only database URLs, fresh databases with migrations, percentiles and the
 * docs/benchmarks.md section writer. Timings never go into pass/fail tests; they are recorded in docs/benchmarks.md.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const DEFAULT_BASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

/** Benchmarks drop and fill databases: only a server on this machine is acceptable. */
export function assertLocalUrl(url: string): URL {
  const u = new URL(url);
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`not a postgresql:// URL: ${url}`);
  const socketHost = u.searchParams.get('host');
  if (!LOCAL_HOSTS.has(u.hostname) && !(u.hostname === '' && socketHost?.startsWith('/'))) {
    throw new Error(`ベンチマークはローカルのデータベースにのみ接続します (host=${u.hostname})。BENCH_DATABASE_URL を確認してください。`);
  }
  return u;
}

/** The URL of database `name` on the server of BENCH_DATABASE_URL (default 127.0.0.1:5432, user postgres). */
export function benchDbUrl(name: string): string {
  const base = assertLocalUrl(process.env.BENCH_DATABASE_URL ?? DEFAULT_BASE_URL);
  base.pathname = `/${name}`;
  return base.toString();
}

/** Drops and recreates the database, then applies the project's migrations (same code as npm run db:migrate). */
export async function freshDatabase(url: string): Promise<void> {
  const u = assertLocalUrl(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name) || !name.includes('bench')) throw new Error(`bench database names must contain "bench": ${name}`);
  const admin = new URL(u.toString());
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const { deployMigrations } = await import('@/lib/core/migrations');
  await deployMigrations(url);
}

export async function databaseExists(url: string): Promise<boolean> {
  const u = assertLocalUrl(url);
  const admin = new URL(u.toString());
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [decodeURIComponent(u.pathname.slice(1))]);
  await c.end();
  return r.rowCount === 1;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export type Stats = { n: number; p50: number; p95: number; max: number; mean: number };
export function stats(times: number[]): Stats {
  const s = [...times].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

export function machineLine(): string {
  const model = existsSync('/proc/cpuinfo') ? (/model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model) : cpus()[0]?.model;
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* not a checkout */
  }
  const pgVersion = process.env.BENCH_PG_VERSION ?? 'PostgreSQL';
  return `Run: ${new Date().toISOString().slice(0, 10)}, commit ${commit}, machine: ${cpus().length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${pgVersion}.`;
}

/** Replaces (or appends) the "## <title>" section of docs/benchmarks.md; other sections are left as they are. */
export function writeSection(title: string, body: string) {
  const file = join(process.cwd(), 'docs', 'benchmarks.md');
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = `## ${title}`;
  const start = doc.indexOf(`\n${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  let next: string;
  if (start === -1) {
    next = `${doc.trimEnd()}\n\n${section}`;
  } else {
    const rest = doc.slice(start + 1 + heading.length);
    const end = rest.search(/\n## /);
    next = `${doc.slice(0, start + 1)}${section}${end === -1 ? '' : rest.slice(end)}`;
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
  console.log(`docs/benchmarks.md: wrote "${heading}"`);
}

export const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  if (!v) return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
export const envFlag = (name: string) => process.env[name] === '1' || process.env[name] === 'true';

export async function pgVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
  await c.end();
  return `PostgreSQL ${r.rows[0]!.v.split(' ')[0]}`;
}

/** CPU time (ms) of a process and its descendants so far, from /proc (Linux; clock ticks of 10 ms). */
export function processTreeCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return own + children.reduce((sum, c) => sum + processTreeCpuMs(c), 0);
  } catch {
    return 0;
  }
}

/**
 * CPU time (ms) so far of the PostgreSQL backends serving one database (their process titles name it; the shared
 * processes — WAL writer, checkpointer — are not counted). A backend that exits between two readings makes the
 * difference meaningless: keep the pool's connections open during a run.
 */
export function postgresBackendsCpuMs(databaseName: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${databaseName} `)) continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // the process ended
    }
  }
  return sum;
}
