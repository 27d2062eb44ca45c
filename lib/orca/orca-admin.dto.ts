/** What the レセコン連携 admin page gets (lib/orca/orca-admin.service.ts). */
import type { OrcaNumberingMaster } from './orca.constants';
import type { OrcaCodeEntry } from './orca-port';

export type OrcaAttentionRowDto = {
  jobId: string;
  queueLabel: string;
  /** 停止 (dead-lettered: ORCA refused it, a person must act) or 再送待ち (waiting in backoff) */
  stopped: boolean;
  attempts: number;
  lastError: string | null;
  nextRunAt: string | null;
  updatedAt: string;
  visitDate: string | null;
  patient: { id: string; patientNumber: number; name: string } | null;
};

export type OrcaAdminDto = {
  mode: 'off' | 'sandbox' | 'http';
  /** ORCA_URL without credentials (http), for the admin to recognise the server */
  server: string | null;
  weborca: boolean;
  format: 'xml' | 'json';
  settings: { linked: boolean; numberingMaster: OrcaNumberingMaster; medicalInformation: string; defaultPhysicianCode: string; physicianCodes: Record<string, string>; useOrcaAppointments: boolean };
  doctors: { id: string; displayName: string }[];
  attention: OrcaAttentionRowDto[];
};

export type OrcaConnectionCheckDto =
  | { ok: true; physicians: OrcaCodeEntry[]; departments: OrcaCodeEntry[] }
  | { ok: false; message: string };


/** A patient ORCA has that the EHR has not linked yet, with the EHR patients that could be the same person. */
export type OrcaRegisteredPatientDto = {
  orcaPatientId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: 'male' | 'female';
  /** false when ORCA's name has no space between 氏 and 名 (then it is registered by hand) */
  importable: boolean;
  matches: { id: string; patientNumber: number; name: string; linkedToOtherOrcaPatient: boolean }[];
};

export type OrcaRegisteredPatientsDto =
  | { state: 'off' }
  | { state: 'unavailable'; message: string }
  | { state: 'ok'; from: string; to: string; rows: OrcaRegisteredPatientDto[] };
