// Load generator of the collab benchmark (bench/collab). One process, one monotonic clock for every client.
//   node bench.mjs --peer yws|hocuspocus --url URL --pid SERVER_PID --mode typing [--docs 20 --clients 5 --rate 2 --seconds 20]
//   node bench.mjs --peer yws|hocuspocus --url URL --pid SERVER_PID --mode connections [--docs 20 --connections 500]
// Prints one JSON line.
//
// typing: D documents x C clients (real providers: y-websocket's WebsocketProvider, or Hocuspocus's provider), each
// client inserting a marker "⟦sender:seq:sentAt⟧" into the shared Y.Text at a steady rate, all driven by one shared
// 10 ms timer. Receivers find markers in their Y.Text observe events; an edit's fan-out latency is from its sending
// until the last other client of its document has it.
// connections: first one client per document, then N more idle connections spread over the documents; the server's
// RSS growth over those N is the memory per connection. y-websocket connections are lean (a Y.Doc, a ws socket and the
// sync handshake, no timers of their own), so one process can hold thousands; Hocuspocus needs its provider.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';

const { values: a } = parseArgs({
  options: {
    peer: { type: 'string' }, url: { type: 'string' }, pid: { type: 'string' }, mode: { type: 'string', default: 'typing' },
    docs: { type: 'string', default: '20' }, clients: { type: 'string', default: '5' }, rate: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '500' },
    'connect-timeout-s': { type: 'string', default: '120' }, 'warmup-s': { type: 'string', default: '10' },
    // typing with this many more connections open meanwhile: lean readers of documents nobody types in.
    idle: { type: 'string', default: '0' },
    // Atelier checks a token per document: minted through its API (POST /v1/documents/{name}/tokens).
    'token-api': { type: 'string' }, 'api-key': { type: 'string' },
  },
});
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pid = Number(a.pid); // 0: no server process to read (an Atelier given by its URL only)
process.setMaxListeners(0); // every WebsocketProvider adds an exit listener
const docs = Number(a.docs);
const idle = Number(a.idle);
const idleDocs = Math.min(idle, 1000);
const room = (d) => `bench-d${d}`;
const tokens = [];
if (a['token-api']) {
  for (let d = 0; d < docs + idleDocs; d++) {
    const response = await fetch(`${a['token-api']}/v1/documents/${room(d)}/tokens`, {
      method: 'POST', headers: { authorization: `Bearer ${a['api-key']}` } });
    if (response.status !== 201) throw new Error(`token for ${room(d)}: HTTP ${response.status} ${await response.text()}`);
    tokens[d] = (await response.json()).token;
  }
}
const query = (d) => (tokens[d] ? `?token=${encodeURIComponent(tokens[d])}` : '');

/** Server CPU seconds (utime + stime) and RSS in KiB, from /proc. */
function cpuSeconds() {
  if (!pid) return null;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}
function rssKiB() {
  if (!pid) return null;
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

async function waitFor(predicate, ms, what) {
  const t0 = now();
  while (!predicate()) {
    if (now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
  return now() - t0;
}

/** A real client of the peer: { doc, text, synced(), destroy() }. */
function providerClient(d) {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  if (a.peer === 'hocuspocus') {
    const p = new HocuspocusProvider({ url: a.url, name: room(d), document: doc, WebSocketPolyfill: WebSocket});
    return { doc, text, synced: () => p.isSynced, destroy: () => p.destroy() };
  }
  const p = new WebsocketProvider(a.url, room(d), doc, { WebSocketPolyfill: WebSocket, disableBc: true,
    params: tokens[d] ? { token: tokens[d] } : {} });
  return { doc, text, synced: () => p.synced, destroy: () => p.destroy() };
}

/** A y-websocket connection without a provider: the sync handshake, then it only applies what it is sent. */
function leanClient(d) {
  const doc = new Y.Doc();
  const ws = new WebSocket(`${a.url}/${room(d)}${query(d)}`);
  ws.binaryType = 'arraybuffer';
  const c = { doc, isSynced: false, closed: false, synced: () => c.isSynced, destroy: () => ws.terminate() };
  ws.on('open', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, doc);
    ws.send(encoding.toUint8Array(e));
  });
  ws.on('message', (data) => {
    const dec = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(dec) !== 0) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    if (syncProtocol.readSyncMessage(dec, e, doc, c) === syncProtocol.messageYjsSyncStep2) c.isSynced = true;
    if (encoding.length(e) > 1) ws.send(encoding.toUint8Array(e));
  });
  ws.on('error', () => {});
  ws.on('close', () => { c.closed = true; });
  return c;
}

const pct = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const round = (x, n = 1) => (x === null || Number.isNaN(x) ? null : Math.round(x * 10 ** n) / 10 ** n);
const minus = (x, y) => (x === null || y === null ? null : x - y);
const per = (x, n) => (x === null ? null : x / n);
const mib = (k) => (k === null ? null : round(k / 1024));

async function typing() {
  const perDoc = Number(a.clients);
  const rate = Number(a.rate);
  const seconds = Number(a.seconds);
  const rssBefore = rssKiB();
  const cpu0 = cpuSeconds();
  const t0 = now();
  const clients = [];
  for (let d = 0; d < docs; d++) for (let i = 0; i < perDoc; i++) clients.push({ d, id: clients.length, ...providerClient(d) });
  await waitFor(() => clients.every((c) => c.synced()), Number(a['connect-timeout-s']) * 1000, 'every client to sync');
  const idlers = [];
  for (let i = 0; i < idle; i++) {
    idlers.push((a.peer === 'hocuspocus' ? providerClient : leanClient)(docs + (i % idleDocs)));
    if (i % 500 === 499) await waitFor(() => idlers.every((c) => c.synced()), Number(a['connect-timeout-s']) * 1000, `${idlers.length} idle connections to sync`);
  }
  await waitFor(() => idlers.every((c) => c.synced()), Number(a['connect-timeout-s']) * 1000, `${idle} idle connections to sync`);
  const connectMs = now() - t0;
  // Warm-up, the same for every peer: the same typing, unmeasured, so that JIT-compiled servers are measured warm.
  const warmupMs = Number(a['warmup-s']) * 1000;
  if (warmupMs > 0) {
    const warmStart = now();
    let w = 0;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        if (now() - warmStart >= warmupMs) { clearInterval(timer); resolve(); return; }
        for (let i = 0; i < Math.max(1, Math.round(clients.length * rate / 100)); i++) {
          const c = clients[w++ % clients.length];
          c.text.insert(Math.floor(Math.random() * (c.text.length + 1)), 'warm ');
        }
      }, 10);
    });
  }
  await sleep(1000);
  const rssConnected = rssKiB();
  const cpu1 = cpuSeconds();

  const pending = new Map(); // "sender:seq" -> { sentAt, remaining }
  const fanout = [];
  let delivered = 0;
  const marker = /⟦(\d+):(\d+):([\d.]+)⟧/g;
  for (const c of clients) {
    c.text.observe((event) => {
      if (event.transaction.local) return;
      const at = now();
      for (const op of event.delta) {
        if (typeof op.insert !== 'string') continue;
        for (const m of op.insert.matchAll(marker)) {
          const key = `${m[1]}:${m[2]}`;
          const p = pending.get(key);
          if (!p) continue;
          delivered++;
          if (--p.remaining === 0) { fanout.push(at - p.sentAt); pending.delete(key); }
        }
      }
    });
  }
  // One shared timer: the typing period is cut into 10 ms slots, each client owns one slot and types when it comes.
  const tickMs = 10;
  const slots = Math.max(1, Math.round(1000 / rate / tickMs));
  const bySlot = Array.from({ length: slots }, () => []);
  clients.forEach((c, i) => bySlot[i % slots].push(c));
  let sent = 0;
  let seq = 0;
  const start = now();
  let tick = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor((now() - start) / tickMs);
      for (; tick <= due; tick++) {
        if (tick * tickMs >= seconds * 1000) { clearInterval(timer); resolve(); return; }
        for (const c of bySlot[tick % slots]) {
          const sentAt = now();
          const key = `${c.id}:${seq++}`;
          pending.set(key, { sentAt, remaining: perDoc - 1 });
          c.text.insert(Math.floor(Math.random() * (c.text.length + 1)), `⟦${key}:${sentAt.toFixed(2)}⟧ typed `);
          sent++;
        }
      }
    }, tickMs);
  });
  const typedMs = now() - start;
  const expected = sent * (perDoc - 1);
  await waitFor(() => delivered >= expected, 10000, 'every edit to reach every other client').catch(() => {});
  const cpu2 = cpuSeconds();
  const rssAfter = rssKiB();
  // Convergence: all clients of a document have the same text and state vector.
  let convergedDocs = 0;
  await waitFor(() => {
    convergedDocs = 0;
    for (let d = 0; d < docs; d++) {
      const cs = clients.filter((c) => c.d === d);
      const sv = Buffer.from(Y.encodeStateVector(cs[0].doc)).toString('base64');
      const text = cs[0].text.toString();
      if (cs.every((c) => c.text.toString() === text && Buffer.from(Y.encodeStateVector(c.doc)).toString('base64') === sv)) convergedDocs++;
    }
    return convergedDocs === docs;
  }, 5000, 'convergence').catch(() => {});
  for (const c of clients) c.destroy();
  fanout.sort((x, y) => x - y);
  const cpu = process.cpuUsage();
  return {
    mode: 'typing', peer: a.peer, docs, clientsPerDoc: perDoc, rate, seconds: round(typedMs / 1000),
    warmupSeconds: warmupMs / 1000, idleConnections: idlers.filter((c) => !c.closed).length,
    connectMs: Math.round(connectMs), edits: sent, delivered, expected, incompleteEdits: pending.size,
    p50: round(pct(fanout, 50)), p99: round(pct(fanout, 99)), max: round(fanout[fanout.length - 1] ?? null),
    convergedDocs, converged: convergedDocs === docs,
    serverCpuTypingS: round(minus(cpu2, cpu1), 2), serverCpuConnectS: round(minus(cpu1, cpu0), 2),
    rssBeforeMiB: mib(rssBefore), rssConnectedMiB: mib(rssConnected), rssAfterMiB: mib(rssAfter),
    kibPerConnection: round(per(minus(rssConnected, rssBefore), clients.length)), kibPerDocument: round(per(minus(rssConnected, rssBefore), docs)),
    loadGeneratorCpuS: round((cpu.user + cpu.system) / 1e6, 2),
  };
}

async function connections() {
  const n = Number(a.connections);
  const make = a.peer === 'hocuspocus' ? providerClient : leanClient;
  const rss0 = rssKiB();
  const base = [];
  for (let d = 0; d < docs; d++) base.push(make(d));
  await waitFor(() => base.every((c) => c.synced()), 60000, 'one client per document to sync');
  await sleep(1000);
  const rssBefore = rssKiB();
  const cpu0 = cpuSeconds();
  const t0 = now();
  const extra = [];
  for (let i = 0; i < n; i++) {
    extra.push(make(i % docs));
    if (i % 200 === 199) await waitFor(() => extra.every((c) => c.synced()), Number(a['connect-timeout-s']) * 1000, `${extra.length} connections to sync`);
  }
  await waitFor(() => extra.every((c) => c.synced()), Number(a['connect-timeout-s']) * 1000, `${n} connections to sync`);
  const connectMs = now() - t0;
  await sleep(2000);
  const rssAfter = rssKiB();
  const cpu1 = cpuSeconds();
  const open = extra.filter((c) => !c.closed).length;
  for (const c of [...base, ...extra]) c.destroy();
  return {
    mode: 'connections', peer: a.peer, docs, connections: n, open, connectMs: Math.round(connectMs),
    rssEmptyMiB: mib(rss0), rssBeforeMiB: mib(rssBefore), rssAfterMiB: mib(rssAfter),
    kibPerConnection: round(per(minus(rssAfter, rssBefore), n)), serverCpuConnectS: round(minus(cpu1, cpu0), 2),
  };
}

try {
  const result = a.mode === 'connections' ? await connections() : await typing();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ mode: a.mode, peer: a.peer, error: e.message }));
  process.exit(1);
}
