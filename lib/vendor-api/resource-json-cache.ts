/**
 * Serialized resources of the one-statement searches (docs/decisions/0089), keyed by everything their JSON depends on:
 * the clinic (id, 医療機関番号, name), the target version and the statement's row text — the record's version with
 * its department, visit and doctors as the statement read them. A key never outlives what it names: a changed doctor,
 * department or record makes another row text, hence another key, and the stale entry ages out unread. Nothing is
 * shared between clinics (the clinic id leads the key). Least recently used entries go first beyond the size limit.
 */

/** A search match as the Bundle takes it: the resource's id, its patient and its JSON text. */
export type JsonMatch = { id: string; patientId: string | null; json: string };

export class ResourceJsonCache {
  private readonly entries = new Map<string, JsonMatch>();
  private chars = 0;

  /** `maxChars`: the keys' and texts' length together (UTF-16 code units, about 2 bytes each) */
  constructor(private readonly maxChars: number) {}

  get(key: string): JsonMatch | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, match: JsonMatch): void {
    const size = key.length + match.json.length;
    if (size > this.maxChars) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.chars -= key.length + old.json.length;
    }
    this.entries.set(key, match);
    this.chars += size;
    for (const [oldest, entry] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length + entry.json.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
