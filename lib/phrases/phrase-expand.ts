/**
 * 定型文 expansion in the note editor (issue 13): `.abbr` typed at the cursor, followed by Space or Tab, becomes the
 * phrase's text. Pure and client-safe. A user's own phrase wins over the clinic's for the same abbreviation; case and
 * full-width letters (an IME left on) are ignored.
 */
export type PhraseForExpansion = { abbreviation: string; text: string; personal: boolean };

/** The phrase each abbreviation expands to for this user: their own first, else the clinic's. */
export function phraseMap(phrases: readonly PhraseForExpansion[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of phrases) if (!p.personal) map.set(p.abbreviation, p.text);
  for (const p of phrases) if (p.personal) map.set(p.abbreviation, p.text);
  return map;
}

/**
 * When the text before `cursor` ends with `.abbr` (at the start or after whitespace or punctuation) and abbr is a
 * known abbreviation, returns the text with it replaced and the cursor after the phrase; else null.
 */
export function expandPhraseAt(text: string, cursor: number, phrases: ReadonlyMap<string, string>): { text: string; cursor: number } | null {
  const before = text.slice(0, cursor);
  const m = /(^|[\s、。，．,(（「])[.．]([A-Za-z0-9_\-Ａ-Ｚａ-ｚ０-９＿－]{1,20})$/.exec(before);
  if (!m) return null;
  const key = m[2]!.normalize('NFKC').toLowerCase();
  const phrase = phrases.get(key);
  if (phrase === undefined) return null;
  const start = cursor - m[2]!.length - 1;
  return { text: text.slice(0, start) + phrase + text.slice(cursor), cursor: start + phrase.length };
}
