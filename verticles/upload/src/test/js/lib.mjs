// Helpers shared by the scenarios: the server under test (raw tus requests with the key and Tus-Resumable), real
// tus-js-client uploads that log what they sent and got, media made by ffmpeg at run time, and the checks that an
// upload arrived whole.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Upload, DefaultHttpStack } from 'tus-js-client';

export const now = () => performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const MiB = 1024 * 1024;

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** A small seeded random generator (xorshift32), so a failing run can be played again with --seed. */
export function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export const sha256 = (buffer) => createHash('sha256').update(buffer).digest('hex');
export const digest = (algorithm, buffer) => createHash(algorithm).update(buffer).digest('base64');

/** Bytes, milliseconds and MB/s (10^6 bytes per second) of one transfer, for the JSON line. */
export function rate(bytes, ms) {
  return { bytes, ms: Math.round(ms), MBps: ms > 0 ? Math.round((bytes / 1e6 / (ms / 1000)) * 100) / 100 : null };
}

/** The upload's id: the last path segment of its URL (what /v1/uploads/{id} takes). */
export const uploadIdOf = (url) => new URL(url).pathname.split('/').filter(Boolean).pop();

/** The same upload URL on another node: `url`'s path and query on `endpoint`'s origin. */
export function rebase(url, endpoint) {
  const u = new URL(url);
  return new URL(u.pathname + u.search, new URL(endpoint).origin).toString();
}

/** Everything a scenario needs to know about how to reach the server. */
export class Target {
  /** `reference`: the server is the stock tus reference, so Atelier's own additions are not checked. */
  constructor({ endpoint, apiKey, reference = false }) {
    this.endpoint = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
    this.origin = new URL(this.endpoint).origin;
    this.apiKey = apiKey;
    this.reference = reference;
  }

  /** The headers every tus-js-client request gets (its `headers` option). */
  get headers() {
    return this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {};
  }

  /**
   * A raw tus request: Authorization and `Tus-Resumable: 1.0.0` unless `headers` sets them (null leaves one out).
   * Returns the fetch Response with its body read into `.text`.
   */
  async tus(method, url, { headers = {}, body, timeoutMs = 15000 } = {}) {
    const all = { 'Tus-Resumable': '1.0.0', ...this.headers, ...headers };
    for (const [k, v] of Object.entries(all)) if (v === null || v === undefined) delete all[k];
    const res = await fetch(url, { method, headers: all, body, signal: AbortSignal.timeout(timeoutMs) });
    res.text = await res.text();
    return res;
  }

  /** GET of an Atelier JSON resource under the endpoint's origin (/v1/...). */
  async json(path, { timeoutMs = 15000 } = {}) {
    const res = await fetch(new URL(path, this.origin), { headers: this.headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body;
    try { body = JSON.parse(text); } catch { body = undefined; }
    return { status: res.status, body, text, contentType: res.headers.get('content-type') };
  }

  /** HEAD on an upload URL: status and the offset/length it reports (null when absent). */
  async head(url) {
    const res = await this.tus('HEAD', url);
    const num = (name) => (res.headers.get(name) === null ? null : Number(res.headers.get(name)));
    return { status: res.status, offset: num('upload-offset'), length: num('upload-length'), headers: res.headers };
  }

  /** HEADs until the offset has not moved for two reads 250 ms apart: what the server kept after an abort. */
  async settledOffset(url, ms = 10000) {
    const started = now();
    let last = await this.head(url);
    for (;;) {
      await sleep(250);
      const next = await this.head(url);
      if (next.status === last.status && next.offset === last.offset) return next;
      if (now() - started > ms) throw new Error(`the offset of ${url} kept moving for ${ms} ms after the abort`);
      last = next;
    }
  }
}

/**
 * tus-js-client's own Node HTTP stack, recording the headers it sets on each request (the stack keeps them private),
 * so a scenario can report what the client really sends.
 */
class RecordingHttpStack extends DefaultHttpStack {
  createRequest(method, url) {
    const req = super.createRequest(method, url);
    const sent = {};
    const set = req.setHeader.bind(req);
    req.setHeader = (name, value) => { sent[name] = value; set(name, value); };
    req.sentHeaders = sent;
    return req;
  }
}

/**
 * One tus-js-client upload of `input` (a Buffer, an fs.ReadStream of a file or any Readable), to the end or until
 * `abortAtBytes` have been reported by onProgress. Never rejects: resolves with
 * `{ outcome: 'success'|'aborted'|'error', url, ms, requests, exchanges, firstHeaders, lastResponse?, error?, abortedAt? }`
 * where `requests` lists "METHOD status" for each exchange, `exchanges` the same with the Upload-Offset and
 * Upload-Length each request carried, and `firstHeaders` the headers sent on the first request of each method.
 */
export function tusUpload(target, input, options = {}) {
  const { abortAtBytes, uploadUrl, endpoint = target.endpoint, ...rest } = options;
  return new Promise((resolve) => {
    const requests = [];
    const exchanges = [];
    const firstHeaders = {};
    const progress = { events: 0, last: 0 };
    const t0 = now();
    let settled = false;
    const finish = (outcome, extra) => {
      if (settled) return;
      settled = true;
      resolve({ outcome, url: upload.url, ms: now() - t0, requests, exchanges, firstHeaders, progress, ...extra });
    };
    const upload = new Upload(input, {
      endpoint,
      uploadUrl,
      headers: target.headers,
      httpStack: new RecordingHttpStack(),
      // Short retries: a refusal that should be final (4xx other than 409/423) is not retried anyway, and a server
      // error should fail the scenario within its deadline rather than be hidden by minutes of retries.
      retryDelays: [0, 500, 1500],
      ...rest,
      onBeforeRequest(req) {
        firstHeaders[req.getMethod()] ??= req.sentHeaders;
      },
      onAfterResponse(req, res) {
        requests.push(`${req.getMethod()} ${res.getStatus()}`);
        exchanges.push({ method: req.getMethod(), status: res.getStatus(), uploadOffset: req.sentHeaders['Upload-Offset'], uploadLength: req.sentHeaders['Upload-Length'] });
      },
      onProgress(sent, total) {
        progress.events++;
        progress.last = sent;
        progress.total = total;
        if (abortAtBytes !== undefined && sent >= abortAtBytes && !settled) {
          // abort() called from a callback: the PATCH being prepared may still go out (tus-js-client only checks the
          // flag before the next one), so callers read the offset with settledOffset() before resuming.
          upload.abort().then(() => finish('aborted', { abortedAt: sent }));
        }
      },
      onSuccess({ lastResponse }) { finish('success', { lastResponse }); },
      onError(error) { finish('error', { error }); },
    });
    upload.start();
  });
}

/** The message of a failed tusUpload result, with the requests it made: for assertions. */
export function describe(result) {
  const status = result.error?.originalResponse?.getStatus?.();
  return `${result.outcome}${status ? ` (status ${status})` : ''}: ${result.error?.message ?? ''} [${result.requests.join(', ')}]`;
}

/**
 * Makes a decodable media file of about `bytes` bytes under `dir` with ffmpeg (one thread). The audio is seeded pink
 * noise, so each run and each `seed` gives other content (and another sha256) while staying real media.
 *   wav:  16-bit stereo PCM at 48 kHz (192,000 B/s + 44 B of header), so the size is as asked
 *   flac: the same noise, losslessly compressed (noise barely compresses)
 *   mp4:  H.264 (a grainy test pattern, 320x240) + AAC, the length picked from the bitrate
 *   ogg:  Opus
 * Returns `{ path, bytes, sha256, kind }`.
 */
export async function makeMedia(dir, name, { kind = 'wav', bytes = 12 * MiB, seed = 1 } = {}) {
  const path = join(dir, `${name}.${kind}`);
  const noise = (seconds) => ['-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:c=pink:r=48000:a=0.3:seed=${seed >>> 0}`];
  let args;
  if (kind === 'wav') {
    args = [...noise(Math.max(1, Math.ceil(bytes / 192000))), '-ac', '2', '-c:a', 'pcm_s16le'];
  } else if (kind === 'flac') {
    args = [...noise(Math.max(1, Math.ceil(bytes / 150000))), '-ac', '2', '-c:a', 'flac'];
  } else if (kind === 'ogg') {
    args = [...noise(Math.max(1, Math.ceil(bytes / 16000))), '-c:a', 'libopus', '-b:a', '128k'];
  } else if (kind === 'mp4') {
    // The test pattern alone compresses to almost nothing; grain on it keeps x264 near its 8 Mbit/s (~1.15 MB/s in all).
    const seconds = Math.max(1, Math.ceil(bytes / 1.15e6));
    args = [...noise(seconds), '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:d=${seconds}`, '-vf', 'noise=alls=60:allf=t',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-shortest'];
  } else {
    throw new Error(`unknown media kind ${kind}`);
  }
  await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...args, '-threads', '1', path]);
  const size = (await stat(path)).size;
  return { path, kind, bytes: size, sha256: await sha256File(path) };
}

export function sha256File(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => reject(new Error(`${command} could not start: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${err.trim().slice(-500)}`))));
  });
}

/** Polls `probe()` until it returns something truthy, every 200 ms; rejects with `what` after `ms`. */
export async function poll(probe, ms, what) {
  const started = now();
  let last;
  for (;;) {
    last = await probe();
    if (last?.done) return last.value;
    if (now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}${last?.why ? ` (${last.why})` : ''}`);
    await sleep(200);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks that the upload at `url` holds exactly the source (`sha256`, `bytes`), and returns what it saw.
 * Both servers: a HEAD reports offset = length = size (a completed upload stays resumable-as-complete; tus-js-client
 * relies on it). Atelier: the response that completed the upload carries `Atelier-Asset-Id`, /v1/uploads/{id} agrees,
 * and /v1/assets/{assetId} has the source's sha256 and size. Reference: GET on the upload URL (the tus-node-server
 * FileStore serves the bytes) hashes to the source's sha256.
 */
export async function verifyStored(target, { url, lastResponse, sha256: expected, bytes }) {
  const head = await target.head(url);
  assert(head.status === 200 || head.status === 204, `HEAD ${url} after completion answered ${head.status}`);
  assert(head.offset === bytes && head.length === bytes, `HEAD after completion: offset ${head.offset}, length ${head.length}, expected both ${bytes}`);
  if (target.reference) {
    const res = await fetch(url, { headers: target.headers, signal: AbortSignal.timeout(30000) });
    const body = Buffer.from(await res.arrayBuffer());
    assert(res.status === 200, `GET ${url} on the reference answered ${res.status}`);
    assert(body.length === bytes && sha256(body) === expected, `the reference holds ${body.length} B with sha256 ${sha256(body)}, expected ${bytes} B ${expected}`);
    return { verifiedBy: 'GET upload URL (reference)' };
  }
  const assetId = lastResponse?.getHeader('Atelier-Asset-Id');
  assert(assetId && UUID.test(assetId), `the response completing the upload (status ${lastResponse?.getStatus()}) has Atelier-Asset-Id ${JSON.stringify(assetId)}, expected a UUID`);
  const id = uploadIdOf(url);
  const up = await target.json(`/v1/uploads/${id}`);
  assert(up.status === 200 && up.body, `GET /v1/uploads/${id} answered ${up.status}: ${up.text.slice(0, 300)}`);
  assert(up.body.offset === bytes && up.body.length === bytes, `/v1/uploads/${id} reports offset ${up.body.offset}, length ${up.body.length}, expected ${bytes}`);
  assert(up.body.assetId === undefined || up.body.assetId === assetId, `/v1/uploads/${id} names asset ${up.body.assetId}, the header ${assetId}`);
  const t0 = now();
  // The asset is named as the upload completes; give its record a moment in case it is written just after.
  const asset = await poll(async () => {
    const a = await target.json(`/v1/assets/${assetId}`);
    return { done: a.status === 200 && a.body?.sha256, value: a, why: `last ${a.status} ${a.text.slice(0, 200)}` };
  }, 15000, `GET /v1/assets/${assetId} with a sha256`);
  assert(asset.body.sha256.toLowerCase() === expected, `asset ${assetId} has sha256 ${asset.body.sha256}, the source ${expected}`);
  assert(asset.body.sizeBytes === bytes, `asset ${assetId} has sizeBytes ${asset.body.sizeBytes}, the source ${bytes}`);
  return { assetId, uploadState: up.body.state, assetVisibleMs: Math.round(now() - t0) };
}
