/**
 * 他院の情報 (issue 10 §6) in the chart: nothing without the patient's consent (a clear message and the form to
 * record it), then other institutions' diagnoses and allergies — each with its source institution and date, apart from
 * the clinic's own records — within the consent's scope; a doctor copies an allergy after review and it becomes the
 * clinic's own, with its provenance; withdrawing the consent hides everything again.
 */
import { expect as baseExpect, test } from '@playwright/test';
import { A, fillPatientForm, login, uniquePatient } from './helpers';

// each step re-renders the whole chart (every panel reads and audits); the shared build machine is slow
const expect = baseExpect.configure({ timeout: 30_000 });
test.setTimeout(240_000);

const PORT = Number(process.env.E2E_PORT ?? 3100);
const SANDBOX = `http://127.0.0.1:${process.env.E2E_SHARING_PORT ?? String(61600 + PORT - 3100)}`;
// an insurance for which the sandbox's invented institutions hold diagnoses, an allergy (そば) and labs
const INSURANCE = { insurerNumber: '06131239', number: '7727' };
const MEMBER_ID = '06131239::7727:';

test('a doctor records consent, reads other institutions\' 6情報 and copies an allergy after review', async ({ page, request }) => {
  const p = uniquePatient('他院', 'タイン');
  await login(page, A.doctor);
  await page.goto('/patients/new');
  await fillPatientForm(page, p, INSURANCE);
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
  const patientId = /\/patients\/([0-9a-f-]{36})/.exec(page.url())![1]!;

  // the demo's sandbox holds the invented institutions' data for this patient (seeded like the demo patients)
  const seeded = await request.post(`${SANDBOX}/__sandbox/other-institutions`, { data: { memberIds: [MEMBER_ID] } });
  expect((await seeded.json()).bundles).toBeGreaterThan(0);

  await page.goto(`/patients/${patientId}`);
  const panel = page.getByTestId('other-institutions');
  await expect(panel).toContainText('患者の閲覧同意が必要です');
  await expect(panel.getByTestId('shared-diagnosis')).toHaveCount(0);

  // consent for 傷病名 and アレルギー only
  const consentForm = panel.getByRole('form', { name: '閲覧同意の記録' });
  await consentForm.getByLabel('検査').uncheck();
  await consentForm.getByRole('button', { name: '同意を記録' }).click();
  await expect(panel.getByTestId('sharing-consent-summary')).toContainText('閲覧同意（傷病名・アレルギー）');

  const diagnoses = panel.getByTestId('shared-diagnosis');
  await expect(diagnoses.filter({ hasText: '高血圧症' })).toContainText('青葉台総合病院（架空）');
  await expect(diagnoses.filter({ hasText: '２型糖尿病' })).toContainText('港北皮膚科医院（架空）');
  await expect(diagnoses.first().getByTestId('shared-source')).toContainText('登録');
  await expect(panel.getByTestId('shared-lab')).toHaveCount(0); // outside the consent's scope
  const soba = panel.getByTestId('shared-allergy').filter({ hasText: 'そば' });
  await expect(soba).toContainText('青葉台総合病院（架空）');

  // not in the clinic's own allergies until a doctor copies it
  const own = page.getByRole('list', { name: 'アレルギー', exact: true });
  await expect(page.getByTestId('allergy-row').filter({ hasText: 'そば' })).toHaveCount(0);
  await soba.getByRole('button', { name: 'そばを確認して転記' }).click();
  const review = page.getByRole('form', { name: '他院のアレルギーを確認して転記' });
  await expect(review.getByLabel('原因物質')).toHaveValue('そば');
  await review.getByLabel('症状').fill('蕁麻疹（本人申告と一致）');
  await review.getByRole('button', { name: '追加' }).click();
  await expect(review).toHaveCount(0);
  const copied = own.getByTestId('allergy-row').filter({ hasText: 'そば' });
  await expect(copied).toContainText('蕁麻疹（本人申告と一致）');
  await expect(copied).toContainText('【他院情報から転記】青葉台総合病院（架空）（医療機関コード 0019990011）');

  // withdrawing the consent hides the other institutions' data again; the copied allergy stays the clinic's own
  await panel.getByRole('button', { name: '同意を撤回' }).click();
  await panel.getByLabel(/撤回の理由/).fill('患者の申し出');
  await panel.getByRole('button', { name: '撤回', exact: true }).click();
  await expect(panel).toContainText('患者の閲覧同意が必要です');
  await expect(panel.getByTestId('sharing-consent-summary')).toContainText('撤回');
  await expect(panel.getByTestId('shared-diagnosis')).toHaveCount(0);
  await expect(own.getByTestId('allergy-row').filter({ hasText: 'そば' })).toHaveCount(1);
});
