/** How an EHR patient and an ORCA patient are compared: sex codes both ways, and names without spaces (NFKC). */
export const SEX_TO_ORCA: Record<string, '1' | '2'> = { male: '1', female: '2' };
export const SEX_FROM_ORCA = { '1': 'male', '2': 'female' } as const;
/** ORCA writes 氏　名 with a full-width space, the EHR keeps them apart: compare without any space, width-folded */
export const normaliseName = (s: string) => s.normalize('NFKC').replace(/\s/g, '');
