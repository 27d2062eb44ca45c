/**
 * The OpenAPI 3.1 description of the vendor API (GET /api/fhir/R4/openapi.json), generated from the same route table
 * that dispatches requests (fhir-routes.ts), so it lists exactly what is served. Bodies are FHIR resources: the
 * description names their type and points at the FHIR R4 specification instead of repeating its schemas.
 */
import { API_RESOURCE_TYPES } from './scopes';
import { searchParamsOf, typeHasPatient } from './vendor-fhir.service';

type Operation = Record<string, unknown>;
type RouteInfo = { method: 'GET' | 'POST' | 'PUT'; path: readonly string[]; interaction: string; scope: string; types: readonly string[] };

const FHIR_JSON = 'application/fhir+json';
const resourceBody = (type: string, description: string) => ({
  description,
  content: { [FHIR_JSON]: { schema: { type: 'object', description: `FHIR R4 ${type} (https://hl7.org/fhir/R4/${type.toLowerCase()}.html)` } } },
});
const outcome = (description: string) => resourceBody('OperationOutcome', description);
const errors = {
  '400': outcome('検索条件・入力の誤り'),
  '401': outcome('アクセストークンがない・無効・失効'),
  '403': outcome('スコープ外'),
  '404': outcome('存在しない、または他の医療機関の ID'),
  '429': outcome('リクエスト数の上限（Retry-After）'),
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const vidParam = { name: 'vid', in: 'path', required: true, schema: { type: 'string' } };

function operation(route: RouteInfo, type: string): Operation {
  const scope = `system/${type}.${route.scope}`;
  const base = { tags: [type], security: [{ smart: [scope] }], operationId: `${route.interaction}-${type}` };
  switch (route.interaction) {
    case 'search-type':
      return {
        ...base,
        summary: `${type} の検索`,
        parameters: [
          ...searchParamsOf(type as (typeof API_RESOURCE_TYPES)[number]).map((p) => ({ name: p.name, in: 'query', required: false, description: p.documentation, schema: { type: 'string' } })),
          { name: '_count', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: '_offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
          { name: '_summary', in: 'query', required: false, schema: { type: 'string', enum: ['count'] } },
          { name: '_sort', in: 'query', required: false, description: '日付の検索条件名で並べ替え（- で降順）', schema: { type: 'string' } },
          ...(typeHasPatient(type as (typeof API_RESOURCE_TYPES)[number]) ? [{ name: '_include', in: 'query', required: false, description: `${type}:patient`, schema: { type: 'string' } }] : []),
          ...(type === 'Patient' ? [{ name: '_revinclude', in: 'query', required: false, description: API_RESOURCE_TYPES.filter(typeHasPatient).map((t) => `${t}:patient`).join(' | '), schema: { type: 'string' } }] : []),
        ],
        responses: { '200': resourceBody('Bundle', 'searchset'), ...errors },
      };
    case 'read':
      return { ...base, summary: `${type} の読み取り`, parameters: [idParam], responses: { '200': resourceBody(type, '現在の版（ETag = 版）'), '410': outcome('取り消された登録'), ...errors } };
    case 'vread':
      return { ...base, summary: `${type} の特定の版`, parameters: [idParam, vidParam], responses: { '200': resourceBody(type, 'その版'), ...errors } };
    case 'history-instance':
      return { ...base, summary: `${type} の版の履歴`, parameters: [idParam], responses: { '200': resourceBody('Bundle', 'history'), ...errors } };
    case 'create':
      return {
        ...base,
        summary: `${type} の登録`,
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, description: '再送しても1件だけ登録される', schema: { type: 'string' } }],
        requestBody: { required: true, ...resourceBody(type, '登録する内容') },
        responses: { '201': resourceBody(type, '登録された内容（Location ヘッダ）'), '200': resourceBody(type, '同じ Idempotency-Key で登録済み'), '422': outcome('内容の誤り'), ...errors },
      };
    case 'update':
      return {
        ...base,
        summary: `${type} の更新（新しい版）`,
        parameters: [idParam, { name: 'If-Match', in: 'header', required: true, description: '読み取った版の ETag（W/"版"）', schema: { type: 'string' } }],
        requestBody: { required: true, ...resourceBody(type, '更新後の内容') },
        responses: { '200': resourceBody(type, '更新後の内容'), '412': outcome('版が古い'), '428': outcome('If-Match がない'), ...errors },
      };
    default:
      return { ...base, responses: { '200': { description: 'OK' }, ...errors } };
  }
}

export function openApiDocument(baseUrl: string, routes: readonly RouteInfo[]): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (path: string, method: string, op: Operation) => ((paths[path] ??= {})[method.toLowerCase()] = op);
  for (const route of routes) {
    for (const type of route.types) {
      const path = `/${[type, ...route.path.map((s) => (s === ':id' ? '{id}' : s === ':vid' ? '{vid}' : s))].join('/')}`;
      add(path, route.method, operation(route, type));
    }
  }
  const form = (props: Record<string, unknown>, required: string[]) => ({ 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: props, required } } });
  add('/token', 'POST', {
    tags: ['auth'],
    summary: 'アクセストークンの取得（SMART Backend Services, client_credentials + private_key_jwt。シークレットで登録したアプリは client_secret_basic / client_secret_post）',
    description:
      '公開鍵で登録したアプリは client_assertion_type と client_assertion を送ります。クライアントシークレットで登録したアプリは Authorization: Basic（client_id:client_secret）か、client_id と client_secret をフォームで送ります。どちらか一方だけを使ってください。',
    security: [],
    requestBody: {
      required: true,
      content: form(
        {
          grant_type: { const: 'client_credentials' },
          scope: { type: 'string' },
          client_assertion_type: { const: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
          client_assertion: { type: 'string' },
          client_id: { type: 'string', description: 'client_secret_post のとき' },
          client_secret: { type: 'string', description: 'client_secret_post のとき' },
        },
        ['grant_type', 'scope'],
      ),
    },
    responses: { '200': { description: '{ access_token, token_type, expires_in, scope }' }, '400': { description: 'OAuth error' }, '401': { description: 'invalid_client' } },
  });
  const clientAuth = {
    client_assertion_type: { const: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
    client_assertion: { type: 'string', description: 'aud はトークンエンドポイントの URL' },
    client_id: { type: 'string', description: 'client_secret_post のとき（Basic 認証でも可）' },
    client_secret: { type: 'string', description: 'client_secret_post のとき' },
  };
  add('/introspect', 'POST', {
    tags: ['auth'],
    summary: 'アクセストークンの状態確認（RFC 7662、自分のアプリのトークンのみ）',
    security: [],
    requestBody: { required: true, content: form({ token: { type: 'string' }, ...clientAuth }, ['token']) },
    responses: { '200': { description: '{ active, scope, client_id, exp, … } または { active: false }' }, '400': { description: 'OAuth error' }, '401': { description: 'invalid_client' } },
  });
  add('/revoke', 'POST', {
    tags: ['auth'],
    summary: 'アクセストークンの失効（RFC 7009、次のリクエストから使えない）',
    security: [],
    requestBody: { required: true, content: form({ token: { type: 'string' }, token_type_hint: { type: 'string', enum: ['access_token'] }, ...clientAuth }, ['token']) },
    responses: { '200': { description: '失効しました（不明なトークンも 200）' }, '400': { description: 'OAuth error（他のアプリのトークン）' }, '401': { description: 'invalid_client' } },
  });
  add('/metadata', 'GET', { tags: ['conformance'], summary: 'CapabilityStatement', security: [], responses: { '200': resourceBody('CapabilityStatement', '実装している操作の一覧') } });
  const prefer = { name: 'Prefer', in: 'header', required: true, schema: { const: 'respond-async' } };
  const exportParams = [
    prefer,
    { name: '_type', in: 'query', required: false, schema: { type: 'string' } },
    { name: '_since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
    { name: '_outputFormat', in: 'query', required: false, schema: { type: 'string' } },
  ];
  const kickOff = { '202': { description: 'Content-Location: 状況確認の URL' }, ...errors };
  add('/$export', 'GET', { tags: ['bulk'], summary: '一括エクスポートの依頼（全体）', security: [{ smart: ['system/*.r'] }], parameters: exportParams, responses: kickOff });
  add('/Patient/$export', 'GET', { tags: ['bulk'], summary: '一括エクスポートの依頼（患者）', security: [{ smart: ['system/*.r'] }], parameters: exportParams, responses: kickOff });
  add('/$export-status/{id}', 'GET', {
    tags: ['bulk'],
    summary: 'エクスポートの状況',
    parameters: [idParam],
    responses: { '202': { description: '処理中（X-Progress, Retry-After）' }, '200': { description: 'manifest（output の各ファイル URL）' }, '500': outcome('失敗'), ...errors },
  });
  add('/$export-status/{id}', 'DELETE', { tags: ['bulk'], summary: 'エクスポートの取消', parameters: [idParam], responses: { '202': { description: '取り消しました' }, ...errors } });
  add('/$export-file/{id}', 'GET', {
    tags: ['bulk'],
    summary: 'エクスポートファイル（1回だけ取得できる）',
    parameters: [idParam],
    responses: { '200': { description: 'NDJSON', content: { 'application/fhir+ndjson': { schema: { type: 'string' } } } }, ...errors },
  });
  add('/Subscription', 'POST', { tags: ['Subscription'], summary: '通知（rest-hook）の登録', requestBody: { required: true, ...resourceBody('Subscription', '購読') }, responses: { '201': resourceBody('Subscription', '登録された購読'), ...errors } });
  add('/Subscription', 'GET', { tags: ['Subscription'], summary: 'このアプリの購読一覧', responses: { '200': resourceBody('Bundle', 'searchset'), ...errors } });
  add('/Subscription/{id}', 'GET', { tags: ['Subscription'], summary: '購読の読み取り', parameters: [idParam], responses: { '200': resourceBody('Subscription', '購読'), ...errors } });
  add('/Subscription/{id}', 'DELETE', { tags: ['Subscription'], summary: '購読の停止', parameters: [idParam], responses: { '204': { description: '停止しました' }, ...errors } });
  return {
    openapi: '3.1.0',
    info: { title: 'Karte FHIR R4 API（外部連携 API）', version: '1', description: 'JP Core / JP-CLINS の FHIR R4 API。使い方は docs/api.md。' },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: { smart: { type: 'oauth2', description: 'SMART Backend Services', flows: { clientCredentials: { tokenUrl: `${baseUrl}/token`, scopes: {} } } } },
    },
    security: [{ smart: [] }],
    paths,
  };
}
