import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { A, B, B_SECRETS, login } from './helpers';

// The vendor FHIR API over real HTTP against the demo server: the clinic admin registers an app in the browser, the
// app gets a SMART Backend Services token with a signed assertion, searches, pages, reads, vreads, creates an
// Observation, and is refused once revoked; another clinic's app never sees this clinic's patients.

const FHIR = '/api/fhir/R4';

type App = { clientId: string; privateKey: CryptoKey; kid: string };

async function newKeys() {
  const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = randomUUID();
  return { privateKey, kid, jwks: JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }] }) };
}

async function registerInBrowser(page: import('@playwright/test').Page, name: string, scopes: string[], jwks: string): Promise<string> {
  await page.goto('/admin/api-clients');
  await expect(page.getByRole('heading', { name: '外部連携アプリ（FHIR API）' })).toBeVisible();
  await page.getByLabel('アプリ名').fill(name);
  for (const s of scopes) await page.locator(`input[name="scopes"][value="${s}"]`).check();
  await page.getByLabel('公開鍵（JWKS、JSON）').fill(jwks);
  await page.getByRole('button', { name: '登録', exact: true }).click();
  const notice = page.getByTestId('api-client-notice');
  await expect(notice).toContainText('client_id:');
  return /client_id: ([0-9a-f-]{36})/.exec((await notice.textContent()) ?? '')![1]!;
}

async function getToken(request: APIRequestContext, baseURL: string, app: App, scope: string) {
  const tokenUrl = `${baseURL}${FHIR}/token`;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: app.kid })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(tokenUrl)
    .setExpirationTime('4m')
    .setJti(randomUUID())
    .sign(app.privateKey);
  return request.post(tokenUrl, {
    form: { grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion },
  });
}

test('a registered app gets a token, searches, pages, reads and writes; revoked, it is refused on the next request', async ({ page, request, baseURL }) => {
  test.setTimeout(300_000);
  const discovery = await (await request.get(`${FHIR}/.well-known/smart-configuration`)).json();
  expect(discovery.token_endpoint).toBe(`${baseURL}${FHIR}/token`);
  const metadata = await request.get(`${FHIR}/metadata`);
  expect(metadata.headers()['content-type']).toContain('application/fhir+json');
  expect((await metadata.json()).resourceType).toBe('CapabilityStatement');

  await login(page, A.admin);
  const keys = await newKeys();
  const clientId = await registerInBrowser(page, 'E2E 検査システム', ['system/Patient.rs', 'system/Observation.rs', 'system/Observation.c'], keys.jwks);
  const app: App = { clientId, privateKey: keys.privateKey, kid: keys.kid };
  await expect(page.getByRole('row', { name: /E2E 検査システム/ })).toContainText('利用中');

  const tokenRes = await getToken(request, baseURL!, app, 'system/Patient.rs system/Observation.rs system/Observation.c');
  expect(tokenRes.status(), await tokenRes.text()).toBe(200);
  const { access_token: token, scope } = await tokenRes.json();
  expect(scope).toBe('system/Patient.rs system/Observation.rs system/Observation.c');
  const auth = { Authorization: `Bearer ${token}` };

  const page1 = await request.get(`${FHIR}/Patient?_count=5`, { headers: auth });
  expect(page1.status()).toBe(200);
  const bundle = await page1.json();
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
  expect(bundle.entry).toHaveLength(5);
  const next = bundle.link.find((l: { relation: string }) => l.relation === 'next').url as string;
  const page2 = await (await request.get(next, { headers: auth })).json();
  const ids1 = bundle.entry.map((e: { resource: { id: string } }) => e.resource.id);
  const ids2 = page2.entry.map((e: { resource: { id: string } }) => e.resource.id);
  expect(ids2.filter((id: string) => ids1.includes(id))).toEqual([]);

  const patient = bundle.entry[0].resource;
  const read = await request.get(`${FHIR}/Patient/${patient.id}`, { headers: auth });
  expect(read.headers()['etag']).toBe(`W/"${patient.meta.versionId}"`);
  expect((await read.json()).identifier[0].value).toBe(patient.identifier[0].value);

  const key = randomUUID();
  const post = () =>
    request.post(`${FHIR}/Observation`, {
      headers: { ...auth, 'Content-Type': 'application/fhir+json', 'Idempotency-Key': key },
      data: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '3D046000001906202' }] },
        subject: { reference: `Patient/${patient.id}` },
        effectiveDateTime: '2026-12-01T09:30:00+09:00',
        valueQuantity: { value: 8.1, unit: '%' },
      },
    });
  const created = await post();
  expect(created.status(), await created.text()).toBe(201);
  const obs = await created.json();
  expect(obs.interpretation?.[0]?.coding?.[0]?.code ?? 'H').toBe('H');
  expect((await post()).status()).toBe(200);
  const vread = await request.get(`${FHIR}/Observation/${obs.id}/_history/1`, { headers: auth });
  expect((await vread.json()).id).toBe(obs.id);
  const search = await (await request.get(`${FHIR}/Observation?patient=${patient.id}&code=3D046000001906202&_count=50`, { headers: auth })).json();
  expect(search.entry.filter((e: { resource: { id: string } }) => e.resource.id === obs.id)).toHaveLength(1);

  // another clinic's app sees none of this clinic's patients
  const pageB = await page.context().browser()!.newPage({ baseURL });
  await login(pageB, B.admin, undefined, B_SECRETS[B.admin]);
  const keysB = await newKeys();
  const clientB = await registerInBrowser(pageB, 'E2E 他院アプリ', ['system/Patient.rs'], keysB.jwks);
  const tokenB = (await (await getToken(request, baseURL!, { clientId: clientB, privateKey: keysB.privateKey, kid: keysB.kid }, 'system/Patient.rs')).json()).access_token;
  const cross = await request.get(`${FHIR}/Patient/${patient.id}`, { headers: { Authorization: `Bearer ${tokenB}` } });
  expect(cross.status()).toBe(404);
  expect((await cross.json()).resourceType).toBe('OperationOutcome');
  await pageB.close();

  // the admin's 利用履歴 of the app: its read of the patient, with 患者番号, and the CSV
  await page.goto('/admin/api-clients');
  await page.getByRole('row', { name: /E2E 検査システム/ }).getByRole('link', { name: '利用履歴' }).click();
  await expect(page.getByRole('heading', { name: '利用履歴：E2E 検査システム' })).toBeVisible();
  const calls = page.getByTestId('api-client-calls');
  const patientNumber = String(patient.identifier[0].value);
  const cell = (name: string) => page.getByRole('cell', { name, exact: true });
  await expect(calls.getByRole('row').filter({ has: cell('読み取り') }).filter({ has: cell('患者（Patient）') }).filter({ has: cell(patientNumber) }).first()).toBeVisible();
  await expect(calls).toContainText('トークン発行');
  await page.getByLabel('期間（開始）').fill('2020-01-01');
  await page.getByLabel('期間（終了）').fill('2020-01-31');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page.getByText('この期間の API 利用はありません。')).toBeVisible();
  await page.getByRole('link', { name: '閉じる' }).click();
  await expect(page.getByRole('heading', { name: '利用履歴：E2E 検査システム' })).toHaveCount(0);
  await page.getByRole('row', { name: /E2E 検査システム/ }).getByRole('link', { name: '利用履歴' }).click();
  await expect(calls).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSV出力' }).click();
  const csv = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString('utf8');
  expect(csv).toContain('日時(JST),アプリ,操作,リソース,リソースID,患者番号,氏名,患者数,結果');
  expect(csv).toContain(`読み取り,患者（Patient）,${patient.id},${patientNumber},`);

  page.on('dialog', (d) => d.accept());
  await page.getByRole('row', { name: /E2E 検査システム/ }).getByRole('button', { name: '利用停止' }).click();
  await expect(page.getByTestId('api-client-notice')).toContainText('利用停止しました');
  const refused = await request.get(`${FHIR}/Patient/${patient.id}`, { headers: auth });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).issue[0].code).toBe('login');
});

test("docs/api.md's token script works against the demo's ready-made app", async ({ request, baseURL }) => {
  const doc = readFileSync('docs/api.md', 'utf8');
  const script = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
  const clientId = /client_id `([0-9a-f-]{36})`/.exec(doc)![1]!;
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/get-token.mjs', script);
  const out = execFileSync(process.execPath, ['test-results/get-token.mjs', `${baseURL}${FHIR}`, clientId, 'data/demo-api-private-key.json'], { encoding: 'utf8' });
  const { access_token: token } = JSON.parse(out) as { access_token: string };
  const res = await request.get(`${FHIR}/Patient?_count=3`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  expect((await res.json()).entry).toHaveLength(3);
});

test('the clinic admin replaces an app\'s public key: the old key is refused, the new one gets a token', async ({ page, request, baseURL }) => {
  await login(page, A.admin);
  const first = await newKeys();
  const name = `E2E 鍵更新 ${randomUUID().slice(0, 4)}`;
  const clientId = await registerInBrowser(page, name, ['system/Patient.rs'], first.jwks);
  expect((await getToken(request, baseURL!, { clientId, privateKey: first.privateKey, kid: first.kid }, 'system/Patient.rs')).status()).toBe(200);

  const second = await newKeys();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await row.getByRole('button', { name: '鍵を更新' }).click();
  await row.getByLabel('新しい公開鍵（JWKS、JSON）').fill(second.jwks);
  await row.getByRole('button', { name: '更新する' }).click();
  await expect(page.getByTestId('api-client-notice')).toContainText('公開鍵を更新しました');
  expect((await getToken(request, baseURL!, { clientId, privateKey: first.privateKey, kid: first.kid }, 'system/Patient.rs')).status()).toBe(401);
  expect((await getToken(request, baseURL!, { clientId, privateKey: second.privateKey, kid: second.kid }, 'system/Patient.rs')).status()).toBe(200);
});

test('an app without keys: the admin registers it with a client secret shown once, the app gets a token with it, and a re-issued secret ends the old one', async ({ page, request, baseURL }) => {
  await login(page, A.admin);
  await page.goto('/admin/api-clients');
  const name = `E2E シークレット ${randomUUID().slice(0, 4)}`;
  await page.getByLabel('アプリ名').fill(name);
  await page.locator('input[name="scopes"][value="system/Patient.rs"]').check();
  await page.getByLabel(/クライアントシークレット（署名ができないアプリ向け/).check();
  await expect(page.getByLabel('公開鍵（JWKS、JSON）')).toHaveCount(0);
  await page.getByRole('button', { name: '登録', exact: true }).click();
  const shown = page.getByTestId('client-secret-once');
  await expect(shown).toContainText('この画面でだけ表示します');
  const secret = (await page.getByTestId('client-secret-value').textContent())!.trim();
  expect(secret).toMatch(/^kcs_/);
  const clientId = /client_id([0-9a-f-]{36})/.exec((await shown.textContent())!.replace(/\s/g, ''))![1]!;
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('シークレット');

  const tokenUrl = `${baseURL}${FHIR}/token`;
  const basic = (s: string) => `Basic ${Buffer.from(`${clientId}:${s}`).toString('base64')}`;
  const ok = await request.post(tokenUrl, { headers: { authorization: basic(secret) }, form: { grant_type: 'client_credentials', scope: 'system/Patient.rs' } });
  expect(ok.status()).toBe(200);
  const search = await request.get(`${baseURL}${FHIR}/Patient?_count=1`, { headers: { authorization: `Bearer ${(await ok.json()).access_token}` } });
  expect(search.status()).toBe(200);

  // closed, the secret is gone from the page for good
  await page.getByRole('button', { name: '控えたので閉じる' }).click();
  await expect(page.getByTestId('client-secret-once')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'シークレットを再発行' }).click();
  const fresh = (await page.getByTestId('client-secret-value').textContent())!.trim();
  expect(fresh).not.toBe(secret);
  const old = await request.post(tokenUrl, { headers: { authorization: basic(secret) }, form: { grant_type: 'client_credentials', scope: 'system/Patient.rs' } });
  expect(old.status()).toBe(401);
  const renewed = await request.post(tokenUrl, { form: { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: clientId, client_secret: fresh } });
  expect(renewed.status()).toBe(200);
});
