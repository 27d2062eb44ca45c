/**
 * Creates a 運用管理者 (operator) account: the only role that may import the national masters, which every clinic shares
 * (docs/decisions/0031). Clinic admins cannot create or change these accounts; this command, run by whoever operates
 * the deployment's database, is the only way.
 *   npm run operator:add -- <login-domain> <name> <display-name>
 * prints the login ID and a temporary password, to be changed at first login.
 */
import { disconnectDb } from '@/lib/core/db';
import { createOperatorAccount } from '@/lib/staff/staff.service';
import { ensureLocalSecrets } from './local-secrets';

if (!process.env.DATABASE_URL) ensureLocalSecrets();

async function main() {
  const [loginDomain, local, ...name] = process.argv.slice(2);
  if (!loginDomain || !local || name.length === 0) {
    console.error('使い方: npm run operator:add -- <ログインドメイン> <名前> <氏名>\n例: npm run operator:add -- ops.example.jp tanaka 田中 運用');
    process.exit(2);
  }
  const { loginId, temporaryPassword } = await createOperatorAccount({ loginDomain, local, displayName: name.join(' ') });
  console.log(`運用管理者を作成しました: ${loginId}\n仮パスワード: ${temporaryPassword}（初回ログイン時に変更してください）`);
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
