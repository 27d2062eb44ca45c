import type { ApiClientStatus } from './api-client.constants';

/** A registered app as the admin page shows it (never a key's private part or a secret: neither is stored). */
export type ApiClientDto = {
  clientId: string;
  name: string;
  scopes: string[];
  /** how the app authenticates at the token endpoint */
  keySource: 'jwks' | 'jwks_url' | 'client_secret';
  jwksUrl: string | null;
  /** key ids of an inline JWKS */
  keyIds: string[];
  status: ApiClientStatus;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

/** The answer to a registration or a secret rotation: the secret is in it this once and never again. */
export type ApiClientWithSecret = ApiClientDto & { clientSecret?: string };
