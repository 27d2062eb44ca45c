/**
 * An in-memory ORCA for development, tests and the demo (docs/orca.md "Sandbox"): the API paths, request and
 * response roots, result codes and quirks the EHR relies on (xml2 with type attributes, zero-padded codes, money
 * right-aligned with spaces, "nothing found" as an error code, K/W warnings, 90 while a patient is open), plus the
 * staff side ORCA's own screens would do (confirm a 中途データ and do the 会計, open an entry, lock a patient) and
 * fault injection. Pure request → answer: sandbox-server.ts puts it on HTTP, sandbox-transport.ts calls it in process.
 */
import { randomUUID } from 'node:crypto';
import { parseXml2, toXml2, Xml2SyntaxError, type Xml2Record, type Xml2Value } from '../xml2';
import {
  SANDBOX_DEPARTMENTS,
  SANDBOX_DISEASE_MASTER,
  SANDBOX_FORBIDDEN_SIMULATION_CODE,
  SANDBOX_MEDICAL_INFORMATION,
  SANDBOX_PATIENTS,
  SANDBOX_PHYSICIANS,
  sandboxPoint,
  type SandboxInsurance,
  type SandboxPatientFixture,
} from './sandbox-fixtures';

export type SandboxRequest = { method: string; path: string; query: Record<string, string>; body: string };
export type SandboxAnswer = {
  status: number;
  body: string;
  contentType: string;
  /** answer only after this many ms (the write is already applied): tests "timeout after ORCA stored it" */
  delayMs?: number;
  /** close the connection without an answer */
  drop?: boolean;
};

export type SandboxFault = {
  /** API path to match (without /api); all paths when absent */
  path?: string;
  kind: 'http500' | 'http503' | 'drop' | 'delay_after_apply' | 'api_result';
  /** for api_result: the code to answer (e.g. 89, 99) */
  code?: string;
  delayMs?: number;
  /** how many requests it applies to; Infinity for "until cleared" (an outage) */
  times: number;
};

type Patient = SandboxPatientFixture & { createDate: string; updateDate: string; updateTime: string; combinations: (SandboxInsurance & { number: string })[] };
type AcceptanceRow = {
  id: string;
  date: string;
  time: string;
  patientId: string;
  departmentCode: string;
  physicianCode: string;
  medicalInformation: string;
  combination: string;
  accountTime: string | null;
};
type AppointmentRow = { id: string; patientId: string; date: string; time: string; departmentCode: string; physicianCode: string; medicalInformation: string; note: string };
type DiseaseRow = {
  patientId: string;
  codes: string[];
  name: string;
  startDate: string;
  endDate: string;
  /** read-side 転帰: F D C S or '' */
  outcome: string;
  suspected: boolean;
  acute: boolean;
  primary: boolean;
  inOut: string;
  departmentCode: string;
};
type Line = { code: string; name: string; quantity: number; points: number };
type Bundle = { medicalClass: string; count: number; lines: Line[] };
type MedicalRow = {
  uid: string | null;
  patientId: string;
  date: string;
  time: string;
  registeredAt: string;
  departmentCode: string;
  physicianCode: string;
  combination: string;
  bundles: Bundle[];
  mode: '0' | '1';
  mode2: '0' | '1';
};
type InvoiceRow = {
  number: string;
  patientId: string;
  date: string;
  departmentCode: string;
  physicianCode: string;
  combination: string;
  ratePercent: number;
  points: { code: string; name: string; points: number }[];
  totalPoints: number;
  billedYen: number;
  paidYen: number;
  updatedAt: string;
};

export type SandboxLogEntry = { method: string; path: string; selector: string; patientId: string; at: string; result: string };

const POINT_GROUPS: [RegExp, string, string][] = [
  [/^1[12]/, 'A00', '初・再診料'],
  [/^13/, 'B00', '医学管理等'],
  [/^14/, 'C00', '在宅療養'],
  [/^2/, 'F00', '投薬'],
  [/^3/, 'G00', '注射'],
  [/^4/, 'J00', '処置'],
  [/^5/, 'K00', '手術'],
  [/^6/, 'D00', '検査'],
  [/^7/, 'E00', '画像診断'],
  [/^8/, 'H00', 'リハビリ'],
];

const API_ROOTS: Record<string, { method: 'GET' | 'POST'; req?: string; res: string; selector: 'class' | 'request_number' | 'either' | 'none'; classes?: string[] }> = {
  '/api01rv2/patientgetv2': { method: 'GET', res: 'patientinfores', selector: 'none' },
  '/api01rv2/patientlst1v2': { method: 'POST', req: 'patientlst1req', res: 'patientlst1res', selector: 'class', classes: ['01', '02'] },
  '/api01rv2/patientlst3v2': { method: 'POST', req: 'patientlst3req', res: 'patientlst2res', selector: 'class', classes: ['01'] },
  '/orca12/patientmodv2': { method: 'POST', req: 'patientmodreq', res: 'patientmodres', selector: 'class', classes: ['01', '02'] },
  '/orca11/acceptmodv2': { method: 'POST', req: 'acceptreq', res: 'acceptres', selector: 'either', classes: ['01', '02'] },
  '/api01rv2/acceptlstv2': { method: 'POST', req: 'acceptlstreq', res: 'acceptlstres', selector: 'class', classes: ['01', '02', '03'] },
  '/orca14/appointmodv2': { method: 'POST', req: 'appointreq', res: 'appointres', selector: 'class', classes: ['01', '02'] },
  '/api01rv2/appointlst2v2': { method: 'POST', req: 'appointlst2req', res: 'appointlst2res', selector: 'class', classes: ['01'] },
  '/orca22/diseasev3': { method: 'POST', req: 'diseasereq', res: 'diseaseres', selector: 'none' },
  '/api01rv2/diseasegetv2': { method: 'POST', req: 'disease_inforeq', res: 'disease_infores', selector: 'class', classes: ['01'] },
  '/api21/medicalmodv2': { method: 'POST', req: 'medicalreq', res: 'medicalres', selector: 'class', classes: ['01', '02', '03'] },
  '/api01rv2/tmedicalgetv2': { method: 'POST', req: 'tmedicalgetreq', res: 'tmedicalgetres', selector: 'none' },
  '/api01rv2/acsimulatev2': { method: 'POST', req: 'acsimulatereq', res: 'acsimulateres', selector: 'class', classes: ['01'] },
  '/api01rv2/incomeinfv2': { method: 'POST', req: 'private_objects', res: 'private_objects', selector: 'none' },
  '/api01rv2/system01lstv2': { method: 'POST', req: 'system01_managereq', res: 'departmentres', selector: 'either', classes: ['01', '02'] },
};

const str = (v: Xml2Value | undefined): string => (typeof v === 'string' ? v.trim() : '');
const rec = (v: Xml2Value | undefined): Xml2Record => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const arr = (v: Xml2Value | undefined): Xml2Record[] => (Array.isArray(v) ? v.map(rec) : v && typeof v === 'object' ? [v] : []);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** ORCA right-aligns money and points with spaces */
const money = (n: number, width = 9) => String(Math.round(n)).padStart(width, ' ');
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
const isTime = (s: string) => /^\d{2}:\d{2}(:\d{2})?$/.test(s);

class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** JST wall clock */
function jstNow(): { date: string; time: string } {
  const iso = new Date(Date.now() + 9 * 3600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

export class OrcaSandbox {
  private patients = new Map<string, Patient>();
  private nextPatientNumber = 1;
  private acceptances: AcceptanceRow[] = [];
  private appointments: AppointmentRow[] = [];
  private diseases: DiseaseRow[] = [];
  private medical: MedicalRow[] = [];
  private invoices: InvoiceRow[] = [];
  private nextInvoice = 1;
  private locks = new Set<string>();
  private faults: SandboxFault[] = [];
  private clock: { date: string; time: string } | null = null;
  /** Medical_Result 03 on a second same-day 中途データ: whether the new data is still stored (the pages leave it open) */
  storeOnSameDay = true;
  readonly log: SandboxLogEntry[] = [];

  constructor(patients: SandboxPatientFixture[] = SANDBOX_PATIENTS) {
    this.reset(patients);
  }

  // ----------------------------------------------------------------------------------------------- control (staff)
  reset(patients: SandboxPatientFixture[] = SANDBOX_PATIENTS): void {
    this.patients.clear();
    this.acceptances = [];
    this.appointments = [];
    this.diseases = [];
    this.medical = [];
    this.invoices = [];
    this.nextInvoice = 1;
    this.locks.clear();
    this.faults = [];
    this.clock = null;
    this.log.length = 0;
    this.nextPatientNumber = 1;
    for (const p of patients) this.addPatient(p);
  }

  addPatient(p: SandboxPatientFixture): string {
    const { date, time } = this.now();
    const patientId = p.patientId === '*' ? pad(this.nextPatientNumber, 5) : pad(Number(p.patientId) || 0, 5);
    this.nextPatientNumber = Math.max(this.nextPatientNumber, Number(patientId) + 1);
    this.patients.set(patientId, {
      ...p,
      patientId,
      createDate: date,
      updateDate: date,
      updateTime: time,
      combinations: p.insurances.map((i, n) => ({ ...i, number: pad(n + 1, 4) })),
    });
    return patientId;
  }

  setClock(clock: { date: string; time: string } | null): void {
    this.clock = clock;
  }

  now(): { date: string; time: string } {
    return this.clock ?? jstNow();
  }

  lock(patientId: string): void {
    this.locks.add(pad(Number(patientId), 5));
  }

  unlock(patientId: string): void {
    this.locks.delete(pad(Number(patientId), 5));
  }

  injectFault(fault: SandboxFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** ORCA staff open a 中途データ on a terminal (Medical_Mode 1), or save it again from the screen (UID erased). */
  openMedical(medicalUid: string, how: 'open' | 'resave'): void {
    const row = this.medical.find((m) => m.uid === medicalUid);
    if (!row) throw new Error(`no 中途データ with Medical_Uid ${medicalUid}`);
    if (how === 'open') row.mode = '1';
    else {
      row.mode = '0';
      row.mode2 = '1';
      row.uid = null;
    }
  }

  /**
   * ORCA staff 確定 the patient's 中途データ of the day and do the 会計: the entry leaves tmedicalgetv2, a 伝票 appears in
   * incomeinfv2 and the 受付 moves to 会計済 with 会計時間. `paid`: whether the patient paid at the counter.
   */
  confirmVisit(input: { patientId: string; date?: string; departmentCode?: string; paid?: boolean }): InvoiceRow {
    const patientId = pad(Number(input.patientId), 5);
    const date = input.date ?? this.now().date;
    const entries = this.medical.filter((m) => m.patientId === patientId && m.date === date && (!input.departmentCode || m.departmentCode === input.departmentCode));
    if (!entries.length) throw new Error(`no 中途データ for ${patientId} on ${date}`);
    const first = entries[0];
    const patient = this.patients.get(patientId)!;
    const combination = patient.combinations.find((c) => c.number === first.combination);
    const rate = combination?.rate ?? 0.3;
    const points = this.pointDetails(entries.flatMap((e) => e.bundles));
    const totalPoints = points.reduce((s, p) => s + p.points, 0);
    const billedYen = Math.round((totalPoints * 10 * rate) / 10) * 10;
    const { time } = this.now();
    const invoice: InvoiceRow = {
      number: pad(this.nextInvoice++, 7),
      patientId,
      date,
      departmentCode: first.departmentCode,
      physicianCode: first.physicianCode,
      combination: first.combination,
      ratePercent: Math.round(rate * 100),
      points,
      totalPoints,
      billedYen,
      paidYen: input.paid === false ? 0 : billedYen,
      updatedAt: `${date} ${time}`,
    };
    this.invoices.push(invoice);
    this.medical = this.medical.filter((m) => !entries.includes(m));
    for (const a of this.acceptances) {
      if (a.patientId === patientId && a.date === date && a.accountTime === null && a.departmentCode === first.departmentCode) a.accountTime = time;
    }
    return invoice;
  }

  /** A 受付 made at the ORCA counter (not through the API). */
  acceptAtCounter(input: { patientId: string; departmentCode: string; physicianCode: string; date?: string; time?: string }): string {
    const now = this.now();
    return this.storeAcceptance({
      patientId: pad(Number(input.patientId), 5),
      departmentCode: input.departmentCode,
      physicianCode: input.physicianCode,
      date: input.date ?? now.date,
      time: input.time ?? now.time,
      medicalInformation: '01',
      combination: this.patients.get(pad(Number(input.patientId), 5))?.combinations[0]?.number ?? '0000',
    }).id;
  }

  /**
   * ORCA's staff change a patient on ORCA's patient screen (氏名, カナ, 生年月日, 性別, 住所, or a new 保険): 登録 stamps
   * the update date and time that patientlst1v2 class 01 reports.
   */
  changePatient(input: { patientId: string; name?: string; kana?: string; birthDate?: string; sex?: '1' | '2'; zipCode?: string; address?: string; insurances?: SandboxInsurance[] }): void {
    const p = this.patients.get(pad(Number(input.patientId) || 0, 5));
    if (!p) throw new Error(`no patient ${input.patientId}`);
    const { patientId: _id, insurances, ...fields } = input;
    Object.assign(p, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
    if (insurances) p.combinations = insurances.map((i, n) => ({ ...i, number: pad(n + 1, 4) }));
    const { date, time } = this.now();
    Object.assign(p, { updateDate: date, updateTime: time });
  }

  /** A 病名 entered on the ORCA screen (shows up in Disease_Unmatch_Info). */
  addDiseaseInOrca(input: { patientId: string; code: string; startDate: string }): void {
    this.diseases.push({
      patientId: pad(Number(input.patientId), 5),
      codes: [input.code],
      name: SANDBOX_DISEASE_MASTER[input.code]?.name ?? input.code,
      startDate: input.startDate,
      endDate: '',
      outcome: '',
      suspected: false,
      acute: false,
      primary: false,
      inOut: 'O',
      departmentCode: '01',
    });
  }

  state() {
    return {
      patients: [...this.patients.values()].map((p) => ({ patientId: p.patientId, name: p.name, combinations: p.combinations.map((c) => c.number) })),
      acceptances: this.acceptances,
      appointments: this.appointments,
      diseases: this.diseases,
      medical: this.medical.map((m) => ({ ...m, bundles: m.bundles.map((b) => ({ medicalClass: b.medicalClass, count: b.count, codes: b.lines.map((l) => l.code) })) })),
      invoices: this.invoices,
      locks: [...this.locks],
      log: this.log,
    };
  }

  // ----------------------------------------------------------------------------------------------- the API
  handle(req: SandboxRequest): SandboxAnswer {
    const api = API_ROOTS[req.path];
    const json = req.query.format === 'json';
    if (!api) return { status: 404, body: 'Not Found', contentType: 'text/plain' };
    if (req.method !== api.method) return { status: 405, body: 'Method Not Allowed', contentType: 'text/plain' };
    const fault = this.takeFault(req.path);
    if (fault?.kind === 'http500') return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
    if (fault?.kind === 'http503') return { status: 503, body: 'Service Unavailable', contentType: 'text/plain' };
    if (fault?.kind === 'drop') return { status: 0, body: '', contentType: 'text/plain', drop: true };

    const { date, time } = this.now();
    let resRoot = api.res;
    const answer = (body: Xml2Record): SandboxAnswer => {
      const full: Xml2Record = { Information_Date: date, Information_Time: time, ...body };
      const result = str(full.Api_Result);
      this.log.push({ method: req.method, path: req.path, selector: req.query.class ?? '', patientId: str(rec(full.Patient_Information).Patient_ID) || str(full.Patient_ID), at: `${date} ${time}`, result });
      return json
        ? { status: 200, body: JSON.stringify({ [resRoot]: full }), contentType: 'application/json; charset=UTF-8' }
        : { status: 200, body: toXml2('xmlio2', resRoot, full), contentType: 'application/xml; charset=UTF-8' };
    };
    const codeWidth = req.path === '/orca22/diseasev3' ? 3 : req.path === '/api01rv2/incomeinfv2' ? 4 : 2;
    const err = (code: string, message: string) => {
      const c = codeWidth === 3 && /^\d\d$/.test(code) ? `E${code}` : codeWidth === 4 && /^\d\d$/.test(code) ? `00${code}` : code;
      return answer({ Api_Result: c, Api_Result_Message: message });
    };
    if (fault?.kind === 'api_result') return err(fault.code ?? '89', 'サンドボックスが返したエラーです');

    let body: Xml2Record = {};
    if (api.req) {
      try {
        if (json) {
          const parsed = JSON.parse(req.body) as Record<string, Xml2Value>;
          if (!parsed || typeof parsed !== 'object' || !(api.req in parsed)) return err('97', '送信内容に誤りがあります');
          body = rec(parsed[api.req]);
        } else {
          const doc = parseXml2(req.body);
          if (doc.outer !== 'data' || doc.root !== api.req) return err('97', '送信内容に誤りがあります');
          body = doc.body;
        }
      } catch (e) {
        if (e instanceof Xml2SyntaxError || e instanceof SyntaxError) return err('98', '送信内容の読込ができませんでした');
        throw e;
      }
    }
    const selector = (() => {
      const rn = str(body.Request_Number);
      if (api.selector === 'class') return req.query.class ?? '';
      if (api.selector === 'either') return rn || req.query.class || '';
      return '';
    })();
    if (api.selector !== 'none' && !api.classes!.includes(selector)) return err('91', '処理区分未設定');
    if (req.path === '/api01rv2/system01lstv2' && selector === '02') resRoot = 'physicianres';

    try {
      const out = this.dispatch(req.path, selector, body, req.query);
      const result = answer(out);
      if (fault?.kind === 'delay_after_apply') result.delayMs = fault.delayMs ?? 30_000;
      return result;
    } catch (e) {
      if (e instanceof ApiError) return err(e.code, e.message);
      throw e;
    }
  }

  private takeFault(path: string): SandboxFault | undefined {
    const f = this.faults.find((x) => !x.path || x.path === path);
    if (!f) return undefined;
    f.times -= 1;
    if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  private dispatch(path: string, selector: string, b: Xml2Record, query: Record<string, string>): Xml2Record {
    switch (path) {
      case '/api01rv2/patientgetv2':
        return this.patientGet(query.id ?? '');
      case '/api01rv2/patientlst1v2':
        return this.patientList1(b, selector);
      case '/api01rv2/patientlst3v2':
        return this.patientList3(b);
      case '/orca12/patientmodv2':
        return this.patientMod(b, selector);
      case '/orca11/acceptmodv2':
        return selector === '01' ? this.acceptRegister(b) : this.acceptCancel(b);
      case '/api01rv2/acceptlstv2':
        return this.acceptList(b, selector);
      case '/orca14/appointmodv2':
        return selector === '01' ? this.appointRegister(b) : this.appointCancel(b);
      case '/api01rv2/appointlst2v2':
        return this.appointListForPatient(b);
      case '/orca22/diseasev3':
        return this.diseaseWrite(b);
      case '/api01rv2/diseasegetv2':
        return this.diseaseRead(b);
      case '/api21/medicalmodv2':
        return this.medicalMod(b, selector);
      case '/api01rv2/tmedicalgetv2':
        return this.tmedicalList(b);
      case '/api01rv2/acsimulatev2':
        return this.simulate(b);
      case '/api01rv2/incomeinfv2':
        return this.income(b);
      case '/api01rv2/system01lstv2':
        return selector === '01'
          ? { Api_Result: '00', Api_Result_Message: '処理終了', Department_Information: Object.entries(SANDBOX_DEPARTMENTS).map(([Code, WholeName]) => ({ Code, WholeName })) }
          : { Api_Result: '00', Api_Result_Message: '処理終了', Physician_Information: Object.entries(SANDBOX_PHYSICIANS).map(([Code, WholeName]) => ({ Code, WholeName })) };
      default:
        throw new ApiError('91', '処理区分未設定');
    }
  }

  // ----------------------------------------------------------------------------------------------- helpers
  private patientOr(patientIdRaw: string, missingCode = '01', notFoundCode = '10'): Patient {
    if (!patientIdRaw) throw new ApiError(missingCode, '患者番号の設定がありません');
    const p = this.patients.get(pad(Number(patientIdRaw) || 0, 5));
    if (!/^\d+$/.test(patientIdRaw) || !p) throw new ApiError(notFoundCode, '患者番号に該当する患者が存在しません');
    return p;
  }

  private checkLock(p: Patient, code = '90'): void {
    if (this.locks.has(p.patientId)) throw new ApiError(code, '他端末使用中');
  }

  private patientInfo(p: Patient, combinations = p.combinations): Xml2Record {
    return {
      Patient_ID: p.patientId,
      WholeName: p.name,
      WholeName_inKana: p.kana,
      BirthDate: p.birthDate,
      Sex: p.sex,
      TestPatient_Flag: p.test ? '1' : '0',
      ...(p.zipCode || p.address ? { Home_Address_Information: { Address_ZipCode: p.zipCode ?? '', WholeAddress1: p.address ?? '' } } : {}),
      HealthInsurance_Information: combinations.map((c) => ({
        Insurance_Combination_Number: c.number,
        InsuranceCombination_Rate_Admission: c.rate.toFixed(2),
        InsuranceCombination_Rate_Outpatient: c.rate.toFixed(2),
        InsuranceProvider_Class: c.providerClass,
        InsuranceProvider_Number: c.providerNumber,
        InsuranceProvider_WholeName: c.providerName,
        PublicInsurance_Information: c.publicExpense
          ? [{ PublicInsurance_Class: c.publicExpense.class, PublicInsurance_Name: c.publicExpense.name, PublicInsurer_Number: c.publicExpense.payerNumber, PublicInsuredPerson_Number: c.publicExpense.recipientNumber }]
          : [],
      })),
    };
  }

  private summary(p: Patient): Xml2Record {
    return {
      Patient_ID: p.patientId,
      WholeName: p.name,
      WholeName_inKana: p.kana,
      BirthDate: p.birthDate,
      Sex: p.sex,
      CreateDate: p.createDate,
      UpdateDate: p.updateDate,
      UpdateTime: p.updateTime,
      TestPatient_Flag: p.test ? '1' : '0',
    };
  }

  private pointDetails(bundles: Bundle[]): { code: string; name: string; points: number }[] {
    const groups = new Map<string, { code: string; name: string; points: number }>();
    for (const b of bundles) {
      const [, code, name] = POINT_GROUPS.find(([re]) => re.test(b.medicalClass)) ?? [null, 'D00', '検査'];
      const perCount = b.lines.reduce((s, l) => s + l.points * l.quantity, 0);
      // drugs: 薬価/10 summed per day, rounded (五捨五超入 simplified to round half up)
      const points = Math.round(perCount) * b.count;
      const g = groups.get(code) ?? { code, name, points: 0 };
      g.points += points;
      groups.set(code, g);
    }
    return [...groups.values()];
  }

  /** Reads the 剤 of medicalmodv2 / acsimulatev2; codes absent from the 点数マスタ come back as M01 warnings. */
  private readBundles(info: Xml2Record): { bundles: Bundle[]; warnings: Xml2Record[] } {
    const bundles: Bundle[] = [];
    const warnings: Xml2Record[] = [];
    arr(info.Medical_Information).forEach((m, bi) => {
      const lines: Line[] = [];
      arr(m.Medication_info).forEach((l, li) => {
        const code = str(l.Medication_Code);
        const master = sandboxPoint(code);
        if (!master) {
          warnings.push({
            Medical_Warning: 'M01',
            Medical_Warning_Message: '点数マスタに存在しません',
            Medical_Warning_Position: String(bi + 1),
            Medical_Warning_Item_Position: String(li + 1),
            Medical_Warning_Code: code,
          });
          return;
        }
        lines.push({ code, name: master.name, quantity: Number(str(l.Medication_Number) || '1') || 1, points: master.points });
      });
      bundles.push({ medicalClass: str(m.Medical_Class), count: Number(str(m.Medical_Class_Number) || '1') || 1, lines });
    });
    return { bundles, warnings };
  }

  // ----------------------------------------------------------------------------------------------- patients
  private patientGet(id: string): Xml2Record {
    const p = this.patientOr(id);
    return { Api_Result: '00', Api_Result_Message: '処理終了', Reskey: 'Patient Info', Patient_Information: this.patientInfo(p) };
  }

  private patientList1(b: Xml2Record, cls: string): Xml2Record {
    const from = str(b.Base_StartDate) || this.now().date;
    const to = str(b.Base_EndDate) || '9999-12-31';
    if (from > to) throw new ApiError('01', '開始日が終了日より後です');
    const excludeTest = str(b.Contain_TestPatient_Flag) === '1';
    const rows = [...this.patients.values()].filter((p) => {
      const d = cls === '02' ? p.createDate : p.updateDate;
      return d >= from && d <= to && !(excludeTest && p.test);
    });
    if (!rows.length) throw new ApiError('20', '該当患者はありません');
    if (rows.length >= 1000) throw new ApiError('10', '対象が１０００件以上となります');
    return { Api_Result: '00', Api_Result_Message: '処理終了', Target_Patient_Count: pad(rows.length, 4), Patient_Information: rows.map((p) => this.summary(p)) };
  }

  private patientList3(b: Xml2Record): Xml2Record {
    const name = str(b.WholeName).normalize('NFKC').replace(/\s/g, '');
    if (!name) throw new ApiError('01', '氏名の設定がありません');
    const from = str(b.Birth_StartDate);
    const to = str(b.Birth_EndDate);
    const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}`);
    const rows = [...this.patients.values()].filter((p) => {
      const n = p.name.normalize('NFKC').replace(/\s/g, '');
      const k = p.kana.normalize('NFKC').replace(/\s/g, '');
      return (re.test(n) || re.test(k)) && (!from || p.birthDate >= from) && (!to || p.birthDate <= to);
    });
    if (!rows.length) throw new ApiError('20', '該当患者がありません');
    if (rows.length > 100) throw new ApiError('21', '該当患者が１００件以上です');
    return { Api_Result: '00', Api_Result_Message: '処理終了', Target_Patient_Count: pad(rows.length, 3), Patient_Information: rows.map((p) => this.summary(p)) };
  }

  private patientMod(b: Xml2Record, cls: string): Xml2Record {
    const name = str(b.WholeName);
    const kana = str(b.WholeName_inKana);
    const birthDate = str(b.BirthDate);
    const sex = str(b.Sex);
    const id = str(b.Patient_ID);
    if (!id) throw new ApiError('01', '患者番号の設定がありません');
    if (!name) throw new ApiError('02', '漢字氏名の設定がありません');
    if (!kana) throw new ApiError('03', 'カナ氏名の設定がありません');
    if (!birthDate) throw new ApiError('04', '生年月日の設定がありません');
    if (!sex) throw new ApiError('05', '性別の設定がありません');
    if (!['1', '2'].includes(sex)) throw new ApiError('16', '性別の設定に誤りがあります');
    if (!isDate(birthDate)) throw new ApiError('17', '生年月日の設定に誤りがあります');
    if (birthDate > this.now().date) throw new ApiError('P1', '生年月日が未来日です');
    // ORCA converts half-width to full-width for names
    const full = (s: string) => s.replace(/ /g, '　');
    if (cls === '02') {
      const p = this.patientOr(id);
      this.checkLock(p);
      const modKey = str(b.Mod_Key) || '1';
      const matches = modKey === '2' ? p.name === full(name) && p.kana === full(kana) : p.birthDate === birthDate && p.sex === sex;
      if (!matches) throw new ApiError('50', '登録済みの情報と一致しません');
      Object.assign(p, { name: full(name), kana: full(kana), birthDate, sex, updateDate: this.now().date, updateTime: this.now().time });
      return { Api_Result: '00', Api_Result_Message: '更新終了', Patient_Information: this.patientInfo(p) };
    }
    if (id !== '*' && this.patients.has(pad(Number(id), 5))) throw new ApiError('13', '患者番号は既に登録されています');
    const duplicate = [...this.patients.values()].some((p) => p.name === full(name) && p.sex === sex && p.birthDate === birthDate);
    const ins = rec(b.HealthInsurance_Information);
    const providerNumber = str(ins.InsuranceProvider_Number);
    const insurances: SandboxInsurance[] = providerNumber
      ? [
          {
            providerClass: providerNumber.length === 8 && providerNumber.startsWith('39') ? '039' : providerNumber.length === 6 ? '060' : '009',
            providerName: providerNumber.length === 6 ? '国保' : providerNumber.startsWith('39') ? '後期高齢者' : '協会',
            providerNumber,
            rate: providerNumber.startsWith('39') ? 0.1 : 0.3,
          },
        ]
      : [];
    const home = rec(b.Home_Address_Information);
    const patientId = this.addPatient({ patientId: id, name: full(name), kana: full(kana), birthDate, sex: sex as '1' | '2', insurances, zipCode: str(home.Address_ZipCode) || undefined, address: str(home.WholeAddress1) || undefined });
    const p = this.patients.get(patientId)!;
    return {
      Api_Result: duplicate ? 'K0' : '00',
      Api_Result_Message: '登録終了',
      ...(duplicate ? { Api_Warning_Message1: '同一患者の登録があります' } : {}),
      Patient_Information: this.patientInfo(p),
    };
  }

  // ----------------------------------------------------------------------------------------------- 受付
  private storeAcceptance(a: Omit<AcceptanceRow, 'id' | 'accountTime'>): AcceptanceRow {
    const sameDay = this.acceptances.filter((x) => x.date === a.date);
    const id = pad(sameDay.reduce((m, x) => Math.max(m, Number(x.id)), 0) + 1, 5);
    const row = { ...a, id, accountTime: null };
    this.acceptances.push(row);
    return row;
  }

  private acceptRegister(b: Xml2Record): Xml2Record {
    const patientId = str(b.Patient_ID);
    const dept = str(b.Department_Code);
    const phys = str(b.Physician_Code);
    if (!patientId && !str(b.WholeName)) throw new ApiError('01', '患者番号の設定がありません');
    if (!dept) throw new ApiError('02', '診療科の設定がありません');
    if (!phys) throw new ApiError('03', 'ドクターの設定がありません');
    const p = this.patientOr(patientId);
    this.checkLock(p);
    const warnings: { code: string; message: string }[] = [];
    let date = str(b.Acceptance_Date);
    let time = str(b.Acceptance_Time);
    let info = str(b.Medical_Information);
    if (!date) {
      date = this.now().date;
      warnings.push({ code: 'K1', message: '受付日を自動設定しました' });
    } else if (!isDate(date)) throw new ApiError('11', '受付日の設定に誤りがあります');
    if (!time) {
      time = this.now().time;
      warnings.push({ code: 'K2', message: '受付時間を自動設定しました' });
    } else if (!isTime(time)) throw new ApiError('12', '受付時間の設定に誤りがあります');
    if (!SANDBOX_DEPARTMENTS[dept]) throw new ApiError('13', '診療科が存在しません');
    if (!SANDBOX_PHYSICIANS[phys]) throw new ApiError('14', 'ドクターが存在しません');
    if (!info) {
      info = '01';
      warnings.push({ code: 'K3', message: '診療内容を自動設定しました' });
    } else if (!SANDBOX_MEDICAL_INFORMATION.includes(info)) throw new ApiError('15', '診療内容が存在しません');
    const requested = str(rec(b.HealthInsurance_Information).Insurance_Combination_Number);
    const combination = requested ? p.combinations.find((c) => c.number === requested) : p.combinations[0];
    if (requested && !combination) throw new ApiError('21', '保険組合せが存在しません');
    const combinationNumber = combination?.number ?? '0000';
    if (this.acceptances.some((a) => a.patientId === p.patientId && a.date === date && a.departmentCode === dept && a.combination === combinationNumber && a.accountTime === null)) {
      throw new ApiError('16', '同じ診療科・保険組合せで受付登録済みです（二重登録疑い）');
    }
    const row = this.storeAcceptance({ patientId: p.patientId, date, time, departmentCode: dept, physicianCode: phys, medicalInformation: info, combination: combinationNumber });
    return {
      Api_Result: warnings[0]?.code ?? '00',
      Api_Result_Message: '受付登録終了',
      Reskey: 'Acceptance_Info',
      Acceptance_Date: row.date,
      Acceptance_Time: row.time,
      Acceptance_Id: row.id,
      Department_Code: dept,
      Department_WholeName: SANDBOX_DEPARTMENTS[dept],
      Physician_Code: phys,
      Physician_WholeName: SANDBOX_PHYSICIANS[phys],
      Medical_Information: info,
      Api_Warning_Message_Information: warnings.map((w) => ({ Api_Warning_Message: w.message })),
      Patient_Information: this.patientInfo(p, [combination, ...p.combinations.filter((c) => c !== combination)].filter((c): c is Patient['combinations'][number] => !!c)),
    };
  }

  // ----------------------------------------------------------------------------------------------- 予約
  /** 予約登録: 20 when the doctor has the same 診療内容 at that time already; K4 beyond 3 in the doctor's hour; K5 a past date. */
  private appointRegister(b: Xml2Record): Xml2Record {
    const date = str(b.Appointment_Date);
    const time = str(b.Appointment_Time);
    const dept = str(b.Department_Code);
    const phys = str(b.Physician_Code);
    if (!str(b.Patient_ID) && !str(b.WholeName)) throw new ApiError('01', '患者番号の設定がありません');
    if (!date) throw new ApiError('02', '予約日の設定がありません');
    if (!time) throw new ApiError('03', '予約時間の設定がありません');
    if (!dept) throw new ApiError('04', '診療科の設定がありません');
    const p = this.patientOr(str(b.Patient_ID));
    this.checkLock(p);
    if (!isDate(date)) throw new ApiError('11', '予約日の設定に誤りがあります');
    if (!isTime(time)) throw new ApiError('12', '予約時間の設定に誤りがあります');
    if (!SANDBOX_DEPARTMENTS[dept]) throw new ApiError('13', '診療科が存在しません');
    if (phys && !SANDBOX_PHYSICIANS[phys]) throw new ApiError('14', 'ドクターが存在しません');
    const warnings: { code: string; message: string }[] = [];
    let info = str(b.Medical_Information);
    if (!info) {
      info = '01';
      warnings.push({ code: 'K3', message: '診療内容を自動設定しました' });
    } else if (!SANDBOX_MEDICAL_INFORMATION.includes(info)) throw new ApiError('15', '診療内容が存在しません');
    const hhmm = time.slice(0, 5);
    if (this.appointments.some((a) => a.date === date && a.time.slice(0, 5) === hhmm && a.physicianCode === phys && a.medicalInformation === info)) {
      throw new ApiError('20', '既に予約登録されています');
    }
    if (this.appointments.filter((a) => a.date === date && a.physicianCode === phys && a.time.slice(0, 2) === time.slice(0, 2)).length >= 3) {
      warnings.push({ code: 'K4', message: '予約人数を超えています' });
    }
    if (date < this.now().date) warnings.push({ code: 'K5', message: '過去の日付の予約です' });
    const used = new Set(this.appointments.filter((a) => a.date === date).map((a) => a.id));
    let n = 1;
    while (used.has(pad(n, 2))) n++;
    if (n > 99) throw new ApiError('50', '予約IDが上限です');
    const row: AppointmentRow = { id: pad(n, 2), patientId: p.patientId, date, time: time.length === 5 ? `${time}:00` : time, departmentCode: dept, physicianCode: phys, medicalInformation: info, note: str(b.Appointment_Note) };
    this.appointments.push(row);
    return {
      Api_Result: warnings[0]?.code ?? '00',
      Api_Result_Message: '予約登録終了',
      Appointment_Date: row.date,
      Appointment_Time: row.time,
      Appointment_Id: row.id,
      Department_Code: dept,
      Physician_Code: phys,
      Medical_Information: info,
      Api_Warning_Message_Information: warnings.map((w) => ({ Api_Warning_Message: w.message })),
      Patient_Information: this.patientInfo(p),
    };
  }

  /** 予約取消: by 予約ID (and date), else by patient, date and time; 25 when there is nothing to cancel. */
  private appointCancel(b: Xml2Record): Xml2Record {
    const p = this.patientOr(str(b.Patient_ID));
    this.checkLock(p);
    const date = str(b.Appointment_Date);
    const id = str(b.Appointment_Id);
    const time = str(b.Appointment_Time).slice(0, 5);
    const row = this.appointments.find((a) => a.patientId === p.patientId && a.date === date && (id ? a.id === pad(Number(id), 2) : a.time.slice(0, 5) === time));
    if (!row) throw new ApiError('25', '取消対象の予約がありません');
    this.appointments = this.appointments.filter((a) => a !== row);
    return { Api_Result: '00', Api_Result_Message: '予約取消終了', Appointment_Date: row.date, Appointment_Time: row.time, Appointment_Id: row.id, Patient_Information: this.patientInfo(p) };
  }

  private appointListForPatient(b: Xml2Record): Xml2Record {
    const p = this.patientOr(str(b.Patient_ID));
    const base = str(b.Base_Date) || this.now().date;
    const rows = this.appointments.filter((a) => a.patientId === p.patientId && a.date >= base).sort((x, y) => `${y.date}${y.time}`.localeCompare(`${x.date}${x.time}`));
    if (!rows.length) throw new ApiError('21', '対象の予約がありません');
    return {
      Api_Result: '00',
      Api_Result_Message: '処理終了',
      Patient_Information: { Patient_ID: p.patientId, WholeName: p.name, WholeName_inKana: p.kana },
      Appointlst_Information: rows.map((a) => ({ Appointment_Date: a.date, Appointment_Time: a.time, Medical_Information: a.medicalInformation, Department_Code: a.departmentCode, Physician_Code: a.physicianCode, Visit_Information: '', Appointment_Id: a.id, Appointment_Note: a.note })),
    };
  }

  private acceptCancel(b: Xml2Record): Xml2Record {
    const id = str(b.Acceptance_Id);
    const date = str(b.Acceptance_Date) || this.now().date;
    if (!/^\d{1,5}$/.test(id)) throw new ApiError('19', '受付IDの設定に誤りがあります');
    const row = this.acceptances.find((a) => a.id === pad(Number(id), 5) && a.date === date);
    if (!row) throw new ApiError('17', '削除対象の受付がありません');
    const p = this.patients.get(row.patientId)!;
    if (str(b.Patient_ID) && pad(Number(str(b.Patient_ID)), 5) !== row.patientId) throw new ApiError('20', '受付IDの患者が異なります');
    this.checkLock(p);
    this.acceptances = this.acceptances.filter((a) => a !== row);
    return { Api_Result: '00', Api_Result_Message: '受付取消終了', Acceptance_Date: row.date, Acceptance_Id: row.id, Patient_Information: this.patientInfo(p, []) };
  }

  private acceptList(b: Xml2Record, cls: string): Xml2Record {
    const date = str(b.Acceptance_Date) || this.now().date;
    if (!isDate(date)) throw new ApiError('11', '受付日の設定に誤りがあります');
    const dept = str(b.Department_Code);
    const phys = str(b.Physician_Code);
    const rows = this.acceptances.filter(
      (a) =>
        a.date === date &&
        (!dept || a.departmentCode === dept) &&
        (!phys || a.physicianCode === phys) &&
        (cls === '03' || (cls === '01' ? a.accountTime === null : a.accountTime !== null)),
    );
    if (!rows.length) throw new ApiError('21', '対象がありません');
    return {
      Api_Result: '00',
      Api_Result_Message: '処理終了',
      Acceptance_Date: date,
      Acceptlst_Information: rows.map((a) => {
        const p = this.patients.get(a.patientId)!;
        return {
          Acceptance_Time: a.time,
          Acceptance_Id: a.id,
          Department_Code: a.departmentCode,
          Department_WholeName: SANDBOX_DEPARTMENTS[a.departmentCode] ?? '',
          Physician_Code: a.physicianCode,
          Physician_WholeName: SANDBOX_PHYSICIANS[a.physicianCode] ?? '',
          Medical_Information: a.medicalInformation,
          Claim_Infometion: '0',
          ...(cls !== '01' && a.accountTime ? { Account_Time: a.accountTime } : {}),
          Patient_Information: { Patient_ID: p.patientId, WholeName: p.name, WholeName_inKana: p.kana, BirthDate: p.birthDate, Sex: p.sex },
          HealthInsurance_Information: { Insurance_Combination_Number: a.combination },
        };
      }),
    };
  }

  // ----------------------------------------------------------------------------------------------- 病名
  private diseaseWrite(b: Xml2Record): Xml2Record {
    const p = this.patientOr(str(b.Patient_ID), 'E01', 'E10');
    this.checkLock(p, 'E90');
    const items = arr(b.Disease_Information);
    if (!items.length) throw new ApiError('E41', '病名の設定がありません');
    const baseMonth = str(b.Base_Month) || this.now().date.slice(0, 7);
    const dept = str(rec(b.Diagnosis_Information).Department_Code) || '01';
    if (!SANDBOX_DEPARTMENTS[dept]) throw new ApiError('E13', '診療科が存在しません');
    const messages: Xml2Record[] = [];
    const touched = new Set<DiseaseRow>();
    items.forEach((d, index) => {
      const position = String(index + 1);
      const singles = arr(d.Disease_Single).map((s) => str(s.Disease_Single_Code)).filter(Boolean);
      const codes = singles.length ? singles : str(d.Disease_Code) ? str(d.Disease_Code).split('.') : [];
      const startDate = str(d.Disease_StartDate);
      const endDate = str(d.Disease_EndDate);
      const outcomeIn = str(d.Disease_OutCome);
      const fail = (code: string, message: string) =>
        messages.push({ Disease_Result: code, Disease_Result_Message: message, Disease_Warning_Info: [{ Disease_Warning: code, Disease_Warning_Message: message, Disease_Warning_Item_Position: position }] });
      if (!isDate(startDate)) return fail('E16', '開始日の設定に誤りがあります');
      const unknown = codes.find((c) => !SANDBOX_DISEASE_MASTER[c]);
      if (unknown) return fail('E33', `病名コードが存在しません（${unknown}）`);
      const suspectedFromCode = codes.includes('ZZZ8002');
      const baseCodes = codes.filter((c) => c !== 'ZZZ8002');
      const name = codes.length ? codes.map((c) => SANDBOX_DISEASE_MASTER[c]!.name).join('') : str(d.Disease_Name);
      const suspected = suspectedFromCode || str(d.Disease_SuspectedFlag) === 'S';
      const same = (r: DiseaseRow) =>
        r.patientId === p.patientId && r.startDate === startDate && r.codes.filter((c) => c !== 'ZZZ8002').join('.') === baseCodes.join('.') && (codes.length || r.name === name);
      if (outcomeIn === 'O') {
        const target = this.diseases.find((r) => same(r) && r.endDate === endDate);
        if (!target) return fail('E36', '削除対象の病名がありません');
        this.diseases = this.diseases.filter((r) => r !== target);
        return;
      }
      const existing = this.diseases.find((r) => same(r));
      const outcome = !outcomeIn ? '' : outcomeIn === 'F' ? 'F' : outcomeIn === 'D' ? 'D' : ['N', 'R', 'S', 'U', 'W', 'P'].includes(outcomeIn) ? 'C' : 'F';
      const row: DiseaseRow = existing ?? {
        patientId: p.patientId,
        codes,
        name,
        startDate,
        endDate: '',
        outcome: '',
        suspected: false,
        acute: false,
        primary: false,
        inOut: str(d.Disease_InOut) || 'O',
        departmentCode: dept,
      };
      Object.assign(row, {
        codes,
        name: suspected && !suspectedFromCode ? `${name}の疑い` : name,
        endDate,
        outcome,
        suspected,
        acute: str(d.Disease_AcuteFlag) === 'A',
        primary: str(d.Disease_Category) === 'PD',
      });
      if (!existing) {
        this.diseases.push(row);
        const retired = codes.find((c) => SANDBOX_DISEASE_MASTER[c]?.replacedBy);
        if (retired) {
          messages.push({
            Disease_Result: 'W01',
            Disease_Result_Message: '廃止・移行先・推奨のある病名です',
            Disease_Warning_Info: [
              {
                Disease_Warning: 'W01',
                Disease_Warning_Message: '移行先病名があります',
                Disease_Warning_Item_Position: position,
                Disease_Warning_Code: SANDBOX_DISEASE_MASTER[retired]!.replacedBy!,
                Disease_Warning_Change: '01',
              },
            ],
          });
        }
      }
      touched.add(row);
    });
    const monthEnd = `${baseMonth}-31`;
    const unmatched = this.diseases.filter(
      (r) => r.patientId === p.patientId && !touched.has(r) && r.startDate <= monthEnd && (!r.endDate || r.endDate >= `${baseMonth}-01`),
    );
    const rejected = messages.filter((m) => /^E/.test(str(m.Disease_Result)));
    const code = rejected.length === items.length ? str(rejected[0]!.Disease_Result) : rejected.length ? 'E42' : messages.length ? 'W01' : '000';
    return {
      Api_Result: code,
      Api_Result_Message: code === '000' ? '処理実施終了' : rejected.length ? '登録できない病名があります' : '警告があります',
      Perform_Date: str(b.Perform_Date) || this.now().date,
      Department_Code: dept,
      Patient_ID: p.patientId,
      Base_Month: baseMonth,
      Disease_Message_Information: messages,
      Disease_Unmatch_Information: {
        Disease_Unmatch_Information_Overflow: 'False',
        Disease_Unmatch_Info: unmatched.map((r) => ({
          Disease_Name: r.name,
          Disease_Single: r.codes.map((c) => ({ Disease_Single_Code: c, Disease_Single_Name: SANDBOX_DISEASE_MASTER[c]?.name ?? '' })),
          Disease_StartDate: r.startDate,
          Disease_EndDate: r.endDate,
          // raw values as in the pages' samples: 1/2 rather than letters
          Disease_OutCome: r.outcome ? '1' : '',
          Disease_SuspectedFlag: r.suspected ? '1' : '',
        })),
      },
    };
  }

  private diseaseRead(b: Xml2Record): Xml2Record {
    const p = this.patientOr(str(b.Patient_ID));
    const month = str(b.Base_Date) || this.now().date.slice(0, 7);
    const all = str(b.Select_Mode) === 'All';
    const rows = this.diseases
      .filter((r) => r.patientId === p.patientId)
      .filter((r) => (all ? r.startDate <= `${month}-31` : r.startDate <= `${month}-31` && (!r.endDate || r.endDate >= `${month}-01`)))
      .sort((x, y) => (all ? y.startDate.localeCompare(x.startDate) : x.startDate.localeCompare(y.startDate)));
    if (!rows.length) throw new ApiError('21', '対象病名がありません');
    return {
      Api_Result: '00',
      Api_Result_Message: '処理終了',
      Disease_Infores: { Patient_ID: p.patientId, WholeName: p.name },
      Base_Date: month,
      Information_Overflow: 'False',
      Disease_Information: rows.map((r) => ({
        Disease_InOut: r.inOut,
        Department_Code: r.departmentCode,
        Disease_Name: r.name,
        Disease_Single: r.codes.map((c) => ({ Disease_Single_Code: c, Disease_Single_Name: SANDBOX_DISEASE_MASTER[c]?.name ?? '' })),
        Disease_Category: r.primary ? 'PD' : '',
        Disease_SuspectedFlag: (r.suspected ? 'S' : '') + (r.acute ? 'A' : ''),
        Disease_StartDate: r.startDate,
        Disease_EndDate: r.endDate,
        Disease_OutCome: r.outcome,
      })),
    };
  }

  // ----------------------------------------------------------------------------------------------- 診療行為
  private medicalMod(b: Xml2Record, cls: string): Xml2Record {
    const patientIdRaw = str(b.Patient_ID);
    if (!patientIdRaw) throw new ApiError('01', '患者番号の設定がありません');
    const diag = rec(b.Diagnosis_Information);
    const dept = str(diag.Department_Code);
    const phys = str(diag.Physician_Code);
    if (!dept) throw new ApiError('02', '診療科の設定がありません');
    if (!phys) throw new ApiError('03', 'ドクターの設定がありません');
    const p = this.patientOr(patientIdRaw, '01', '10');
    const uid = str(b.Medical_Uid);
    if ((cls === '02' || cls === '03') && !uid) throw new ApiError('04', 'UIDの設定がありません');
    let date = str(b.Perform_Date);
    const warnings: Xml2Record[] = [];
    if (!date) {
      date = this.now().date;
      warnings.push({ Medical_Warning: 'W01', Medical_Warning_Message: '診療日を自動設定しました' });
    } else if (!isDate(date)) throw new ApiError('11', '診療日の設定に誤りがあります');
    if (!SANDBOX_DEPARTMENTS[dept]) throw new ApiError('13', '診療科が存在しません');
    if (!SANDBOX_PHYSICIANS[phys]) throw new ApiError('14', 'ドクターが存在しません');
    this.checkLock(p);
    const findExisting = (missing: string, changed: string) => {
      const row = this.medical.find((m) => m.uid === uid && m.patientId === p.patientId && m.date === date && m.departmentCode === dept);
      if (row && row.mode === '1') throw new ApiError(changed, '対象データが変更された可能性があります');
      if (!row) {
        const erased = this.medical.some((m) => m.patientId === p.patientId && m.date === date && m.mode2 === '1');
        throw new ApiError(erased ? changed : missing, erased ? '対象データが変更された可能性があります' : '対象データがありません');
      }
      return row;
    };
    if (cls === '02') {
      const row = findExisting('30', '31');
      this.medical = this.medical.filter((m) => m !== row);
      return { Api_Result: '00', Api_Result_Message: '削除処理終了', Perform_Date: date, Patient_Information: this.patientInfo(p, []) };
    }
    const replaced = cls === '03' ? findExisting('32', '33') : null;
    const requested = str(rec(diag.HealthInsurance_Information).Insurance_Combination_Number);
    let combination = p.combinations.find((c) => c.number === requested)?.number;
    if (!combination) {
      combination = '0000';
      warnings.push({ Medical_Warning: 'W02', Medical_Warning_Message: '保険組合せ０００で登録しました' });
    }
    const { bundles, warnings: codeWarnings } = this.readBundles(diag);
    warnings.push(...codeWarnings);
    if (!bundles.some((x) => x.lines.length)) throw new ApiError('22', '登録対象のデータがありません');
    const sameDay = !replaced && this.medical.some((m) => m.patientId === p.patientId && m.date === date && m.departmentCode === dept);
    const newUid = randomUUID();
    if (!sameDay || this.storeOnSameDay) {
      if (replaced) this.medical = this.medical.filter((m) => m !== replaced);
      this.medical.push({
        uid: newUid,
        patientId: p.patientId,
        date,
        time: str(b.Perform_Time) || this.now().time,
        registeredAt: this.now().time,
        departmentCode: dept,
        physicianCode: phys,
        combination,
        bundles,
        mode: '0',
        mode2: '0',
      });
    }
    if (replaced) warnings.push({ Medical_Warning: 'W03', Medical_Warning_Message: '置換しました' });
    return {
      Api_Result: '00',
      Api_Result_Message: '登録処理終了',
      Perform_Date: date,
      Perform_Time: str(b.Perform_Time),
      Medical_Uid: newUid,
      Department_Code: dept,
      Department_Name: SANDBOX_DEPARTMENTS[dept],
      Physician_Code: phys,
      Physician_WholeName: SANDBOX_PHYSICIANS[phys],
      Patient_Information: this.patientInfo(p, p.combinations.filter((c) => c.number === combination)),
      Medical_Message_Information: {
        Medical_Result: sameDay ? '03' : '',
        Medical_Result_Message: sameDay ? '既に同日の診療データが登録されています' : '',
        Medical_Warning_Info: warnings,
      },
    };
  }

  private tmedicalList(b: Xml2Record): Xml2Record {
    const date = str(b.Perform_Date) || this.now().date;
    const dept = str(b.Department_Code);
    const pid = str(b.Patient_ID);
    const rows = this.medical.filter((m) => m.date === date && (!dept || m.departmentCode === dept) && (!pid || m.patientId === pad(Number(pid), 5)));
    if (!rows.length) throw new ApiError('15', '対象データがありません');
    return {
      Api_Result: str(b.Perform_Date) ? '00' : 'K1',
      Api_Result_Message: '処理終了',
      Tmedical_List_Information: rows.map((m) => {
        const p = this.patients.get(m.patientId)!;
        return {
          Patient_Information: { Patient_ID: p.patientId, WholeName: p.name, WholeName_inKana: p.kana, BirthDate: p.birthDate, Sex: p.sex },
          Perform_Date: m.date,
          Department_Code: m.departmentCode,
          Department_Name: SANDBOX_DEPARTMENTS[m.departmentCode] ?? '',
          Physician_Code: m.physicianCode,
          Physician_WholeName: SANDBOX_PHYSICIANS[m.physicianCode] ?? '',
          Insurance_Combination_Number: m.combination,
          Medical_Uid: m.uid ?? '',
          Medical_Time: m.registeredAt,
          Medical_Mode: m.mode,
          Medical_Mode2: m.mode2,
        };
      }),
    };
  }

  // ----------------------------------------------------------------------------------------------- 会計
  private simulate(b: Xml2Record): Xml2Record {
    const p = this.patientOr(str(b.Patient_ID));
    const diag = rec(b.Diagnosis_Information);
    const dept = str(diag.Department_Code);
    if (!dept) throw new ApiError('02', '診療科の設定がありません');
    const requested = str(diag.Combination_Number);
    const combination = requested ? p.combinations.find((c) => c.number === requested) : p.combinations[0];
    if (!combination) throw new ApiError('12', '保険組合せがありません');
    const forbidden = arr(diag.Medical_Information)
      .flatMap((m) => arr(m.Medication_info))
      .find((l) => str(l.Medication_Code) === SANDBOX_FORBIDDEN_SIMULATION_CODE);
    if (forbidden) throw new ApiError('50', `${SANDBOX_FORBIDDEN_SIMULATION_CODE} 算定できない診療行為です`);
    const { bundles, warnings } = this.readBundles(diag);
    if (warnings.length) throw new ApiError('50', `${str(warnings[0]!.Medical_Warning_Code)} 点数マスタに存在しません`);
    const details = this.pointDetails(bundles);
    const total = details.reduce((s, d) => s + d.points, 0);
    const billed = Math.round((total * 10 * combination.rate) / 10) * 10;
    return {
      Api_Result: '00',
      Api_Result_Message: '処理終了',
      Perform_Date: str(b.Perform_Date) || this.now().date,
      Department_Code: dept,
      Department_Name: SANDBOX_DEPARTMENTS[dept] ?? '',
      Patient_Information: {
        Patient_ID: p.patientId,
        WholeName: p.name,
        HealthInsurance_Information: {
          Combination_Number: combination.number,
          InsuranceProvider_Class: combination.providerClass,
          HealthInsuredPerson_Assistance_Name: combination.rate >= 1 ? '自費' : `${'０１２３４５６７８９'[Math.round(combination.rate * 10)]}割`,
        },
        Cd_Information: { Ac_Money: money(billed), Ai_Money: money(billed) },
        Ac_Point_Information: {
          Ac_Ttl_Point: money(total, 7),
          Ac_Point_Detail: details.map((d) => ({ AC_Point_Name: d.name, AC_Point: money(d.points, 7) })),
        },
      },
    };
  }

  private income(b: Xml2Record): Xml2Record {
    const idRaw = str(b.Patient_ID);
    const p = this.patients.get(pad(Number(idRaw) || 0, 5));
    if (!idRaw || !p) throw new ApiError('0004', '患者番号に誤りがあります');
    const date = str(b.Perform_Date);
    const monthOrYear = str(b.Perform_Month) || str(b.Perform_Year);
    if (date && !isDate(date)) throw new ApiError('0001', '診療日に誤りがあります');
    const match = (d: string) => (date ? d === date : monthOrYear ? d.startsWith(monthOrYear) : d === this.now().date);
    const rows = this.invoices.filter((i) => i.patientId === p.patientId && match(i.date));
    const unpaid = this.invoices.filter((i) => i.patientId === p.patientId && i.billedYen > i.paidYen);
    return {
      Api_Result: '0000',
      Api_Result_Message: '処理終了',
      Patient_Information: { Patient_ID: p.patientId, WholeName: p.name },
      Income_Information_Overflow: 'false',
      Income_Information: rows.map((i) => ({
        Perform_Date: i.date,
        IssuedDate: i.date,
        InOut: '2',
        Invoice_Number: i.number,
        Insurance_Combination_Number: i.combination,
        Rate_Cd: String(i.ratePercent).padStart(3, ' '),
        Department_Code: i.departmentCode,
        Department_Name: SANDBOX_DEPARTMENTS[i.departmentCode] ?? '',
        Cd_Information: { Ac_Money: money(i.billedYen), Ic_Money: money(i.paidYen), Ai_Money: money(i.billedYen) },
        Ac_Point_Information: {
          Ac_Ttl_Point: money(i.totalPoints, 7),
          Ac_Point_Detail: i.points.map((d) => ({ AC_Point_Code: d.code, AC_Point_Name: d.name, AC_Point: money(d.points, 7) })),
        },
      })),
      Unpaid_Money_Total: money(unpaid.reduce((s, i) => s + i.billedYen - i.paidYen, 0)),
      Unpaid_Money_Information: unpaid.map((i) => ({ Perform_Date: i.date, InOut: '2', Invoice_Number: i.number, Unpaid_Money: money(i.billedYen - i.paidYen) })),
    };
  }
}
