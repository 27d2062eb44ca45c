/**
 * SMART App Launch v2 system scopes for the vendor API (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * `system/<Type|*>.<c r u d s in that order>`; the v1 forms `.read` (= rs) and `.write` (= cud) are read as their v2
 * equivalents. One vocabulary: each scope letter maps onto the interaction the route table names (docs/decisions/0046).
 */
export const SCOPE_INTERACTIONS = ['c', 'r', 'u', 'd', 's'] as const;
export type ScopeInteraction = (typeof SCOPE_INTERACTIONS)[number];

/** The resource types the vendor API serves (the route table may serve fewer interactions than a scope names). */
export const API_RESOURCE_TYPES = ['Patient', 'Condition', 'AllergyIntolerance', 'Observation', 'MedicationRequest', 'Encounter', 'Practitioner', 'Organization', 'DocumentReference'] as const;
export type ApiResourceType = (typeof API_RESOURCE_TYPES)[number];

/** The types whose earlier versions are kept and served (vread, _history); the others are read as they are now. */
export const VERSIONED_TYPES = ['Patient', 'Condition', 'AllergyIntolerance', 'Observation', 'MedicationRequest', 'DocumentReference'] as const satisfies readonly ApiResourceType[];

export type Scope = { resourceType: ApiResourceType | '*'; interactions: ReadonlySet<ScopeInteraction> };

const SCOPE = /^system\/(\*|[A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/;

/** Parses one scope string; null when it is not a system scope of a type we serve (such scopes are not granted). */
export function parseScope(text: string): Scope | null {
  const m = SCOPE.exec(text.trim());
  if (!m || !m[2]) return null;
  const type = m[1]!;
  if (type !== '*' && !(API_RESOURCE_TYPES as readonly string[]).includes(type)) return null;
  const perms = m[2] === 'read' ? 'rs' : m[2] === 'write' ? 'cud' : m[2] === '*' ? 'cruds' : m[2];
  return { resourceType: type as Scope['resourceType'], interactions: new Set([...perms] as ScopeInteraction[]) };
}

/** The canonical text of a scope: `system/Patient.rs`. */
export function formatScope(scope: Scope): string {
  return `system/${scope.resourceType}.${SCOPE_INTERACTIONS.filter((i) => scope.interactions.has(i)).join('')}`;
}

/** Scopes as a canonical, de-duplicated list (unknown ones dropped). */
export function normalizeScopes(texts: readonly string[]): string[] {
  return [...new Set(texts.map(parseScope).filter((s): s is Scope => s !== null && s.interactions.size > 0).map(formatScope))];
}

/** True when any scope allows `interaction` on `resourceType`. */
export function scopesAllow(scopes: readonly string[], resourceType: string, interaction: ScopeInteraction): boolean {
  return scopes.some((text) => {
    const s = parseScope(text);
    return !!s && (s.resourceType === '*' || s.resourceType === resourceType) && s.interactions.has(interaction);
  });
}

/**
 * What a token request gets: each requested scope narrowed to what the app is registered for (per interaction
 * letter). A requested `system/*.rs` against a registration of `system/Patient.rs` yields `system/Patient.rs`.
 */
export function grantScopes(requested: readonly string[], registered: readonly string[]): string[] {
  const granted: string[] = [];
  for (const text of requested) {
    const want = parseScope(text);
    if (!want) continue;
    for (const hasText of registered) {
      const has = parseScope(hasText);
      if (!has) continue;
      const type = want.resourceType === '*' ? has.resourceType : has.resourceType === '*' || has.resourceType === want.resourceType ? want.resourceType : null;
      if (!type) continue;
      const interactions = new Set([...want.interactions].filter((i) => has.interactions.has(i)));
      if (interactions.size) granted.push(formatScope({ resourceType: type, interactions }));
    }
  }
  return normalizeScopes(granted);
}
