// y-websocket protocol scenarios played by real Yjs clients against a collab server. See README.md.
//   node scenarios.mjs --url ws://127.0.0.1:PORT/collab --scenario NAME|run-all [--document D] [--token T]
//        [--read-token T | --signing-key K --project P] [--expect-auth] [--strict] [--size-mb 10] [--idle-s 35] [--seed N] [--timeout-ms 60000]
// Prints one JSON line per scenario; exits 0 when it passed (or was skipped), 1 when it failed.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { Server, waitFor, converged, random, assert, sleep, now, describeMessage } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'url-b': { type: 'string' },
    scenario: { type: 'string', default: 'run-all' },
    document: { type: 'string' },
    token: { type: 'string' },
    'signing-key': { type: 'string' },
    project: { type: 'string' },
    'read-token': { type: 'string' },
    'expect-auth': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    'size-mb': { type: 'string', default: '10' },
    seed: { type: 'string' },
    'idle-s': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
if (!args.url) {
  console.error('usage: node scenarios.mjs --url ws://127.0.0.1:PORT/collab --scenario NAME|run-all [options]');
  process.exit(2);
}
const server = new Server({ url: args.url, token: args.token, signingKey: args['signing-key'], project: args.project });
const seed = Number(args.seed ?? Math.floor(Math.random() * 2 ** 31));
const base = args.document ?? `scn-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
const room = (name) => `${base}-${name}`;
const clients = [];
const client = (document, options = {}) => { const c = server.client(document, options); clients.push(c); return c; };

/** Random edits on a client's text, map and array. */
function edit(c, rnd, n) {
  for (let i = 0; i < n; i++) {
    const text = c.text();
    const r = rnd();
    if (r < 0.5 || text.length < 10) {
      text.insert(Math.floor(rnd() * (text.length + 1)), `${c.name}${i} `);
    } else if (r < 0.7) {
      const at = Math.floor(rnd() * (text.length - 3));
      text.delete(at, 1 + Math.floor(rnd() * 3));
    } else if (r < 0.85) {
      const map = c.doc.getMap('map');
      map.set(rnd() < 0.5 ? 'shared' : `${c.name}-${i}`, { by: c.name, i });
    } else {
      const array = c.doc.getArray('array');
      if (array.length > 4 && rnd() < 0.3) array.delete(Math.floor(rnd() * array.length), 1);
      else array.insert(Math.floor(rnd() * (array.length + 1)), [`${c.name}:${i}`]);
    }
  }
}

const T = 15000; // one step's deadline

const scenarios = {
  /** One client writes and leaves; a fresh one connects and receives all of it in its step 2. */
  async 'fresh-sync'() {
    const doc = room('fresh-sync');
    const a = client(doc, { name: 'a' });
    await a.synced(T);
    const onConnect = a.socket().stats.first.slice();
    a.text().insert(0, 'Hello from a. '.repeat(100));
    a.doc.getMap('map').set('k', 'v');
    a.doc.getArray('array').push([1, 2, 3]);
    const expected = a.json();
    const sv = a.stateVector();
    await a.disconnect();
    const b = client(doc, { name: 'b' });
    const t0 = now();
    await waitFor(() => b.syncedEvents > 0, T, "b's synced event");
    const syncMs = now() - t0;
    assert(b.json() === expected, `b's document at its synced event differs: ${b.json().slice(0, 200)}`);
    assert(b.stateVector() === sv, 'b has another state vector than a');
    return { syncMs: Math.round(syncMs), bytesIn: b.socket().stats.bytesIn, onConnectA: onConnect, onConnectB: b.socket().stats.first, textChars: b.text().length };
  },

  /** Several clients edit text, a map and an array at once; all end with the same document and state vector. */
  async concurrent() {
    const doc = room('concurrent');
    const rnd = random(seed);
    const cs = ['a', 'b', 'c', 'd'].map((name) => client(doc, { name }));
    await Promise.all(cs.map((c) => c.synced(T)));
    const rounds = 40;
    for (let round = 0; round < rounds; round++) {
      for (const c of cs) edit(c, rnd, 1 + Math.floor(rnd() * 5));
      await sleep(Math.floor(rnd() * 10));
    }
    const ms = await converged(cs, T);
    for (const c of cs) {
      const sv = Y.decodeStateVector(Y.encodeStateVector(cs[0].doc));
      assert(sv.get(c.doc.clientID) === Y.getState(c.doc.store, c.doc.clientID), `${c.name}'s edits are missing elsewhere`);
    }
    return { clients: cs.length, convergeMs: Math.round(ms), textChars: cs[0].text().length, mapKeys: cs[0].doc.getMap('map').size, arrayLength: cs[0].doc.getArray('array').length };
  },

  /** A client goes offline, both sides edit, it comes back: both sides' edits are everywhere. */
  async 'offline-merge'() {
    const doc = room('offline-merge');
    const a = client(doc, { name: 'a' });
    const b = client(doc, { name: 'b' });
    await Promise.all([a.synced(T), b.synced(T)]);
    a.text().insert(0, 'shared start. ');
    await converged([a, b], T);
    await a.disconnect();
    a.text().insert(a.text().length, 'written offline by a. ');
    a.doc.getMap('map').set('a', 1);
    b.text().insert(0, 'written by b meanwhile. ');
    b.doc.getMap('map').set('b', 2);
    await sleep(200);
    assert(!b.text().toString().includes('offline by a'), 'b saw an edit a made while disconnected');
    const t0 = now();
    a.provider.connect();
    const ms = await converged([a, b], T);
    const text = a.text().toString();
    assert(text.includes('written offline by a') && text.includes('written by b meanwhile'), `merged text lacks an edit: ${text}`);
    return { reconnectConvergeMs: Math.round(now() - t0), convergeMs: Math.round(ms), text };
  },

  /** Many edits first, then a new client: at its synced event it equals the others. */
  async 'late-joiner'() {
    const doc = room('late-joiner');
    const rnd = random(seed + 1);
    const cs = ['a', 'b', 'c'].map((name) => client(doc, { name }));
    await Promise.all(cs.map((c) => c.synced(T)));
    for (let round = 0; round < 100; round++) {
      for (const c of cs) edit(c, rnd, 5);
      if (round % 10 === 0) await sleep(1);
    }
    await converged(cs, T);
    const late = client(doc, { name: 'late' });
    const t0 = now();
    await waitFor(() => late.syncedEvents > 0, T, "the late joiner's synced event");
    const syncMs = now() - t0;
    assert(late.json() === cs[0].json(), 'the late joiner differs from the others at its synced event');
    assert(late.stateVector() === cs[0].stateVector(), "the late joiner's state vector differs at its synced event");
    return { edits: 1500, syncMs: Math.round(syncMs), bytesIn: late.socket().stats.bytesIn, textChars: late.text().length };
  },

  /** Awareness: add, update, the states a newcomer gets on connect, removal on destroy and on a dropped socket. */
  async awareness() {
    const doc = room('awareness');
    const a = client(doc, { name: 'a' });
    const b = client(doc, { name: 'b' });
    await Promise.all([a.synced(T), b.synced(T)]);
    const seen = (c, id) => c.awareness.getStates().get(id);
    const out = {};
    a.awareness.setLocalState({ user: { name: 'a', color: '#f00' } });
    out.addMs = Math.round(await waitFor(() => seen(b, a.doc.clientID)?.user?.name === 'a', T, "b to see a's state (clientID " + a.doc.clientID + ')'));
    a.awareness.setLocalStateField('cursor', { index: 5 });
    out.updateMs = Math.round(await waitFor(() => seen(b, a.doc.clientID)?.cursor?.index === 5, T, "b to see a's update"));
    // A newcomer gets a's state from the server on connect (a renews its own only every 15 s).
    const c = client(doc, { name: 'c' });
    out.newcomerMs = Math.round(await waitFor(() => seen(c, a.doc.clientID)?.cursor?.index === 5, T, "a newcomer to get a's state on connect"));
    out.newcomerFirstMessages = c.socket().stats.first;
    // Destroyed provider: it sends a null state before closing.
    a.destroy();
    out.removeOnDestroyMs = Math.round(await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), T, "b to see a's removal after a's provider was destroyed"));
    // A socket that just drops (no null state sent): the server must remove the states that socket controlled.
    const d = client(doc, { name: 'd' });
    await d.synced(T);
    d.awareness.setLocalState({ user: { name: 'd' } });
    await waitFor(() => seen(b, d.doc.clientID)?.user?.name === 'd', T, "b to see d's state");
    d.provider.shouldConnect = false;
    d.socket().terminate();
    out.removeOnSocketCloseMs = Math.round(await waitFor(() => !b.awareness.getStates().has(d.doc.clientID), T, "b to see d's removal after d's socket dropped"));
    // query-awareness (type 3): the y-protocols answer is an awareness message with every known state.
    const raw = server.raw(doc);
    await waitFor(() => raw.readyState === WebSocket.OPEN, T, 'a raw socket to open');
    const before = raw.stats.messagesIn;
    await sleep(300);
    const settled = raw.stats.messagesIn;
    raw.send(new Uint8Array([3]));
    await sleep(500);
    out.queryAwarenessAnswered = raw.stats.messagesIn > settled;
    out.messagesBeforeQuery = before;
    raw.close();
    if (args.strict) assert(out.queryAwarenessAnswered, 'the server did not answer query-awareness with an awareness message');
    return out;
  },

  /**
   * An idle client stays connected. The provider drops a socket that received nothing for 30 s; an idle client's only
   * traffic is its awareness renewal (every 15 s), so the server must send awareness back to its sender too (the
   * reference broadcasts it to every connection). Quick check: a renewal is echoed; --idle-s 35 also waits it out.
   */
  async keepalive() {
    const doc = room('keepalive');
    const a = client(doc, { name: 'a' });
    await a.synced(T);
    await sleep(300);
    const before = a.socket().stats.byType.awareness ?? 0;
    a.awareness.setLocalState(a.awareness.getLocalState()); // what the 15 s renewal does: same state, next clock
    await waitFor(() => (a.socket().stats.byType.awareness ?? 0) > before, 2000, "the server to send a's awareness renewal back to a (else an idle provider reconnects every 30 s)");
    const idle = Number(args['idle-s'] ?? 0);
    if (idle > 0) {
      await sleep(idle * 1000);
      assert(a.sockets.length === 1 && a.closes.length === 0, `a reconnected while idle: ${JSON.stringify(a.closes)}`);
    }
    return { echoed: true, idleSeconds: idle, messages: a.socket().stats.byType };
  },

  /** A client that has most of a large document reconnects: its step 2 carries only what it lacks. */
  async 'diff-sync'() {
    const doc = room('diff-sync');
    const rnd = random(seed + 3);
    const a = client(doc, { name: 'a', connect: false });
    const chunk = 'x'.repeat(1000);
    for (let i = 0; i < 2000; i++) a.text().insert(Math.floor(rnd() * (a.text().length + 1)), chunk);
    a.provider.connect();
    await a.synced(T);
    const full = Y.encodeStateAsUpdate(a.doc).length;
    const b = client(doc, { name: 'b' });
    await converged([a, b], 2 * T, 'b to receive the whole document');
    const firstBytes = b.socket().stats.bytesIn;
    await b.disconnect();
    a.text().insert(10, 'a small edit while b is away. ');
    b.text().insert(0, 'b offline. ');
    b.provider.connect();
    await waitFor(() => b.sockets.length === 2, T, 'b to reconnect');
    await converged([a, b], T, 'b to catch up after reconnecting');
    await sleep(200);
    const reconnectBytes = b.socket().stats.bytesIn;
    assert(firstBytes >= full, `b's first connection carried ${firstBytes} B, less than the ${full} B document`);
    assert(reconnectBytes < full / 20, `b's reconnect carried ${reconnectBytes} B for a ${full} B document: not a diff`);
    return { documentBytes: full, firstConnectBytesIn: firstBytes, reconnectBytesIn: reconnectBytes, reconnectMessages: b.socket().stats.first };
  },

  /**
   * A large text (10 MB by default, 1 KB pieces at random places, as many items as a long edited text) reaches a new
   * client within the provider's 30 s. The writer builds it before connecting, so it goes up as one step-2 message:
   * the server must take a message of that size. (Appending pieces live would time Yjs, not the server: with an update
   * listener, every append to a merged item copies the whole string.)
   */
  async 'large-doc'() {
    const doc = room('large-doc');
    const mb = Number(args['size-mb']);
    const rnd = random(seed + 2);
    const a = client(doc, { name: 'a', connect: false });
    const chunk = 'lorem ipsum '.repeat(90).slice(0, 1024);
    const chunks = Math.ceil((mb * 1024 * 1024) / chunk.length);
    for (let i = 0; i < chunks; i++) a.text().insert(Math.floor(rnd() * (a.text().length + 1)), chunk);
    const length = a.text().length;
    const updateBytes = Y.encodeStateAsUpdate(a.doc).length;
    const t0 = now();
    a.provider.connect();
    await a.synced(T);
    await waitFor(() => a.socket().bufferedAmount === 0, 30000, "a's document to leave its socket");
    const probe = client(doc, { name: 'probe' });
    await waitFor(() => probe.text().length === length, 30000, 'the server to hold the whole document (a first reader has it all)');
    const uploadMs = now() - t0;
    probe.destroy();
    const b = client(doc, { name: 'b' });
    const t1 = now();
    await waitFor(() => b.syncedEvents > 0, 30000, `b's synced event within the provider's 30 s timeout`);
    const syncMs = now() - t1;
    assert(b.text().length === length, `b has ${b.text().length} of ${length} chars at its synced event`);
    assert(b.sockets.length === 1, 'b had to reconnect');
    assert(b.stateVector() === a.stateVector(), "b's state vector differs from a's");
    return { textChars: length, items: chunks, updateBytes, uploadAndFirstReaderMs: Math.round(uploadMs), syncMs: Math.round(syncMs), bytesIn: b.socket().stats.bytesIn, messages: b.socket().stats.first };
  },

  /** With a read-only token: sync and awareness work; an edit gets "permission denied" and a close; nobody sees it. */
  async 'read-only'() {
    if (!args['expect-auth']) return { skipped: 'the server is not expected to check tokens (give --expect-auth, --token and --read-token)' };
    assert(args['read-token'] || args['signing-key'], '--read-token (or --signing-key) is needed');
    const doc = room('read-only');
    const w = client(doc, { name: 'writer' });
    await w.synced(T);
    w.text().insert(0, 'written by the writer');
    w.awareness.setLocalState({ user: { name: 'writer' } });
    const r = client(doc, { name: 'reader', token: args['read-token'] ?? server.tokenFor(doc, 'read') });
    r.provider.on('connection-close', () => { r.provider.shouldConnect = false; });
    await r.synced(T, 'the reader to sync');
    await waitFor(() => r.text().toString() === 'written by the writer', T, 'the reader to see the text');
    await waitFor(() => r.awareness.getStates().get(w.doc.clientID)?.user?.name === 'writer', T, "the reader to see the writer's awareness");
    r.awareness.setLocalState({ user: { name: 'reader' } });
    await waitFor(() => w.awareness.getStates().get(r.doc.clientID)?.user?.name === 'reader', T, "the writer to see the reader's awareness");
    await sleep(500);
    assert(r.denied.length === 0 && r.sockets.length === 1 && r.socket().readyState === WebSocket.OPEN, `the reader was refused before it edited: ${JSON.stringify(r.denied)}`);
    r.text().insert(0, 'FORBIDDEN ');
    await waitFor(() => r.socket().stats.close !== null, T, "the server to close the reader's socket after its edit");
    assert(r.denied.length === 1 && r.denied[0].reason.length > 0, `no permission-denied message with a reason before the close: ${JSON.stringify(r.denied)}`);
    await sleep(1000);
    assert(!w.text().toString().includes('FORBIDDEN'), "the reader's edit reached the writer");
    const close = r.socket().stats.close;
    return { denied: r.denied[0].reason, close, providerStopsReconnecting: close.code >= 4400 && close.code < 4500, readerFirstMessages: r.socket().stats.first };
  },

  /** A bad token: "permission denied" with a reason, then a close; nothing of the document is sent. */
  async 'bad-token'() {
    if (!args['expect-auth']) return { skipped: 'the server is not expected to check tokens (give --expect-auth)' };
    const doc = room('bad-token');
    const w = client(doc, { name: 'writer' });
    await w.synced(T);
    w.text().insert(0, 'secret');
    const x = client(doc, { name: 'intruder', token: `bad-${seed}` });
    x.provider.on('connection-close', () => { x.provider.shouldConnect = false; });
    await waitFor(() => x.sockets[0]?.stats.close !== null, T, "the server to close the bad token's socket");
    const first = x.sockets[0];
    assert(x.denied.length >= 1 && x.denied[0].reason.length > 0, `no permission-denied message with a reason before the close: ${JSON.stringify(first.stats)}`);
    assert(x.text().length === 0, 'the document reached a client with a bad token');
    return { denied: x.denied[0].reason, close: first.stats.close, messages: first.stats.first, providerStopsReconnecting: first.stats.close.code >= 4400 && first.stats.close.code < 4500 };
  },

  /**
   * Two collab nodes serve one document (--url-b: the second one; Atelier only): edits made through either reach
   * clients of the other, and so do awareness states and their removal.
   */
  async 'two-nodes'() {
    if (!args['url-b']) return { skipped: 'needs --url-b, a second node of the same mesh' };
    const other = new Server({ url: args['url-b'], token: args.token, signingKey: args['signing-key'], project: args.project });
    const doc = room('two-nodes');
    const a = client(doc, { name: 'a' });
    const b = other.client(doc, { name: 'b' });
    clients.push(b);
    await Promise.all([a.synced(T), b.synced(T)]);
    const rnd = random(seed + 7);
    for (let round = 0; round < 5; round++) {
      edit(a, rnd, 10);
      edit(b, rnd, 10);
      await sleep(20);
    }
    const convergeMs = Math.round(await converged([a, b], T, 'clients of two nodes to converge'));
    const seen = (c, id) => c.awareness.getStates().get(id);
    a.awareness.setLocalState({ user: { name: 'a' } });
    b.awareness.setLocalState({ user: { name: 'b' } });
    const awarenessMs = Math.round(await waitFor(() => seen(b, a.doc.clientID)?.user?.name === 'a'
      && seen(a, b.doc.clientID)?.user?.name === 'b', T, "each node's client to see the other's awareness"));
    b.destroy();
    const removalMs = Math.round(await waitFor(() => !a.awareness.getStates().has(b.doc.clientID), T,
      "a to see b's removal, made on the other node"));
    return { convergeMs, awarenessMs, removalMs, textChars: a.text().length };
  },

  /** Malformed frames on raw sockets: the server survives, other clients go on syncing (--strict: it closes them). */
  async malformed() {
    const doc = room('malformed');
    const p = client(doc, { name: 'p' });
    const q = client(doc, { name: 'q' });
    await Promise.all([p.synced(T), q.synced(T)]);
    const real = new Y.Doc();
    real.getText('text').insert(0, 'a real update cut short '.repeat(20));
    const update = Y.encodeStateAsUpdate(real);
    const frame = (...parts) => { const e = encoding.createEncoder(); for (const part of parts) part(e); return encoding.toUint8Array(e); };
    const u = (n) => (e) => encoding.writeVarUint(e, n);
    const bytes = (b) => (e) => encoding.writeUint8Array(e, b);
    const cases = {
      'bad-varint': new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      'truncated-frame': frame(u(0), u(2), u(100), bytes(update.slice(0, 10))),
      'truncated-update': frame(u(0), u(2), (e) => encoding.writeVarUint8Array(e, update.slice(0, update.length >> 1))),
      'undecodable-update': frame(u(0), u(2), (e) => encoding.writeVarUint8Array(e, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]))),
      'unknown-message-type': frame(u(99), u(0)),
      'unknown-sync-type': frame(u(0), u(7), u(0)),
      'empty-frame': new Uint8Array(0),
      'text-frame': 'not a binary frame',
    };
    const observed = {};
    let n = 0;
    for (const [name, data] of Object.entries(cases)) {
      const raw = server.raw(doc);
      await waitFor(() => raw.readyState === WebSocket.OPEN, T, `a raw socket to open (${name})`);
      await waitFor(() => raw.stats.messagesIn > 0, T, `the server's first message (${name})`);
      const t0 = now();
      raw.send(data);
      await waitFor(() => raw.stats.close !== null, 1500, '').catch(() => {});
      const close = raw.stats.close;
      observed[name] = close ? { closed: true, code: close.code, reason: close.reason, ms: Math.round(now() - t0) } : { closed: false };
      if (!close) raw.terminate();
      // The others stay connected and go on syncing.
      p.text().insert(0, `after ${name}. `);
      n++;
      await converged([p, q], T, `p and q to go on syncing after ${name}`);
    }
    assert(p.sockets.length === 1 && q.sockets.length === 1 && p.closes.length + q.closes.length === 0, `a well-behaved client was disconnected: ${JSON.stringify([p.closes, q.closes])}`);
    const late = client(doc, { name: 'late' });
    await late.synced(T, 'a new client to sync after the malformed frames');
    await converged([p, q, late], T, 'a new client to converge after the malformed frames');
    if (args.strict) {
      const bad = Object.entries(observed).filter(([, o]) => !o.closed || !(o.code >= 1002) || o.code === 1005 || o.code === 1006 || !o.reason);
      assert(bad.length === 0, `--strict: these were not closed with a close code and reason: ${JSON.stringify(Object.fromEntries(bad))}`);
    }
    return { cases: observed, editsAfter: n };
  },
};

async function runOne(name) {
  const scenario = scenarios[name];
  if (!scenario) {
    console.log(JSON.stringify({ scenario: name, ok: false, error: `unknown scenario; known: ${Object.keys(scenarios).join(', ')}, run-all` }));
    return 1;
  }
  const t0 = now();
  const deadline = Number(args['timeout-ms']);
  let timer;
  try {
    const observed = await Promise.race([
      scenario(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`scenario deadline of ${deadline} ms passed`)), deadline); }),
    ]);
    const skipped = observed?.skipped;
    console.log(JSON.stringify({ scenario: name, ok: true, ...(skipped ? {} : { ms: Math.round(now() - t0), seed }), ...observed }));
    return 0;
  } catch (e) {
    console.log(JSON.stringify({ scenario: name, ok: false, ms: Math.round(now() - t0), seed, error: e.message }));
    return 1;
  } finally {
    clearTimeout(timer);
    for (const c of clients) c.destroy();
  }
}

/** Every scenario in its own process, one after another; a summary at the end. */
async function runAll() {
  const self = fileURLToPath(import.meta.url);
  const forwarded = process.argv.slice(2).filter((a, i, all) => a !== '--scenario' && all[i - 1] !== '--scenario');
  const results = [];
  for (const name of Object.keys(scenarios)) {
    const line = await new Promise((resolve) => {
      const child = spawn(process.execPath, [self, ...forwarded, '--scenario', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      const kill = setTimeout(() => child.kill('SIGKILL'), Number(args['timeout-ms']) + 10000);
      child.on('exit', (code) => {
        clearTimeout(kill);
        const json = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
        let parsed;
        try { parsed = JSON.parse(json); } catch { parsed = { scenario: name, ok: false, error: `no result (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}` }; }
        if (code !== 0) parsed.ok = false;
        parsed.stderrLines = err.trim() ? err.trim().split('\n').length : 0;
        resolve(parsed);
      });
    });
    console.log(JSON.stringify(line));
    results.push(line);
  }
  const skipped = results.filter((r) => r.ok && r.skipped);
  const passed = results.filter((r) => r.ok && !r.skipped);
  const failed = results.filter((r) => !r.ok);
  for (const r of results) console.log(`${r.ok ? (r.skipped ? 'SKIP' : 'PASS') : 'FAIL'}  ${r.scenario}${r.error ? `: ${r.error}` : r.skipped ? `: ${r.skipped}` : ''}`);
  console.log(`${passed.length} passed, ${failed.length} failed, ${skipped.length} skipped`);
  return failed.length === 0 ? 0 : 1;
}

const code = args.scenario === 'run-all' ? await runAll() : await runOne(args.scenario);
process.exit(code);
