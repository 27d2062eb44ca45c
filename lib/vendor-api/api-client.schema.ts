import { z } from '@/lib/core/zod';
import { parseScope } from './scopes';

const MAX_JWKS_CHARS = 20_000;

const jwksField = z.string().trim().max(MAX_JWKS_CHARS, `公開鍵（JWKS）は${MAX_JWKS_CHARS}文字以内で入力してください。`).optional();
const jwksUrlField = z
  .string()
  .trim()
  .max(500)
  .refine((u) => !u || isAllowedJwksUrl(u), { error: 'JWKS URL は https:// で始まるURLを入力してください。' })
  .optional();

/** Registration of a backend app: name, scopes, and its public keys inline (JWKS JSON) or by an https URL. */
export const registerApiClientSchema = z
  .object({
    name: z.string().trim().min(1, 'アプリ名を入力してください。').max(100, 'アプリ名は100文字以内で入力してください。'),
    scopes: z
      .array(z.string().trim().max(100))
      .min(1, '許可するスコープを1つ以上選んでください。')
      .max(20)
      .refine((list) => list.every((s) => parseScope(s)?.interactions.size), { error: '許可できないスコープが含まれています（例: system/Patient.rs）。' }),
    jwks: jwksField,
    jwksUrl: jwksUrlField,
    /** the app authenticates with a client secret issued now (for apps that cannot sign assertions) */
    issueClientSecret: z.boolean().optional(),
  })
  .strict()
  .refine((v) => [!!v.jwks, !!v.jwksUrl, !!v.issueClientSecret].filter(Boolean).length === 1, {
    error: '公開鍵（JWKS）、JWKS URL、クライアントシークレットのどれか一つを選んでください。',
    path: ['jwks'],
  });
export type RegisterApiClientInput = z.infer<typeof registerApiClientSchema>;

export const revokeApiClientSchema = z.object({ clientId: z.string().uuid() }).strict();

/** 鍵の更新: the app's new public keys (the old ones stop verifying assertions at once). */
export const rotateApiClientKeysSchema = z
  .object({ clientId: z.string().uuid(), jwks: jwksField, jwksUrl: jwksUrlField })
  .strict()
  .refine((v) => !!v.jwks !== !!v.jwksUrl, { error: '新しい公開鍵（JWKS）か JWKS URL のどちらか一方を入力してください。', path: ['jwks'] });
export type RotateApiClientKeysInput = z.infer<typeof rotateApiClientKeysSchema>;
export type RevokeApiClientInput = z.infer<typeof revokeApiClientSchema>;

/** シークレットの再発行: a new client secret replaces the old one at once. */
export const rotateApiClientSecretSchema = z.object({ clientId: z.string().uuid() }).strict();
export type RotateApiClientSecretInput = z.infer<typeof rotateApiClientSecretSchema>;

/** https anywhere; plain http only to this machine (a vendor's engineer testing locally). */
export function isAllowedJwksUrl(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]');
  } catch {
    return false;
  }
}
