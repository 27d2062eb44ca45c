/** Guesses a master file's kind from its name, then from its first record. */
import { parse } from 'csv-parse/sync';
import { decodeBuffer } from './encoding';
import { MASTER_KINDS, type MasterKind } from './types';

const BY_NAME: [RegExp, MasterKind][] = [
  [/(^|\/)y_(all)?\d{6,8}.*\.(csv|txt)$/i, 'ssk-drug'],
  [/(^|\/)b_\d{6,8}.*\.(csv|txt)$/i, 'ssk-disease'],
  [/(^|\/)z_\d{6,8}.*\.(csv|txt)$/i, 'ssk-modifier'],
  [/nmain\d*/i, 'medis-disease'],
  [/mdfy\d*/i, 'medis-modifier'],
  [/jfagy/i, 'jfagy'],
  [/ippanmeishohou|一般名処方/i, 'generic-name'],
  [/jlac10/i, 'jlac10'],
  [/jami.*usage|usage.*16|用法/i, 'jami-usage'],
];

/** Short aliases accepted by the CLI. */
const ALIASES: Record<string, MasterKind> = {
  b: 'ssk-disease',
  z: 'ssk-modifier',
  y: 'ssk-drug',
  nmain: 'medis-disease',
  mdfy: 'medis-modifier',
  ippan: 'generic-name',
  generic: 'generic-name',
  allergen: 'jfagy',
  usage: 'jami-usage',
  jami: 'jami-usage',
  lab: 'jlac10',
};

export function parseMasterKind(value: string): MasterKind | 'auto' {
  if (value === 'auto') return 'auto';
  if ((MASTER_KINDS as readonly string[]).includes(value)) return value as MasterKind;
  const alias = ALIASES[value.toLowerCase()];
  if (alias) return alias;
  throw new Error(`未知のマスター種別です: ${value} (${MASTER_KINDS.join(', ')}, auto)`);
}

export function detectKindFromName(fileName: string): MasterKind | undefined {
  return BY_NAME.find(([re]) => re.test(fileName))?.[1];
}

export function detectKindFromRecord(fields: string[]): MasterKind | undefined {
  const type = fields[1]?.trim();
  if (type === 'B' && fields.length >= 24) return 'ssk-disease';
  if (type === 'Z' && fields.length >= 16) return 'ssk-modifier';
  if (type === 'Y' && fields.length >= 35) return 'ssk-drug';
  if (fields.includes('JFAGYCODE')) return 'jfagy';
  if (fields.includes('一般名コード')) return 'generic-name';
  if (fields[0] === 'code17' || /^[0-9A-Z]{17}$/.test(fields[0] ?? '')) return 'jlac10';
  if (fields[0] === 'code' && fields[1] === 'display') return 'jami-usage';
  if (/^[0-9A-Z]{16}$/.test(fields[0] ?? '')) return 'jami-usage';
  return undefined;
}

/** Name first, then the first line of the file (decoded with the detected encoding). */
export function detectMasterKind(fileName: string, head?: Uint8Array): MasterKind | undefined {
  const byName = detectKindFromName(fileName);
  if (byName || !head) return byName;
  const text = decodeBuffer(head.subarray(0, 8192));
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  try {
    const [fields] = parse(firstLine, { relax_quotes: true, relax_column_count: true }) as string[][];
    return fields ? detectKindFromRecord(fields) : undefined;
  } catch {
    return undefined;
  }
}
