import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { db } from './db';
import { errorFields, log, onLogLine } from './logger';

let unsubscribe: (() => void) | undefined;
afterEach(() => unsubscribe?.());

const capture = () => {
  const lines: string[] = [];
  unsubscribe = onLogLine((line) => lines.push(line));
  return lines;
};

describe('logger', () => {
  it('writes one JSON line per event, with CR/LF flattened at any depth (no forged lines)', () => {
    const lines = capture();
    log('info', 'login\r\nFAKE', { user: 'a\nb', nested: { note: ['x\r\ny'] } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'login FAKE', user: 'a b', nested: { note: ['x y'] } });
  });

  it('keeps a database error to its name and code: Prisma quotes the query arguments in its message', async () => {
    const marker = `患者メモ-${randomUUID()}`;
    // a real validation error from the real client: required columns missing
    const error = await db()
      .clinicalNote.create({ data: { subjective: marker } as never })
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain(marker);
    const lines = capture();
    log('error', 'unexpected error in action', { requestId: 'r1', ...errorFields(error) });
    expect(lines[0]).not.toContain(marker);
    expect(JSON.parse(lines[0]!).error).toMatch(/^PrismaClient/);
  });

  it('keeps the message and stack of other errors', () => {
    expect(errorFields(new TypeError('boom'))).toMatchObject({ error: 'TypeError: boom', stack: expect.stringContaining('boom') });
    expect(errorFields('text thrown')).toEqual({ error: 'string' });
  });
});
