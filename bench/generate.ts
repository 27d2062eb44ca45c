/**
 * Benchmark data generator: N clinics × M patients with realistic Japanese names (prisma/seed/names.ts), the same
 * search keys the app writes (lib/core/kana.ts), one current 医療保険 per patient, and staff who can log in
 * (Argon2id hash from lib/auth/password.ts, LoginName rows; every clinic has mfaRequired=false).
 * Bulk load: multi-row INSERT … SELECT FROM unnest($1::text[], …) in batches via the pg package; the Patient and
 * PatientInsurance secondary indexes are dropped during the load and recreated with their exact definitions.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/karte_bench npx tsx bench/generate.ts --clinics 100 --patients 10000 [--fresh]
 *
 * Local databases only. Staff logins: doctor-<n>@bench.example.jp, nurse-<n>@…, reception-<n>@… (n = clinic number,
 * 1-based), password BENCH_PASSWORD below.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ADDRESSES, FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, pick, rng } from '@/prisma/seed/names';
import { toKanaSearchKey, toNameSearchKey } from '@/lib/core/kana';
import { hashPassword } from '@/lib/auth/password';
import { assertLocalUrl, freshDatabase } from './lib';

export const BENCH_PASSWORD = 'bench-password-2026-karte';

export type GeneratedClinic = { id: string; number: number; name: string; doctorId: string; doctorLoginId: string; nurseId: string; receptionistId: string; receptionistLoginId: string; patients: number };
export type GenerateResult = { clinics: GeneratedClinic[]; patients: number; ms: { staff: number; patients: number; indexes: number; total: number } };

const BATCH = 5000;
const IDX_TABLES = ['Patient', 'PatientInsurance'];

// insurers: 協会けんぽ (01 + pref), 国保 (6 digits), 組合 (06…), 後期高齢 (39…)
const INSURERS = ['01130012', '01140015', '01270016', '138057', '138065', '06130012', '06273397', '39131015', '39271019', '31130016'];

function pad(n: number, w: number) {
  return String(n).padStart(w, '0');
}

async function insertRows(c: pg.Client, table: string, cols: [string, string][], rows: unknown[][]) {
  const colList = cols.map(([n]) => `"${n}"`).join(', ');
  const unnest = cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const arrays = cols.map((_, i) => rows.map((r) => r[i]));
  await c.query(`INSERT INTO "${table}" (${colList}) SELECT * FROM unnest(${unnest})`, arrays);
}

const PATIENT_COLS: [string, string][] = [
  ['clinicId', 'text'], ['id', 'text'], ['patientNumber', 'int'], ['familyName', 'text'], ['givenName', 'text'],
  ['familyNameKana', 'text'], ['givenNameKana', 'text'], ['nameSearch', 'text'], ['kanaSearch', 'text'], ['sex', 'text'],
  ['birthDate', 'date'], ['postalCode', 'text'], ['address', 'text'], ['phone', 'text'], ['phoneDigits', 'text'],
  ['createdById', 'text'], ['updatedById', 'text'], ['updatedAt', 'timestamptz'],
];
const INSURANCE_COLS: [string, string][] = [
  ['clinicId', 'text'], ['id', 'text'], ['patientId', 'text'], ['insurerNumber', 'text'], ['symbol', 'text'], ['number', 'text'],
  ['branch', 'text'], ['relationship', 'text'], ['validFrom', 'date'],
];

export async function generate(opts: { url: string; clinics: number; patientsPerClinic: number; fresh?: boolean; seed?: number; log?: (s: string) => void }): Promise<GenerateResult> {
  const log = opts.log ?? console.log;
  assertLocalUrl(opts.url);
  const t0 = performance.now();
  if (opts.fresh) await freshDatabase(opts.url);
  const c = new pg.Client({ connectionString: opts.url });
  await c.connect();
  try {
    const r = rng(opts.seed ?? 20261127);
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const existing = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM "Clinic"')).rows[0]!.n);
    const clinics: GeneratedClinic[] = [];
    const users: unknown[][] = [];
    const logins: unknown[][] = [];
    await c.query('BEGIN');
    for (let i = 0; i < opts.clinics; i++) {
      const number = existing + i + 1;
      const id = randomUUID();
      const name = `ベンチ第${number}クリニック`;
      const institutionNumber = `13${pad(900000 + number, 8)}`.slice(0, 10);
      await c.query(
        `INSERT INTO "Clinic" (id, "institutionNumber", name, "mfaRequired", "nextPatientNumber", "updatedAt") VALUES ($1, $2, $3, false, $4, now())`,
        [id, institutionNumber, name, opts.patientsPerClinic + 1],
      );
      await c.query('INSERT INTO "InstitutionNumber" ("institutionNumber", "clinicId") VALUES ($1, $2)', [institutionNumber, id]);
      const staff = { doctor: randomUUID(), nurse: randomUUID(), receptionist: randomUUID() };
      const roles = [['doctor', staff.doctor, `doctor-${number}@bench.example.jp`, '医師 ベンチ'], ['nurse', staff.nurse, `nurse-${number}@bench.example.jp`, '看護師 ベンチ'], ['receptionist', staff.receptionist, `reception-${number}@bench.example.jp`, '受付 ベンチ']] as const;
      for (const [role, uid, loginId, displayName] of roles) {
        users.push([id, uid, loginId, displayName, role, passwordHash, new Date().toISOString()]);
        logins.push([loginId, id, uid]);
      }
      clinics.push({ id, number, name, doctorId: staff.doctor, doctorLoginId: roles[0][2], nurseId: staff.nurse, receptionistId: staff.receptionist, receptionistLoginId: roles[2][2], patients: opts.patientsPerClinic });
    }
    await insertRows(c, 'User', [['clinicId', 'text'], ['id', 'text'], ['loginId', 'text'], ['displayName', 'text'], ['role', 'text'], ['passwordHash', 'text'], ['updatedAt', 'timestamptz']], users);
    await insertRows(c, 'LoginName', [['loginId', 'text'], ['clinicId', 'text'], ['userId', 'text']], logins);
    await c.query('COMMIT');
    const tStaff = performance.now();

    // drop secondary indexes for the load; recreate the same definitions afterwards
    const idx = await c.query<{ name: string; def: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE t.relname = ANY($1) AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)`,
      [IDX_TABLES],
    );
    for (const { name } of idx.rows) await c.query(`DROP INDEX "${name}"`);

    const nowIso = new Date().toISOString();
    let total = 0;
    for (const clinic of clinics) {
      for (let start = 1; start <= opts.patientsPerClinic; start += BATCH) {
        const end = Math.min(opts.patientsPerClinic, start + BATCH - 1);
        const patients: unknown[][] = [];
        const insurances: unknown[][] = [];
        for (let n = start; n <= end; n++) {
          const female = r() < 0.52;
          const [fam, famKana] = pick(r, FAMILY_NAMES);
          const [giv, givKana] = pick(r, female ? FEMALE_NAMES : MALE_NAMES);
          const birth = new Date(Date.UTC(1930, 0, 1) + Math.floor(r() * 95 * 365.25) * 86_400_000).toISOString().slice(0, 10);
          const mobile = r() < 0.7;
          const phone = mobile ? `0${pick(r, ['70', '80', '90'])}-${pad(Math.floor(r() * 10000), 4)}-${pad(Math.floor(r() * 10000), 4)}` : `03-${pad(Math.floor(r() * 10000), 4)}-${pad(Math.floor(r() * 10000), 4)}`;
          const [postal, address] = pick(r, ADDRESSES);
          const id = randomUUID();
          patients.push([
            clinic.id, id, n, fam, giv, famKana, givKana, toNameSearchKey(`${fam}${giv}`), toKanaSearchKey(`${famKana}${givKana}`),
            female ? 'female' : 'male', birth, postal, address, phone, phone.replace(/\D/g, ''), clinic.doctorId, clinic.doctorId, nowIso,
          ]);
          const insurer = pick(r, INSURERS);
          insurances.push([clinic.id, randomUUID(), id, insurer, pad(Math.floor(r() * 100000), 5), pad(Math.floor(r() * 10000000), 7), '00', r() < 0.7 ? 'self' : 'family', '2024-04-01']);
        }
        await c.query('BEGIN');
        await insertRows(c, 'Patient', PATIENT_COLS, patients);
        await insertRows(c, 'PatientInsurance', INSURANCE_COLS, insurances);
        await c.query('COMMIT');
        total += patients.length;
      }
      if (clinics.length <= 10 || clinic.number % 10 === 0) log(`  clinic ${clinic.number}: ${opts.patientsPerClinic} patients (total ${total}, ${((performance.now() - tStaff) / 1000).toFixed(1)} s)`);
    }
    const tPatients = performance.now();
    await c.query(`SET maintenance_work_mem = '512MB'`);
    for (const { def } of idx.rows) await c.query(def);
    await c.query('ANALYZE "Patient"; ANALYZE "PatientInsurance"; ANALYZE "User"; ANALYZE "Clinic"');
    const tEnd = performance.now();
    const result = { clinics, patients: total, ms: { staff: tStaff - t0, patients: tPatients - tStaff, indexes: tEnd - tPatients, total: tEnd - t0 } };
    log(`generated ${opts.clinics} clinics × ${opts.patientsPerClinic} patients = ${total} in ${(result.ms.total / 1000).toFixed(1)} s (rows ${(result.ms.patients / 1000).toFixed(1)} s, indexes ${(result.ms.indexes / 1000).toFixed(1)} s)`);
    return result;
  } finally {
    await c.end();
  }
}

/** Clinics created by generate(), read back from the database (for runs that reuse a loaded database). */
export async function loadGeneratedClinics(url: string): Promise<GeneratedClinic[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rows = await c.query<{ id: string; name: string; n: string }>(`SELECT c.id, c.name, (SELECT count(*) FROM "Patient" p WHERE p."clinicId" = c.id) AS n FROM "Clinic" c WHERE c.name LIKE 'ベンチ第%' ORDER BY c."institutionNumber"`);
    const out: GeneratedClinic[] = [];
    for (const row of rows.rows) {
      const number = Number(/ベンチ第(\d+)/.exec(row.name)![1]);
      const u = await c.query<{ id: string; role: string; loginId: string }>(`SELECT id, role, "loginId" FROM "User" WHERE "clinicId" = $1`, [row.id]);
      const by = (role: string) => u.rows.find((x) => x.role === role)!;
      out.push({ id: row.id, number, name: row.name, doctorId: by('doctor').id, doctorLoginId: by('doctor').loginId, nurseId: by('nurse').id, receptionistId: by('receptionist').id, receptionistLoginId: by('receptionist').loginId, patients: Number(row.n) });
    }
    return out;
  } finally {
    await c.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL を指定してください (ローカルのデータベースのみ)');
  await generate({ url, clinics: arg('clinics', 1), patientsPerClinic: arg('patients', 10_000), fresh: process.argv.includes('--fresh') });
  process.exit(0);
}
