/** 定型文 as the screens see them. */
export type PhraseDto = {
  id: string;
  abbreviation: string;
  text: string;
  /** true: the user's own; false: 院内共通 */
  personal: boolean;
  /** the viewer may change it (their own, or a clinic-wide one for the clinic admin) */
  editable: boolean;
  updatedAt: string;
};
