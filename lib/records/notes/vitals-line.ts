/**
 * The vitals of a visit typed as one line (issue 13): `128/76 72 36.5 98`, or labelled `BP128/76 P72 T36.5 SpO2 98`,
 * parsed into the note's vital fields. Pure, client-safe: the editor parses as it is typed and shows the result back.
 *
 * Unlabelled values: the one with a slash is the blood pressure; the others fill 脈拍, 体温, SpO2 in that order,
 * moving forward only, and a value with a decimal point never becomes the pulse (`128/76 36.5 98` = BP, 体温, SpO2).
 * Labels (case and full-width ignored, `:` or `=` or a space may follow): BP/血圧, P/HR/PR/脈拍, T/BT/KT/体温,
 * SpO2/SpO₂/Sat, H/Ht/身長, W/Wt/BW/体重; a unit may follow the value (mmHg, /分, bpm, ℃, %, cm, kg).
 * Values are checked against the note schema's plausibility ranges, so a typo (365) is reported at once.
 */
import { vitalsFields, type VitalKey } from './note.schema';

export type VitalsLineValues = Partial<Record<VitalKey, number>>;
export type VitalsLineResult = { ok: true; values: VitalsLineValues } | { ok: false; error: string };

export const VITALS_LINE_EXAMPLE = '128/76 72 36.5 98 または BP128/76 P72 T36.5 SpO2 98';

type Slot = 'bp' | 'pulse' | 'bodyTempC' | 'spo2' | 'heightCm' | 'weightKg';

const SLOT_LABELS: Record<Slot, string> = { bp: '血圧', pulse: '脈拍', bodyTempC: '体温', spo2: 'SpO2', heightCm: '身長', weightKg: '体重' };

// longest first, so that `pr` wins over `p` and `spo2` over `sp…`
const LABELS: [string, Slot][] = [
  ['spo2', 'spo2'], ['sao2', 'spo2'], ['sat', 'spo2'], ['血圧', 'bp'], ['bp', 'bp'], ['脈拍', 'pulse'], ['hr', 'pulse'], ['pr', 'pulse'],
  ['脈', 'pulse'], ['p', 'pulse'], ['体温', 'bodyTempC'], ['bt', 'bodyTempC'], ['kt', 'bodyTempC'], ['t', 'bodyTempC'],
  ['身長', 'heightCm'], ['ht', 'heightCm'], ['h', 'heightCm'], ['体重', 'weightKg'], ['bw', 'weightKg'], ['wt', 'weightKg'], ['w', 'weightKg'],
];
const LABEL_RE = LABELS.map(([l]) => l).join('|');
const UNIT_RE = 'mmhg|bpm|回/分|/分|/min|°c|度|%|cm|kg';

/** one token: optional label, optional separator, value (n or n/n), optional unit */
const TOKEN = new RegExp(`^(?:(${LABEL_RE})[:=]?)?(\\d+(?:\\.\\d+)?(?:/\\d+(?:\\.\\d+)?)?)(${UNIT_RE})?$`, 'i');
const LABEL_ONLY = new RegExp(`^(${LABEL_RE})[:=]?$`, 'i');

const slotOf = (label: string): Slot => LABELS.find(([l]) => l === label.toLowerCase())![1];

function fail(error: string): VitalsLineResult {
  return { ok: false, error };
}

/** Checks one value with the schema's own rule for that field; returns its Japanese message on failure. */
function check(key: VitalKey, value: string): { value: number } | { error: string } {
  const r = vitalsFields[key].safeParse(value);
  if (!r.success) return { error: r.error.issues[0]?.message ?? `${key}の値が正しくありません。` };
  return { value: r.data as number };
}

export function parseVitalsLine(input: string): VitalsLineResult {
  // NFKC: full-width digits, letters and ％ from an IME; ℃ becomes °C; SpO₂ becomes SpO2
  const text = input.normalize('NFKC').replace(/[、，,;；]/g, ' ').trim();
  if (text === '') return { ok: true, values: {} };

  const raw = text.split(/\s+/);
  const found = new Map<Slot, string>();
  const positional: string[] = [];
  let pendingLabel: string | null = null;

  const put = (slot: Slot, value: string): string | null => {
    if (found.has(slot)) return `${SLOT_LABELS[slot]}が2回入力されています。`;
    found.set(slot, value);
    return null;
  };

  for (const token of raw) {
    const labelOnly = LABEL_ONLY.exec(token);
    if (labelOnly) {
      if (pendingLabel) return fail(`「${pendingLabel}」の値がありません。例: ${VITALS_LINE_EXAMPLE}`);
      pendingLabel = labelOnly[1]!;
      continue;
    }
    const m = TOKEN.exec(token);
    if (!m) return fail(`「${token}」を読み取れません。例: ${VITALS_LINE_EXAMPLE}`);
    const label = m[1] ?? pendingLabel;
    if (m[1] && pendingLabel) return fail(`「${pendingLabel}」の値がありません。例: ${VITALS_LINE_EXAMPLE}`);
    pendingLabel = null;
    const value = m[2]!;
    if (label) {
      const slot = slotOf(label);
      if (slot === 'bp' && !value.includes('/')) return fail('血圧は「128/76」のように収縮期/拡張期で入力してください。');
      if (slot !== 'bp' && value.includes('/')) return fail(`${SLOT_LABELS[slot]}に「/」は使えません。`);
      const dup = put(slot, value);
      if (dup) return fail(dup);
    } else if (value.includes('/')) {
      const dup = put('bp', value);
      if (dup) return fail(dup);
    } else {
      positional.push(value);
    }
  }
  if (pendingLabel) return fail(`「${pendingLabel}」の値がありません。例: ${VITALS_LINE_EXAMPLE}`);

  // positional values move forward only: after 体温, a whole number is SpO2, not a skipped pulse
  const order: Slot[] = ['pulse', 'bodyTempC', 'spo2'];
  let next = 0;
  for (const value of positional) {
    let at = next;
    while (at < order.length && (found.has(order[at]!) || (value.includes('.') && order[at] === 'pulse'))) at++;
    const slot = order[at];
    next = at + 1;
    if (!slot) return fail(`値が多すぎます（「${value}」）。血圧・脈拍・体温・SpO2の順に入力するか、ラベルを付けてください。例: ${VITALS_LINE_EXAMPLE}`);
    found.set(slot, value);
  }

  const values: VitalsLineValues = {};
  for (const [slot, value] of found) {
    if (slot === 'bp') {
      const [sys, dia] = value.split('/') as [string, string];
      for (const [key, v] of [['systolicBp', sys], ['diastolicBp', dia]] as const) {
        const r = check(key, v);
        if ('error' in r) return fail(r.error);
        values[key] = r.value;
      }
      if (values.systolicBp! <= values.diastolicBp!) return fail('収縮期血圧は拡張期血圧より高い値を入力してください。');
    } else {
      const r = check(slot, value);
      if ('error' in r) return fail(r.error);
      values[slot] = r.value;
    }
  }
  return { ok: true, values };
}
