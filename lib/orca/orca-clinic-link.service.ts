/** What the reception-side ORCA services share: the clinic's link (when it has ORCA settings) and ORCA's message. */
import { db } from '@/lib/core/db';
import type { Principal } from '@/lib/auth/principal';
import { getOrcaLink } from './get-orca-link';
import { orcaLinkRepository as repo } from './orca-link.repository';
import { OrcaBusyError, OrcaRejectedError, OrcaUnavailableError, type OrcaLink } from './orca-port';

/** The link (injected in tests) and the clock of a service call. */
export type OrcaDeps = { link?: OrcaLink | null; clock?: () => Date };

/** ORCA's own message for an error it answered (down, refused, busy); null for anything else (a bug: rethrow). */
export function orcaMessage(error: unknown): string | null {
  if (error instanceof OrcaUnavailableError || error instanceof OrcaRejectedError || error instanceof OrcaBusyError) return error.message;
  return null;
}

/** The link for the actor's clinic, or null when ORCA is off or the clinic has not set up the link. */
export async function linkedClinic(actor: Principal, deps: OrcaDeps): Promise<OrcaLink | null> {
  const link = deps.link === undefined ? getOrcaLink() : deps.link;
  if (!link || !(await repo.settings(db(), actor.clinicId))) return null;
  return link;
}
