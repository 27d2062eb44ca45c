// npm run fhir:export -- --out DIR [--clinic 医療機関コード]
// Writes every 6情報 bundle (傷病名, アレルギー, each 検査 report) of every patient, one JSON file each, exactly as the
// sharing adapter sends them, and prints each bundle's validation result. Needs the database (DATABASE_URL, or the
// demo's embedded database: npm run db:server).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLocalSecrets } from './local-secrets';

ensureLocalSecrets();
const { values } = parseArgs({ options: { out: { type: 'string' }, clinic: { type: 'string' } } });
if (!values.out) {
  console.error('使い方: npm run fhir:export -- --out DIR [--clinic 医療機関コード]');
  process.exit(2);
}
const { db, disconnectDb } = await import('@/lib/core/db');
const { exportFhirBundles } = await import('@/lib/fhir/fhir-export.service');
const { exportDocumentBundles } = await import('@/lib/records/documents/document-fhir.service');
const { formatIssue, isSendable } = await import('@/lib/fhir');

const clinics = await db().clinic.findMany({ where: values.clinic ? { institutionNumber: values.clinic } : {}, orderBy: { institutionNumber: 'asc' }, select: { id: true } });
const clinicIds = clinics.map((c) => c.id);
const exported = [...(await exportFhirBundles({ outDir: path.resolve(values.out), clinicIds })), ...(await exportDocumentBundles({ outDir: path.resolve(values.out), clinicIds }))];
await disconnectDb();
for (const e of exported) {
  const errors = e.issues.filter((i) => i.severity === 'error').length;
  console.log(`${path.basename(e.file)}  ${e.identifier}  ${errors ? `送信不可（エラー ${errors}件）` : '送信可'}`);
  for (const issue of e.issues) console.log(`    ${issue.severity === 'error' ? 'エラー' : '注意'}: ${formatIssue(issue)}`);
}
const blocked = exported.filter((e) => !isSendable(e.issues)).length;
console.log(`${exported.length}件の送信データを ${path.resolve(values.out)} に書き出しました（送信不可 ${blocked}件）。`);
