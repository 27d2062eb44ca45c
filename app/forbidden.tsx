import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="mx-auto mt-20 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="mb-2 text-lg font-bold">この画面を表示する権限がありません</h1>
      <p className="mb-4 text-sm text-slate-600">必要な場合は、管理者に職種の設定を確認してもらってください。</p>
      <Link href="/" className="text-sm text-teal-700 underline">
        トップへ戻る
      </Link>
    </main>
  );
}
