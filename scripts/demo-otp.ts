// npm run demo:otp -- doctor@minato.example.jp   prints the current TOTP code of a demo user
import { totpCode } from '@/lib/auth/totp';
import { DEMO_STAFF, DEMO_TOTP_SECRETS } from '@/prisma/seed/demo-seed';

const loginId = process.argv[2] ?? '';
const staff = DEMO_STAFF.find((s) => loginId.startsWith(`${s.local}@`));
if (!staff) {
  console.error('使い方: npm run demo:otp -- <ログインID>（例: doctor@minato.example.jp）');
  process.exit(2);
}
const secret = DEMO_TOTP_SECRETS[staff.local === 'doctor2' ? 'doctor' : staff.role]!;
console.log(totpCode(secret));
