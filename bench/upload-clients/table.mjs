// Prints the upload benchmark's results (JSON lines from bench.mjs, one file) as one table, peers side by side, then
// the ratios and the goals.
//   node table.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const f = (x) => (x === null || x === undefined ? 'n/a' : String(x));
const label = (r) => ({
  s3: '(a) s3',
  atelier: r.chunkMiB ? `(b') atelier, ${r.chunkMiB} MiB PATCHes` : '(b) atelier',
  'tus-node': '(c) tus-node',
}[r.peer] ?? r.peer);
const how = (r) => ({
  s3: `lib-storage Upload, partSize ${r.partMiB} MiB, queueSize ${r.queueSize}`,
  atelier: `tus-js-client, ${r.chunkMiB ? `chunkSize ${r.chunkMiB} MiB` : 'chunkSize Infinity'}`,
  'tus-node': `tus-js-client → @tus/server + @tus/s3-store`,
}[r.peer] ?? '');
const rss = (r) => (r.rssPeakMiB === undefined ? 'n/a'
  : `${f(r.rssIdleMiB)} → ${f(r.rssBeforeMiB)} → ${r.rssPeakMiB} (+${f(r.rssGrowthMiB)})`);

console.log('| peer | client | MB/s | s | all sent at s | PATCHes | warm-up MB/s | checked | server RSS MiB idle → before → peak (growth) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const note = [r.error, r.note].filter(Boolean).join('; ');
  console.log(`| ${label(r)} | ${how(r)} | ${f(r.MBps)} | ${r.ms === undefined ? 'n/a' : (r.ms / 1000).toFixed(1)} | ${typeof r.sentMs === 'number' ? (r.sentMs / 1000).toFixed(1) : 'n/a'} | ${f(r.patches)} | ${f(r.warmupMBps)} | ${f(r.verified)} | ${rss(r)} |${note ? ` ${note}` : ''}`);
}

const ok = (r) => r && !r.error && r.MBps;
const a = rows.find((r) => r.peer === 's3' && ok(r));
const b = rows.find((r) => r.peer === 'atelier' && !r.chunkMiB && ok(r));
const c = rows.find((r) => r.peer === 'tus-node' && ok(r));
const verdict = (pass) => (pass ? 'met' : 'NOT met');
console.log('');
console.log(`(b)/(a) = ${a && b ? (b.MBps / a.MBps).toFixed(2) : 'n/a'}   goal ≥ 0.90: ${a && b ? verdict(b.MBps >= 0.9 * a.MBps) : 'n/a'}`);
console.log(`(b)/(c) = ${c && b ? (b.MBps / c.MBps).toFixed(2) : 'n/a'}   goal > 1.00: ${c && b ? verdict(b.MBps > c.MBps) : 'n/a'}`);
console.log(`Atelier JVM RSS growth during (b) = ${b && b.rssGrowthMiB !== undefined && b.rssGrowthMiB !== null ? `${b.rssGrowthMiB} MiB` : 'n/a'}   goal < 64 MiB: ${b && typeof b.rssGrowthMiB === 'number' ? verdict(b.rssGrowthMiB < 64) : 'n/a'}`);
const any = rows.find((r) => r.bytes);
if (any) {
  console.log(`\nOne ${(any.bytes / 1048576).toFixed(0)} MiB WAV (44-byte PCM header + random bytes) per peer, all into the same S3 server (the S3Proxy of one Atelier dev node); `
    + 'MB/s = 10^6 bytes/s from the first request to the completing answer (checks after that are untimed); all sent at = when the last byte was written to the socket (tus) or the last part was stored (s3), the rest is completion; each peer ran an untimed warm-up upload first. '
    + 'RSS: VmRSS of the server process (Atelier: its JVM only, idle = before Atelier had any upload; tus-node: its Node process, idle = just started; before = after the warm-up), sampled every 100 ms during the timed upload.');
}
