/**
 * Broken (and a few valid) 6情報 bundles for the test that pins the validator's findings (validate-findings.test.ts):
 * each breaks the structure, an invariant or an IG rule the way a faulty sender would, on one or more entries, so that
 * a change to how validation is run (ADR 0069: per-entry cache) can be checked to report exactly the same issues.
 */
import type { AllergyIntolerance, Bundle, Condition, Observation, Patient } from '@medplum/fhirtypes';
import { buildUnitBundle } from './bundle';
import { CODE_SYSTEMS } from './profiles';
import { aContext, aDiagnosis, aLabResult, aPatient, anAllergy } from './test-fixtures';

const dx3 = () =>
  buildUnitBundle(aContext(), {
    kind: 'condition',
    patient: aPatient(),
    diagnoses: [
      aDiagnosis({ lineageId: 'p0000000-0000-4000-8000-000000000001', isPrimary: true }),
      aDiagnosis({ lineageId: 'p0000000-0000-4000-8000-000000000002', medisKeyNumber: '20054178', baseName: '脂質異常症', displayName: '脂質異常症' }),
      aDiagnosis({ lineageId: 'p0000000-0000-4000-8000-000000000003', isSuspected: true }),
    ],
  })!.bundle;
const allergy = () => buildUnitBundle(aContext(), { kind: 'allergy', patient: aPatient(), allergies: [anAllergy(), anAllergy({ lineageId: 'p-al-2', category: 'food', codeSystem: 'jfagy-food', code: 'C11310000', substanceName: 'さば' })] })!.bundle;
const lab = () =>
  buildUnitBundle(aContext(), {
    kind: 'lab-report',
    patient: aPatient(),
    reportKey: 'R1',
    results: [aLabResult(), aLabResult({ lineageId: 'p-lab-2', itemKey: 'local:KET', jlac10: null, localCode: 'KET_U', itemName: 'ケトン体_尿', valueNumber: null, valueText: '(-)', unit: null, specimen: '尿' })],
  })!.bundle;

function edit<T>(bundle: Bundle, index: number, change: (r: T) => void): Bundle {
  const copy = structuredClone(bundle);
  change(copy.entry![index]!.resource as T);
  return copy;
}
const anyR = (r: unknown) => r as Record<string, unknown>;

export function brokenBundles(): Record<string, Bundle> {
  return {
    'valid diagnoses': dx3(),
    'valid allergies': allergy(),
    'valid lab report': lab(),
    'patient: no address': buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient({ address: null }), diagnoses: [aDiagnosis()] })!.bundle,
    'patient: no insurance': buildUnitBundle(aContext(), { kind: 'condition', patient: aPatient({ insurance: null }), diagnoses: [aDiagnosis()] })!.bundle,
    'patient: malformed member id': edit<Patient>(dx3(), 0, (p) => (p.identifier![1]!.value = '138057:12:345:1')),
    'patient: unknown property and wrong gender': edit<Patient>(dx3(), 0, (p) => {
      anyR(p).nickname = 'タロちゃん';
      anyR(p).gender = 'M';
    }),
    'patient: birthDate of the wrong type': edit<Patient>(dx3(), 0, (p) => (anyR(p).birthDate = 19600401)),
    'patient: empty name array and empty string': edit<Patient>(dx3(), 0, (p) => {
      p.name = [];
      p.address![0]!.text = '';
    }),
    'condition: no onset, bad tag, no code text': edit<Condition>(edit<Condition>(dx3(), 1, (c) => delete c.onsetDateTime), 2, (c) => {
      c.meta!.tag = [{ system: CODE_SYSTEMS.indication, code: 'SECRET' }];
      delete c.code!.text;
    }),
    'condition: two clinical statuses and an extension without value': edit<Condition>(dx3(), 3, (c) => {
      anyR(c).clinicalStatus = [c.clinicalStatus, c.clinicalStatus];
      c.extension = [...(c.extension ?? []), { url: 'http://example.org/x' }];
    }),
    'condition: conflicting onset choices and a wrong subject reference': edit<Condition>(dx3(), 1, (c) => {
      anyR(c).onsetString = '昨年';
      c.subject = { reference: 'Patient/nowhere' };
    }),
    'condition: unreferenced contained and a dangling #ref': edit<Condition>(dx3(), 2, (c) => {
      c.contained = [...(c.contained ?? []), { resourceType: 'Practitioner', id: 'lonely' }];
      c.encounter = { reference: '#missing' };
    }),
    'condition: null value': edit<Condition>(dx3(), 1, (c) => (anyR(c).note = null)),
    'allergy: uninformed tag, YJ code as allergen': edit<AllergyIntolerance>(edit<AllergyIntolerance>(allergy(), 1, (a) => (a.meta!.tag = [{ system: CODE_SYSTEMS.indication, code: 'UNINFORMED' }])), 2, (a) => (a.code!.coding![0]!.code = '1149019F1020')),
    'allergy: category food with a drug code': buildUnitBundle(aContext(), { kind: 'allergy', patient: aPatient(), allergies: [anAllergy({ category: 'food' })] })!.bundle,
    'lab: no doctor, no value or reason': edit<Observation>(buildUnitBundle(aContext(), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult({ orderingDoctor: null }), aLabResult({ lineageId: 'p-lab-3', valueNumber: null })] })!.bundle, 2, (o) => delete o.dataAbsentReason),
    'lab: wrong display, code not in table, half-width kana': edit<Observation>(edit<Observation>(lab(), 1, (o) => (o.code!.coding![1]!.display = 'カリウム')), 2, (o) => (o.code!.text = 'ｹﾄﾝ')),
    'lab: range reversed, no encounter, bad status': edit<Observation>(buildUnitBundle(aContext(), { kind: 'lab-report', patient: aPatient(), reportKey: 'R1', results: [aLabResult({ referenceLow: 5, referenceHigh: 3 })] })!.bundle, 1, (o) => {
      o.contained = o.contained!.filter((c) => c.resourceType !== 'Encounter');
      anyR(o).status = 'done';
    }),
    'lab: quantity code without system, period reversed': edit<Observation>(lab(), 1, (o) => {
      if (o.valueQuantity) delete o.valueQuantity.system;
      o.effectivePeriod = { start: '2026-10-02', end: '2026-10-01' };
    }),
    'bundle: patient not first, duplicate fullUrl, no identifier': (() => {
      const b = structuredClone(dx3());
      b.entry = [b.entry![1]!, b.entry![0]!, { ...b.entry![2]!, fullUrl: b.entry![1]!.fullUrl }];
      delete b.identifier;
      return b;
    })(),
    'bundle: mixed resource types, unknown bundle property': (() => {
      const b = structuredClone(dx3());
      b.entry!.push(allergy().entry![1]!);
      anyR(b).extra = true;
      return b;
    })(),
    'bundle: entry without resource': (() => {
      const b = structuredClone(dx3());
      b.entry!.push({ fullUrl: 'urn:uuid:00000000-0000-4000-8000-00000000dead' });
      return b;
    })(),
    'bundle: the same condition twice': (() => {
      const b = structuredClone(dx3());
      b.entry!.push(structuredClone(b.entry![1]!));
      return b;
    })(),
  };
}

/** How one field is broken: removed, emptied, replaced by a number, or given an unknown sibling property (objects). */
export type FieldBreak = 'delete' | 'empty' | 'number' | 'extra';

/**
 * Copies of `bundle` with one field broken at a time, for every field (entries included) and each kind in `breaks`
 * (in that order), at most `limit` of them.
 */
export function oneFieldMutations(bundle: Bundle, limit: number, breaks: readonly FieldBreak[]): Bundle[] {
  const out: Bundle[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (out.length >= limit) return;
    if (path.length > 0) {
      for (const change of breaks) {
        const copy = structuredClone(bundle) as unknown as Record<string | number, unknown>;
        let parent: Record<string | number, unknown> = copy;
        for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
        const last = path.at(-1)!;
        if (change === 'delete') {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else if (change === 'empty') parent[last] = typeof value === 'string' ? '' : Array.isArray(value) ? [] : {};
        else if (change === 'number') parent[last] = 42;
        else if (value && typeof value === 'object' && !Array.isArray(value)) (parent[last] as Record<string, unknown>).unknownField = 'x';
        else continue;
        out.push(copy as unknown as Bundle);
      }
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(bundle, []);
  return out;
}
