/** The patient's consent to read other institutions' 6情報 (docs/decisions/0040): scope labels, sources, validity. */
import { SHARED_INFO_KINDS, type SharedInfoKind } from '../sharing-service';

export { SHARED_INFO_KINDS, type SharedInfoKind };

export const SHARED_INFO_LABELS: Record<SharedInfoKind, string> = { diagnoses: '傷病名', allergies: 'アレルギー', labs: '検査' };

/** Where the consent was recorded: at reception, in the chart, or read from the マイナ保険証 reader (later). */
export const CONSENT_SOURCES = ['reception', 'chart', 'reader'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const CONSENT_SOURCE_LABELS: Record<ConsentSource, string> = { reception: '受付', chart: '診察室（カルテ）', reader: '顔認証付きカードリーダー' };

/**
 * How long a consent given at the reader lets the clinic read: 24 hours from when it was given (the オンライン資格確認
 * rule for 薬剤情報・特定健診情報, which the 6情報 read shares; 0040). An inpatient stay would extend it: not modelled.
 */
export const CONSENT_VALIDITY_MS = 24 * 60 * 60 * 1000;
