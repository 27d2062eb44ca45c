/**
 * A short substance name for a drug allergy, from the drug master row: the 一般名 without 【般】, the dosage
 * form and the strength (【般】ロキソプロフェンＮａ錠６０ｍｇ → ロキソプロフェンＮａ). Only a prefill: the
 * doctor can edit it, and the allergy check matches by YJ code, not by this name.
 */
const FORM = /(錠|カプセル|ＯＤ錠|OD錠|細粒|顆粒|散|ドライシロップ|シロップ|内用液|液|注射|注|軟膏|クリーム|ゲル|ローション|テープ|パップ|貼付剤|坐剤|点眼|点鼻|吸入|エアゾール|ゼリー|トローチ)/;

export function ingredientLabel(drug: { name: string; genericName: string | null }): string {
  const source = (drug.genericName ?? drug.name).replace(/^【般】/, '').trim();
  const match = FORM.exec(source);
  const head = match && match.index > 0 ? source.slice(0, match.index) : source;
  return head.replace(/[\s　]+$/, '') || drug.name;
}
