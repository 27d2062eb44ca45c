/**
 * レセコン連携 (ORCA / 日レセ): the port. Everything the EHR asks of ORCA goes through `OrcaLink`; which ORCA answers
 * (a real one over HTTP, on-premise or WebORCA, or the in-process sandbox) is chosen in get-orca-link.ts only.
 * Values are ORCA's own: codes keep their leading zeros, dates are 'YYYY-MM-DD', times 'HH:MM:SS', money in yen.
 *
 * Errors are named for what the caller should do (STYLE.md §7):
 * - OrcaUnavailableError: the request may not have reached ORCA, or its answer was lost (`afterSend`: a timeout after
 *   the body was sent — read before resending, ORCA has no request ids) → retry with backoff;
 * - OrcaBusyError: 90/E90 他端末使用中, the patient is open on an ORCA terminal → retry later, tell the user;
 * - OrcaRejectedError: ORCA refused the data (or the link is misconfigured, `configuration`) → a human fixes it.
 * Warnings (K…/W… codes) are successes: they come back in `warnings` and must be shown, not swallowed.
 */

export type OrcaWarning = { code: string; message: string };

export class OrcaUnavailableError extends Error {
  constructor(
    message: string,
    /** true when the request was sent and the answer did not come: ORCA may have stored it */
    readonly afterSend: boolean,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'OrcaUnavailableError';
  }
}

export class OrcaBusyError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'OrcaBusyError';
  }
}

export class OrcaRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** true for operator/system-setting/protocol codes (89, 91, 97–99, HTTP 401): an administrator must fix the link */
    readonly configuration = false,
  ) {
    super(message);
    this.name = 'OrcaRejectedError';
  }
}

export type OrcaInsuranceCombination = {
  combinationNumber: string;
  /** 保険の種類 (060 国保, 009 協会, 980 自費 …) */
  providerClass: string;
  providerName: string;
  /** 外来負担率 as a fraction, e.g. 0.3; null when ORCA did not say */
  outpatientRate: number | null;
};

export type OrcaPatient = {
  patientId: string;
  name: string;
  kana: string;
  birthDate: string;
  /** 1 男, 2 女 */
  sex: '1' | '2';
  testPatient: boolean;
  insuranceCombinations: OrcaInsuranceCombination[];
  /** 自宅 (Home_Address_Information): 郵便番号 (7 digits) and the address (WholeAddress1 + WholeAddress2); null when ORCA has none */
  home?: { zipCode: string; address: string } | null;
};

export type OrcaPatientSummary = Omit<OrcaPatient, 'insuranceCombinations' | 'home'> & { updatedAt?: string };

export type RegisterPatientInput = {
  /** '*' lets ORCA number the patient (標準構成); otherwise the full 患者番号 (when the EHR owns numbering) */
  patientId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: '1' | '2';
  zipCode?: string;
  address?: string;
  phone?: string;
  insurance?: {
    providerNumber: string;
    symbol?: string;
    number: string;
    branch?: string;
    /** 1 本人, 2 家族 */
    relation?: '1' | '2';
    startDate?: string;
    expiredDate?: string;
  };
};

export type AcceptanceInput = {
  patientId: string;
  date: string;
  time: string;
  departmentCode: string;
  physicianCode: string;
  /** 診療内容区分 01 診察１ … 99 */
  medicalInformation: string;
  insuranceCombinationNumber?: string;
};

export type Acceptance = {
  acceptanceId: string;
  date: string;
  time: string;
  patientId: string;
  departmentCode: string;
  physicianCode: string;
  insuranceCombinationNumber: string | null;
  /** 会計時間 'HH:MM:SS' once ORCA has done the 会計 */
  accountTime: string | null;
  /** the patient as ORCA names it in the answer (Patient_Information) */
  patient?: { name: string; kana: string; birthDate: string; sex: string };
};

/** 予約 (appointmodv2 / appointlst2v2) for a clinic that keeps its 予約 in ORCA. */
export type AppointmentInput = {
  patientId: string;
  date: string;
  time: string;
  departmentCode: string;
  physicianCode: string;
  medicalInformation: string;
  /** 予約メモ (ORCA makes it full-width) */
  note?: string;
};

export type OrcaAppointment = { appointmentId: string; date: string; time: string; departmentCode: string; physicianCode: string };

/** 傷病名 as ORCA reads and writes it. `outcome`: the EHR's vocabulary; the adapter maps it to ORCA's write/read codes. */
export type OrcaDisease = {
  /** ORCA 病名コード parts: the 単独病名 and 修飾語 codes (e.g. ['8830417', 'ZZZ8002']); empty when only a name is known */
  singleCodes: string[];
  name: string;
  startDate: string;
  endDate?: string | null;
  outcome?: 'cured' | 'died' | 'discontinued' | 'transferred' | 'deleted' | null;
  suspected?: boolean;
  acute?: boolean;
  primary?: boolean;
};

export type WriteDiseasesInput = {
  patientId: string;
  /** 'YYYY-MM': the month whose ORCA-only 病名 come back in `unmatched` */
  baseMonth: string;
  performDate: string;
  departmentCode: string;
  diseases: OrcaDisease[];
};

export type WriteDiseasesResult = {
  warnings: (OrcaWarning & { position: number | null })[];
  /** rows ORCA refused (per item), e.g. E36 nothing to delete */
  rejected: (OrcaWarning & { position: number | null })[];
  /** 病名 valid in baseMonth that ORCA has and the request did not carry */
  unmatched: OrcaDisease[];
};

/** One 剤: a 診療種別区分 (120 再診, 210 内服 …), its 回数/日数 and lines of 9-digit 点数マスタ codes. */
export type OrcaBundle = {
  medicalClass: string;
  name?: string;
  count: number;
  lines: { code: string; name?: string; quantity?: string; generic?: boolean }[];
};

export type MedicalSendInput = {
  patientId: string;
  performDate: string;
  performTime: string;
  departmentCode: string;
  physicianCode: string;
  insuranceCombinationNumber: string;
  bundles: OrcaBundle[];
};

export type MedicalSendResult = {
  medicalUid: string;
  warnings: (OrcaWarning & { bundle: number | null; line: number | null })[];
  /** Medical_Result 03: a same-day entry already exists — a human must check ORCA */
  sameDayExists: boolean;
};

export type PendingMedical = {
  patientId: string;
  performDate: string;
  departmentCode: string;
  physicianCode: string;
  insuranceCombinationNumber: string;
  medicalUid: string | null;
  medicalTime: string;
  /** open on an ORCA terminal now */
  openOnTerminal: boolean;
  /** saved again from the ORCA screen: the EHR can no longer change it */
  resavedInOrca: boolean;
};

export type ChargeSimulationInput = {
  patientId: string;
  performDate: string;
  departmentCode: string;
  insuranceCombinationNumber?: string;
  /** 時間外区分 as configured in ORCA */
  timeClass?: string;
  bundles: OrcaBundle[];
};

export type PointDetail = { code: string | null; name: string; points: number };

export type ChargeSimulation = {
  totalPoints: number;
  /** 請求金額: what the patient pays */
  billedYen: number;
  /** 保険分負担 */
  insuranceShareYen: number;
  burdenLabel: string | null;
  details: PointDetail[];
};

export type Invoice = {
  invoiceNumber: string;
  performDate: string;
  departmentCode: string;
  insuranceCombinationNumber: string;
  /** 請求金額 */
  billedYen: number;
  /** 入金額 */
  paidYen: number;
  totalPoints: number;
  /** 負担割合 % */
  ratePercent: number | null;
  details: PointDetail[];
};

export type IncomeInfo = { invoices: Invoice[]; unpaidTotalYen: number };

/** An entry of ORCA's system management lists (診療科, ドクター): its code and name. */
export type OrcaCodeEntry = { code: string; name: string };

export interface OrcaLink {
  getPatient(patientId: string): Promise<OrcaPatient | null>;
  /** 氏名検索 (prefix match, optionally one birth date): duplicates before registering */
  searchPatients(query: { name: string; birthDate?: string }): Promise<OrcaPatientSummary[]>;
  /** patients registered or updated in ORCA in [from, to] (dates) */
  listChangedPatients(range: { from: string; to: string }): Promise<OrcaPatientSummary[]>;
  registerPatient(input: RegisterPatientInput): Promise<{ patient: OrcaPatient; warnings: OrcaWarning[] }>;

  registerAcceptance(input: AcceptanceInput): Promise<{ acceptance: Acceptance; warnings: OrcaWarning[] }>;
  cancelAcceptance(input: { patientId: string; date: string; acceptanceId: string }): Promise<void>;
  /** 受付一覧: 'waiting' = 会計待ち (受付中), 'billed' = 会計済, 'all' */
  listAcceptances(query: { date: string; state: 'waiting' | 'billed' | 'all'; departmentCode?: string }): Promise<Acceptance[]>;

  /** 予約登録 (class 01): K3/K4 (枠超過)/K5 (過去日) come back as warnings; 20 = the slot is already booked */
  registerAppointment(input: AppointmentInput): Promise<{ appointment: OrcaAppointment; warnings: OrcaWarning[] }>;
  /** 予約取消 (class 02) */
  cancelAppointment(input: { patientId: string; date: string; time: string; appointmentId: string }): Promise<void>;
  /** the patient's 予約 on or after the date (appointlst2v2; read before resending) */
  listPatientAppointments(query: { patientId: string; baseDate: string }): Promise<OrcaAppointment[]>;

  writeDiseases(input: WriteDiseasesInput): Promise<WriteDiseasesResult>;
  readDiseases(query: { patientId: string; baseMonth: string; all?: boolean }): Promise<OrcaDisease[]>;

  /** 診療行為 as 中途データ: a new entry, or (with medicalUid) a replacement of one ORCA has not touched yet */
  sendMedical(input: MedicalSendInput & { replaceUid?: string }): Promise<MedicalSendResult>;
  deleteMedical(input: { patientId: string; performDate: string; departmentCode: string; physicianCode: string; medicalUid: string }): Promise<void>;
  listPendingMedical(query: { performDate: string; patientId?: string; departmentCode?: string }): Promise<PendingMedical[]>;

  simulateCharge(input: ChargeSimulationInput): Promise<ChargeSimulation>;
  getIncome(query: { patientId: string; performDate: string }): Promise<IncomeInfo>;

  /** system01lstv2 01 / 02: ORCA's 診療科 and ドクター valid on the date (the mapping tables; no patient data) */
  listDepartments(baseDate: string): Promise<OrcaCodeEntry[]>;
  listPhysicians(baseDate: string): Promise<OrcaCodeEntry[]>;
}
