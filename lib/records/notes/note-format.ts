/** Pure display helpers for 診療録, safe for client components (BMI, the vitals line, status badges). */

import type { RecordStatus } from '@/lib/records/record-version.constants';

export type NoteVitals = {
  heightCm: number | null;
  weightKg: number | null;
  systolicBp: number | null;
  diastolicBp: number | null;
  pulse: number | null;
  bodyTempC: number | null;
  spo2: number | null;
};

/** BMI = weight / (height in m)², one decimal. Shown, never stored. */
export function computeBmi(heightCm: number | null | undefined, weightKg: number | null | undefined): number | null {
  if (!heightCm || !weightKg || heightCm <= 0 || weightKg <= 0) return null;
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}

/** e.g. "BP 128/76 mmHg　P 72/分　BT 36.5℃　SpO2 98%　身長 170.0cm　体重 65.0kg　BMI 22.5" */
export function formatVitalsLine(v: NoteVitals): string {
  const parts: string[] = [];
  if (v.systolicBp !== null && v.diastolicBp !== null) parts.push(`BP ${v.systolicBp}/${v.diastolicBp} mmHg`);
  if (v.pulse !== null) parts.push(`P ${v.pulse}/分`);
  if (v.bodyTempC !== null) parts.push(`BT ${v.bodyTempC.toFixed(1)}℃`);
  if (v.spo2 !== null) parts.push(`SpO2 ${v.spo2}%`);
  if (v.heightCm !== null) parts.push(`身長 ${v.heightCm.toFixed(1)}cm`);
  if (v.weightKg !== null) parts.push(`体重 ${v.weightKg.toFixed(1)}kg`);
  const bmi = computeBmi(v.heightCm, v.weightKg);
  if (bmi !== null) parts.push(`BMI ${bmi.toFixed(1)}`);
  return parts.join('　');
}

export type NoteStatus = RecordStatus;

/** Short labels for the timeline badges. */
export const NOTE_STATUS_BADGES: Record<NoteStatus, { label: string; tone: 'amber' | 'blue' | 'green' | 'red' }> = {
  draft: { label: '下書き', tone: 'amber' },
  pending_approval: { label: '承認待ち', tone: 'blue' },
  final: { label: '確定', tone: 'green' },
  entered_in_error: { label: '取消', tone: 'red' },
};

/**
 * soap = a 診療録; intake = a nurse's 予診 (主訴・問診 in S, vitals), her own 確定 record (docs/decisions/0064); checkup =
 * a 健診 visit's 特定健診 items and 問診 answers (0086), written only through checkup-entry.service.ts.
 */
export const NOTE_KINDS = ['soap', 'intake', 'checkup'] as const;
/** The kinds the note editor writes (a 健診 entry has its own form). */
export const EDITOR_NOTE_KINDS = ['soap', 'intake'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
/** How the S of a 予診 is labelled (the timeline, the editor in 予診 mode). */
export const INTAKE_S_LABEL = '主訴・問診';

export const SOAP_SECTIONS = [
  { key: 'subjective', short: 'S', label: 'S（主観的情報）' },
  { key: 'objective', short: 'O', label: 'O（客観的情報）' },
  { key: 'assessment', short: 'A', label: 'A（評価）' },
  { key: 'plan', short: 'P', label: 'P（計画）' },
] as const;

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };

/** Line diff (LCS) between two versions of one section, for the history view. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before ? before.split('\n') : [];
  const b = after ? after.split('\n') : [];
  const n = a.length;
  const m = b.length;
  // notes are short; a quadratic table is fine, but cap pathological sizes
  if (n * m > 250_000) {
    return [...a.map((text) => ({ kind: 'removed' as const, text })), ...b.map((text) => ({ kind: 'added' as const, text }))];
  }
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'removed', text: a[i++]! });
    } else {
      out.push({ kind: 'added', text: b[j++]! });
    }
  }
  while (i < n) out.push({ kind: 'removed', text: a[i++]! });
  while (j < m) out.push({ kind: 'added', text: b[j++]! });
  return out;
}
