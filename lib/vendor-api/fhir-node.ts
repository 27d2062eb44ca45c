/**
 * The vendor FHIR API served straight from node:http (docs/decisions/0088): scripts/serve.ts hands every request under
 * /api/fhir/R4 here instead of to Next, so an API call skips Next's routing, proxy and web-stream plumbing, which
 * cost about two thirds of a read's server CPU. The route table is the same (`answerFhirRequest`; the Next route
 * app/api/fhir/R4/[...path] calls it through `handleFhirRequest` under `next dev`): authentication, scopes, audit and the answers do not
 * depend on the entry. What Next would have added is added here: the security headers, a body limit, a
 * Content-Security-Policy for JSON, and an OperationOutcome for anything the adapter itself cannot take.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFields, log } from '@/lib/core/logger';
import { SECURITY_HEADERS } from '@/lib/web/security-headers';
import { errorResponse, FhirError, fhirErrors, FhirJson, type FhirAnswer, type FhirRequest } from './fhir-http';
import { answerFhirRequest, FHIR_BASE_PATH } from './fhir-routes';

/** The largest request body the API takes (a Patient or an Observation is a few KB; a Subscription less). */
export const FHIR_BODY_LIMIT = 1024 * 1024;

const API_HEADERS: [string, string][] = [...SECURITY_HEADERS.map((h): [string, string] => [h.key, h.value]), ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"]];

/** Whether a request target is the vendor API's (`/api/fhir/R4`, anything under it, or it with a query). */
export function isFhirPath(target: string | undefined): boolean {
  if (!target?.startsWith(FHIR_BASE_PATH)) return false;
  const next = target.charAt(FHIR_BASE_PATH.length);
  return next === '' || next === '/' || next === '?';
}

/** The path segments after /api/fhir/R4, each percent-decoded as Next's catch-all route gives them; null when malformed. */
export function fhirSegments(pathname: string): string[] | null {
  try {
    return pathname.slice(FHIR_BASE_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > FHIR_BODY_LIMIT) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FHIR_BODY_LIMIT) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Headers of node:http's message, read as a Web Headers' `get` (names are lower-cased there; repeated ones joined). */
class MessageHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** The request as the route table reads it (FhirRequest), without building a Web Request per call. */
function fhirRequest(req: IncomingMessage, url: URL, body: Buffer | undefined): FhirRequest {
  const text = async () => (body ? new TextDecoder('utf-8', { fatal: false }).decode(body) : '');
  return {
    method: req.method ?? 'GET',
    url: url.href,
    headers: new MessageHeaders(req.headers),
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}

async function send(res: ServerResponse, answer: FhirAnswer, head: boolean): Promise<void> {
  // a JSON answer is written from its text; a Web Response from its stream
  const json = answer instanceof FhirJson;
  const body = head ? null : json ? (typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body) : Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of API_HEADERS) headers[name] = value;
  if (json) for (const name in answer.headers) headers[name.toLowerCase()] = answer.headers[name]!;
  else
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(answer.status, headers);
  res.end(body ?? undefined);
}

/** Answers one request under /api/fhir/R4 (isFhirPath) through the route table. */
export async function serveFhir(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  try {
    const host = req.headers.host && /^[A-Za-z0-9.\-:[\]]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
    const url = new URL(req.url ?? FHIR_BASE_PATH, `http://${host}`);
    const segments = fhirSegments(url.pathname);
    if (!segments) throw fhirErrors.invalid('URL が正しくありません。', 'the request path is not valid percent-encoding');
    const body = req.method === 'GET' || head ? undefined : await readBody(req);
    await send(res, await answerFhirRequest(fhirRequest(req, url, body), segments), head);
  } catch (error) {
    const failure =
      error instanceof FhirError
        ? error
        : error instanceof BodyTooLarge
          ? new FhirError(413, 'too-costly', `送信する内容が大きすぎます（${FHIR_BODY_LIMIT / 1024 / 1024}MBまで）。`, `the request body exceeds ${FHIR_BODY_LIMIT} bytes`, undefined, { Connection: 'close' })
          : new FhirError(500, 'exception', '処理中に問題が発生しました。', 'internal error in the FHIR entry');
    if (failure.status === 500) log('error', 'unexpected error in the FHIR entry', errorFields(error));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    await send(res, errorResponse(failure), head);
  }
}
