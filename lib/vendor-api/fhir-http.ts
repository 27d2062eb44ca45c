/** FHIR over HTTP: JSON responses with the FHIR media type, and every failure as an OperationOutcome. */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

type IssueCode = OperationOutcomeIssue['code'];

/**
 * A failure the API answers with an OperationOutcome: `text` in Japanese for the clinic's and vendor's staff,
 * `diagnostics` in English for the vendor's engineer, `expression` the FHIRPath (or search parameter) at fault.
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    readonly text: string,
    readonly diagnostics: string,
    readonly expression?: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(diagnostics);
  }
}

export const fhirErrors = {
  notFound: (type: string, id: string) => new FhirError(404, 'not-found', '対象が見つかりません。', `${type}/${id} is not known`),
  unauthorized: (diagnostics: string) =>
    new FhirError(401, 'login', '認証が必要です。アクセストークンを取得し直してください。', diagnostics, undefined, { 'WWW-Authenticate': 'Bearer realm="karte", error="invalid_token"' }),
  forbidden: (scope: string) => new FhirError(403, 'forbidden', 'このアプリにはこの操作の権限（スコープ）がありません。', `the access token lacks the scope ${scope}`),
  invalidParam: (name: string, diagnostics: string) => new FhirError(400, 'invalid', `検索条件「${name}」が正しくありません。`, diagnostics, [name]),
  unsupported: (diagnostics: string) => new FhirError(400, 'not-supported', 'この操作には対応していません。', diagnostics),
  invalid: (text: string, diagnostics: string, expression?: string[]) => new FhirError(400, 'invalid', text, diagnostics, expression),
  unprocessable: (text: string, diagnostics: string, expression?: string[]) => new FhirError(422, 'processing', text, diagnostics, expression),
};

export function operationOutcome(error: FhirError): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity: 'error', code: error.code, details: { text: error.text }, diagnostics: error.diagnostics };
  if (error.expression?.length) issue.expression = error.expression;
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/**
 * What the route table reads of a request: a Web Request (the Next route, tests) or fhir-node.ts's light request over
 * node:http's message (no Web Request, Headers or AbortSignal built per call).
 */
export type FhirRequest = {
  readonly method: string;
  readonly url: string;
  readonly headers: Pick<Headers, 'get'>;
  json(): Promise<unknown>;
  text(): Promise<string>;
};

/**
 * A JSON answer of the route table: status, headers and the JSON (text, or its UTF-8 bytes), not yet a Web Response.
 * fhir-node.ts writes it to node:http as it is (building a Response and its body stream was a tenth of a read's
 * server CPU); the Next route and the tests take `toResponse()`.
 */
export class FhirJson {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string | Buffer,
  ) {}

  toResponse(): Response {
    return new Response(typeof this.body === 'string' ? this.body : new Uint8Array(this.body), { status: this.status, headers: this.headers });
  }
}

/** What a route answers: a JSON answer, or a Web Response (tokens, Bulk Data files, empty answers). */
export type FhirAnswer = FhirJson | Response;

export const asResponse = (answer: FhirAnswer): Response => (answer instanceof FhirJson ? answer.toResponse() : answer);

type AnswerInit = { status?: number; headers?: Record<string, string> };

export function fhirResponse(body: unknown, init: AnswerInit = {}): FhirJson {
  return fhirJsonText(JSON.stringify(body), init);
}

/** A JSON answer written already, as text or UTF-8 bytes (a search's Bundle, vendor-fhir.service.ts `searchBundle`). */
export function fhirJsonText(json: string | Buffer, init: AnswerInit = {}): FhirJson {
  return new FhirJson(init.status ?? 200, { 'Content-Type': FHIR_JSON, 'Cache-Control': 'no-store', ...init.headers }, json);
}

export function errorResponse(error: FhirError): FhirJson {
  return fhirResponse(operationOutcome(error), { status: error.status, headers: error.headers });
}
