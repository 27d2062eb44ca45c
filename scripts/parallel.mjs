// Runs npm scripts side by side (`node scripts/parallel.mjs typecheck lint`, in `npm test`): each one's output is
// printed when it ends, in the order named, and the run fails when any of them failed.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const results = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn('npm', ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('close', (code, signal) => resolve({ name, code: code ?? 1, signal, out: Buffer.concat(out).toString() }));
      }),
  ),
);
for (const r of results) {
  process.stdout.write(r.out);
  if (r.code !== 0) console.error(`npm run ${r.name} failed (${r.signal ?? `exit ${r.code}`})`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
