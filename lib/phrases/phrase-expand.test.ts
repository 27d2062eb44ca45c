import { describe, expect, it } from 'vitest';
import { expandPhraseAt, phraseMap } from './phrase-expand';

const phrases = phraseMap([
  { abbreviation: 'htn', text: '高血圧症：コントロール良好。', personal: false },
  { abbreviation: 'do', text: '前回処方継続。', personal: false },
  { abbreviation: 'do', text: '処方継続、次回4週後。', personal: true },
]);

describe('定型文 expansion', () => {
  it('expands .abbr at the cursor, after whitespace, punctuation or at the start', () => {
    expect(expandPhraseAt('.htn', 4, phrases)).toEqual({ text: '高血圧症：コントロール良好。', cursor: 14 });
    expect(expandPhraseAt('A: .htn', 7, phrases)).toEqual({ text: 'A: 高血圧症：コントロール良好。', cursor: 17 });
    expect(expandPhraseAt('頭痛なし。.htn\n次行', 9, phrases)).toEqual({ text: '頭痛なし。高血圧症：コントロール良好。\n次行', cursor: 19 });
  });

  it("prefers the user's own phrase and ignores case and full-width letters", () => {
    expect(expandPhraseAt('.DO', 3, phrases)?.text).toBe('処方継続、次回4週後。');
    expect(expandPhraseAt('．ｈｔｎ', 4, phrases)?.text).toBe('高血圧症：コントロール良好。');
  });

  it('leaves everything else alone', () => {
    expect(expandPhraseAt('.xyz', 4, phrases)).toBeNull(); // unknown
    expect(expandPhraseAt('htn', 3, phrases)).toBeNull(); // no dot
    expect(expandPhraseAt('3.htn', 5, phrases)).toBeNull(); // a decimal or a word, not a phrase
    expect(expandPhraseAt('.htn more', 9, phrases)).toBeNull(); // not at the cursor
    expect(expandPhraseAt('', 0, phrases)).toBeNull();
  });
});
