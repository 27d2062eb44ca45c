import type { AppError } from '@/lib/core/app-error';

/** The AppError code a call ends with, or 'OK': for tables of allowed and refused calls. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as AppError).code;
  }
  return 'OK';
}
