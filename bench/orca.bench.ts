/**
 * The ORCA link's two benchmark goals (issue 15): 確定 never waits for ORCA — the server time of a note's 確定 (which
 * moves the visit to 会計待ち and, with the link on, queues the 中途データ and 病名 jobs in its transaction) is the same
 * with the link off and on, also while ORCA answers 5 s late — and the 算定 preview answers in ≤ 300 ms p95 against
 * the sandbox ORCA over HTTP. Timings are recorded in docs/benchmarks.md, never asserted in tests.
 *   DATABASE_URL (a local server database, dropped, created and migrated), BENCH_ORCA_ROUNDS (40)
 * Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/karte_bench_orca npx tsx bench/orca.bench.ts
 */
import { loadavg } from 'node:os';
import { envInt, machineLine, ms, stats, writeSection, freshDatabase, assertLocalUrl } from './lib';

process.env.AUDIT_HMAC_KEY ??= 'bench-audit-key-0123456789abcdef';
process.env.AUTH_SECRET ??= 'bench-auth-secret-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'bench-data-key-0123456789abcdef';
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/karte_bench_orca';
assertLocalUrl(url);
process.env.DATABASE_URL = url;
await freshDatabase(url);

const ROUNDS = envInt('BENCH_ORCA_ROUNDS', 40);
const { db, disconnectDb } = await import('@/lib/core/db');
const { clinicWithStaff, createPatient } = await import('@/tests/helpers/factories');
const { checkIn } = await import('@/lib/reception/visit.service');
const { createNote, confirmNote } = await import('@/lib/records/notes/note.service');
const { orcaLinkRepository } = await import('@/lib/orca/orca-link.repository');
const { previewOrcaCharge } = await import('@/lib/orca/orca-link.service');
const { syncOrcaAcceptance } = await import('@/lib/orca/orca-sync.service');
const { OrcaClient } = await import('@/lib/orca/orca-client');
const { HttpOrcaTransport } = await import('@/lib/orca/adapters/http-transport');
const { startOrcaSandboxServer } = await import('@/lib/orca/sandbox/sandbox-server');
const { dateOnly, todayJst } = await import('@/lib/core/dates');

const server = await startOrcaSandboxServer({ port: 0 });
const transport = new HttpOrcaTransport({ baseUrl: server.url, user: 'ormaster', password: 'ormaster', timeoutMs: 10_000 });
const link = new OrcaClient({ transport });
const control = async (action: string, body: unknown = {}) => {
  const res = await fetch(`${server.url}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${action}: ${res.status} ${await res.text()}`);
};
const soap = { subjective: '咳', objective: '', assessment: '', plan: '', heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null };
let n = 0;

/** ROUNDS patients checked in, each with a draft note; the time of confirmNote alone (its transaction included). */
async function confirmTimes(staff: Awaited<ReturnType<typeof clinicWithStaff>>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const p = await createPatient(staff.receptionist, { givenName: `算定${++n}`, givenNameKana: `サンテイ${n}` });
    await checkIn({ patientId: p.id }, staff.receptionist);
    const note = await createNote({ patientId: p.id, ...soap }, staff.doctor);
    const t = performance.now();
    await confirmNote({ noteId: note.id }, staff.doctor);
    times.push(performance.now() - t);
  }
  return times;
}

const loads: number[] = [];
const sampleLoad = () => loads.push(loadavg()[0]!);

sampleLoad();
const off = await clinicWithStaff();
const confirmOff = await confirmTimes(off);
sampleLoad();
const on = await clinicWithStaff();
await orcaLinkRepository.saveSettings(db(), on.clinic.id, { numberingMaster: 'orca', defaultPhysicianCode: '10001', physicianCodes: {} }, new Date());
const confirmOn = await confirmTimes(on);
sampleLoad();
await control('fault', { kind: 'delay_after_apply', delayMs: 5000 });
const confirmOnSlow = await confirmTimes(on);
await control('clear-faults');
sampleLoad();
const queued = await db().orcaVisitLink.count({ where: { clinicId: on.clinic.id, medicalState: 'queued' } });

// the preview: one patient checked in and sent to ORCA, with a draft prescription of two 剤
const p = await createPatient(on.receptionist, { givenName: '算定見本', givenNameKana: 'サンテイミホン' });
const visit = await checkIn({ patientId: p.id }, on.receptionist);
if ((await syncOrcaAcceptance(on.clinic.id, visit.visitId, { link })).kind !== 'done') throw new Error('the 受付 did not reach the sandbox');
const rx = await db().prescription.create({
  data: { clinicId: on.clinic.id, lineageId: crypto.randomUUID(), patientId: p.id, status: 'draft', outOfHouse: true, issuedDate: dateOnly(todayJst()), authorId: on.doctor.userId, entererId: on.doctor.userId },
});
await db().prescriptionItem.createMany({
  data: [
    { clinicId: on.clinic.id, prescriptionId: rx.id, rpNumber: 1, sortOrder: 1, kind: 'internal', drugCodeSystem: 'none', receiptCode: '620000033', drugName: 'カロナール錠２００', dose: 3, doseUnit: '錠', usageText: '毎食後', days: 5 },
    { clinicId: on.clinic.id, prescriptionId: rx.id, rpNumber: 2, sortOrder: 1, kind: 'internal', drugCodeSystem: 'none', receiptCode: '620000033', drugName: 'カロナール錠２００', dose: 1, doseUnit: '錠', usageText: '就寝前', days: 7 },
  ],
});
for (let i = 0; i < 5; i++) await previewOrcaCharge(p.id, on.doctor, { link }); // warm-up
const previewTimes: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  const answer = await previewOrcaCharge(p.id, on.doctor, { link });
  previewTimes.push(performance.now() - t);
  if (answer.kind !== 'ok') throw new Error(`preview answered ${answer.kind}`);
}
sampleLoad();

const row = (label: string, times: number[], goal: string, met: string) => {
  const s = stats(times);
  return `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ${goal} | ${met} |`;
};
const off95 = stats(confirmOff).p95;
const sameAsOff = (times: number[]) => (stats(times).p50 <= stats(confirmOff).p50 * 1.25 + 2 ? 'yes' : '**no**');
writeSection(
  'ORCA link: 確定 with the link on, and the 算定 preview (issue 15)',
  `${machineLine()}
Load average (1 min) during the run: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on the 2 cores.

What: bench/orca.bench.ts. **確定** = \`confirmNote\` of a checked-in patient's draft SOAP note (the visit moves to
会計待ち in the same transaction; with the link on, the ORCA 中途データ and 病名 jobs are queued in it too — nothing is sent
to ORCA inside the request). Three series of ${ROUNDS} patients: link off (one clinic); link on with the sandbox ORCA up, and
link on with every ORCA answer 5 s late (a second clinic). ${queued} of ${ROUNDS * 2} visits of the linked clinic were left 中途データ queued
for the background worker (not run here). **算定 preview** = \`previewOrcaCharge\` over HTTP to the sandbox ORCA
(\`medicalv2\` class 01 請求金額シミュレーション) for one patient with a draft prescription of 2 剤, after 5 warm-up calls; times in ms.

| measurement | n | p50 | p95 | max | goal | met |
|---|---:|---:|---:|---:|---|:---:|
${row('確定, link off', confirmOff, '', '')}
${row('確定, link on, ORCA up', confirmOn, 'p50 ≈ link off', sameAsOff(confirmOn))}
${row('確定, link on, ORCA 5 s late', confirmOnSlow, 'p50 ≈ link off', sameAsOff(confirmOnSlow))}
${row('算定 preview (HTTP to the sandbox)', previewTimes, 'p95 ≤ 300 ms', stats(previewTimes).p95 <= 300 ? 'yes' : '**no**')}

("≈ link off": p50 within 25 % + 2 ms of the link-off p50 ${ms(stats(confirmOff).p50)} ms; link-off p95 ${ms(off95)} ms.)

Reproduce: \`DATABASE_URL=postgresql://postgres@127.0.0.1:5432/karte_bench_orca npx tsx bench/orca.bench.ts\` (BENCH_ORCA_ROUNDS, default 40).`,
);

transport.close();
await server.close();
await disconnectDb();
process.exit(0);
