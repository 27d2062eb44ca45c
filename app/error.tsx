'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto mt-20 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="mb-2 text-lg font-bold">問題が発生しました</h1>
      <p className="mb-4 text-sm text-slate-600">
        お手数ですが、もう一度お試しください。解決しない場合は管理者に連絡してください。
        {error.digest && <span className="mt-2 block text-xs text-slate-500">問い合わせ番号: {error.digest}</span>}
      </p>
      <button type="button" onClick={reset} className="rounded bg-teal-700 px-3 py-1.5 text-sm text-white">
        再試行
      </button>
    </main>
  );
}
