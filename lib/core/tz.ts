/** Formatting in Asia/Tokyo (JST has no daylight saving: a fixed +09:00 offset). */
import { format } from 'date-fns';

const JST_OFFSET_MS = 9 * 60 * 60_000;

export function formatInTimeZone(d: Date, pattern: string): string {
  const shifted = new Date(d.getTime() + JST_OFFSET_MS);
  // date-fns formats in the host zone: move the UTC wall clock into a local Date first
  const wall = new Date(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate(), shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds());
  return format(wall, pattern);
}

/** 'YYYY-MM-DDTHH:mm' entered in JST -> UTC Date. */
export function fromJstLocal(local: string): Date {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+09:00`);
}
