/**
 * Characters a レセプト (and the 処方箋, the online 資格確認 and most other national systems) can carry in a name:
 * JIS X 0208 (JIS第1・第2水準, rows 1–8 and 16–84), plus ASCII and half-width kana, which have JIS X 0208 twins.
 * Anything else (emoji, 髙・﨑 and other IBM/NEC extensions, JIS第3・第4水準) must be entered with its standard form.
 * The set comes from the platform's own EUC-JP decoder (browsers and Node), so no table is shipped. Isomorphic.
 */
let allowed: Set<string> | null = null;

function jisX0208(): Set<string> {
  if (allowed) return allowed;
  const rows = [...Array.from({ length: 8 }, (_, i) => i + 1), ...Array.from({ length: 69 }, (_, i) => i + 16)];
  const bytes: number[] = [];
  for (const row of rows) {
    for (let cell = 1; cell <= 94; cell++) bytes.push(0xa0 + row, 0xa0 + cell);
  }
  const decoded = new TextDecoder('euc-jp').decode(new Uint8Array(bytes));
  // the same JIS X 0208 cells under the other Unicode mapping (JIS/EUC vs the CP932 one the decoder uses)
  const twins = ['\u301C', '\u2016', '\u2212', '\u00A2', '\u00A3', '\u00AC'];
  allowed = new Set([...[...decoded].filter((ch) => ch !== '\uFFFD'), ...twins]);
  return allowed;
}

const isAsciiOrHalfWidthKana = (ch: string) => /^[\x20-\x7E\uFF61-\uFF9F]$/u.test(ch);

/** The characters of `text` (each once, in order) that are neither JIS X 0208 nor ASCII / half-width kana. */
export function charactersOutsideJisX0208(text: string): string[] {
  const set = jisX0208();
  const out: string[] = [];
  for (const ch of text) {
    if (set.has(ch) || isAsciiOrHalfWidthKana(ch) || out.includes(ch)) continue;
    out.push(ch);
  }
  return out;
}
