import { describe, expect, it } from 'vitest';
import { formatInTimeZone, jstIsoInstant, jstParts, jstPartsByIntl } from './tz';

describe('jstParts', () => {
  it('agrees with the time-zone data for instants from 1952 to 2100, at day and year boundaries too', () => {
    const from = Date.UTC(1951, 11, 31, 15);
    const to = Date.UTC(2100, 0, 1);
    const instants = [from, Date.UTC(2026, 11, 31, 14, 59, 59), Date.UTC(2026, 11, 31, 15), Date.UTC(2024, 1, 28, 15), Date.UTC(2000, 0, 1)];
    let seed = 42;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      instants.push(from + Math.floor((seed / 2 ** 31) * (to - from)));
    }
    for (const t of instants) expect(jstParts(new Date(t)), new Date(t).toISOString()).toEqual(jstPartsByIntl(new Date(t)));
  });

  it('takes the time-zone data before 1952, when Japan had daylight saving', () => {
    // 1949-07-01 12:00 UTC was 22:00 JDT (+10:00), not 21:00
    expect(jstParts(new Date(Date.UTC(1949, 6, 1, 12)))).toMatchObject({ yyyy: '1949', MM: '07', dd: '01', HH: '22' });
    expect(formatInTimeZone(new Date('2026-12-31T15:00:00Z'), 'yyyy-MM-dd HH:mm:ss')).toBe('2027-01-01 00:00:00');
  });

  it('refuses an invalid date as before', () => {
    expect(() => jstParts(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('jstIsoInstant', () => {
  const byParts = (d: Date) => {
    const p = jstPartsByIntl(d);
    return `${p.yyyy}-${p.MM}-${p.dd}T${p.HH}:${p.mm}:${p.ss}.${String(d.getUTCMilliseconds()).padStart(3, '0')}+09:00`;
  };

  it('writes the JST wall time with milliseconds and +09:00, as the time-zone data gives it, 1952 to 2100', () => {
    const from = Date.UTC(1951, 11, 31, 15);
    const instants = [from, from + 1, Date.UTC(2026, 11, 31, 14, 59, 59, 999), Date.UTC(2026, 11, 31, 15), Date.UTC(2024, 1, 28, 15, 0, 0, 7)];
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      instants.push(from + Math.floor((seed / 2 ** 31) * (Date.UTC(2100, 0, 1) - from)));
    }
    for (const t of instants) expect(jstIsoInstant(new Date(t))).toBe(byParts(new Date(t)));
    expect(jstIsoInstant(new Date('2026-12-04T01:00:00.250Z'))).toBe('2026-12-04T10:00:00.250+09:00');
    // the arithmetic agrees with Date's own calendar up to the last four-digit year, at month ends and leap days
    for (const iso of ['2000-02-29T14:59:59.999Z', '2100-02-28T15:00:00.000Z', '2400-02-29T00:00:00.001Z', '9999-12-31T14:59:59.999Z', '1999-12-31T15:00:00.000Z']) {
      const t = Date.parse(iso);
      expect(jstIsoInstant(t)).toBe(`${new Date(t + 9 * 3600_000).toISOString().slice(0, 23)}+09:00`);
    }
    let seed2 = 11;
    for (let i = 0; i < 3000; i++) {
      seed2 = (seed2 * 1103515245 + 12345) % 2 ** 31;
      const t = Date.UTC(1952, 0, 1) + Math.floor((seed2 / 2 ** 31) * (Date.UTC(9999, 0, 1) - Date.UTC(1952, 0, 1)));
      expect(jstIsoInstant(t)).toBe(`${new Date(t + 9 * 3600_000).toISOString().slice(0, 23)}+09:00`);
    }
  });

  it('takes the time-zone data before 1952 and refuses an invalid date', () => {
    const summer1949 = new Date(Date.UTC(1949, 6, 1, 12, 0, 0, 5));
    expect(jstIsoInstant(summer1949)).toBe(byParts(summer1949));
    expect(jstIsoInstant(summer1949)).toMatch(/^1949-07-01T22:00:00\.005/);
    expect(() => jstIsoInstant(new Date(Number.NaN))).toThrow(RangeError);
  });
});
