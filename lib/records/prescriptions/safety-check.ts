/**
 * Order-time safety checks for 処方 (run on save and again on 確定 / 承認). Pure functions over the items being
 * prescribed, the patient's active drug allergies and the patient's other active (final, days not run out) prescriptions.
 *
 * Matching rule: the 薬価基準収載医薬品コード (YJ code, 12 characters) is built as
 *   1–4 薬効分類, 5–7 投与経路及び成分 (the ingredient number), 8 剤形, 9 規格, 10–12 銘柄/調整.
 * The first 7 characters therefore identify the ingredient and route: ロキソニン錠 (1149019F1560) and
 * ロキソプロフェンNa錠「YD」 (1149019F1013) share 1149019 and are the same ingredient. A match on the full
 * 12 characters is "same drug", on the first 7 "same ingredient".
 *
 * The YJ code cannot see the same ingredient by another route (ロキソニン錠 1149019F1560 and ロキソニンテープ
 * 2649735S2024 are both ロキソプロフェンＮａ), so an allergy is also matched by name: the ingredient of the
 * prescribed drug (its 一般名 without form and strength, lib/records/allergies/ingredient-label.ts) against the
 * allergy's substance name — "same ingredient (by name)". It is blocking like the others: a false alarm costs a
 * reason, a miss costs a reaction.
 */
import { AppError } from '@/lib/core/app-error';
import type { MedicationAllergyDto } from '@/lib/records/allergies/allergy.dto';
import { DRUG_CLASS_CODE_SYSTEM } from '@/lib/records/allergies/drug-classes';
import type { LimitFinding } from './duration-limits';

export const INGREDIENT_PREFIX_LENGTH = 7;

export type MatchType = 'same_drug' | 'same_ingredient' | 'same_ingredient_name' | 'same_class';

/** Names shorter than this never match by name (too many false alarms). */
export const MIN_NAME_MATCH_LENGTH = 3;

/** What lib/records/allergies/allergy.repository.ts listActiveMedicationAllergies returns. */
export type ActiveMedicationAllergy = MedicationAllergyDto;

/** `ingredient`: the prescribed drug's ingredient name from the drug master, when it is known. */
export type CheckedItem = { index: number; drugName: string; yjCode: string | null; ingredient?: string | null };

export type ActiveItem = {
  prescriptionId: string;
  lineageId: string;
  issuedDate: string;
  activeUntil: string;
  drugName: string;
  yjCode: string | null;
};

export type AllergyConflict = {
  /** index of the item in the submitted list */
  itemIndex: number;
  drugName: string;
  yjCode: string | null;
  matchType: MatchType;
  allergyId: string;
  allergyLineageId: string;
  substanceName: string;
  severity: string | null;
  reaction: string | null;
};

export type DuplicateWarning = {
  itemIndex: number;
  drugName: string;
  yjCode: string;
  matchType: MatchType;
  /** another item of this prescription, or an active final prescription of the patient */
  source: 'this_prescription' | 'active_prescription';
  otherItemIndex: number | null;
  otherPrescriptionId: string | null;
  otherDrugName: string;
  otherIssuedDate: string | null;
  otherActiveUntil: string | null;
};

/** `limits`: items over a legal 投与日数 limit or the clinic's maximum (duration-limits.ts); a reason is needed. */
export type SafetyReport = { allergyConflicts: AllergyConflict[]; duplicates: DuplicateWarning[]; limits: LimitFinding[] };

export type Acknowledgements = { allergyOverrideReason?: string | null; duplicateAcknowledged?: boolean; limitOverrideReason?: string | null };

const normalise = (code: string | null | undefined) => (code ? code.normalize('NFKC').trim().toUpperCase() : '');

/** same_drug (12 characters), same_ingredient (first 7) or null. Codes shorter than 7 never match. */
export function yjMatch(a: string | null | undefined, b: string | null | undefined): MatchType | null {
  const x = normalise(a);
  const y = normalise(b);
  if (x.length < INGREDIENT_PREFIX_LENGTH || y.length < INGREDIENT_PREFIX_LENGTH) return null;
  if (x === y) return 'same_drug';
  if (x.slice(0, INGREDIENT_PREFIX_LENGTH) === y.slice(0, INGREDIENT_PREFIX_LENGTH)) return 'same_ingredient';
  return null;
}

/** The YJ code an allergy record stands for: its yjCode, else its code when that is a YJ code. */
function allergyYj(a: ActiveMedicationAllergy): string | null {
  if (a.yjCode) return a.yjCode;
  if (a.code && a.codeSystem === 'yj') return a.code;
  return null;
}

const nameKey = (name: string | null | undefined) => (name ? name.normalize('NFKC').replace(/^【般】/, '').replace(/[\s・]/g, '').toUpperCase() : '');

/** The prescribed ingredient contains the allergy's substance name, or the other way round. */
export function ingredientNameMatch(ingredient: string | null | undefined, substanceName: string | null | undefined): boolean {
  const a = nameKey(ingredient);
  const b = nameKey(substanceName);
  if (a.length < MIN_NAME_MATCH_LENGTH || b.length < MIN_NAME_MATCH_LENGTH) return false;
  return a.includes(b) || b.includes(a);
}

/** A class allergy (薬効分類, codeSystem yj-class, docs/decisions/0017) matches every drug whose YJ code starts with it. */
export function classMatch(yjCode: string | null | undefined, allergy: Pick<ActiveMedicationAllergy, 'code' | 'codeSystem'>): boolean {
  const yj = normalise(yjCode);
  return allergy.codeSystem === DRUG_CLASS_CODE_SYSTEM && !!allergy.code && /^\d{4}$/.test(allergy.code) && yj.startsWith(allergy.code);
}

export function checkAllergies(items: CheckedItem[], allergies: ActiveMedicationAllergy[]): AllergyConflict[] {
  const out: AllergyConflict[] = [];
  for (const item of items) {
    for (const allergy of allergies) {
      const match =
        yjMatch(item.yjCode, allergyYj(allergy)) ??
        (classMatch(item.yjCode, allergy) ? 'same_class' : null) ??
        (allergy.codeSystem !== DRUG_CLASS_CODE_SYSTEM && ingredientNameMatch(item.ingredient, allergy.substanceName) ? 'same_ingredient_name' : null);
      if (!match) continue;
      out.push({
        itemIndex: item.index,
        drugName: item.drugName,
        yjCode: item.yjCode,
        matchType: match,
        allergyId: allergy.id,
        allergyLineageId: allergy.lineageId,
        substanceName: allergy.substanceName,
        severity: allergy.severity,
        reaction: allergy.reaction,
      });
    }
  }
  return out;
}

export function checkDuplicates(items: CheckedItem[], active: ActiveItem[]): DuplicateWarning[] {
  const out: DuplicateWarning[] = [];
  items.forEach((item, i) => {
    if (!item.yjCode) return;
    for (const other of items.slice(i + 1)) {
      const match = yjMatch(item.yjCode, other.yjCode);
      if (!match) continue;
      out.push({
        itemIndex: other.index,
        drugName: other.drugName,
        yjCode: other.yjCode!,
        matchType: match,
        source: 'this_prescription',
        otherItemIndex: item.index,
        otherPrescriptionId: null,
        otherDrugName: item.drugName,
        otherIssuedDate: null,
        otherActiveUntil: null,
      });
    }
    for (const other of active) {
      const match = yjMatch(item.yjCode, other.yjCode);
      if (!match) continue;
      out.push({
        itemIndex: item.index,
        drugName: item.drugName,
        yjCode: item.yjCode,
        matchType: match,
        source: 'active_prescription',
        otherItemIndex: null,
        otherPrescriptionId: other.prescriptionId,
        otherDrugName: other.drugName,
        otherIssuedDate: other.issuedDate,
        otherActiveUntil: other.activeUntil,
      });
    }
  });
  return out;
}

/** Thrown (code PRECONDITION_FAILED) when a warning was not acknowledged; carries the structured report. */
export class SafetyCheckError extends AppError {
  constructor(readonly report: SafetyReport) {
    super('PRECONDITION_FAILED', safetyMessage(report));
    this.name = 'SafetyCheckError';
  }
}

function safetyMessage(report: SafetyReport): string {
  const parts: string[] = [];
  if (report.allergyConflicts.length) parts.push('登録されている薬剤アレルギーに該当する薬品があります。処方する場合は理由を入力してください。');
  if (report.duplicates.length) parts.push('重複投薬の可能性がある薬品があります。確認のうえ承知してください。');
  if (report.limits.length) parts.push('投与日数・投与量の上限を超える薬品があります。処方する場合は理由を入力してください。');
  return parts.join(' ');
}

/**
 * Throws SafetyCheckError unless every warning is acknowledged: an allergy match needs a reason (text), a duplicate
 * needs duplicateAcknowledged, a limit exceeded needs its own reason (docs/decisions/0044). Returns what to store
 * (each reason only when its warning actually applied).
 */
export function enforceAcknowledgements(
  report: SafetyReport,
  ack: Acknowledgements,
): { allergyOverrideReason: string | null; duplicateAcknowledged: boolean; limitOverrideReason: string | null } {
  const reason = ack.allergyOverrideReason?.trim() || null;
  const limitReason = ack.limitOverrideReason?.trim() || null;
  const allergyBlocked = report.allergyConflicts.length > 0 && !reason;
  const duplicateBlocked = report.duplicates.length > 0 && !ack.duplicateAcknowledged;
  const limitBlocked = report.limits.length > 0 && !limitReason;
  if (allergyBlocked || duplicateBlocked || limitBlocked) {
    // report only what still needs an answer, but keep the allergy list visible while duplicates are asked
    throw new SafetyCheckError({
      allergyConflicts: report.allergyConflicts,
      duplicates: report.duplicates,
      limits: report.limits,
    });
  }
  return {
    allergyOverrideReason: report.allergyConflicts.length ? reason : null,
    duplicateAcknowledged: report.duplicates.length > 0 && !!ack.duplicateAcknowledged,
    limitOverrideReason: report.limits.length ? limitReason : null,
  };
}
