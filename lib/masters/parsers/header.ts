/** Header-bearing CSVs (J-FAGY, 一般名処方マスタ, JLAC10 / JAMI lists): column lookup by name. */
export type HeaderMap = Map<string, number>;

export function headerMap(fields: string[]): HeaderMap {
  return new Map(fields.map((name, i) => [name.replace(/^\uFEFF/, '').trim(), i]));
}

/** Index of the first header matching one of the names (exact) or patterns. */
export function findColumn(header: HeaderMap, ...candidates: (string | RegExp)[]): number | undefined {
  for (const c of candidates) {
    if (typeof c === 'string') {
      if (header.has(c)) return header.get(c);
    } else {
      for (const [name, i] of header) if (c.test(name)) return i;
    }
  }
  return undefined;
}
