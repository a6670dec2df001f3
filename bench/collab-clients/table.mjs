// Prints the collab benchmark's results (JSON lines from bench.mjs, one file) as one table, peers side by side.
//   node table.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const peers = [...new Set(rows.map((r) => r.label))];
const f = (x) => (x === null || x === undefined ? 'n/a' : String(x));
console.log('| peer | p50 ms | p99 ms | max ms | delivered/expected | converged | server CPU s (typing) | RSS MiB before → connected → after | KiB/conn (typing) | KiB/doc | idle conns | KiB/idle conn |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const peer of peers) {
  const t = rows.find((r) => r.label === peer && r.mode === 'typing') ?? {};
  const c = rows.find((r) => r.label === peer && r.mode === 'connections') ?? {};
  const note = [...new Set([t.error && `typing: ${t.error}`, c.error && `connections: ${c.error}`, t.note, c.note].filter(Boolean))].join("; ");
  console.log(`| ${peer} | ${f(t.p50)} | ${f(t.p99)} | ${f(t.max)} | ${t.expected === undefined ? 'n/a' : `${t.delivered}/${t.expected}`} | ${t.converged === undefined ? 'n/a' : `${t.converged ? 'yes' : 'NO'} (${t.convergedDocs}/${t.docs})`} | ${f(t.serverCpuTypingS)} | ${f(t.rssBeforeMiB)} → ${f(t.rssConnectedMiB)} → ${f(t.rssAfterMiB)} | ${f(t.kibPerConnection)} | ${f(t.kibPerDocument)} | ${c.connections === undefined ? 'n/a' : `${c.open}/${c.connections}`} | ${f(c.kibPerConnection)} |${note ? ` ${note}` : ''}`);
}
const t = rows.find((r) => r.mode === 'typing' && r.docs);
if (t) console.log(`\n${t.docs} documents × ${t.clientsPerDoc} clients, ${t.rate} edits/s each for ${t.seconds} s; fan-out latency = edit until the last other client of its document has it.`);
