import type { ApiClientStatus } from './api-client.constants';

/** A registered app as the admin page shows it (never a key's private part: none is stored). */
export type ApiClientDto = {
  clientId: string;
  name: string;
  scopes: string[];
  keySource: 'jwks' | 'jwks_url';
  jwksUrl: string | null;
  /** key ids of an inline JWKS */
  keyIds: string[];
  status: ApiClientStatus;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};
