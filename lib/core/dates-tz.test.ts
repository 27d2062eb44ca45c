/**
 * Issue 9 item 23: dates are the clinic's (JST) whatever the host's zone. Every check runs with the host in Tokyo, in
 * UTC and in New York (daylight saving: 2026-03-08 02:30 does not exist there).
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { auditCsvFileName } from '@/lib/audit/audit-report';
import { registerPatientSchema } from '@/lib/records/patients/patient.schema';
import { patientInput } from '@/tests/helpers/factories';
import { dayLabel, formatDateTimeJst, parseWareki, previousDay, todayJst, toWareki, dateOnly } from './dates';
import { formatInTimeZone } from './tz';

const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each(['Asia/Tokyo', 'UTC', 'America/New_York'])('host time zone %s', (tz) => {
  const inZone = () => {
    process.env.TZ = tz;
  };

  it('prints JST wall time, also for a JST time that does not exist in the host zone', () => {
    inZone();
    expect(formatInTimeZone(new Date('2026-03-07T17:30:00Z'), 'yyyy/MM/dd HH:mm')).toBe('2026/03/08 02:30');
    expect(formatDateTimeJst(new Date('2026-12-31T15:00:00Z'))).toBe('2027/01/01 00:00');
    expect(formatInTimeZone(new Date('2026-12-04T14:59:59Z'), 'yyyy-MM-dd HH:mm:ss')).toBe('2026-12-04 23:59:59');
  });

  it('takes "today" in JST: 00:00-09:00 JST is already the next day', () => {
    inZone();
    expect(todayJst(new Date('2026-12-04T15:00:00Z'))).toBe('2026-12-05');
    expect(todayJst(new Date('2026-12-04T14:59:59Z'))).toBe('2026-12-04');
    // from the clock (no argument)
    vi.useFakeTimers({ now: new Date('2026-12-04T15:00:00Z') });
    expect(todayJst()).toBe('2026-12-05');
    vi.setSystemTime(new Date('2026-12-04T14:59:59.999Z'));
    expect(todayJst()).toBe('2026-12-04');
    vi.useRealTimers();
    expect(previousDay('2027-01-01')).toBe('2026-12-31');
    expect(dayLabel('2026-12-05')).toBe('2026/12/05（令和8年12月5日）');
  });

  it('accepts a birth date of today between 00:00 and 09:00 JST, and refuses tomorrow', () => {
    inZone();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T15:30:00Z')); // 2026-12-05 00:30 JST
    expect(registerPatientSchema.safeParse(patientInput({ birthDate: '2026-12-05' })).success).toBe(true);
    expect(registerPatientSchema.safeParse(patientInput({ birthDate: '2026-12-06' })).success).toBe(false);
  });

  it('dates the audit CSV with the JST day of the export', () => {
    inZone();
    expect(auditCsvFileName(new Date('2026-12-04T15:01:00Z'))).toBe('audit-2026-12-05.csv');
  });

  it('parses 和暦 only inside its era, with the platform\'s Japanese calendar', () => {
    inZone();
    expect(parseWareki('S65.1.1')).toBeNull();
    expect(parseWareki('H1.1.1')).toBeNull(); // still 昭和64年
    expect(parseWareki('昭和64年1月7日')).toBe('1989-01-07');
    expect(parseWareki('H1.1.8')).toBe('1989-01-08');
    expect(parseWareki('平成元年1月8日')).toBe('1989-01-08');
    expect(parseWareki('H31.4.30')).toBe('2019-04-30');
    expect(parseWareki('H31.5.1')).toBeNull();
    expect(parseWareki('R1.4.30')).toBeNull();
    expect(parseWareki('R1.5.1')).toBe('2019-05-01');
    expect(parseWareki('ｓ５０．４．１')).toBe('1975-04-01');
    expect(parseWareki('T15.12.24')).toBe('1926-12-24');
    expect(parseWareki('T15.12.25')).toBeNull();
    expect(parseWareki('S0.1.1')).toBeNull();
    expect(parseWareki('S50.2.30')).toBeNull();
    expect(toWareki(dateOnly('1989-01-07'))).toBe('昭和64年1月7日');
    expect(toWareki(dateOnly('1989-01-08'))).toBe('平成元年1月8日');
    expect(toWareki(dateOnly('2019-05-01'))).toBe('令和元年5月1日');
  });
});
