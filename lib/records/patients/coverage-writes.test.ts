/**
 * The vendor API keeps each searched patient's serialized resource under the registration's version and the day
 * (docs/decisions/0093). That holds only while every change of a patient's insurance or 公費 is also a new version of
 * the registration: the rows are written by patient.repository alone, and its insurance and 公費 writers are called
 * only by patient.service, whose writes of them each run in the transaction that bumps the version (updateIfVersion)
 * or creates the registration. A new writer anywhere else fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const files = ['lib', 'app', 'components', 'scripts'].flatMap((d) => sourceFiles(path.join(ROOT, d)));
const rel = (f: string) => path.relative(ROOT, f);
const offenders = (pattern: RegExp, allowed: string) => files.filter((f) => pattern.test(readFileSync(f, 'utf8')) && rel(f) !== allowed).map(rel);

describe('insurance and 公費 change only with a new version of the registration', () => {
  it('only patient.repository writes PatientInsurance and PublicExpense rows (Prisma or raw SQL)', () => {
    const prisma = /\.(patientInsurance|publicExpense)\.(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany)\(/;
    const raw = /(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(PatientInsurance|PublicExpense)"/i;
    expect(offenders(prisma, 'lib/records/patients/patient.repository.ts')).toEqual([]);
    expect(offenders(raw, 'lib/records/patients/patient.repository.ts')).toEqual([]);
  });

  it("only patient.service calls the repository's insurance and 公費 writers", () => {
    const call = /patientRepository\.(endCurrentInsurance|addInsurance|endCurrentPublicExpense|addPublicExpense)\(/;
    expect(offenders(call, 'lib/records/patients/patient.service.ts')).toEqual([]);
  });

  it('in patient.service, each writer call follows the version bump or the registration in the same function', () => {
    const source = readFileSync(path.join(ROOT, 'lib/records/patients/patient.service.ts'), 'utf8');
    // each exported function's body: from its `export async function` to the next one
    const bodies = source.split(/\nexport async function /).slice(1);
    const writers = bodies.filter((b) => /patientRepository\.(endCurrentInsurance|addInsurance|endCurrentPublicExpense|addPublicExpense)\(/.test(b));
    expect(writers.length).toBeGreaterThan(0);
    for (const body of writers) {
      const name = body.slice(0, body.indexOf('('));
      const firstWrite = body.search(/patientRepository\.(endCurrentInsurance|addInsurance|endCurrentPublicExpense|addPublicExpense)\(/);
      const bump = body.search(/patientRepository\.(updateIfVersion|create)\(/);
      expect(bump, `${name}: no version bump or registration before its insurance/公費 writes`).toBeGreaterThanOrEqual(0);
      expect(bump, name).toBeLessThan(firstWrite);
      expect(body.indexOf('runInTransaction('), `${name}: not in one transaction`).toBeLessThan(bump);
    }
  });
});
