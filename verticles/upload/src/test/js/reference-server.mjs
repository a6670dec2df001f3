// Starts two tus-node-server nodes (@tus/server 2.4 with @tus/file-store, both on one upload folder, so an upload
// begun on one can be finished on the other) on free loopback ports, runs the scenarios against them with
// --reference, and stops them. @tus/server is not a dependency of this folder: install it elsewhere and point here.
//   npm install --prefix /tmp/tusref --no-audit --no-fund @tus/server@2.4.5 @tus/file-store@2.1.1
//   node reference-server.mjs [--modules /tmp/tusref/node_modules] [--atelier-like] [--serve] [-- scenario options...]
// --serve: only start the nodes, print their endpoints and wait (Ctrl-C stops them).
// --atelier-like: the gate also mimics Atelier's additions (Bearer key "reference" -> else 401; at completion ffprobe
//   decides: media gets Atelier-Asset-Id on the completing response, anything else 415 problem+json; /v1/uploads/{id}
//   and /v1/assets/{id}), and the scenarios run WITHOUT --reference, so their Atelier checks run too. A mock of the
//   contract written from the brief, to exercise the client code; only the real server can say the contract is met.
//
// The nodes run behind a thin gate that adds what tus 1.0.0 asks and tus-node-server does not do: the checksum
// extension (sha1, sha256; 460 on a mismatch, 400 for another algorithm), 412 with Tus-Version for another
// Tus-Resumable, 415 for a PATCH that is not application/offset+octet-stream (the stock server answers 400 to both).
// It exists to check the client side of the scenarios; it is not a product.
import { spawn, execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const own = split < 0 ? argv : argv.slice(0, split);
const forwarded = split < 0 ? ['--scenario', 'run-all'] : argv.slice(split + 1);
const modulesAt = own.indexOf('--modules');
const modules = modulesAt >= 0 ? own[modulesAt + 1] : (process.env.TUS_REFERENCE_MODULES ?? '/tmp/tusref/node_modules');

/** Imports an ESM package from `modules` (its package.json "exports" is a single path in both packages). */
async function load(name) {
  const dir = join(modules, name);
  let pkg;
  try { pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')); } catch {
    console.error(`${name} is not installed under ${modules}; see the top of reference-server.mjs`);
    process.exit(2);
  }
  return import(pathToFileURL(join(dir, typeof pkg.exports === 'string' ? pkg.exports : pkg.main)).href);
}
const { Server } = await load('@tus/server');
const { FileStore } = await load('@tus/file-store');

const ALGORITHMS = { sha1: 'sha1', sha256: 'sha256' };
const KEY = 'reference';
const atelierLike = own.includes('--atelier-like');
const dir = mkdtempSync(join(tmpdir(), 'tusref-files-'));
// --atelier-like: what the nodes know of uploads and assets (one process, so both nodes share it, as a mesh would).
const uploads = new Map(); // upload id -> { state, assetId?, error? }
const assets = new Map(); // asset id -> asset JSON

const fileSha256 = (path) => new Promise((resolve, reject) => {
  const h = createHash('sha256');
  createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
});
const isMedia = (path) => new Promise((resolve) => {
  execFile('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', path], (err, out) => resolve(!err && /audio|video/.test(out)));
});

/** A gated tus node on `port` over the shared folder. */
function node(port) {
  // One hour, so POST and PATCH answers carry Upload-Expires as Atelier's do.
  const store = new FileStore({ directory: dir, expirationPeriodInMilliseconds: 3600_000 });
  const tus = new Server({ path: '/files', datastore: store });
  const problem = (res, status, title, detail) => {
    res.writeHead(status, { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/problem+json' });
    res.end(JSON.stringify({ type: `https://atelier.invalid/problems/${status}`, title, status, detail }));
  };
  /** --atelier-like: if `response` completed upload `id`, probe it: asset header, or a 415 in its place. */
  const complete = async (id, response) => {
    if (!atelierLike || !id || response.status < 200 || response.status > 299) return response;
    const upload = await store.getUpload(id).catch(() => null);
    if (!upload || upload.size === undefined || upload.offset !== upload.size) return response;
    const path = join(dir, id);
    if (!(await isMedia(path))) {
      uploads.set(id, { state: 'failed', error: 'not decodable audio or video' });
      return new Response(JSON.stringify({ type: 'https://atelier.invalid/problems/not-media', title: 'Not media', status: 415, detail: 'ffprobe found no audio or video stream' }),
        { status: 415, headers: { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/problem+json' } });
    }
    const assetId = randomUUID();
    assets.set(assetId, { id: assetId, sha256: await fileSha256(path), sizeBytes: upload.size, metadata: upload.metadata });
    uploads.set(id, { state: 'completed', assetId });
    const headers = new Headers(response.headers);
    headers.set('Atelier-Asset-Id', assetId);
    return new Response(response.body, { status: response.status, headers });
  };
  const v1 = async (req, res) => {
    const [, , kind, id] = req.url.split('?')[0].split('/');
    if (kind === 'uploads') {
      const upload = await store.getUpload(id).catch(() => null);
      if (!upload) return problem(res, 404, 'Not found', `no upload ${id}`);
      const known = uploads.get(id) ?? { state: 'uploading' };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ id, offset: upload.offset, length: upload.size, ...known }));
    }
    if (kind === 'assets' && assets.has(id)) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(assets.get(id)));
    }
    return problem(res, 404, 'Not found', req.url);
  };
  const idOf = (url) => url.split('?')[0].split('/').filter(Boolean).pop();
  const send = async (res, response) => {
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
  };
  const refuse = (res, status, text, extra = {}) => {
    res.writeHead(status, { 'Tus-Resumable': '1.0.0', 'Content-Type': 'text/plain', ...extra });
    res.end(`${text}\n`);
  };
  const http = createServer(async (req, res) => {
    try {
      if (atelierLike && req.method !== 'OPTIONS' && req.headers.authorization !== `Bearer ${KEY}`) {
        req.resume();
        return problem(res, 401, 'Unauthorized', 'a Bearer key is needed');
      }
      if (atelierLike && req.url.startsWith('/v1/')) return await v1(req, res);
      const version = req.headers['tus-resumable'];
      if (req.method !== 'OPTIONS' && version !== undefined && version !== '1.0.0') {
        req.resume();
        return refuse(res, 412, 'unsupported Tus-Resumable', { 'Tus-Version': '1.0.0' });
      }
      if (req.method === 'PATCH' && req.headers['content-type'] !== 'application/offset+octet-stream') {
        req.resume();
        return refuse(res, 415, 'PATCH needs Content-Type application/offset+octet-stream');
      }
      const checksum = req.method === 'PATCH' ? req.headers['upload-checksum'] : undefined;
      const webHeaders = () => new Headers(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const webUrl = `http://${req.headers.host}${req.url}`;
      if (checksum !== undefined) {
        // Read the whole body, compare, and only then hand it to the store: a mismatch stores nothing.
        const [algorithm, expected] = checksum.split(' ');
        const chunks = [];
        for await (const c of req) chunks.push(c);
        const body = Buffer.concat(chunks);
        if (!ALGORITHMS[algorithm]) return refuse(res, 400, `unsupported checksum algorithm ${algorithm}`);
        if (createHash(ALGORITHMS[algorithm]).update(body).digest('base64') !== expected) return refuse(res, 460, 'checksum mismatch');
        return send(res, await complete(idOf(req.url), await tus.handleWeb(new Request(webUrl, { method: 'PATCH', headers: webHeaders(), body }))));
      }
      if (req.method === 'OPTIONS') {
        const response = await tus.handleWeb(new Request(webUrl, { method: 'OPTIONS', headers: webHeaders() }));
        const headers = new Headers(response.headers);
        headers.set('Tus-Extension', `${headers.get('Tus-Extension')},checksum`);
        headers.set('Tus-Checksum-Algorithm', Object.keys(ALGORITHMS).join(','));
        return send(res, new Response(null, { status: response.status, headers }));
      }
      if (atelierLike && (req.method === 'PATCH' || req.method === 'POST')) {
        // Through handleWeb, so the answer can still be changed once the bytes are in.
        const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        const response = await tus.handleWeb(new Request(webUrl, { method: req.method, headers: webHeaders(), body: hasBody ? Readable.toWeb(req) : undefined, duplex: 'half' }));
        const id = req.method === 'POST' ? (response.headers.get('location') && idOf(response.headers.get('location'))) : idOf(req.url);
        return send(res, await complete(id, response));
      }
      // Everything else goes to the stock server as it is, streamed (so an aborted PATCH behaves as it does there).
      return await tus.handle(req, res);
    } catch (e) {
      if (!res.headersSent) refuse(res, 500, e.message);
      else res.destroy();
    }
  });
  return new Promise((resolve) => http.listen(port, '127.0.0.1', () => resolve(http)));
}

const nodes = [await node(0), await node(0)];
const endpoints = nodes.map((s) => `http://127.0.0.1:${s.address().port}/files/`);
const stop = () => { for (const s of nodes) s.close(); rmSync(dir, { recursive: true, force: true }); };
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stop(); process.exit(1); });
console.log(`# ${atelierLike ? 'atelier-like ' : ''}reference tus nodes at ${endpoints.join(' and ')} (files in ${dir})`);

if (own.includes('--serve')) {
  await new Promise(() => {});
} else {
  const child = spawn(process.execPath, [join(here, 'scenarios.mjs'), '--endpoint', endpoints[0], '--endpoint-b', endpoints[1],
    '--api-key', KEY, ...(atelierLike ? [] : ['--reference']), ...forwarded], { stdio: 'inherit' });
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  stop();
  process.exit(code);
}
