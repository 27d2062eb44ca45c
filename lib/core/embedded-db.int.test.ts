/** Issue 9 item 17: the embedded database never lets the superuser in without its password. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedDb, type EmbeddedDb } from './embedded-db';

const password = randomBytes(24).toString('base64url');
const port = 61200 + Math.floor(Math.random() * 90);
let embedded: EmbeddedDb;

beforeAll(async () => {
  embedded = await startEmbeddedDb({ port, password });
}, 60_000);
afterAll(async () => {
  await embedded?.stop();
});

async function tryConnect(connectionString: string): Promise<{ ok: true; user: string } | { ok: false; code?: string; message: string }> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const r = await client.query<{ u: string }>('SELECT current_user AS u');
    return { ok: true, user: r.rows[0]!.u };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { ok: false, code: err.code, message: err.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('embedded database authentication', () => {
  it('accepts the superuser with the generated password (SCRAM-SHA-256), through the URL it hands out', async () => {
    expect(embedded.url).toContain(encodeURIComponent(password));
    expect(await tryConnect(embedded.url)).toEqual({ ok: true, user: 'postgres' });
  });

  it('refuses no password and a wrong password with PostgreSQL\'s authentication error', async () => {
    const noPassword = await tryConnect(`postgresql://postgres@127.0.0.1:${port}/postgres`);
    expect(noPassword.ok).toBe(false);
    const wrong = await tryConnect(`postgresql://postgres:${'x'.repeat(24)}@127.0.0.1:${port}/postgres`);
    expect(wrong).toMatchObject({ ok: false, code: '28P01' });
  });

  it('refuses a password shorter than 16 characters at start', async () => {
    await expect(startEmbeddedDb({ port: port + 100, password: 'short' })).rejects.toThrow(/at least 16/);
  });
});
