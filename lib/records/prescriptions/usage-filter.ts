/**
 * The 用法 combobox's search (issue 13): pure and client-safe. Every word typed must appear in the usage's text or
 * code, compared after NFKC (the JAMI master writes １日３回 in full width) and with the words clinicians type for
 * the master's: 毎食 = 朝昼夕食, 眠前 = 就寝前.
 */
const SYNONYMS: [RegExp, string][] = [
  [/毎食/g, '朝昼夕食'],
  [/眠前/g, '就寝前'],
  [/寝る前/g, '就寝前'],
];

const fold = (s: string) => SYNONYMS.reduce((t, [re, to]) => t.replace(re, to), s.normalize('NFKC').toLowerCase());

export function filterUsages<T extends { code: string; text: string }>(usages: readonly T[], query: string): T[] {
  const words = fold(query).split(/[\s・]+/).filter(Boolean);
  if (words.length === 0) return [...usages];
  return usages.filter((u) => {
    const hay = fold(`${u.text} ${u.code}`);
    return words.every((w) => hay.includes(w));
  });
}
