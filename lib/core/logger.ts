/**
 * Minimal structured logger (JSON lines on stdout/stderr). Never log passwords, TOTP secrets, cookies or note bodies:
 * errors go through `errorFields`, which keeps a database error's name and code but not its message (Prisma's
 * messages quote the query's arguments, i.e. patient data). CR/LF in values are flattened (no forged log lines).
 */
import { env } from './env';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const sanitize = (v: unknown): unknown => {
  if (typeof v === 'string') return v.replace(/[\r\n]+/g, ' ');
  if (Array.isArray(v)) return v.map(sanitize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sanitize(x)]));
  return v;
};

type Sink = (line: string, level: Level) => void;
const sinks = new Set<Sink>();

/** Every line, whatever the level (tests check that nothing secret is ever logged). Returns the unsubscribe. */
export function onLogLine(sink: Sink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: sanitize(message), ...(sanitize(fields) as Record<string, unknown>) });
  for (const sink of sinks) sink(line, level);
  const e = env();
  if (RANK[level] < RANK[e.LOG_LEVEL]) return;
  if (level === 'error' || level === 'warn') console.error(line);
  else if (e.NODE_ENV !== 'test') console.log(line);
}

/** What to log about an unexpected error: enough to find it, nothing of the data it was about. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  if (error.name.startsWith('PrismaClient') || error.constructor.name.startsWith('PrismaClient')) {
    const code = (error as { code?: unknown }).code;
    return { error: error.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { error: `${error.name}: ${error.message}`, stack: error.stack };
}
