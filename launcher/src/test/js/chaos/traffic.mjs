// Steady traffic of the two kinds of browser users, through the mesh's front door, for as long as the chaos run lasts:
// real Yjs clients (y-websocket's WebsocketProvider) typing into shared documents, and tus-js-client uploads of WAV
// recordings, one after another. A line "stop" on stdin ends it: typing stops, every client must converge on a text
// holding every edit of its document, every upload is checked against the asset it made, and one JSON line of
// figures is printed ({"summary": ...}). Progress lines are JSON too ({"ready": true} once every client has synced).
//
//   node traffic.mjs --api http://127.0.0.1:8080 --key KEY [--docs 2] [--clients 3] [--rate 2] [--upload-kib 2048]
import { createHash, randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { Upload } from 'tus-js-client';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const api = args.api;
const headers = { Authorization: `Bearer ${args.key}` };
const docs = Number(args.docs ?? 2);
const clientsPerDoc = Number(args.clients ?? 3);
const rate = Number(args.rate ?? 2);
const uploadBytes = Number(args['upload-kib'] ?? 2048) * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (o) => console.log(JSON.stringify(o));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function json(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(api + path, {
        method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(10000),
      });
      const text = await res.text();
      if (res.status >= 500 && attempt < 10) { await sleep(1000); continue; }
      return { status: res.status, body: text ? JSON.parse(text) : null, text };
    } catch (e) {
      if (attempt >= 10) throw e;
      await sleep(1000);
    }
  }
}

// ---- collaborative editing
const clients = [];
const wsUrl = api.replace(/^http/, 'ws') + '/collab';
const run = randomBytes(3).toString('hex');
for (let d = 0; d < docs; d++) {
  const name = `chaos-${run}-${d}`;
  const token = await json('POST', `/v1/documents/${name}/tokens`, { access: 'write' });
  if (token.status !== 200 && token.status !== 201) throw new Error(`token for ${name}: ${token.status} ${token.text}`);
  for (let c = 0; c < clientsPerDoc; c++) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(wsUrl, name, doc, {
      WebSocketPolyfill: WebSocket, disableBc: true, params: { token: token.body.token },
    });
    const client = { document: name, tag: `d${d}c${c}`, doc, provider, made: [], disconnects: 0, closes: [] };
    provider.on('status', ({ status }) => { if (status === 'disconnected') client.disconnects++; });
    provider.on('connection-close', (event) => {
      if (event) client.closes.push({ code: event.code, reason: String(event.reason ?? ''), at: Math.round(performance.now() / 1000) });
    });
    clients.push(client);
  }
}
const until = async (what, test, ms) => {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};
await until('every client to sync', () => clients.every((c) => c.provider.synced), 60000);
say({ ready: true, clients: clients.length });

let typing = true;
const typists = clients.map(async (client) => {
  let i = 0;
  // Offset so that the clients of a document do not all type in the same millisecond.
  await sleep(Math.random() * (1000 / rate));
  while (typing) {
    const edit = `${client.tag}:${i++};`;
    const text = client.doc.getText('text');
    // Typed whether or not the socket is up, as a person keeps typing: Yjs keeps it and syncs it on reconnecting.
    text.insert(text.length, edit);
    client.made.push(edit);
    await sleep(1000 / rate);
  }
});

// ---- uploads
/** A WAV of `bytes` (8 kHz mono 16-bit noise): real media that the upload's probe accepts. */
function wav(bytes) {
  const data = bytes - 44;
  const b = Buffer.alloc(bytes);
  b.write('RIFF', 0); b.writeUInt32LE(36 + data, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36);
  b.writeUInt32LE(data, 40);
  randomBytes(data).copy(b, 44);
  return b;
}

const uploads = [];
let uploading = true;
async function uploadOne(n) {
  const body = wav(uploadBytes);
  const record = { n, bytes: body.length, sha256: sha256(body), patches: 0, retries: 0 };
  uploads.push(record);
  const started = Date.now();
  await new Promise((resolve) => {
    const upload = new Upload(body, {
      endpoint: `${api}/files/`,
      headers,
      chunkSize: 256 * 1024,
      metadata: { filename: `chaos-${run}-${n}.wav`, filetype: 'audio/wav' },
      // Through a node's death and a replacement's start: the upload resumes wherever its offset stands.
      retryDelays: [0, 500, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 10000, 10000],
      // Spread each upload over a few seconds, so that one is always in progress when a node goes.
      onBeforeRequest: (req) => (req.getMethod() === 'PATCH' ? sleep(150) : undefined),
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'PATCH') record.patches++;
        if (res.getStatus() >= 400) record.retries++;
      },
      onShouldRetry: (err, attempt) => { record.lastError = String(err.message).slice(0, 300); return true; },
      onSuccess: ({ lastResponse }) => {
        record.outcome = 'success';
        record.assetId = lastResponse.getHeader('Atelier-Asset-Id');
        resolve();
      },
      onError: (e) => { record.outcome = 'error'; record.error = String(e.message).slice(0, 500); resolve(); },
    });
    upload.start();
  });
  record.ms = Date.now() - started;
}
const uploader = (async () => {
  for (let n = 0; uploading; n++) {
    await uploadOne(n);
    await sleep(500);
  }
})();

// ---- the end
await new Promise((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { if (chunk.includes('stop')) resolve(); });
  process.stdin.on('end', resolve);
});
typing = false;
uploading = false;
await Promise.all(typists);
await uploader;

const byDocument = {};
for (const c of clients) (byDocument[c.document] ??= []).push(c);
const documents = [];
for (const [name, members] of Object.entries(byDocument)) {
  const made = members.flatMap((c) => c.made);
  const missing = (c) => made.filter((e) => !c.doc.getText('text').toString().includes(e));
  let converged = true;
  try {
    await until(`${name} to converge`, () => members.every((c) => missing(c).length === 0), 90000);
  } catch {
    converged = false;
  }
  const stored = await json('GET', `/v1/documents/${name}`);
  const storedText = stored.body?.text ?? '';
  const lostOf = (c) => c.made.filter((e) => !storedText.includes(e));
  documents.push({
    name, edits: made.length, converged,
    missingPerClient: members.map((c) => missing(c).length),
    missingStored: made.filter((e) => !storedText.includes(e)).length,
    disconnects: members.reduce((n, c) => n + c.disconnects, 0),
    // Who made what storage lacks, and in which stretch of its typing (edit i was typed some i / rate s in).
    clients: members.map((c) => ({
      tag: c.tag, made: c.made.length, missingHere: missing(c).length, lostFromStorage: lostOf(c).length,
      firstLost: lostOf(c)[0], lastLost: lostOf(c).at(-1), disconnects: c.disconnects,
      connected: c.provider.wsconnected, synced: c.provider.synced, closes: c.closes.slice(-5),
    })),
  });
}
for (const u of uploads) {
  if (u.outcome !== 'success') continue;
  const asset = await json('GET', `/v1/assets/${u.assetId}`);
  u.stored = asset.status === 200 && asset.body.sha256?.toLowerCase() === u.sha256 && asset.body.sizeBytes === u.bytes;
  if (!u.stored) u.storedAs = asset.text.slice(0, 300);
}
clients.forEach((c) => c.provider.destroy());
say({
  summary: {
    documents,
    uploads: {
      total: uploads.length,
      succeeded: uploads.filter((u) => u.outcome === 'success').length,
      verified: uploads.filter((u) => u.stored).length,
      retriedRequests: uploads.reduce((n, u) => n + u.retries, 0),
      failed: uploads.filter((u) => !u.stored),
    },
  },
});
process.exit(0);
