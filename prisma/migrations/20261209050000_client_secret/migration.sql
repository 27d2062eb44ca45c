-- AlterTable
ALTER TABLE "ApiClient" ADD COLUMN     "clientSecretHash" TEXT;
-- An app authenticates one way: an inline public key set, a JWKS URL, or a client secret (docs/decisions/0082).
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_one_credential_check" CHECK (num_nonnulls("jwks", "jwksUrl", "clientSecretHash") = 1);
