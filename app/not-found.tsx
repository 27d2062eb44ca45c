import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto mt-20 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="mb-2 text-lg font-bold">ページが見つかりません</h1>
      <p className="mb-4 text-sm text-slate-600">URL が正しいか確認してください。</p>
      <Link href="/" className="text-sm text-teal-700 underline">
        トップへ戻る
      </Link>
    </main>
  );
}
