/**
 * Profiling preload for a `next start` under a benchmark: appends each pg query's text (first 160 characters) and
 * duration to PG_QUERY_LOG (default /tmp/pg-query-log.jsonl), one JSON line per query. Only in the `next start`
 * process; the pool's callback calls and promise calls are both timed. Not for timing runs (it writes a file per query).
 *   NODE_OPTIONS="--require $PWD/bench/pg-query-log.cjs" BENCH_INBOX_GETS=20 BENCH_NO_WRITE=1 npx tsx bench/received-referral.bench.ts
 */
const fs = require('node:fs');

if (process.argv.some((a) => a.includes('next')) && process.argv.includes('start')) {
  const file = process.env.PG_QUERY_LOG || '/tmp/pg-query-log.jsonl';
  const pg = require(require.resolve('pg', { paths: [process.cwd()] }));
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, cb) {
    const text = typeof config === 'string' ? config : config && config.text;
    const t = process.hrtime.bigint();
    const done = () => fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, at: Date.now(), ms: Number(process.hrtime.bigint() - t) / 1e6, q: String(text).replace(/\s+/g, ' ').slice(0, 160) })}\n`);
    if (typeof values === 'function') {
      const f = values;
      values = function (...a) {
        done();
        return f.apply(this, a);
      };
    } else if (typeof cb === 'function') {
      const f = cb;
      cb = function (...a) {
        done();
        return f.apply(this, a);
      };
    }
    const r = query.call(this, config, values, cb);
    if (r && typeof r.then === 'function') r.then(done, done);
    return r;
  };
}
