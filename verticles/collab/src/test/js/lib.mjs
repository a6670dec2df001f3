// Helpers shared by the scenarios: real Yjs clients (y-websocket's WebsocketProvider over `ws`) that count what
// their sockets carry, raw sockets for frames no provider would send, and waits that fail with a message instead of
// hanging.
import { createHmac } from 'node:crypto';
import * as Y from 'yjs';
import { WebsocketProvider, messageAuth } from 'y-websocket';
import * as authProtocol from 'y-protocols/auth';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Names the first bytes of a y-websocket message: "sync/step1", "awareness", "auth/denied", ... */
export function describeMessage(data) {
  if (typeof data === 'string') return `text(${data.length})`;
  const bytes = new Uint8Array(data);
  try {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === 0) return ['sync/step1', 'sync/step2', 'sync/update'][decoding.readVarUint(d)] ?? 'sync/?';
    if (type === 1) return 'awareness';
    if (type === 2) return decoding.readVarUint(d) === 0 ? `auth/denied:${decoding.readVarString(d)}` : 'auth/?';
    if (type === 3) return 'query-awareness';
    return `type ${type}`;
  } catch {
    return `undecodable(${bytes.length})`;
  }
}

/**
 * A `ws` WebSocket that counts the bytes and messages of one connection and keeps its close code and reason, and the
 * names of the first messages it received.
 */
export class CountingWebSocket extends WebSocket {
  constructor(url, protocols, options) {
    super(url, protocols, options);
    this.stats = { openedAt: now(), openMs: null, bytesIn: 0, messagesIn: 0, bytesOut: 0, messagesOut: 0, first: [], byType: {}, close: null };
    this.addEventListener('open', () => { this.stats.openMs = now() - this.stats.openedAt; });
    this.addEventListener('message', (event) => {
      const size = typeof event.data === 'string' ? Buffer.byteLength(event.data) : event.data.byteLength;
      this.stats.bytesIn += size;
      this.stats.messagesIn++;
      const kind = describeMessage(event.data);
      this.stats.byType[kind] = (this.stats.byType[kind] ?? 0) + 1;
      if (this.stats.first.length < 6) this.stats.first.push(`${kind} ${size}B`);
    });
    this.addEventListener('close', (event) => {
      this.stats.close = { code: event.code, reason: event.reason, afterMs: Math.round(now() - this.stats.openedAt) };
    });
    this.addEventListener('error', () => {});
  }

  send(data, ...rest) {
    this.stats.bytesOut += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.stats.messagesOut++;
    return super.send(data, ...rest);
  }
}

/** Everything a scenario needs to know about how to reach the server. */
export class Server {
  /**
   * `token`: one token for every document (servers that check none, or a test of one document). `signingKey` and
   * `project`: mint a token per document and access instead, as Atelier's edge issues them (a JWT, HS256, audience
   * `atelier:collab`), so scenarios can open as many documents as they like.
   */
  constructor({ url, token, signingKey, project }) {
    this.url = url.replace(/\/+$/, '');
    this.token = token;
    this.signingKey = signingKey;
    this.project = project;
  }

  /** The token for `document` with `access` ('write' or 'read'). */
  tokenFor(document, access = 'write') {
    if (!this.signingKey) return access === 'write' ? this.token : undefined;
    const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: document, prj: this.project, acc: access,
      exp: Math.floor(Date.now() / 1000) + 3600, aud: ['atelier:collab'] })}`;
    return `${body}.${createHmac('sha256', this.signingKey).update(body).digest('base64url')}`;
  }

  /**
   * A real client: a Y.Doc with a WebsocketProvider on `document`. The BroadcastChannel path is off (Node 20 has a
   * global BroadcastChannel: left on, clients of one process would sync without the server).
   */
  client(document, { access = 'write', token = this.tokenFor(document, access), connect = true, name = 'client' } = {}) {
    const doc = new Y.Doc();
    // Doc.toJSON() shows only the types this doc has asked for: ask for all three, so documents compare.
    doc.getText('text');
    doc.getMap('map');
    doc.getArray('array');
    const sockets = [];
    const c = { name, doc, sockets, denied: [], closes: [], syncedEvents: 0 };
    class ClientSocket extends CountingWebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        sockets.push(this);
      }
    }
    const provider = new WebsocketProvider(this.url, document, doc, {
      connect,
      disableBc: true,
      WebSocketPolyfill: ClientSocket,
      params: token ? { token } : {},
    });
    provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
      authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => c.denied.push({ reason, atMs: Math.round(now()) }));
    };
    provider.on('synced', (state) => { if (state) c.syncedEvents++; });
    provider.on('connection-close', (event) => { if (event) c.closes.push({ code: event.code, reason: event.reason }); });
    c.provider = provider;
    c.awareness = provider.awareness;
    c.socket = () => sockets[sockets.length - 1];
    c.text = () => doc.getText('text');
    c.stateVector = () => Buffer.from(Y.encodeStateVector(doc)).toString('base64');
    c.json = () => canonicalJson(doc.toJSON());
    /** Stops the provider and waits until the server has closed the socket (so it has read all that was sent). */
    c.disconnect = async (ms = 5000) => {
      const socket = provider.ws;
      provider.disconnect();
      if (socket && socket.readyState !== WebSocket.CLOSED) {
        await waitFor(() => socket.readyState === WebSocket.CLOSED, ms, `${name}'s socket to close`);
      }
    };
    c.destroy = () => { provider.destroy(); doc.destroy(); };
    /** Waits for the provider's synced state; a timeout says what the sockets went through, to tell a refusal from a hang. */
    c.synced = (ms, what = `${name} to sync`) => waitFor(() => provider.synced, ms, what).catch((e) => {
      const socket = sockets[sockets.length - 1];
      throw new Error(`${e.message} (${sockets.length} sockets, last in readyState ${socket?.readyState}, received `
        + `${JSON.stringify(socket?.stats?.byType ?? {})}; closes ${JSON.stringify(c.closes)}; denied ${JSON.stringify(c.denied)})`);
    });
    return c;
  }

  /** A raw socket on `document`, for frames a provider would never send. */
  raw(document, { token = this.tokenFor(document) } = {}) {
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    const ws = new CountingWebSocket(`${this.url}/${document}${q}`);
    ws.binaryType = 'arraybuffer';
    return ws;
  }
}

/** JSON with object keys sorted: a Y.Map lists its keys in the order this replica learnt them, not the same everywhere. */
export function canonicalJson(value) {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

/** Resolves when `predicate()` is true (checked every 5 ms), rejects with `what` after `ms`. */
export function waitFor(predicate, ms, what) {
  return new Promise((resolve, reject) => {
    const started = now();
    const check = () => {
      let value;
      try { value = predicate(); } catch (e) { clearInterval(timer); reject(e); return; }
      if (value) { clearInterval(timer); resolve(now() - started); return; }
      if (now() - started > ms) { clearInterval(timer); reject(new Error(`timed out after ${ms} ms waiting for ${what}`)); }
    };
    const timer = setInterval(check, 5);
    check();
  });
}

/** Waits until every client has the same JSON and the same state vector; returns the milliseconds it took. */
export async function converged(clients, ms, what = 'clients to converge') {
  try {
    return await waitFor(() => {
      const json = clients[0].json();
      const sv = clients[0].stateVector();
      return clients.every((c) => c.json() === json && c.stateVector() === sv);
    }, ms, what);
  } catch (e) {
    const lengths = clients.map((c) => `${c.name}: text ${c.text().length} chars, sv ${c.stateVector()}`);
    throw new Error(`${e.message} (${lengths.join('; ')})`);
  }
}

/** A small seeded random generator, so a failing run can be played again with --seed. */
export function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
