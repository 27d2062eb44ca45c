/**
 * Check digits of the numbers on insurance and 公費 cards, as the official numbering defines them
 * (保険者番号等の設定について / 公費負担者番号・受給者番号の設定): the 検証番号 is the last digit; each preceding digit,
 * from the rightmost one leftwards, is multiplied by 2, 1, 2, 1, …, the digits of every product are added up, and the
 * check digit is 10 minus the last digit of that sum (0 when the sum ends in 0). 保険者番号 (8 digits, or 6 for 国保),
 * 公費負担者番号 (8) and 公費受給者番号 (7) all use it. Isomorphic: the form and the server share it.
 */
export function checkDigitOf(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    const product = digit * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the number is all digits and its last digit is the 検証番号 of the others. */
export function hasValidCheckDigit(number: string): boolean {
  if (!/^\d{2,}$/.test(number)) return false;
  return checkDigitOf(number.slice(0, -1)) === Number(number.at(-1));
}

/** 保険者番号: 8 digits (国保's 6-digit numbers are written with a leading "00", which keeps the check digit). */
export const isValidInsurerNumber = (n: string) => /^\d{8}$/.test(n) && hasValidCheckDigit(n);
/** 公費負担者番号: 8 digits (法別番号 2 + 都道府県 2 + 実施機関 3 + 検証番号 1). */
export const isValidPayerNumber = (n: string) => /^\d{8}$/.test(n) && hasValidCheckDigit(n);
/** 公費受給者番号: 7 digits (6 + 検証番号). */
export const isValidRecipientNumber = (n: string) => /^\d{7}$/.test(n) && hasValidCheckDigit(n);
