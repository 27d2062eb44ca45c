import type { Metadata } from 'next';
import { connection } from 'next/server';
import '@fontsource-variable/noto-sans-jp';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Karte 電子カルテ', template: '%s | Karte 電子カルテ' },
  description: '診療所向け標準型電子カルテ',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request so Next can stamp the CSP nonce from proxy.ts on its scripts.
  await connection();
  return (
    <html lang="ja">
      <body>
        {children}
      </body>
    </html>
  );
}
