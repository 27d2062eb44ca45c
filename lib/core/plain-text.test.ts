import { describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_MESSAGE, fieldErrorsOf, z } from './zod';

describe('every z.string() refuses control characters (issue 9 item 16)', () => {
  const schema = z.object({ text: z.string().trim().max(50), optional: z.string().optional() }).strict();

  it('rejects NUL and other controls with a Japanese message on the field', () => {
    for (const bad of ['abc\u0000def', '\u0007bell', 'del\u007f', 'c1\u0085', 'lone\ud800', '\uffff']) {
      const r = schema.safeParse({ text: bad });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(fieldErrorsOf(r.error!)).toEqual({ text: CONTROL_CHARACTER_MESSAGE });
    }
    expect(fieldErrorsOf(schema.safeParse({ text: 'ok', optional: 'x\u0000' }).error!)).toEqual({ optional: CONTROL_CHARACTER_MESSAGE });
  });

  it('keeps tabs, line breaks, Japanese and emoji (emoji are another rule) and the rest of the chain', () => {
    expect(schema.parse({ text: '  S: 頭痛\n\tO: 37.2℃ 😀 ' })).toEqual({ text: 'S: 頭痛\n\tO: 37.2℃ 😀' });
    expect(schema.safeParse({ text: 'x'.repeat(51) }).success).toBe(false);
  });

  it('is the z of the whole project: the type helpers and other schema kinds still work', () => {
    const n = z.coerce.number().int().parse('3');
    const e = z.enum(['a', 'b']).parse('a');
    type T = z.infer<typeof schema>;
    const t: T = { text: 'x' };
    expect([n, e, t.text]).toEqual([3, 'a', 'x']);
    expect(z.string().uuid().safeParse('nope').success).toBe(false);
  });
});
