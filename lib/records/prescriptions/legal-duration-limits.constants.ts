/**
 * The 投与期間 limits of the 療担規則 (第20条第2号ヘ・ト) as listed by the Minister: 「療担規則及び薬担規則並びに療担基準に
 * 基づき厚生労働大臣が定める掲示事項等」(平成18年厚生労働省告示第107号) 第十 二 「投薬期間に上限が設けられている医薬品」.
 *
 *  (一) 14日分: every 麻薬 (麻薬及び向精神薬取締法 第2条第1号) and 向精神薬 (同 第6号) not listed under (二)/(三), and
 *      新医薬品 until one year has passed from the first day of the month after their 薬価基準収載 — the general rules
 *      need no list: the drug master's 麻毒区分 and 薬価基準収載年月日 give them (duration-limits.ts).
 *  (二) 30日分 and (三) 90日分: the substances below, by route (内服薬・外用薬・注射薬), transcribed here because the
 *      drug master does not carry them. Text as amended up to the 2024 revision (エチゾラム・ゾピクロン 2016,
 *      タペンタドール, ヒドロモルフォン, リスデキサンフェタミン later), read from published copies of the 告示; check the
 *      current 告示 when it is amended and update this list (docs/decisions/0044).
 *
 * `yjPrefixes`: the first 7 characters of the 薬価基準収載医薬品コード (薬効分類 + 投与経路及び成分) of the products of that
 * substance and route in the 支払基金 医薬品マスター y_ALL20240321, matched by their 成分名 in the 厚労省 薬価基準収載品目
 * リスト (2025-08-14). A product whose code is not listed is matched by its ingredient name (the 一般名 without form
 * and strength) equal to `substance`.
 */
export type LimitRoute = 'internal' | 'external' | 'injection';

export type ListedDurationLimit = {
  days: 30 | 90;
  route: LimitRoute;
  /** the substance as the 告示 names it */
  substance: string;
  yjPrefixes: readonly string[];
};

const internal30 = (substance: string, ...yjPrefixes: string[]): ListedDurationLimit => ({ days: 30, route: 'internal', substance, yjPrefixes });

export const LISTED_DURATION_LIMITS: readonly ListedDurationLimit[] = [
  // (二) 30日分 — 内服薬
  internal30('アルプラゾラム', '1124023'),
  internal30('エスタゾラム', '1124001'),
  internal30('エチゾラム', '1179025'),
  internal30('オキシコドン塩酸塩', '8119002'),
  internal30('オキサゾラム', '1124013'),
  internal30('クアゼパム', '1124030'),
  internal30('クロキサゾラム', '1124014'),
  internal30('クロチアゼパム', '1179012'),
  internal30('クロルジアゼポキシド', '1124028'),
  internal30('コデインリン酸塩', '8115001', '8115002'),
  internal30('ジヒドロコデインリン酸塩', '8115003', '8115004'),
  internal30('ゾピクロン', '1129007'),
  internal30('ゾルピデム酒石酸塩', '1129009'),
  internal30('タペンタドール塩酸塩', '8219003'),
  internal30('トリアゾラム', '1124007'),
  internal30('ニメタゼパム'),
  internal30('ハロキサゾラム', '1124005'),
  internal30('ヒドロモルフォン塩酸塩', '8119003'),
  internal30('プラゼパム'),
  internal30('フルジアゼパム'),
  internal30('フルニトラゼパム', '1124008'),
  internal30('フルラゼパム塩酸塩', '1124002'),
  internal30('ブロチゾラム', '1124009'),
  internal30('ブロマゼパム', '1124020'),
  internal30('ペモリン', '1179023'),
  internal30('メダゼパム', '1124021'),
  internal30('メチルフェニデート塩酸塩', '1179009'),
  internal30('モダフィニル', '1179047'),
  internal30('モルヒネ塩酸塩', '8114003', '8114005'),
  internal30('モルヒネ硫酸塩', '8114004'),
  internal30('リスデキサンフェタミンメシル酸塩', '1179059'),
  internal30('ロフラゼプ酸エチル', '1124029'),
  internal30('ロラゼパム', '1124022'),
  internal30('ロルメタゼパム', '1124010'),
  internal30('メペンゾラート臭化物・フェノバルビタール配合剤'),
  internal30('プロキシフィリン・エフェドリン配合剤'),
  // (二) 30日分 — 外用薬
  { days: 30, route: 'external', substance: 'フェンタニル', yjPrefixes: ['8219700'] },
  { days: 30, route: 'external', substance: 'フェンタニルクエン酸塩', yjPrefixes: ['8219701'] },
  { days: 30, route: 'external', substance: 'モルヒネ塩酸塩', yjPrefixes: ['8114700'] },
  // (二) 30日分 — 注射薬
  { days: 30, route: 'injection', substance: 'フェンタニルクエン酸塩', yjPrefixes: ['8219400'] },
  { days: 30, route: 'injection', substance: 'ブプレノルフィン塩酸塩', yjPrefixes: ['1149403'] },
  { days: 30, route: 'injection', substance: 'モルヒネ塩酸塩', yjPrefixes: ['8114401', '8114402'] },
  // (三) 90日分 — 内服薬
  { days: 90, route: 'internal', substance: 'ジアゼパム', yjPrefixes: ['1124017'] },
  { days: 90, route: 'internal', substance: 'ニトラゼパム', yjPrefixes: ['1124003'] },
  { days: 90, route: 'internal', substance: 'フェノバルビタール', yjPrefixes: ['1125003', '1125004'] },
  { days: 90, route: 'internal', substance: 'クロナゼパム', yjPrefixes: ['1139003'] },
  { days: 90, route: 'internal', substance: 'クロバザム', yjPrefixes: ['1139006'] },
  { days: 90, route: 'internal', substance: 'フェニトイン・フェノバルビタール配合剤', yjPrefixes: ['1139100', '1139103', '1139104', '1139105'] },
];

/** 麻毒区分 of the 支払基金 医薬品マスター (column 14). */
export const NARCOTIC_CLASS = { narcotic: '1', poison: '2', stimulantPrecursor: '3', psychotropic: '5' } as const;

/** The general limit of 告示 第十 二 (一) for 麻薬, 向精神薬 and 新医薬品. */
export const GENERAL_LIMIT_DAYS = 14;
