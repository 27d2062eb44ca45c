/**
 * What every version of a coded chart record (傷病名, アレルギー) says about itself: lineage, version, status, who
 * recorded it and why. Only types from the database: client components may import this file.
 */
import { RECORD_STATUSES, type RecordStatus } from '@/lib/records/record-version.constants';
import { oneOf } from '@/lib/core/text-enum';

/** The version columns of a versioned clinical table. */
export type VersionedRow = {
  id: string;
  lineageId: string;
  version: number;
  isLatest: boolean;
  /** one of RECORD_STATUSES (TEXT + CHECK); the DTO narrows it */
  status: string;
  patientId: string;
  recordedById: string;
  changeReason: string | null;
  createdAt: Date;
  supersededAt: Date | null;
};

/** The version columns as they leave the server: times as ISO strings, and who recorded the version by name. */
export type VersionedRecordDto = Omit<VersionedRow, 'status' | 'createdAt' | 'supersededAt'> & {
  status: RecordStatus;
  recordedByName: string | null;
  createdAt: string;
  supersededAt: string | null;
};

/** One record with all its versions, newest first. */
export type VersionHistoryDto<D extends VersionedRecordDto> = { lineageId: string; latest: D; versions: D[] };

export function toVersionedRecordDto(row: VersionedRow, names?: Map<string, string>): VersionedRecordDto {
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    isLatest: row.isLatest,
    status: oneOf(RECORD_STATUSES, row.status),
    patientId: row.patientId,
    recordedById: row.recordedById,
    recordedByName: names?.get(row.recordedById) ?? null,
    changeReason: row.changeReason,
    createdAt: row.createdAt.toISOString(),
    supersededAt: row.supersededAt?.toISOString() ?? null,
  };
}
