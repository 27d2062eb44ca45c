import { describe, expect, it } from 'vitest';
import { registerApiClientSchema, rotateApiClientKeysSchema } from './api-client.schema';
import { SCOPE_CHOICES } from './api-client.constants';
import { API_RESOURCE_TYPES, normalizeScopes } from './scopes';

describe('api client schemas', () => {
  it('rotation takes exactly one of the new JWKS and a JWKS URL, like registration', () => {
    const clientId = '5f0c7a52-2d3b-4c8e-9a51-0c6f1d3e2b11';
    expect(rotateApiClientKeysSchema.safeParse({ clientId, jwks: '{"keys":[]}' }).success).toBe(true);
    expect(rotateApiClientKeysSchema.safeParse({ clientId, jwksUrl: 'https://vendor.example.jp/jwks.json' }).success).toBe(true);
    expect(rotateApiClientKeysSchema.safeParse({ clientId }).success).toBe(false);
    expect(rotateApiClientKeysSchema.safeParse({ clientId, jwksUrl: 'http://vendor.example.jp/jwks.json' }).success).toBe(false);
    expect(registerApiClientSchema.safeParse({ name: 'x', scopes: ['system/Patient.rs'], jwks: '{"keys":[]}' }).success).toBe(true);
  });

  it('offers a read scope for every resource type the API serves, each one a scope the server grants', () => {
    const offered = SCOPE_CHOICES.map((c) => c.scope);
    expect(normalizeScopes(offered)).toEqual(offered);
    for (const type of API_RESOURCE_TYPES) expect(offered).toContain(`system/${type}.rs`);
  });
});
