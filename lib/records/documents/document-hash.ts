/** The content hash of a clinical document version (stored at 確定, re-checked on read and by records:verify). */
import { contentHash } from '@/lib/records/record-version';

export const documentContentHash = (row: { kind: string; content: unknown }) => contentHash({ kind: row.kind, content: row.content as Record<string, unknown> });
