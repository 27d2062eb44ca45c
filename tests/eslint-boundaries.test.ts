/**
 * Keeps eslint.config.mjs honest: every boundary and G3 rule must still report a violating snippet (and leave the
 * allowed shapes alone). The snippets are linted as if they lived at `file`; nothing is written to disk.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.mjs') });
});

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `${file} must parse`).toEqual([]);
  return result!.messages.map((m) => m.ruleId ?? '');
}

type Case = [name: string, file: string, code: string, rule: string];

const violations: Case[] = [
  ['component imports the db module', 'components/x.tsx', "import { db } from '@/lib/core/db';", 'layers/data-access'],
  ['page imports the Prisma client', 'app/(clinic)/x/page.tsx', "import { PrismaClient } from '@/lib/generated/prisma/client';", 'layers/data-access'],
  ['route imports the pg driver', 'app/api/x/route.ts', "import pg from 'pg';", 'layers/data-access'],
  ['page imports a repository', 'app/(clinic)/x/page.tsx', "import { patientRepository } from '@/lib/records/patients/patient.repository';", 'layers/data-access'],
  ['component imports repository types', 'components/x.tsx', "import type { UsageDto } from '@/lib/masters/master-search.repository';", 'layers/data-access'],
  ['service disconnects the database', 'lib/records/notes/note.service.ts', "import { disconnectDb } from '@/lib/core/db';", 'layers/data-access'],
  ['DTO imports db()', 'lib/records/notes/note.dto.ts', "import { db } from '@/lib/core/db';", 'layers/data-access'],
  ['action imports Prisma values', 'lib/records/notes/note.actions.ts', "import { Prisma } from '@/lib/generated/prisma/client';", 'layers/data-access'],
  ['service queries Prisma itself', 'lib/records/notes/note.service.ts', 'export const f = () => db().clinicalNote.findMany();', 'no-restricted-syntax'],
  ['service builds SQL', 'lib/records/notes/note.service.ts', 'export const q = Prisma.sql`select 1`;', 'no-restricted-syntax'],
  ['component imports a service', 'components/x.tsx', "import { getPatient } from '@/lib/records/patients/patient.service';", 'layers/client-imports'],
  ['component imports server code', 'components/x.tsx', "import { env } from '@/lib/core/env';", 'layers/client-imports'],
  ['component reaches lib relatively', 'components/chart/x.tsx', "import { can } from '../../lib/permissions/permissions';", 'layers/client-imports'],
  ['domain code imports next/*', 'lib/records/notes/note-format.ts', "import { notFound } from 'next/navigation';", 'layers/no-next-in-domain'],
  ['service imports next/cache', 'lib/records/notes/note.service.ts', "import { revalidatePath } from 'next/cache';", 'layers/no-next-in-domain'],
  ['service imports the web guards', 'lib/records/diagnoses/diagnosis.service.ts', "import { requirePageActor } from '@/lib/auth/guards';", 'layers/no-web-in-services'],
  ['service imports next-auth', 'lib/reception/visit.service.ts', "import { auth } from '@/lib/auth/auth';", 'layers/no-web-in-services'],
  ['service resolves the session actor', 'lib/staff/staff.service.ts', "import { requireActor } from '@/lib/auth/actor';", 'layers/no-web-in-services'],
  ['$queryRawUnsafe, even in a repository', 'lib/records/notes/note.repository.ts', "export const f = (c: any) => c.$queryRawUnsafe('select 1');", 'no-restricted-syntax'],
  ['$executeRawUnsafe, even in tests', 'tests/helpers/x.ts', "export const f = (c: any) => c['$executeRawUnsafe']('select 1');", 'no-restricted-syntax'],
  ['dangerouslySetInnerHTML', 'components/x.tsx', 'export const X = ({ h }: { h: string }) => <div dangerouslySetInnerHTML={{ __html: h }} />;', 'no-restricted-syntax'],
  ['eval', 'lib/core/x.ts', "export const f = () => eval('1');", 'no-restricted-syntax'],
  ['new Function', 'e2e/x.ts', "export const f = new Function('a', 'return a');", 'no-restricted-syntax'],
  ['process.env outside env.ts', 'lib/records/notes/note.service.ts', 'export const u = process.env.DATABASE_URL;', 'no-restricted-properties'],
  ['process.env in the proxy', 'proxy.ts', "export const dev = process.env.NODE_ENV !== 'production';", 'no-restricted-properties'],
  ['env from node:process', 'app/x/page.tsx', "import { env } from 'node:process';", 'layers/env-import'],
  ['schema imports zod itself', 'lib/records/notes/note.schema.ts', "import { z } from 'zod';", 'layers/zod-import'],
  ['conditional hook', 'components/x.tsx', "import { useState } from 'react';\nexport function X({ a }: { a: boolean }) { if (a) useState(0); return null; }", 'react-hooks/rules-of-hooks'],
];

const allowed: [name: string, file: string, code: string][] = [
  ['component imports actions, schemas, DTOs, constants, permissions, app-error, listed helpers', 'components/x.tsx',
    [
      "import { recordAllergyAction } from '@/lib/records/allergies/allergy.actions';",
      "import { noteInputSchema } from '@/lib/records/notes/note.schema';",
      "import { toPrefill } from '@/lib/records/prescriptions/prescription.dto';",
      "import { VISIT_STATUS_LABELS } from '@/lib/reception/visit.constants';",
      "import { can } from '@/lib/permissions/permissions';",
      "import { AppError } from '@/lib/core/app-error';",
      "import { todayJst } from '@/lib/core/dates';",
    ].join('\n')],
  ['component imports types from anywhere but repositories', 'components/x.tsx',
    "import type { QueueEntryDto } from '@/lib/reception/visit.service';\nimport type { StaffRole } from '@/lib/generated/prisma/enums';"],
  ['service passes db() and a transaction to repositories', 'lib/records/notes/note.service.ts',
    "import { db, runInTransaction, type Tx, type Prisma } from '@/lib/core/db';\nexport const f = () => runInTransaction((tx: Tx) => g(db(), tx));"],
  ['repository queries', 'lib/records/notes/note.repository.ts', "import { db, Prisma } from '@/lib/core/db';\nexport const f = () => db().$queryRaw`select ${Prisma.join([1])}`;"],
  ['DTO imports Prisma types', 'lib/records/notes/note.dto.ts', "import type { ClinicalNote } from '@/lib/generated/prisma/client';\nimport type { Tx } from '@/lib/core/db';"],
  ['action revalidates', 'lib/records/notes/note.actions.ts', "import { revalidatePath } from 'next/cache';"],
  ['env.ts, scripts and tests read process.env', 'lib/core/env.ts', 'export const e = process.env;'],
  ['scripts read process.env', 'scripts/x.ts', 'export const e = process.env.DATABASE_URL;'],
  ['int tests read process.env and use the db', 'lib/audit/x.int.test.ts', "import { db } from '@/lib/core/db';\nexport const e = process.env.DATABASE_URL;"],
  ['pages read through services', 'app/(clinic)/x/page.tsx', "import { getPatient } from '@/lib/records/patients/patient.service';"],
];

describe('eslint.config.mjs', () => {
  it.each(violations)('reports: %s', async (_name, file, code, rule) => {
    expect(await ruleIds(file, code)).toContain(rule);
  });

  it.each(allowed)('allows: %s', async (_name, file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
