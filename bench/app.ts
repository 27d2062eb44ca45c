/**
 * The app under test for the browser benchmarks: a fixture database (a clinic from bench/generate.ts plus one patient
 * with 10 years of history), `next start` of an existing production build (BENCH_APP_DIR, default the current
 * directory: build it first with `npx next build`), the browser scripts/chromium.ts finds (or BENCH_CHROMIUM) through playwright-core, and the real login form.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { findChromium } from '@/scripts/chromium';
import { LAB_ITEMS, computeLabFlag, referenceRangeFor } from '@/lib/records/lab-results/lab-items';
import { rng } from '@/prisma/seed/names';
import { BENCH_PASSWORD, generate, type GeneratedClinic } from './generate';
import { benchDbUrl, envInt } from './lib';
import { benchDrugs } from './bench-drugs';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** `password`: the doctor's, when not the generated clinics' BENCH_PASSWORD (e.g. a clinic made by tests/helpers/factories). */
export type AppFixture = { url: string; clinic: GeneratedClinic; patientId: string; counts: Record<string, number>; password?: string };
export type RunningApp = { baseUrl: string; fixture: AppFixture; stop: () => Promise<void>; browser: Browser; login: (context: BrowserContext) => Promise<void>; serverPid?: number };

async function insertRows(c: pg.Client, table: string, cols: [string, string][], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 2000) {
    const part = rows.slice(i, i + 2000);
    await c.query(
      `INSERT INTO "${table}" (${cols.map(([n]) => `"${n}"`).join(', ')}) SELECT * FROM unnest(${cols.map(([, t], j) => `$${j + 1}::${t}[]`).join(', ')})`,
      cols.map((_, j) => part.map((r) => r[j])),
    );
  }
}

const DRUGS = benchDrugs();

/** One patient with ~10 years of history, inserted as final (確定) records straight into the tables. */
async function insertHistory(c: pg.Client, clinic: GeneratedClinic, patientId: string, sizes: { visits: number; labs: number; prescriptions: number }) {
  const r = rng(42);
  const doctor = clinic.doctorId;
  const dayMs = 86_400_000;
  const start = Date.now() - 3650 * dayMs;
  const visitDates: string[] = [];
  const step = 3650 / sizes.visits;
  for (let i = 0; i < sizes.visits; i++) visitDates.push(new Date(start + Math.floor(i * step) * dayMs).toISOString().slice(0, 10));
  const visits: unknown[][] = [];
  const notes: unknown[][] = [];
  const visitIds: string[] = [];
  visitDates.forEach((d, i) => {
    const id = randomUUID();
    visitIds.push(id);
    const at = `${d}T01:${String(10 + (i % 40)).padStart(2, '0')}:00Z`;
    visits.push([clinic.id, id, patientId, d, 900 + (i % 50), at, 'done', at, doctor, doctor, at]);
    const s = `定期受診。${i % 3 === 0 ? '最近、朝の頭痛が時々ある。' : '特に変わりなし。'}服薬は継続できている。家庭血圧 ${125 + Math.floor(r() * 25)}/${75 + Math.floor(r() * 15)} 前後。`;
    const o = `意識清明。胸部聴診で心雑音なし、呼吸音清。下腿浮腫なし。`;
    const a = `#1 高血圧症 コントロール${r() < 0.7 ? '良好' : 'やや不良'}\n#2 2型糖尿病 HbA1c ${(6 + r() * 1.5).toFixed(1)}%`;
    const p = `処方継続。減塩指導。次回 4週後、採血予定。`;
    notes.push([clinic.id, randomUUID(), randomUUID(), patientId, id, 'final', s, o, a, p, 120 + Math.floor(r() * 30), 70 + Math.floor(r() * 20), 60 + Math.floor(r() * 30), (36 + r()).toFixed(1), doctor, doctor, doctor, at, randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''), at]);
  });
  await insertRows(c, 'Visit', [['clinicId', 'text'], ['id', 'text'], ['patientId', 'text'], ['visitDate', 'date'], ['receptionNumber', 'int'], ['arrivedAt', 'timestamptz'], ['status', 'text'], ['statusChangedAt', 'timestamptz'], ['doctorId', 'text'], ['createdById', 'text'], ['createdAt', 'timestamptz']], visits);
  await insertRows(c, 'ClinicalNote', [['clinicId', 'text'], ['id', 'text'], ['lineageId', 'text'], ['patientId', 'text'], ['visitId', 'text'], ['status', 'text'], ['subjective', 'text'], ['objective', 'text'], ['assessment', 'text'], ['plan', 'text'], ['systolicBp', 'int'], ['diastolicBp', 'int'], ['pulse', 'int'], ['bodyTempC', 'numeric'], ['authorId', 'text'], ['entererId', 'text'], ['confirmedById', 'text'], ['confirmedAt', 'timestamptz'], ['contentHash', 'text'], ['createdAt', 'timestamptz']], notes);

  // lab results: the same panel of items on evenly spaced visits until `labs` rows
  const numeric = LAB_ITEMS.filter((i) => i.valueType === 'numeric' && i.set === 'core').slice(0, 30);
  const labs: unknown[][] = [];
  const labVisits = Math.ceil(sizes.labs / numeric.length);
  for (let v = 0; v < labVisits && labs.length < sizes.labs; v++) {
    const vi = Math.floor((v * visitIds.length) / labVisits);
    const collected = `${visitDates[vi]}T00:30:00Z`;
    const reportId = randomUUID();
    for (const item of numeric) {
      if (labs.length >= sizes.labs) break;
      const range = referenceRangeFor(item, 'male');
      const lo = range?.low ?? 1;
      const hi = range?.high ?? lo * 2;
      const value = Number((lo + (hi - lo) * (r() * 1.4 - 0.1)).toFixed(item.decimals ?? 1));
      labs.push([clinic.id, randomUUID(), randomUUID(), patientId, visitIds[vi], 'final', item.key, item.jlac10, `L${item.no}`, item.nameJa, value, item.unitDisplay ?? item.unit, range?.low ?? null, range?.high ?? null, computeLabFlag({ item, value, sex: 'male' }), item.specimen, item.specimenCode, collected, collected, 'csv', reportId, doctor, collected]);
    }
  }
  await insertRows(c, 'LabResult', [['clinicId', 'text'], ['id', 'text'], ['lineageId', 'text'], ['patientId', 'text'], ['visitId', 'text'], ['status', 'text'], ['itemKey', 'text'], ['jlac10', 'text'], ['localCode', 'text'], ['itemName', 'text'], ['valueNumber', 'numeric'], ['unit', 'text'], ['referenceLow', 'numeric'], ['referenceHigh', 'numeric'], ['flag', 'text'], ['specimen', 'text'], ['specimenCode', 'text'], ['collectedAt', 'timestamptz'], ['reportedAt', 'timestamptz'], ['source', 'text'], ['reportId', 'text'], ['recordedById', 'text'], ['createdAt', 'timestamptz']], labs);

  const prescriptions: unknown[][] = [];
  const items: unknown[][] = [];
  for (let i = 0; i < sizes.prescriptions; i++) {
    const vi = Math.min(visitIds.length - 1, Math.floor((i * visitIds.length) / sizes.prescriptions));
    const id = randomUUID();
    const at = `${visitDates[vi]}T01:40:00Z`;
    prescriptions.push([clinic.id, id, randomUUID(), patientId, visitIds[vi], 'final', visitDates[vi], doctor, doctor, doctor, at, randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''), at]);
    const chosen = [DRUGS[0], DRUGS[1], DRUGS[2], DRUGS[3 + (i % 3)]];
    chosen.forEach((d, k) => {
      items.push([clinic.id, randomUUID(), id, k + 1, k + 1, d.kind, 'yj', d.yj, d.yj, d.receipt, d.name, d.dose, d.unit, d.usage, d.kind === 'internal' ? 28 : null, d.kind === 'as_needed' ? 10 : null]);
    });
  }
  await insertRows(c, 'Prescription', [['clinicId', 'text'], ['id', 'text'], ['lineageId', 'text'], ['patientId', 'text'], ['visitId', 'text'], ['status', 'text'], ['issuedDate', 'date'], ['authorId', 'text'], ['entererId', 'text'], ['confirmedById', 'text'], ['confirmedAt', 'timestamptz'], ['contentHash', 'text'], ['createdAt', 'timestamptz']], prescriptions);
  await insertRows(c, 'PrescriptionItem', [['clinicId', 'text'], ['id', 'text'], ['prescriptionId', 'text'], ['rpNumber', 'int'], ['sortOrder', 'int'], ['kind', 'text'], ['drugCodeSystem', 'text'], ['drugCode', 'text'], ['yjCode', 'text'], ['receiptCode', 'text'], ['drugName', 'text'], ['dose', 'numeric'], ['doseUnit', 'text'], ['usageText', 'text'], ['days', 'int'], ['times', 'int']], items);

  const diagnoses = [
    ['8833421', '高血圧症', 'I10', '2016-04-01', null],
    ['8840107', '2型糖尿病', 'E11', '2017-06-12', null],
    ['2720004', '脂質異常症', 'E785', '2016-04-01', null],
    ['4659007', '急性上気道炎', 'J069', '2023-01-10', 'cured'],
    ['5319009', '胃潰瘍', 'K259', '2019-09-02', 'cured'],
    ['7242003', '腰痛症', 'M5456', '2021-11-20', null],
  ].map(([code, name, icd, startDate, outcome], i) => [clinic.id, randomUUID(), randomUUID(), patientId, 'final', code, icd, name, name, i === 0, startDate, outcome, outcome ? '2023-02-01' : null, doctor]);
  await insertRows(c, 'Diagnosis', [['clinicId', 'text'], ['id', 'text'], ['lineageId', 'text'], ['patientId', 'text'], ['status', 'text'], ['diseaseCode', 'text'], ['icd10', 'text'], ['baseName', 'text'], ['displayName', 'text'], ['isPrimary', 'bool'], ['startDate', 'date'], ['outcome', 'text'], ['endDate', 'date'], ['recordedById', 'text']], diagnoses);
  const allergies = [
    ['medication', 'ペニシリン系抗菌薬', '発疹', 'moderate'],
    ['food', 'そば', '蕁麻疹', 'severe'],
    ['environment', 'スギ花粉', '鼻汁・くしゃみ', 'mild'],
  ].map(([cat, name, reaction, sev]) => [clinic.id, randomUUID(), randomUUID(), patientId, 'final', cat, name, reaction, sev, doctor]);
  await insertRows(c, 'Allergy', [['clinicId', 'text'], ['id', 'text'], ['lineageId', 'text'], ['patientId', 'text'], ['status', 'text'], ['category', 'text'], ['substanceName', 'text'], ['reaction', 'text'], ['severity', 'text'], ['recordedById', 'text']], allergies);
  await c.query('ANALYZE');
  return { visits: visits.length, notes: notes.length, labResults: labs.length, prescriptions: prescriptions.length, prescriptionItems: items.length, diagnoses: diagnoses.length, allergies: allergies.length };
}

export async function prepareFixture(): Promise<AppFixture> {
  const url = benchDbUrl('karte_bench_chart');
  const g = await generate({ url, clinics: 1, patientsPerClinic: envInt('BENCH_CHART_CLINIC_PATIENTS', 2_000), fresh: true, log: () => {} });
  const clinic = g.clinics[0]!;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const patientId = (await c.query<{ id: string }>(`SELECT id FROM "Patient" WHERE "clinicId" = $1 AND "patientNumber" = 1`, [clinic.id])).rows[0]!.id;
  const counts = await insertHistory(c, clinic, patientId, {
    visits: envInt('BENCH_CHART_VISITS', 500),
    labs: envInt('BENCH_CHART_LABS', 3_000),
    prescriptions: envInt('BENCH_CHART_PRESCRIPTIONS', 200),
  });
  await c.end();
  console.log(`chart fixture: ${JSON.stringify(counts)} for patient 1 of ${clinic.name}`);
  return { url, clinic, patientId, counts };
}

async function waitForServer(baseUrl: string, child: ChildProcess, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
      if (r.status < 500) return;
    } catch {
      /* not yet listening */
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error('next start did not answer in time');
}

export async function startApp(fixture?: AppFixture): Promise<RunningApp> {
  const appDir = process.env.BENCH_APP_DIR ?? process.cwd();
  if (!existsSync(join(appDir, '.next', 'BUILD_ID'))) throw new Error(`${appDir}/.next has no production build: run \`npx next build\` there first (or set BENCH_APP_DIR)`);
  const fx = fixture ?? (await prepareFixture());
  const port = envInt('BENCH_PORT', 3199);
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(join(appDir, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: fx.url,
      EMBEDDED_DB: 'false',
      AUTH_SECRET: process.env.AUTH_SECRET ?? 'bench-auth-secret-0123456789abcdef',
      AUDIT_HMAC_KEY: process.env.AUDIT_HMAC_KEY ?? 'bench-audit-hmac-key-0123456789ab',
      AUTH_TRUST_HOST: 'true',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  try {
    await waitForServer(baseUrl, child);
  } catch (e) {
    child.kill('SIGTERM');
    console.error(log);
    throw e;
  }
  const found = process.env.BENCH_CHROMIUM ? { executablePath: process.env.BENCH_CHROMIUM, env: {} } : await findChromium();
  const browser = await chromium.launch({ executablePath: found.executablePath, env: { ...process.env, ...found.env } as Record<string, string>, args: CHROMIUM_ARGS });
  const login = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('ログインID').fill(fx.clinic.doctorLoginId);
    await page.getByLabel('パスワード').fill(fx.password ?? BENCH_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.close();
  };
  return {
    baseUrl,
    fixture: fx,
    browser,
    login,
    serverPid: child.pid,
    stop: async () => {
      await browser.close();
      child.kill('SIGTERM');
      await new Promise((res) => (child.exitCode !== null ? res(null) : child.once('exit', res)));
      if (process.env.BENCH_SERVER_LOG) console.log(log);
    },
  };
}

export async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}
