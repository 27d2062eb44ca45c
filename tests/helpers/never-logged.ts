/**
 * Values no log line may ever contain (SECURITY.md C2): passwords, TOTP secrets, keys, note text. Tests register
 * what they create; tests/setup-env.ts checks every line the logger wrote during the file.
 */
const values = new Set<string>();

export function neverLogged(...secrets: (string | null | undefined)[]) {
  for (const s of secrets) if (s && s.length >= 6) values.add(s);
}

export function leakedIn(line: string): string | undefined {
  for (const v of values) if (line.includes(v)) return v;
  return undefined;
}
