// Starts the reference y-websocket server (y-websocket 1.5.4's bin/server.js, installed as `y-websocket-server`) on a
// free loopback port, runs the scenarios against it, and stops it.
//   node reference-server.mjs [--checked] [-- scenario options...]
// --checked runs the same reference code (its bin/utils.js setupWSConnection) behind a thin gate that behaves as
// Atelier must where the reference has nothing: tokens ("writer-token" may edit, "reader-token" may only read, any
// other is refused with the y-protocols auth message and a close), malformed frames closed with a code and a reason,
// query-awareness answered. It exists to check that the --expect-auth and --strict assertions can pass and do bite;
// it is not a product.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const serverJs = join(here, 'node_modules/y-websocket-server/bin/server.js');
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const own = split < 0 ? argv : argv.slice(0, split);
const forwarded = split < 0 ? [] : argv.slice(split + 1);

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

if (own[0] === '--serve-checked') {
  serveChecked(Number(own[1]));
} else {
  const port = await freePort();
  const checked = own.includes('--checked');
  const child = checked
    ? spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-checked', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [serverJs], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('running at')) resolve(); });
    child.on('exit', (code) => reject(new Error(`the reference server exited (${code}): ${log}`)));
  });
  console.log(`# ${checked ? 'checked ' : ''}reference server pid ${child.pid} on ws://127.0.0.1:${port}`);
  const extra = checked ? ['--expect-auth', '--strict', '--token', 'writer-token', '--read-token', 'reader-token'] : [];
  const run = spawn(process.execPath, [join(here, 'scenarios.mjs'), '--url', `ws://127.0.0.1:${port}/collab`, ...extra, ...forwarded], { stdio: 'inherit' });
  const code = await new Promise((resolve) => run.on('exit', resolve));
  child.kill('SIGTERM');
  const errors = log.split('\n').filter((l) => l && !l.startsWith('    at ')).length;
  console.log(`# the reference server wrote ${errors} error lines to stderr (stack frames not counted)`);
  process.exit(code ?? 1);
}

function serveChecked(port) {
  const require = createRequire(serverJs);
  const WebSocket = require('ws');
  const http = require('http');
  const { setupWSConnection, getYDoc } = require('./utils.js');
  const Y = require('yjs');
  const encoding = require('lib0/dist/encoding.cjs');
  const decoding = require('lib0/dist/decoding.cjs');
  const awarenessProtocol = require('y-protocols/dist/awareness.cjs');
  const wss = new WebSocket.Server({ noServer: true });

  const refuse = (conn, reason, code) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, reason);
    conn.send(encoding.toUint8Array(e), () => conn.close(code, reason));
  };
  /** Returns null when the message is well formed, or why it is not. */
  const malformed = (m) => {
    if (typeof m === 'string') return [1003, 'text frames are not part of the protocol'];
    const d = decoding.createDecoder(new Uint8Array(m));
    try {
      const type = decoding.readVarUint(d);
      if (type === 0) {
        const sub = decoding.readVarUint(d);
        if (sub > 2) return [1007, `unknown sync message type ${sub}`];
        const payload = decoding.readVarUint8Array(d);
        if (sub > 0) Y.decodeUpdate(payload);
      } else if (type === 1) decoding.readVarUint8Array(d);
      else if (type !== 3) return [1003, `unknown message type ${type}`];
      if (decoding.hasContent(d)) return [1007, 'trailing bytes'];
      return null;
    } catch (e) {
      return [1007, `undecodable message: ${e.message}`];
    }
  };
  const server = http.createServer((_req, res) => { res.writeHead(200); res.end('okay'); });
  wss.on('connection', (conn, req) => {
    const url = new URL(req.url, 'http://x');
    const token = url.searchParams.get('token');
    if (token !== 'writer-token' && token !== 'reader-token') { refuse(conn, 'invalid token', 4401); return; }
    const docName = url.pathname.slice(1);
    const on = conn.on.bind(conn);
    conn.on = (event, fn) => on(event, event !== 'message' ? fn : (m) => {
      if (conn.readyState !== WebSocket.OPEN) return;
      const bad = malformed(m);
      if (bad) { conn.close(bad[0], bad[1]); return; }
      const bytes = new Uint8Array(m);
      if (bytes[0] === 3) {
        const awareness = getYDoc(docName).awareness;
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, Array.from(awareness.getStates().keys())));
        conn.send(encoding.toUint8Array(e));
        return;
      }
      // A reader may send step 1, awareness, and a step 2 or update that carries nothing (two zero bytes).
      if (token === 'reader-token' && bytes[0] === 0 && bytes[1] > 0) {
        const d = decoding.createDecoder(bytes);
        decoding.readVarUint(d); decoding.readVarUint(d);
        const update = decoding.readVarUint8Array(d);
        const { structs, ds } = Y.decodeUpdate(update);
        if (structs.length > 0 || ds.clients.size > 0) { refuse(conn, 'read-only access: edits are not allowed', 4403); return; }
      }
      fn(m);
    });
    setupWSConnection(conn, req, { docName });
  });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  server.listen(port, '127.0.0.1', () => console.log(`running at '127.0.0.1' on port ${port}`));
}
