/** Search keys for Japanese names: hiragana, katakana and half-width kana are the same; spaces are ignored. */

const HIRAGANA_START = 0x3041;
const HIRAGANA_END = 0x3096;
const KATAKANA_OFFSET = 0x60;

/** NFKC (half-width -> full-width, full-width digits -> ASCII), hiragana -> katakana, no spaces. */
export function toKanaSearchKey(input: string): string {
  let out = '';
  for (const ch of input.normalize('NFKC')) {
    const code = ch.codePointAt(0)!;
    if (code >= HIRAGANA_START && code <= HIRAGANA_END) out += String.fromCodePoint(code + KATAKANA_OFFSET);
    else if (!/\s/u.test(ch)) out += ch;
  }
  return out;
}

/** Kanji / mixed names: NFKC and no spaces (kana inside are unified too). */
export function toNameSearchKey(input: string): string {
  return toKanaSearchKey(input);
}

/** True when the text is made only of kana (any width), the long-vowel mark and spaces. */
export function isKana(input: string): boolean {
  return /^[\u3041-\u3096\u30A1-\u30FA\u30FC\u309B\u309C\uFF66-\uFF9F\s・ー]+$/u.test(input);
}

/** Katakana for storage (full-width). */
export function toKatakana(input: string): string {
  let out = '';
  for (const ch of input.normalize('NFKC')) {
    const code = ch.codePointAt(0)!;
    out += code >= HIRAGANA_START && code <= HIRAGANA_END ? String.fromCodePoint(code + KATAKANA_OFFSET) : ch;
  }
  return out;
}

/** Escapes % _ \ for a LIKE pattern. */
export function escapeLike(input: string): string {
  return input.replace(/[\\%_]/g, (m) => `\\${m}`);
}
