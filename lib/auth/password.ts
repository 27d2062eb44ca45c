/** Argon2id with OWASP parameters (m=19 MiB, t=2, p=1); the password policy. */
import { hash, verify } from '@node-rs/argon2';

const ARGON2_OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;

// A short list of passwords seen in breaches and typical clinic guesses; rejected whatever their length.
const COMMON_PASSWORDS = new Set([
  'password1234', 'password12345', 'passw0rd1234', 'qwertyuiop12', '123456789012', '1234567890123',
  'aaaaaaaaaaaa', 'abcdefghijkl', 'iloveyou1234', 'administrator', 'welcome12345', 'changeme1234',
  'clinic123456', 'karte1234567', 'hospital1234', 'doctor123456', 'qwerty123456', 'p@ssw0rd1234',
]);

export async function hashPassword(plain: string): Promise<string> {
  return hash(plain, ARGON2_OPTIONS);
}

export async function verifyPassword(hashed: string, plain: string): Promise<boolean> {
  try {
    return await verify(hashed, plain);
  } catch {
    return false;
  }
}

/** Returns a Japanese message when the password is not acceptable, else null. */
export function passwordPolicyError(plain: string, loginId?: string): string | null {
  if (plain.length < PASSWORD_MIN_LENGTH) return `パスワードは${PASSWORD_MIN_LENGTH}文字以上にしてください。`;
  if (plain.length > 128) return 'パスワードは128文字以内にしてください。';
  if (COMMON_PASSWORDS.has(plain.toLowerCase())) return 'よく使われるパスワードは使用できません。';
  if (/^(.)\1+$/.test(plain)) return '同じ文字の繰り返しは使用できません。';
  if (loginId && plain.toLowerCase().includes(loginId.toLowerCase().split('@')[0]!)) {
    return 'ログインIDを含むパスワードは使用できません。';
  }
  return null;
}

