/**
 * Serialized resources of the vendor API (docs/decisions/0089, 0091), kept for everything their JSON depends on: a
 * short key — the clinic (id, 医療機関番号, name), the target version and the record's id — and a `source` text that
 * must equal the one the JSON was written from: for an Observation of a search, the context the statement found for
 * its version (departments, visit, doctors; the version itself never changes once final, 0020); for a Patient read,
 * the read statement's patient text. A renamed doctor or department, a changed registration, is another source: a
 * miss, and the entry is written again. Nothing is shared between clinics (the clinic id leads the key). Beyond the
 * size limit the oldest entries go first, except those read since they were last passed over (a second chance: a
 * read only marks its entry, where moving it to the end of the Map cost a delete and an insert per hit). (The key is short on purpose: a Map hashes its whole key,
 * which for a 1–2 KB text cost ≈ 4 % of a search's server CPU; comparing two equal-length texts is a memory compare.)
 */

/** A search match as the Bundle takes it: the resource's id, its patient and its JSON (text, or as UTF-8 bytes). */
export type JsonMatch = { id: string; patientId: string | null; json: string | Buffer };

type Entry<M> = { source: string; match: M; size: number; used: boolean };

const sizeOf = (source: string, json: string | Buffer) => source.length * 2 + (typeof json === 'string' ? json.length * 2 : json.length);

export class ResourceJsonCache<M extends JsonMatch = JsonMatch> {
  private readonly entries = new Map<string, Entry<M>>();
  private bytes = 0;

  /** `maxBytes`: about what the kept texts take (two bytes a character of the row texts, the JSON's UTF-8 bytes) */
  constructor(private readonly maxBytes: number) {}

  /** The match kept under `key` when it was written from `source`. */
  get(key: string, source: string): M | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.source !== source) return undefined;
    entry.used = true;
    return entry.match;
  }

  set(key: string, source: string, match: M): void {
    const size = sizeOf(source, match.json);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.size;
    }
    this.entries.set(key, { source, match, size, used: false });
    this.bytes += size;
    // oldest first, never the one just kept; an entry read since it was last passed over goes to the end unmarked
    // instead (the loop meets it again after every older one, so it ends: at the latest when it comes round unmarked)
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (oldest === key) continue;
      this.entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.entries.set(oldest, entry);
      } else {
        this.bytes -= entry.size;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
