// npm start: the production server. Next's request handler behind a plain node:http server that decides each client's
// address (lib/core/http-edge.ts: TCP peer, or X-Forwarded-For only through TRUSTED_PROXIES). Use this, not
// `next start`, in production: under `next start` the app cannot know the client's address and records none.
// The vendor FHIR API (/api/fhir/R4/…) is answered by its route table directly, outside Next (docs/decisions/0088).
//   PORT (3000), HOSTNAME (127.0.0.1); run `next build` first.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
process.env.AUTH_TRUST_HOST ??= 'true';
// proves to the app that the client-IP header was set here (lib/core/request-context.ts); never leaves this process
process.env.KARTE_EDGE_TOKEN = randomBytes(32).toString('hex');

const { default: next } = await import('next');
const { env } = await import('@/lib/core/env');
const { parseTrustedProxies } = await import('@/lib/core/client-ip');
const { withClientIp } = await import('@/lib/core/http-edge');
// every copy of the FHIR builders and validators in this process warms itself up when it is loaded: the vendor API's
// (next line) at start, the pages' when Next first loads them (lib/fhir/warm-up.ts, ADR 0094)
const { requestServerWarmUp } = await import('@/lib/fhir/warm-up');
requestServerWarmUp(env().FHIR_WARM_UP_ROUNDS);
const { isFhirPath, serveFhir } = await import('@/lib/vendor-api/fhir-node');

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '127.0.0.1';
const app = next({ dev: false, hostname, port });
await app.prepare();
const handler = app.getRequestHandler();
const server = createServer(withClientIp((req, res) => (isFhirPath(req.url) ? serveFhir(req, res) : handler(req, res)), parseTrustedProxies(env().TRUSTED_PROXIES), env().KARTE_EDGE_TOKEN!));
server.listen(port, hostname, () => console.log(`Karte: http://${hostname}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
