import { describe, expect, it } from 'vitest';
import { warmUpFhir } from './warm-up';

describe('FHIR warm-up (ADR 0094)', () => {
  it('builds and validates valid samples of every kind, so it warms the paths real bundles take', async () => {
    // 11 rounds: round 0 and 10 also build the discharge summary and the checkup report
    const documents = await warmUpFhir('documents', 11);
    expect(documents).toMatchObject({ rounds: 11, errors: 0 });
    expect(await warmUpFhir('units', 3)).toMatchObject({ rounds: 3, errors: 0 });
  });

  it('gives way to the event loop between slices: a timer set before it fires before it ends', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let firedBeforeEnd = false;
    const warm = warmUpFhir('documents', 40).then(() => (firedBeforeEnd = fired));
    await warm;
    expect(firedBeforeEnd).toBe(true);
  });

  it('waits while the thread is busy with other work, and goes on once it is idle', async () => {
    // other work: a chain of 5 ms tasks for 400 ms, as a request's awaits would be
    const busyUntil = performance.now() + 400;
    const busy = new Promise<void>((resolve) => {
      const step = () => {
        const t = performance.now();
        while (performance.now() - t < 5);
        if (performance.now() < busyUntil) setTimeout(step, 1);
        else resolve();
      };
      setTimeout(step, 0);
    });
    const warm = warmUpFhir('units', 3).then(() => performance.now());
    await busy;
    const busyEnded = performance.now();
    expect(await warm).toBeGreaterThanOrEqual(busyEnded);
  });

  it('does nothing with 0 rounds', async () => {
    expect(await warmUpFhir('documents', 0)).toMatchObject({ rounds: 0, errors: 0 });
  });
});
