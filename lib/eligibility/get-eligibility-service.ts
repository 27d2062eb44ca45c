import { env } from '@/lib/core/env';
import type { EligibilityQuery, EligibilityService } from './eligibility-service';
import { HttpEligibilityService } from './adapters/http-eligibility';
import { SandboxEligibilityService } from './adapters/sandbox-eligibility';

/** ELIGIBILITY_MODE=sandbox (default) or http (ELIGIBILITY_URL). */
export function getEligibilityService(lookupValidUntil?: (q: EligibilityQuery) => string | null): EligibilityService {
  const e = env();
  if (e.ELIGIBILITY_MODE === 'http') {
    if (!e.ELIGIBILITY_URL) throw new Error('ELIGIBILITY_URL is required when ELIGIBILITY_MODE=http');
    return new HttpEligibilityService({ baseUrl: e.ELIGIBILITY_URL });
  }
  return new SandboxEligibilityService(lookupValidUntil);
}
