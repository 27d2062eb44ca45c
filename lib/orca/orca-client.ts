/**
 * The ORCA API client behind the port: builds ORCA's request records, sends them as xml2 (or JSON with
 * `?format=json`) through a transport, checks HTTP status and Api_Result, and maps the answers to the port's types.
 * Field names, roots and codes follow docs/orca.md (ORCA's published API pages).
 */
import { classifyResult, isConfigurationCode, isLockCode } from './result-code';
import type { OrcaRequest, OrcaTransport } from './orca-transport';
import { compact, parseXml2, toXml2, Xml2SyntaxError, type Xml2Record, type Xml2Value } from './xml2';
import {
  OrcaBusyError,
  OrcaRejectedError,
  OrcaUnavailableError,
  type Acceptance,
  type AcceptanceInput,
  type AppointmentInput,
  type OrcaAppointment,
  type ChargeSimulation,
  type ChargeSimulationInput,
  type IncomeInfo,
  type Invoice,
  type MedicalSendInput,
  type MedicalSendResult,
  type OrcaBundle,
  type OrcaCodeEntry,
  type OrcaDisease,
  type OrcaInsuranceCombination,
  type OrcaLink,
  type OrcaPatient,
  type OrcaPatientSummary,
  type OrcaWarning,
  type PendingMedical,
  type PointDetail,
  type RegisterPatientInput,
  type WriteDiseasesInput,
  type WriteDiseasesResult,
} from './orca-port';

export type OrcaFormat = 'xml' | 'json';

type Answer = { res: Xml2Record; code: string; message: string; warnings: OrcaWarning[] };

// ------------------------------------------------------------------------------------------------ reading helpers
const str = (v: Xml2Value | undefined): string => (typeof v === 'string' ? v : '');
const rec = (v: Xml2Value | undefined): Xml2Record => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
/** An array field; a lone record is accepted too (JSON answers of some ORCA versions, hand-written XML without type). */
const arr = (v: Xml2Value | undefined): Xml2Record[] => (Array.isArray(v) ? v.map(rec) : v && typeof v === 'object' ? [v] : []);
/** Money and points come right-aligned with spaces ("   340"): trim before parsing. */
export function orcaNumber(v: Xml2Value | undefined): number {
  const s = str(v).trim();
  if (!s) return 0;
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}
const orNull = (s: string): string | null => (s.trim() ? s.trim() : null);

function toCombination(h: Xml2Record): OrcaInsuranceCombination {
  const rate = str(h.InsuranceCombination_Rate_Outpatient).trim();
  return {
    combinationNumber: str(h.Insurance_Combination_Number),
    providerClass: str(h.InsuranceProvider_Class),
    providerName: str(h.InsuranceProvider_WholeName),
    outpatientRate: rate ? Number(rate) : null,
  };
}

function toSummary(p: Xml2Record): OrcaPatientSummary {
  return {
    patientId: str(p.Patient_ID),
    name: str(p.WholeName),
    kana: str(p.WholeName_inKana),
    birthDate: str(p.BirthDate),
    sex: str(p.Sex) === '2' ? '2' : '1',
    testPatient: str(p.TestPatient_Flag) === '1',
    ...(str(p.UpdateDate) ? { updatedAt: `${str(p.UpdateDate)} ${str(p.UpdateTime)}`.trim() } : {}),
  };
}

function toPatient(p: Xml2Record): OrcaPatient {
  const { updatedAt: _updatedAt, ...summary } = toSummary(p);
  const home = rec(p.Home_Address_Information);
  const address = `${str(home.WholeAddress1)}${str(home.WholeAddress2)}`;
  const zipCode = str(home.Address_ZipCode);
  return { ...summary, insuranceCombinations: arr(p.HealthInsurance_Information).map(toCombination), home: address || zipCode ? { zipCode, address } : null };
}

function toAcceptance(a: Xml2Record, fallbackDate: string): Acceptance {
  const patient = rec(a.Patient_Information);
  const insurance = rec(a.HealthInsurance_Information);
  return {
    acceptanceId: str(a.Acceptance_Id),
    date: str(a.Acceptance_Date) || fallbackDate,
    time: str(a.Acceptance_Time),
    patientId: str(patient.Patient_ID) || str(a.Patient_ID),
    departmentCode: str(a.Department_Code),
    physicianCode: str(a.Physician_Code),
    insuranceCombinationNumber: orNull(str(insurance.Insurance_Combination_Number)),
    accountTime: orNull(str(a.Account_Time)),
    ...(str(patient.WholeName)
      ? { patient: { name: str(patient.WholeName), kana: str(patient.WholeName_inKana), birthDate: str(patient.BirthDate), sex: str(patient.Sex) } }
      : {}),
  };
}

function toPointDetails(info: Xml2Record): PointDetail[] {
  return arr(info.Ac_Point_Detail).map((d) => ({
    code: orNull(str(d.AC_Point_Code)),
    name: str(d.AC_Point_Name).trim(),
    points: orcaNumber(d.AC_Point),
  }));
}

// ------------------------------------------------------------------------------------------------ 病名 codes
/** 転帰 on write (diseasev3): F 治ゆ, D 死亡, N 中止, O 削除. ORCA has no 移行 on write: it becomes 中止. */
const OUTCOME_TO_WRITE: Record<NonNullable<OrcaDisease['outcome']>, string> = {
  cured: 'F',
  died: 'D',
  discontinued: 'N',
  transferred: 'N',
  deleted: 'O',
};
/** 転帰 on read (diseasegetv2): F 治癒, D 死亡, C 中止, S 移行 — not the write codes (S means 後遺症残 on write). */
const OUTCOME_FROM_READ: Record<string, OrcaDisease['outcome']> = { F: 'cured', D: 'died', C: 'discontinued', S: 'transferred' };

function toDiseaseFromRead(d: Xml2Record): OrcaDisease {
  const flag = str(d.Disease_SuspectedFlag);
  return {
    singleCodes: arr(d.Disease_Single).map((s) => str(s.Disease_Single_Code)).filter(Boolean),
    name: str(d.Disease_Name),
    startDate: str(d.Disease_StartDate),
    endDate: orNull(str(d.Disease_EndDate)),
    outcome: OUTCOME_FROM_READ[str(d.Disease_OutCome)] ?? null,
    suspected: flag.includes('S') || flag === '1',
    acute: flag.includes('A'),
    primary: str(d.Disease_Category) === 'PD',
  };
}

function bundlesToXml(bundles: OrcaBundle[]) {
  return bundles.map((b) => ({
    Medical_Class: b.medicalClass,
    Medical_Class_Name: b.name,
    Medical_Class_Number: String(b.count),
    Medication_info: b.lines.map((l) => ({
      Medication_Code: l.code,
      Medication_Name: l.name,
      Medication_Number: l.quantity,
      Medication_Generic_Flg: l.generic === undefined ? undefined : l.generic ? 'yes' : 'no',
    })),
  }));
}

export class OrcaClient implements OrcaLink {
  constructor(private readonly options: { transport: OrcaTransport; format?: OrcaFormat }) {}

  private get format(): OrcaFormat {
    return this.options.format ?? 'xml';
  }

  /**
   * One API call. `emptyCodes` are codes the API uses for "nothing found" (e.g. 21 on acceptlstv2): they come back as
   * an answer with `code` set, not as an error.
   */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    request?: { root: string; body: Xml2Record },
    emptyCodes: string[] = [],
  ): Promise<Answer> {
    const req: OrcaRequest = { method, path, query: { ...query } };
    if (this.format === 'json') req.query.format = 'json';
    if (request) {
      req.contentType = this.format === 'json' ? 'application/json' : 'application/xml';
      req.body = this.format === 'json' ? JSON.stringify({ [request.root]: request.body }) : toXml2('data', request.root, request.body);
    }
    const httpAnswer = await this.options.transport.send(req);
    if (httpAnswer.status === 401 || httpAnswer.status === 403) {
      throw new OrcaRejectedError(String(httpAnswer.status), 'ORCAの認証に失敗しました（ユーザID・パスワードまたは証明書を確認してください）。', true);
    }
    if (httpAnswer.status === 404 || httpAnswer.status === 405) {
      throw new OrcaRejectedError(String(httpAnswer.status), `ORCAがこのAPIに応答しません（${httpAnswer.status} ${path}）。接続先URLとWebORCAの設定を確認してください。`, true);
    }
    if (httpAnswer.status < 200 || httpAnswer.status >= 300) {
      // 503 comes from a front that did not pass the request on; other errors may come after ORCA stored it
      throw new OrcaUnavailableError(`ORCAがエラーを返しました（HTTP ${httpAnswer.status}）。`, httpAnswer.status !== 503, httpAnswer.status);
    }
    let res: Xml2Record;
    try {
      if (this.format === 'json' || httpAnswer.body.trimStart().startsWith('{')) {
        const parsed = JSON.parse(httpAnswer.body) as Record<string, Xml2Value>;
        const keys = Object.keys(parsed);
        res = rec(keys.length === 1 ? parsed[keys[0]] : parsed);
      } else {
        res = parseXml2(httpAnswer.body).body;
      }
    } catch (e) {
      if (e instanceof SyntaxError || e instanceof Xml2SyntaxError) {
        throw new OrcaUnavailableError('ORCAの応答を読み取れませんでした。', true, httpAnswer.status);
      }
      throw e;
    }
    const code = str(res.Api_Result).trim();
    const message = str(res.Api_Result_Message).trim();
    const warnings = collectWarnings(res, code, message);
    if (emptyCodes.includes(code)) return { res, code, message, warnings };
    if (!code) throw new OrcaUnavailableError('ORCAの応答に処理結果（Api_Result）がありません。', true, httpAnswer.status);
    if (isLockCode(code)) throw new OrcaBusyError(code, message || '他端末使用中です。');
    if (classifyResult(code) === 'error') throw new OrcaRejectedError(code, message || `ORCAエラー ${code}`, isConfigurationCode(code));
    return { res, code, message, warnings };
  }

  async getPatient(patientId: string): Promise<OrcaPatient | null> {
    const a = await this.call('GET', '/api01rv2/patientgetv2', { id: patientId }, undefined, ['10']);
    if (a.code === '10') return null;
    return toPatient(rec(a.res.Patient_Information));
  }

  async searchPatients(query: { name: string; birthDate?: string }): Promise<OrcaPatientSummary[]> {
    const a = await this.call(
      'POST',
      '/api01rv2/patientlst3v2',
      { class: '01' },
      { root: 'patientlst3req', body: compact({ WholeName: query.name, Birth_StartDate: query.birthDate, Birth_EndDate: query.birthDate }) },
      ['20'],
    );
    return arr(a.res.Patient_Information).map(toSummary);
  }

  async listChangedPatients(range: { from: string; to: string }): Promise<OrcaPatientSummary[]> {
    const a = await this.call(
      'POST',
      '/api01rv2/patientlst1v2',
      { class: '01' },
      { root: 'patientlst1req', body: { Base_StartDate: range.from, Base_EndDate: range.to, Contain_TestPatient_Flag: '1' } },
      ['20'],
    );
    return arr(a.res.Patient_Information).map(toSummary);
  }

  async registerPatient(input: RegisterPatientInput): Promise<{ patient: OrcaPatient; warnings: OrcaWarning[] }> {
    const i = input.insurance;
    const a = await this.call('POST', '/orca12/patientmodv2', { class: '01' }, {
      root: 'patientmodreq',
      body: compact({
        Patient_ID: input.patientId,
        WholeName: input.name,
        WholeName_inKana: input.kana,
        BirthDate: input.birthDate,
        Sex: input.sex,
        Home_Address_Information:
          input.zipCode || input.address || input.phone
            ? { Address_ZipCode: input.zipCode, WholeAddress1: input.address, PhoneNumber1: input.phone }
            : undefined,
        HealthInsurance_Information: i
          ? {
              InsuranceProvider_Number: i.providerNumber,
              HealthInsuredPerson_Symbol: i.symbol,
              HealthInsuredPerson_Number: i.number,
              HealthInsuredPerson_Branch_Number: i.branch,
              RelationToInsuredPerson: i.relation,
              Certificate_StartDate: i.startDate,
              Certificate_ExpiredDate: i.expiredDate,
            }
          : undefined,
      }),
    });
    return { patient: toPatient(rec(a.res.Patient_Information)), warnings: a.warnings };
  }

  async registerAcceptance(input: AcceptanceInput): Promise<{ acceptance: Acceptance; warnings: OrcaWarning[] }> {
    const a = await this.call('POST', '/orca11/acceptmodv2', {}, {
      root: 'acceptreq',
      body: compact({
        Request_Number: '01',
        Patient_ID: input.patientId,
        Acceptance_Date: input.date,
        Acceptance_Time: input.time,
        Department_Code: input.departmentCode,
        Physician_Code: input.physicianCode,
        Medical_Information: input.medicalInformation,
        HealthInsurance_Information: input.insuranceCombinationNumber ? { Insurance_Combination_Number: input.insuranceCombinationNumber } : undefined,
      }),
    });
    const patient = rec(a.res.Patient_Information);
    const firstCombination = arr(patient.HealthInsurance_Information)[0];
    const acceptance = toAcceptance(a.res, input.date);
    acceptance.insuranceCombinationNumber =
      input.insuranceCombinationNumber ?? (firstCombination ? orNull(str(firstCombination.Insurance_Combination_Number)) : null);
    return { acceptance, warnings: a.warnings };
  }

  async registerAppointment(input: AppointmentInput): Promise<{ appointment: OrcaAppointment; warnings: OrcaWarning[] }> {
    const a = await this.call('POST', '/orca14/appointmodv2', { class: '01' }, {
      root: 'appointreq',
      body: compact({
        Patient_ID: input.patientId,
        Appointment_Date: input.date,
        Appointment_Time: input.time,
        Department_Code: input.departmentCode,
        Physician_Code: input.physicianCode,
        Medical_Information: input.medicalInformation,
        Appointment_Note: input.note,
      }),
    });
    return {
      appointment: {
        appointmentId: str(a.res.Appointment_Id),
        date: str(a.res.Appointment_Date) || input.date,
        time: str(a.res.Appointment_Time) || input.time,
        departmentCode: str(a.res.Department_Code) || input.departmentCode,
        physicianCode: str(a.res.Physician_Code) || input.physicianCode,
      },
      warnings: a.warnings,
    };
  }

  async cancelAppointment(input: { patientId: string; date: string; time: string; appointmentId: string }): Promise<void> {
    await this.call('POST', '/orca14/appointmodv2', { class: '02' }, {
      root: 'appointreq',
      body: { Patient_ID: input.patientId, Appointment_Date: input.date, Appointment_Time: input.time, Appointment_Id: input.appointmentId },
    });
  }

  async listPatientAppointments(query: { patientId: string; baseDate: string }): Promise<OrcaAppointment[]> {
    const a = await this.call('POST', '/api01rv2/appointlst2v2', { class: '01' }, { root: 'appointlst2req', body: { Patient_ID: query.patientId, Base_Date: query.baseDate } }, ['21']);
    return arr(a.res.Appointlst_Information).map((r) => ({
      appointmentId: str(r.Appointment_Id),
      date: str(r.Appointment_Date),
      time: str(r.Appointment_Time),
      departmentCode: str(r.Department_Code),
      physicianCode: str(r.Physician_Code),
    }));
  }

  async cancelAcceptance(input: { patientId: string; date: string; acceptanceId: string }): Promise<void> {
    await this.call('POST', '/orca11/acceptmodv2', {}, {
      root: 'acceptreq',
      body: { Request_Number: '02', Patient_ID: input.patientId, Acceptance_Date: input.date, Acceptance_Id: input.acceptanceId },
    });
  }

  async listAcceptances(query: { date: string; state: 'waiting' | 'billed' | 'all'; departmentCode?: string }): Promise<Acceptance[]> {
    const cls = { waiting: '01', billed: '02', all: '03' }[query.state];
    const a = await this.call(
      'POST',
      '/api01rv2/acceptlstv2',
      { class: cls },
      { root: 'acceptlstreq', body: compact({ Acceptance_Date: query.date, Department_Code: query.departmentCode }) },
      ['21'],
    );
    const date = str(a.res.Acceptance_Date) || query.date;
    return arr(a.res.Acceptlst_Information).map((row) => toAcceptance(row, date));
  }

  async writeDiseases(input: WriteDiseasesInput): Promise<WriteDiseasesResult> {
    const a = await this.call('POST', '/orca22/diseasev3', {}, {
      root: 'diseasereq',
      body: compact({
        Patient_ID: input.patientId,
        Base_Month: input.baseMonth,
        Perform_Date: input.performDate,
        Diagnosis_Information: { Department_Code: input.departmentCode },
        Disease_Information: input.diseases.map((d) => ({
          Disease_Name: d.singleCodes.length ? undefined : d.name,
          Disease_Single: d.singleCodes.length ? d.singleCodes.map((c) => ({ Disease_Single_Code: c })) : undefined,
          Disease_InOut: 'O',
          Disease_Category: d.primary ? 'PD' : undefined,
          Disease_SuspectedFlag: d.suspected ? 'S' : undefined,
          Disease_AcuteFlag: d.acute ? 'A' : undefined,
          Disease_StartDate: d.startDate,
          Disease_EndDate: d.endDate ?? undefined,
          Disease_OutCome: d.outcome ? OUTCOME_TO_WRITE[d.outcome] : undefined,
          // fields the EHR does not manage: ORCA keeps what its staff set
          Disease_Receipt_Print: 'None',
          Insurance_Disease: 'None',
          Disease_Class: 'None',
        })),
      }),
    }, ['E40', 'E42']); // some 病名 refused or warned: the per-row results below say which
    const warnings: WriteDiseasesResult['warnings'] = [];
    const rejected: WriteDiseasesResult['rejected'] = [];
    for (const m of arr(a.res.Disease_Message_Information)) {
      const infos = arr(m.Disease_Warning_Info);
      const rows = infos.length ? infos : [{ Disease_Warning: m.Disease_Result, Disease_Warning_Message: m.Disease_Result_Message }];
      for (const w of rows) {
        const code = str(w.Disease_Warning).trim();
        const pos = str(w.Disease_Warning_Item_Position).trim();
        const item = { code, message: str(w.Disease_Warning_Message).trim(), position: pos ? Number(pos) : null };
        (classifyResult(code) === 'error' ? rejected : warnings).push(item);
      }
    }
    const unmatched = arr(rec(a.res.Disease_Unmatch_Information).Disease_Unmatch_Info).map(toDiseaseFromRead);
    return { warnings, rejected, unmatched };
  }

  async readDiseases(query: { patientId: string; baseMonth: string; all?: boolean }): Promise<OrcaDisease[]> {
    const a = await this.call(
      'POST',
      '/api01rv2/diseasegetv2',
      { class: '01' },
      { root: 'disease_inforeq', body: compact({ Patient_ID: query.patientId, Base_Date: query.baseMonth, Select_Mode: query.all ? 'All' : undefined }) },
      ['21'],
    );
    return arr(a.res.Disease_Information).map(toDiseaseFromRead);
  }

  async sendMedical(input: MedicalSendInput & { replaceUid?: string }): Promise<MedicalSendResult> {
    const a = await this.call('POST', '/api21/medicalmodv2', { class: input.replaceUid ? '03' : '01' }, {
      root: 'medicalreq',
      body: compact({
        InOut: 'O',
        Patient_ID: input.patientId,
        Perform_Date: input.performDate,
        Perform_Time: input.performTime,
        Medical_Uid: input.replaceUid,
        Diagnosis_Information: {
          Department_Code: input.departmentCode,
          Physician_Code: input.physicianCode,
          HealthInsurance_Information: { Insurance_Combination_Number: input.insuranceCombinationNumber },
          Medical_Information: bundlesToXml(input.bundles),
        },
        Medical_Push: 'Yes',
      }),
    });
    const messages = rec(a.res.Medical_Message_Information);
    const warnings = arr(messages.Medical_Warning_Info).map((w) => {
      const b = str(w.Medical_Warning_Position).trim();
      const l = str(w.Medical_Warning_Item_Position).trim();
      return {
        code: str(w.Medical_Warning).trim(),
        message: [str(w.Medical_Warning_Message).trim(), str(w.Medical_Warning_Code).trim()].filter(Boolean).join(' '),
        bundle: b ? Number(b) : null,
        line: l ? Number(l) : null,
      };
    });
    return { medicalUid: str(a.res.Medical_Uid), warnings, sameDayExists: str(messages.Medical_Result).trim() === '03' };
  }

  async deleteMedical(input: { patientId: string; performDate: string; departmentCode: string; physicianCode: string; medicalUid: string }): Promise<void> {
    await this.call('POST', '/api21/medicalmodv2', { class: '02' }, {
      root: 'medicalreq',
      body: {
        InOut: 'O',
        Patient_ID: input.patientId,
        Perform_Date: input.performDate,
        Medical_Uid: input.medicalUid,
        Diagnosis_Information: { Department_Code: input.departmentCode, Physician_Code: input.physicianCode },
      },
    });
  }

  async listPendingMedical(query: { performDate: string; patientId?: string; departmentCode?: string }): Promise<PendingMedical[]> {
    const a = await this.call(
      'POST',
      '/api01rv2/tmedicalgetv2',
      {},
      { root: 'tmedicalgetreq', body: compact({ Perform_Date: query.performDate, InOut: '2', Department_Code: query.departmentCode, Patient_ID: query.patientId }) },
      ['15'],
    );
    return arr(a.res.Tmedical_List_Information).map((t) => ({
      patientId: str(rec(t.Patient_Information).Patient_ID),
      performDate: str(t.Perform_Date) || query.performDate,
      departmentCode: str(t.Department_Code),
      physicianCode: str(t.Physician_Code),
      insuranceCombinationNumber: str(t.Insurance_Combination_Number),
      medicalUid: orNull(str(t.Medical_Uid)),
      medicalTime: str(t.Medical_Time),
      openOnTerminal: str(t.Medical_Mode) === '1',
      resavedInOrca: str(t.Medical_Mode2) === '1',
    }));
  }

  async simulateCharge(input: ChargeSimulationInput): Promise<ChargeSimulation> {
    const a = await this.call('POST', '/api01rv2/acsimulatev2', { class: '01' }, {
      root: 'acsimulatereq',
      body: compact({
        Patient_ID: input.patientId,
        Perform_Date: input.performDate,
        Time_Class: input.timeClass,
        Diagnosis_Information: {
          Department_Code: input.departmentCode,
          // acsimulatev2 names it Combination_Number, not Insurance_Combination_Number
          Combination_Number: input.insuranceCombinationNumber,
          Medical_Information: bundlesToXml(input.bundles),
        },
      }),
    });
    const patient = rec(a.res.Patient_Information);
    const cd = rec(patient.Cd_Information);
    const points = rec(patient.Ac_Point_Information);
    return {
      totalPoints: orcaNumber(points.Ac_Ttl_Point),
      billedYen: orcaNumber(cd.Ac_Money),
      insuranceShareYen: orcaNumber(cd.Ai_Money),
      burdenLabel: orNull(str(rec(patient.HealthInsurance_Information).HealthInsuredPerson_Assistance_Name)),
      details: toPointDetails(points),
    };
  }

  async getIncome(query: { patientId: string; performDate: string }): Promise<IncomeInfo> {
    const a = await this.call('POST', '/api01rv2/incomeinfv2', {}, {
      root: 'private_objects',
      body: { Patient_ID: query.patientId, Perform_Date: query.performDate },
    });
    const invoices: Invoice[] = arr(a.res.Income_Information).map((i) => {
      const cd = rec(i.Cd_Information);
      const points = rec(i.Ac_Point_Information);
      const rate = str(i.Rate_Cd).trim();
      return {
        invoiceNumber: str(i.Invoice_Number),
        performDate: str(i.Perform_Date),
        departmentCode: str(i.Department_Code),
        insuranceCombinationNumber: str(i.Insurance_Combination_Number),
        billedYen: orcaNumber(cd.Ac_Money),
        paidYen: orcaNumber(cd.Ic_Money),
        totalPoints: orcaNumber(points.Ac_Ttl_Point),
        ratePercent: rate ? Number(rate) : null,
        details: toPointDetails(points),
      };
    });
    return { invoices, unpaidTotalYen: orcaNumber(a.res.Unpaid_Money_Total) };
  }

  async listDepartments(baseDate: string): Promise<OrcaCodeEntry[]> {
    const a = await this.systemList('01', baseDate);
    return arr(a.res.Department_Information).map((d) => ({ code: str(d.Code).trim(), name: str(d.WholeName).trim() }));
  }

  async listPhysicians(baseDate: string): Promise<OrcaCodeEntry[]> {
    const a = await this.systemList('02', baseDate);
    return arr(a.res.Physician_Information).map((d) => ({ code: str(d.Code).trim(), name: str(d.WholeName).trim() }));
  }

  /** system01lstv2 with Request_Number (ORCA's recommended selector) and the date the entries must be valid on */
  private systemList(requestNumber: '01' | '02', baseDate: string): Promise<Answer> {
    return this.call('POST', '/api01rv2/system01lstv2', {}, { root: 'system01_managereq', body: { Request_Number: requestNumber, Base_Date: baseDate } });
  }
}

/** K…/W… in Api_Result plus the warning lists ORCA fills (Api_Warning_Message_Information[], Api_Warning_Message1..5). */
function collectWarnings(res: Xml2Record, code: string, message: string): OrcaWarning[] {
  const texts = [
    ...arr(res.Api_Warning_Message_Information).map((w) => str(w.Api_Warning_Message).trim()),
    ...[1, 2, 3, 4, 5].map((n) => str(res[`Api_Warning_Message${n}`]).trim()),
  ].filter(Boolean);
  const out: OrcaWarning[] = [];
  if (classifyResult(code || '0') === 'warning') out.push({ code, message: texts.shift() ?? message });
  for (const t of texts) out.push({ code: '', message: t });
  return out;
}
