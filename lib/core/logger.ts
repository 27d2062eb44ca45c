/** Minimal structured logger (JSON lines). Never log passwords, TOTP secrets, cookies or note bodies. */
import { env } from './env';

type Level = 'debug' | 'info' | 'warn' | 'error';

const sanitize = (v: unknown) => (typeof v === 'string' ? v.replace(/[\r\n]/g, ' ') : v);

export function log(level: Level, message: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: sanitize(message), ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, sanitize(v)])) });
  if (level === 'error' || level === 'warn') console.error(line);
  else if (env().NODE_ENV !== 'test') console.log(line);
}
