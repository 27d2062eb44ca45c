/**
 * Concurrent audited reads in ONE clinic: `getPatient` (lib/records/patients) reads a patient and writes its アクセスログ
 * row before returning, as every chart/API read does. C callers (1, 16, 64) run in one process, like one app server
 * with its Prisma pool (max 10 connections, lib/core/db.ts), for BENCH_AUDIT_READS reads per level (default 3,000).
 * Then, when the build has a sealer (lib/audit/audit-sealer.ts), the rows are sealed into the hash chain and the chain is
 * verified, and the sealing rate is reported.
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/audit-concurrency.bench.ts
 * Database: BENCH_AUDIT_DB (default karte_security_bench_audit), dropped and recreated. BENCH_NO_WRITE=1 prints only;
 * BENCH_AUDIT_LABEL names the row set ("before"/"after") in docs/benchmarks.md.
 */
import { randomUUID } from 'node:crypto';
import { benchDbUrl, envFlag, envInt, freshDatabase, machineLine, ms, pgVersion, stats, type Stats } from './lib';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

process.env.AUTH_SECRET ??= 'bench-auth-secret-0123456789abcdef';
process.env.AUDIT_HMAC_KEY ??= 'bench-audit-key-0123456789abcdef';
process.env.DATA_ENCRYPTION_KEY ??= 'bench-data-key-0123456789abcdef';
process.env.AUDIT_ANCHOR_FILE ??= join('/tmp', `karte-bench-anchors-${process.pid}.jsonl`);

const url = benchDbUrl(process.env.BENCH_AUDIT_DB ?? 'karte_security_bench_audit');
process.env.DATABASE_URL = url;
await freshDatabase(url);

const { db, disconnectDb } = await import('@/lib/core/db');
const { getPatient } = await import('@/lib/records/patients/patient.service');
const audit = (await import('@/lib/audit/audit')) as Record<string, unknown>;
const sealer = existsSync(join(process.cwd(), 'lib/audit/audit-sealer.ts'))
  ? ((await import('@/lib/audit/audit-sealer' as string)) as { sealAuditEvents: (o?: { clinicId?: string }) => Promise<{ sealed: number }> })
  : null;

const clinic = await db().clinic.create({ data: { institutionNumber: '1310000001', name: 'ベンチ診療所', mfaRequired: false } });
const doctor = await db().user.create({
  data: { clinicId: clinic.id, loginId: `bench-doctor-${randomUUID().slice(0, 6)}@x.jp`, displayName: 'ベンチ 医師', role: 'doctor', passwordHash: 'x' },
});
const patient = await db().patient.create({
  data: {
    clinicId: clinic.id,
    patientNumber: 1,
    familyName: '山田',
    givenName: '太郎',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'タロウ',
    nameSearch: '山田太郎',
    kanaSearch: 'ヤマダタロウ',
    sex: 'male',
    birthDate: new Date('1975-04-01T00:00:00Z'),
    createdById: doctor.id,
    updatedById: doctor.id,
  },
});
const actor = {
  userId: doctor.id,
  clinicId: clinic.id,
  clinicName: clinic.name,
  role: 'doctor' as const,
  loginId: doctor.loginId,
  displayName: doctor.displayName,
  sessionId: randomUUID(),
  mustChangePassword: false,
  idleTimeoutMinutes: 30,
  ctx: { ip: '127.0.0.1', requestId: randomUUID(), userAgent: 'bench' },
};

type Level = { concurrency: number; reads: number; seconds: number; perSecond: number; latency: Stats; p99: number };
const reads = envInt('BENCH_AUDIT_READS', 3000);
const levels: Level[] = [];
// warm-up
for (let i = 0; i < 50; i++) await getPatient(patient.id, actor as never);
for (const concurrency of [1, 16, 64]) {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reads) {
        next++;
        const t = performance.now();
        await getPatient(patient.id, actor as never);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  levels.push({ concurrency, reads: times.length, seconds, perSecond: times.length / seconds, latency: stats(times), p99: sorted[Math.ceil(0.99 * sorted.length) - 1]! });
  console.log(`c=${concurrency}: ${times.length} reads in ${seconds.toFixed(1)} s = ${(times.length / seconds).toFixed(0)}/s`);
}

let sealLine = 'No sealer in this build: every insert extends the chain under a per-clinic advisory lock.';
if (sealer) {
  const total = await db().auditEvent.count({ where: { clinicId: clinic.id } });
  const t = performance.now();
  let sealed = 0;
  for (;;) {
    const r = await sealer.sealAuditEvents({ clinicId: clinic.id });
    if (r.sealed === 0) break;
    sealed += r.sealed;
  }
  const sealSeconds = (performance.now() - t) / 1000;
  const verify = audit.verifyAuditChain as (o: { clinicId: string }) => Promise<{ checked: number; breaks: unknown[] }>;
  const tv = performance.now();
  const v = await verify({ clinicId: clinic.id });
  const verifySeconds = (performance.now() - tv) / 1000;
  sealLine = `Sealing afterwards: ${sealed} of ${total} rows sealed in ${sealSeconds.toFixed(2)} s (${(sealed / sealSeconds).toFixed(0)} rows/s, one \`sealAuditEvents()\` pass = up to 1,000 rows per clinic); \`verifyAuditChain\` checked ${v.checked} rows in ${verifySeconds.toFixed(2)} s, ${v.breaks.length} breaks.`;
  console.log(sealLine);
}
const pgv = await pgVersion(url);
await disconnectDb();

const label = process.env.BENCH_AUDIT_LABEL ?? (sealer ? 'after (append, then seal)' : 'before (advisory lock per insert)');
const rows = levels.map(
  (l) => `| ${label} | ${l.concurrency} | ${l.reads} | ${l.perSecond.toFixed(0)} | ${ms(l.latency.p50)} | ${ms(l.latency.p95)} | ${ms(l.p99)} | ${ms(l.latency.max)} |`,
);
const block = [`### ${label}`, '', machineLine().replace('PostgreSQL', pgv), '', '| build | callers | reads | reads/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |', '|---|---:|---:|---:|---:|---:|---:|---:|', ...rows, '', sealLine].join('\n');
console.log(block);

if (!envFlag('BENCH_NO_WRITE')) {
  // one section, one sub-block per label (before/after), replaced in place
  const file = join(process.cwd(), 'docs', 'benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const heading = '## Audited reads in one clinic';
  const intro = [
    heading,
    '',
    'What: `getPatient` (a patient read that writes its アクセスログ row before it returns) called by 1, 16 and 64 concurrent callers in one',
    'process against one clinic, through the app\'s Prisma pool (10 connections), PostgreSQL on the same host. "before" is the',
    'design where every audit insert took a per-clinic advisory lock and read the chain head; "after" appends the row without a',
    'shared lock and `sealAuditEvents()` extends the chain afterwards (docs/decisions/0014). Reproduce:',
    '`BENCH_AUDIT_LABEL=… npx tsx bench/audit-concurrency.bench.ts` (database karte_security_bench_audit, recreated).',
    '',
  ].join('\n');
  const start = doc.indexOf(`\n${heading}\n`);
  let section: string;
  let before = doc;
  let after = '';
  if (start === -1) {
    section = intro;
  } else {
    const rest = doc.slice(start + 1);
    const end = rest.slice(heading.length).search(/\n## /);
    section = end === -1 ? rest : rest.slice(0, heading.length + end + 1);
    before = doc.slice(0, start + 1);
    after = end === -1 ? '' : rest.slice(heading.length + end + 1);
  }
  const sub = `### ${label}\n`;
  const i = section.indexOf(sub);
  if (i === -1) section = `${section.trimEnd()}\n\n${block}\n`;
  else {
    const tail = section.slice(i + sub.length);
    const j = tail.search(/\n### /);
    section = `${section.slice(0, i)}${block}\n${j === -1 ? '' : tail.slice(j)}`;
  }
  const next = start === -1 ? `${doc.trimEnd()}\n\n${section.trimEnd()}\n` : `${before}${section.trimEnd()}\n${after}`;
  writeFileSync(file, next);
  console.log('docs/benchmarks.md: wrote', heading, '/', label);
}
process.exit(0);
