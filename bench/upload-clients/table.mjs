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

const ok = (r) => r && !r.error && r.MBps;
const kind = (r) => (r.peer === 'atelier' && r.chunkMiB ? `atelier-${r.chunkMiB}` : r.peer);
const median = (xs) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;
const rounds = Math.max(1, ...rows.map((r) => r.round ?? 1));

// One line per peer: the median of its rounds, each round's figures beside it; the run nearest the median for the
// rest of the line.
console.log(`| peer | client | MB/s, median${rounds > 1 ? ' (each round)' : ''} | s | all sent at s | PATCHes | warm-up MB/s | checked | server RSS MiB idle → before → peak (growth), largest growth of the rounds |`);
console.log('|---|---|---|---|---|---|---|---|---|');
const kinds = [...new Set(rows.map(kind))];
for (const k of kinds) {
  const mine = rows.filter((r) => kind(r) === k);
  const good = mine.filter(ok);
  const notes = [...new Set(mine.flatMap((r) => [r.error, r.note].filter(Boolean)))].join('; ');
  if (!good.length) {
    console.log(`| ${label(mine[0])} | ${how(mine[0])} | n/a | n/a | n/a | n/a | n/a | n/a | n/a | ${notes}`);
    continue;
  }
  const m = median(good.map((r) => r.MBps));
  const r = good.reduce((best, x) => (Math.abs(x.MBps - m) < Math.abs(best.MBps - m) ? x : best));
  const each = rounds > 1 ? ` (${mine.map((x) => (ok(x) ? f(x.MBps) : 'failed')).join(', ')})` : '';
  const worst = good.reduce((w, x) => ((x.rssGrowthMiB ?? -1) > (w.rssGrowthMiB ?? -1) ? x : w));
  console.log(`| ${label(r)} | ${how(r)} | ${round1(m)}${each} | ${(r.ms / 1000).toFixed(1)} | ${typeof r.sentMs === 'number' ? (r.sentMs / 1000).toFixed(1) : 'n/a'} | ${f(r.patches)} | ${f(r.warmupMBps)} | ${f(r.verified)} | ${rss(worst)} |${notes ? ` ${notes}` : ''}`);
}

// Ratios within a round (runs minutes apart), then their median.
const ofRound = (peer, n) => rows.find((r) => r.peer === peer && !r.chunkMiB && (r.round ?? 1) === n && ok(r));
const ratios = (other) => {
  const each = [];
  for (let n = 1; n <= rounds; n++) {
    const b = ofRound('atelier', n);
    const x = ofRound(other, n);
    if (b && x) each.push(b.MBps / x.MBps);
  }
  return each;
};
const verdict = (pass) => (pass ? 'met' : 'NOT met');
const ratioLine = (name, other, goal, pass) => {
  const each = ratios(other);
  if (!each.length) return `${name} = n/a   goal ${goal}: n/a`;
  const m = median(each);
  const list = each.length > 1 ? ` (rounds: ${each.map((x) => x.toFixed(2)).join(', ')})` : '';
  return `${name} = ${m.toFixed(2)}${list}   goal ${goal}: ${verdict(pass(m))}`;
};
console.log('');
console.log(ratioLine('(b)/(a)', 's3', '≥ 0.90', (m) => m >= 0.9));
console.log(ratioLine('(b)/(c)', 'tus-node', '> 1.00', (m) => m > 1));
const growths = rows.filter((r) => r.peer === 'atelier' && !r.chunkMiB && ok(r) && typeof r.rssGrowthMiB === 'number')
  .map((r) => r.rssGrowthMiB);
console.log(`Atelier JVM RSS growth during (b) = ${growths.length ? `${Math.max(...growths)} MiB (the largest of ${growths.length})` : 'n/a'}   goal < 64 MiB: ${growths.length ? verdict(Math.max(...growths) < 64) : 'n/a'}`);
const any = rows.find((r) => r.bytes);
if (any) {
  console.log(`\nOne ${(any.bytes / 1048576).toFixed(0)} MiB WAV (44-byte PCM header + random bytes) per peer, all into the same S3 server (the S3Proxy of one Atelier dev node); `
    + `${rounds} round${rounds > 1 ? 's, the peers taking turns in each' : ''}; `
    + 'MB/s = 10^6 bytes/s from the first request to the completing answer (checks after that are untimed); all sent at = when the last byte was written to the socket (tus) or the last part was stored (s3), the rest is completion; each peer ran an untimed warm-up upload first. '
    + 'RSS: VmRSS of the server process (Atelier: its JVM only, idle = before Atelier had any upload; tus-node: its Node process, idle = just started; before = after the warm-up), sampled every 100 ms during the timed upload.');
}
