import { describe, expect, it } from 'vitest';
import { checkHealth, MAX_CLOCK_SKEW_MS } from './health';

describe('checkHealth', () => {
  it('reaches the database and finds its clock in step with the app', async () => {
    const health = await checkHealth();
    expect(health.database).toBe('ok');
    expect(health.status).toBe('ok');
    expect(Math.abs(health.clockSkewMs!)).toBeLessThanOrEqual(MAX_CLOCK_SKEW_MS);
    expect(Date.parse(health.checkedAt)).not.toBeNaN();
  });
});
