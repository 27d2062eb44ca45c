import type { Metadata } from 'next';
import '@fontsource-variable/noto-sans-jp';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Karte 電子カルテ', template: '%s | Karte 電子カルテ' },
  description: '診療所向け標準型電子カルテ',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="ja">
      <body>
        {children}
      </body>
    </html>
  );
}
