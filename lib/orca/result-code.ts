/**
 * ORCA's Api_Result codes come in three widths (`00`, `000`, `0000`) and are compared as strings (docs/orca.md):
 * all zeros = success; `K…` / `W…` = success with a warning (the data was stored); anything else = error.
 * Exceptions the reference names: `WK1` from medicalmodv23 means "cannot register" (an error).
 */
export type ResultClass = 'ok' | 'warning' | 'error';

export function classifyResult(code: string): ResultClass {
  const c = code.trim();
  if (/^0+$/.test(c)) return 'ok';
  if (c === 'WK1') return 'error';
  if (/^[KW]/.test(c)) return 'warning';
  return 'error';
}

/** 他端末使用中: the patient is open on an ORCA terminal. Routine; retry later. */
export function isLockCode(code: string): boolean {
  return ['90', 'E90', '0090'].includes(code.trim());
}

/** Codes that mean the link is misconfigured (operator, system settings) or our request is malformed: no retry helps. */
export function isConfigurationCode(code: string): boolean {
  return /^(0{0,2}(89|91|97|98|99)|E(89|91|97|98|99)|100[1-5]|1015)$/.test(code.trim());
}
