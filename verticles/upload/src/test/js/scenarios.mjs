// tus 1.0.0 scenarios played by the real tus-js-client (and raw fetch where a client would never send the request)
// against an upload server. See README.md.
//   node scenarios.mjs --endpoint http://127.0.0.1:PORT/files/ --api-key KEY --scenario NAME|run-all
//        [--endpoint-b http://127.0.0.1:PORT2/files/] [--expiry-wait-ms 10000] [--reference] [--size-mb 12]
//        [--pipeline LIST] [--seed N] [--timeout-ms 60000]
// Prints one JSON line per scenario; exits 0 when it passed (or was skipped), 1 when it failed.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createReadStream, rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Upload } from 'tus-js-client';
import {
  Target, tusUpload, describe, verifyStored, makeMedia, rate, rebase, uploadIdOf, poll, random, digest,
  assert, now, sleep, MiB,
} from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    'endpoint-b': { type: 'string' },
    'expiry-wait-ms': { type: 'string', default: '10000' },
    'api-key': { type: 'string' },
    scenario: { type: 'string', default: 'run-all' },
    reference: { type: 'boolean', default: false },
    'size-mb': { type: 'string', default: '12' },
    pipeline: { type: 'string' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
if (!args.endpoint) {
  console.error('usage: node scenarios.mjs --endpoint http://127.0.0.1:PORT/files/ --api-key KEY --scenario NAME|run-all '
    + '[--endpoint-b URL] [--expiry-wait-ms 10000] [--reference] [--size-mb 12] [--pipeline LIST] [--seed N] [--timeout-ms 60000]');
  process.exit(2);
}
const t = new Target({ endpoint: args.endpoint, apiKey: args['api-key'], reference: args.reference });
const seed = Number(args.seed ?? Math.floor(Math.random() * 2 ** 31));
const size = Math.round(Number(args['size-mb']) * MiB);
let tmp; // this process's scratch folder for media, made by runOne and removed at the end

/** Upload-Metadata for a file; `pipeline` only when --pipeline is given (it may start heavy work on the server). */
const meta = (filename, filetype, extra = {}) => ({ filename, filetype, ...(args.pipeline ? { pipeline: args.pipeline } : {}), ...extra });
const TYPES = { wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', mp4: 'video/mp4' };
const encodeMetadata = (m) => Object.entries(m).map(([k, v]) => `${k} ${Buffer.from(String(v)).toString('base64')}`).join(',');
/** The tus-js-client response interface over a fetch Response, for verifyStored. */
const asTusResponse = (res) => ({ getStatus: () => res.status, getHeader: (name) => res.headers.get(name) ?? undefined });
const patches = (r) => r.requests.filter((x) => x.startsWith('PATCH')).length;

/** A media file and its bytes in memory. */
async function media(name, kind, bytes, salt) {
  const m = await makeMedia(tmp, name, { kind, bytes, seed: seed + salt });
  return { ...m, buffer: await readFile(m.path) };
}

/** A Readable (not an fs.ReadStream, so tus-js-client cannot learn its size) giving `buffer` in uneven pieces. */
function unevenStream(buffer, rnd) {
  function* pieces() {
    for (let at = 0; at < buffer.length;) {
      const n = 1 + Math.floor(rnd() * 300 * 1024);
      yield buffer.subarray(at, at + n);
      at += n;
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

const scenarios = {
  /**
   * A WAV of --size-mb (12 MiB) in 4 MiB PATCHes from a Buffer, then another whole in one PATCH from an fs.ReadStream;
   * both end with the asset named by the completing response and holding the source's sha256 and size.
   */
  async upload() {
    const chunkSize = 4 * MiB;
    const a = await media('chunked', 'wav', size, 1);
    const chunked = await tusUpload(t, a.buffer, { chunkSize, metadata: meta('chunked.wav', TYPES.wav) });
    assert(chunked.outcome === 'success', `chunked upload: ${describe(chunked)}`);
    assert(patches(chunked) === Math.ceil(a.bytes / chunkSize), `chunked upload took ${patches(chunked)} PATCHes for ${a.bytes} B in ${chunkSize} B chunks: [${chunked.requests}]`);
    const chunkedStored = await verifyStored(t, { url: chunked.url, lastResponse: chunked.lastResponse, ...a });

    const b = await media('single', 'wav', size, 2);
    const single = await tusUpload(t, createReadStream(b.path), { metadata: meta('single.wav', TYPES.wav) });
    assert(single.outcome === 'success', `single-request upload from a file stream: ${describe(single)}`);
    assert(patches(single) === 1, `the upload without chunkSize took ${patches(single)} PATCHes: [${single.requests}]`);
    const singleStored = await verifyStored(t, { url: single.url, lastResponse: single.lastResponse, ...b });
    return {
      chunked: { ...rate(a.bytes, chunked.ms), chunkSize, requests: chunked.requests, ...chunkedStored },
      single: { ...rate(b.bytes, single.ms), requests: single.requests, ...singleStored },
      // What tus-js-client 4.3 puts on its requests (besides what Node's http adds: Host, Content-Length, Connection).
      clientHeaders: Object.fromEntries(Object.entries(chunked.firstHeaders).map(([m, h]) => [m, Object.keys(h)])),
    };
  },

  /** Abort past 30 % (2 MiB chunks), read the offset the server kept, resume with the same URL in a new Upload. */
  async 'pause-resume'() {
    const chunkSize = 2 * MiB;
    const m = await media('pause', 'wav', size, 3);
    const first = await tusUpload(t, m.buffer, { chunkSize, abortAtBytes: 0.3 * m.bytes, metadata: meta('pause.wav', TYPES.wav) });
    assert(first.outcome === 'aborted' && first.url, `the first part did not end in an abort with a URL: ${describe(first)}`);
    const kept = await t.settledOffset(first.url);
    assert(kept.status === 200 || kept.status === 204, `HEAD after the abort answered ${kept.status}`);
    assert(kept.offset > 0 && kept.offset < m.bytes, `after the abort at ${first.abortedAt} B the server reports offset ${kept.offset} of ${m.bytes}`);
    assert(kept.length === m.bytes, `HEAD after the abort reports Upload-Length ${kept.length}, expected ${m.bytes}`);

    const second = await tusUpload(t, m.buffer, { chunkSize, uploadUrl: first.url, metadata: meta('pause.wav', TYPES.wav) });
    assert(second.outcome === 'success', `resume: ${describe(second)}`);
    assert(second.requests[0]?.startsWith('HEAD') && !second.requests.some((r) => r.startsWith('POST')), `the resume did not go HEAD then PATCH on the same upload: [${second.requests}]`);
    assert(second.url === first.url, `the resume ended on ${second.url}, not ${first.url}`);
    const stored = await verifyStored(t, { url: first.url, lastResponse: second.lastResponse, ...m });
    return {
      bytes: m.bytes, chunkSize, abortedAtBytes: first.abortedAt, offsetAtResume: kept.offset,
      // true when the server kept part of the PATCH that the abort cut (its offset is not on a chunk boundary)
      keptPartOfCutChunk: kept.offset % chunkSize !== 0,
      first: { ...rate(kept.offset, first.ms), requests: first.requests },
      resume: { ...rate(m.bytes - kept.offset, second.ms), requests: second.requests },
      ...stored,
    };
  },

  /**
   * Upload-Defer-Length. tus-js-client: a Readable of unknown size in 1 MiB chunks; it declares Upload-Length on the
   * PATCH where its source reports the end, which here carries the last data. Raw: all the data first, then an empty
   * PATCH that only declares the length (what a client does when it learns the end after the last byte; tus-js-client
   * 4.3.1 cannot: see README).
   */
  async 'defer-length'() {
    const m = await media('deferred', 'wav', size, 4);
    // tus-js-client 4.3.1's StreamSource never resolves the read after a stream that ended exactly on a chunk
    // boundary, so the upload would hang before its last PATCH: keep the size off a multiple of the chunk size.
    const chunkSize = m.bytes % MiB === 0 ? MiB - 1 : MiB;
    const stream = unevenStream(m.buffer, random(seed + 4));
    const r = await tusUpload(t, stream, { uploadLengthDeferred: true, chunkSize, metadata: meta('deferred.wav', TYPES.wav) });
    assert(r.outcome === 'success', `deferred-length upload: ${describe(r)}`);
    assert(r.firstHeaders.POST?.['Upload-Defer-Length'] === '1' && r.firstHeaders.POST?.['Upload-Length'] === undefined,
      `the POST did not defer the length: ${JSON.stringify(r.firstHeaders.POST)}`);
    const declared = r.exchanges.filter((e) => e.method === 'PATCH' && e.uploadLength !== undefined);
    assert(declared.length === 1 && Number(declared[0].uploadLength) === m.bytes, `Upload-Length was declared on ${JSON.stringify(declared)}, expected once, ${m.bytes}`);
    const stored = await verifyStored(t, { url: r.url, lastResponse: r.lastResponse, ...m });

    const n = await media('deferred-raw', 'wav', MiB, 14);
    const create = await t.tus('POST', t.endpoint, { headers: { 'Upload-Defer-Length': '1', 'Upload-Metadata': encodeMetadata(meta('deferred-raw.wav', TYPES.wav)) } });
    assert(create.status === 201 && create.headers.get('location'), `POST with Upload-Defer-Length answered ${create.status}: ${create.text.slice(0, 200)}`);
    const url = new URL(create.headers.get('location'), t.endpoint).toString();
    const before = await t.head(url);
    assert(before.headers.get('upload-defer-length') === '1' && before.length === null,
      `HEAD of a deferred upload: Upload-Defer-Length ${before.headers.get('upload-defer-length')}, Upload-Length ${before.length} (expected 1 and none)`);
    const patch = (offset, headers, body) => t.tus('PATCH', url, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), ...headers }, body });
    const data = await patch(0, {}, n.buffer);
    assert(data.status === 204 && Number(data.headers.get('upload-offset')) === n.bytes, `PATCH of all the data answered ${data.status}, offset ${data.headers.get('upload-offset')}: ${data.text.slice(0, 200)}`);
    const end = await patch(n.bytes, { 'Upload-Length': String(n.bytes) }, Buffer.alloc(0));
    assert(end.status === 204, `the empty PATCH declaring Upload-Length ${n.bytes} answered ${end.status}: ${end.text.slice(0, 200)}`);
    const rawStored = await verifyStored(t, { url, lastResponse: asTusResponse(end), ...n });
    return {
      client: {
        ...rate(m.bytes, r.ms), chunkSize, requests: r.requests,
        lengthDeclaredAtOffset: Number(declared[0].uploadOffset),
        lengthDeclaredOnEmptyPatch: Number(declared[0].uploadOffset) === m.bytes,
        ...stored,
      },
      rawEmptyFinalPatch: { bytes: n.bytes, ...rawStored },
    };
  },

  /** Part of an upload, abort, DELETE (tus-js-client terminate): the upload is gone for HEAD, PATCH and resume. */
  async termination() {
    const m = await media('terminated', 'wav', size, 5);
    const part = await tusUpload(t, m.buffer, { chunkSize: MiB, abortAtBytes: 0.25 * m.bytes, metadata: meta('terminated.wav', TYPES.wav) });
    assert(part.outcome === 'aborted' && part.url, `the partial upload did not end in an abort: ${describe(part)}`);
    const kept = await t.settledOffset(part.url);
    assert(kept.offset > 0, `the server kept no bytes before termination (offset ${kept.offset}, status ${kept.status})`);
    const t0 = now();
    try {
      await Upload.terminate(part.url, { headers: t.headers, retryDelays: null });
    } catch (e) {
      throw new Error(`terminate (DELETE, 204 expected): ${e.message}`);
    }
    const terminateMs = Math.round(now() - t0);
    const head = await t.head(part.url);
    assert(head.status === 404 || head.status === 410, `HEAD after termination answered ${head.status}, expected 404 or 410`);
    const patch = await t.tus('PATCH', part.url, {
      headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(kept.offset) },
      body: m.buffer.subarray(kept.offset, kept.offset + 1024),
    });
    assert(patch.status === 404 || patch.status === 410, `PATCH after termination answered ${patch.status}, expected 404 or 410`);
    const again = await t.tus('DELETE', part.url);
    const resume = await tusUpload(t, m.buffer, { uploadUrl: part.url, endpoint: null, retryDelays: null });
    const resumeStatus = resume.error?.originalResponse?.getStatus?.();
    assert(resume.outcome === 'error' && (resumeStatus === 404 || resumeStatus === 410), `tus-js-client resuming a terminated upload: ${describe(resume)}`);
    const record = t.reference ? undefined : await t.json(`/v1/uploads/${uploadIdOf(part.url)}`);
    return {
      bytes: m.bytes, offsetBeforeTermination: kept.offset, terminateMs, headAfter: head.status, patchAfter: patch.status,
      secondDelete: again.status, resumeAfter: resumeStatus,
      ...(record ? { uploadRecordAfter: { status: record.status, state: record.body?.state } } : {}),
    };
  },

  /**
   * Expiration: part of an upload, then nothing until its Upload-Expires has passed. The upload is gone (410 for HEAD
   * and PATCH), and tus-js-client resuming from its URL meets the 410 and sends the file again as a new upload, which
   * completes. Needs a server whose uploads expire within --expiry-wait-ms (Atelier: upload.expirySeconds); skipped
   * where they expire later.
   */
  async expiry() {
    const m = await media('expiring', 'wav', size, 9);
    const metadata = meta('expiring.wav', TYPES.wav);
    const part = await tusUpload(t, m.buffer, { chunkSize: MiB, abortAtBytes: 0.25 * m.bytes, metadata });
    assert(part.outcome === 'aborted' && part.url, `the partial upload did not end in an abort: ${describe(part)}`);
    const kept = await t.settledOffset(part.url);
    const expiresHeader = kept.headers.get('upload-expires');
    const expires = Date.parse(expiresHeader ?? '');
    assert(!Number.isNaN(expires), `HEAD of an unfinished upload gave Upload-Expires ${expiresHeader}`);
    const wait = expires - Date.now() + 1500;
    const most = Number(args['expiry-wait-ms']);
    if (wait > most) {
      await t.tus('DELETE', part.url);
      return { skipped: `uploads here expire in ${Math.round(wait / 1000)} s, more than --expiry-wait-ms ${most}` };
    }
    await sleep(Math.max(0, wait));
    const head = await t.head(part.url);
    assert(head.status === 410, `HEAD after Upload-Expires (${expiresHeader}) answered ${head.status}, expected 410`);
    const patch = await t.tus('PATCH', part.url, {
      headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(kept.offset) },
      body: m.buffer.subarray(kept.offset, kept.offset + 1024),
    });
    assert(patch.status === 410, `PATCH after Upload-Expires answered ${patch.status}, expected 410`);
    const again = await tusUpload(t, m.buffer, { chunkSize: MiB, uploadUrl: part.url, metadata });
    assert(again.outcome === 'success', `resuming an expired upload: ${describe(again)}`);
    assert(again.requests[0]?.startsWith('HEAD') && again.requests.some((r) => r.startsWith('POST')) && again.url !== part.url,
      `tus-js-client did not start over after the 410: [${again.requests}], ended on ${again.url}`);
    const stored = await verifyStored(t, { url: again.url, lastResponse: again.lastResponse, ...m });
    return {
      bytes: m.bytes, offsetBeforeExpiry: kept.offset, uploadExpires: expiresHeader, headAfter: head.status,
      patchAfter: patch.status, resumeRequests: again.requests.slice(0, 3), ...stored,
    };
  },

  /**
   * The checksum extension with raw requests (tus-js-client sends no Upload-Checksum): a wrong sha1 is 460 and stores
   * nothing, an algorithm it does not advertise is 400, the right sha1 is 204; the rest with a wrong then the right sha256.
   */
  async 'checksum-mismatch'() {
    const m = await media('checksum', 'wav', MiB, 6);
    const half = Math.floor(m.bytes / 2);
    const head = m.buffer.subarray(0, half);
    const tail = m.buffer.subarray(half);
    const create = await t.tus('POST', t.endpoint, { headers: { 'Upload-Length': String(m.bytes), 'Upload-Metadata': encodeMetadata(meta('checksum.wav', TYPES.wav)) } });
    assert(create.status === 201 && create.headers.get('location'), `POST answered ${create.status} with Location ${create.headers.get('location')}: ${create.text.slice(0, 200)}`);
    const url = new URL(create.headers.get('location'), t.endpoint).toString();
    const patch = (offset, checksum, body) => t.tus('PATCH', url, {
      headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Upload-Checksum': checksum },
      body,
    });
    const steps = {};
    const step = async (name, response, status, offsetAfter) => {
      const h = await t.head(url);
      steps[name] = { status: response.status, offsetAfter: h.offset };
      assert(response.status === status, `${name}: PATCH answered ${response.status}, expected ${status}: ${response.text.slice(0, 200)}`);
      assert(h.offset === offsetAfter, `${name}: HEAD then reports offset ${h.offset}, expected ${offsetAfter}`);
      return response;
    };
    await step('wrong sha1', await patch(0, `sha1 ${digest('sha1', Buffer.from('not these bytes'))}`, head), 460, 0);
    // An algorithm the server does not advertise, with the digest of other bytes: 400, and even a server that did
    // know it would have nothing to store.
    const options = await t.tus('OPTIONS', t.endpoint, { headers: { 'Tus-Resumable': null } });
    const advertised = (options.headers.get('tus-checksum-algorithm') ?? '').split(',').map((a) => a.trim());
    const unsupported = ['md5', 'sha512', 'sha384'].find((a) => !advertised.includes(a));
    await step(`unsupported ${unsupported}`, await patch(0, `${unsupported} ${digest(unsupported, Buffer.from('not these bytes'))}`, head), 400, 0);
    const good = await step('right sha1', await patch(0, `sha1 ${digest('sha1', head)}`, head), 204, half);
    assert(Number(good.headers.get('upload-offset')) === half, `the right sha1 PATCH answered Upload-Offset ${good.headers.get('upload-offset')}, expected ${half}`);
    await step('wrong sha256', await patch(half, `sha256 ${digest('sha256', head)}`, tail), 460, half);
    const t0 = now();
    const last = await step('right sha256', await patch(half, `sha256 ${digest('sha256', tail)}`, tail), 204, m.bytes);
    const ms = now() - t0;
    const stored = await verifyStored(t, { url, lastResponse: asTusResponse(last), ...m });
    return { bytes: m.bytes, lastPatch: rate(m.bytes - half, ms), steps, ...stored };
  },

  /** 64 KiB of random bytes named noise.wav: the completing PATCH is 415 problem+json, the upload is failed. */
  async 'not-media'() {
    if (t.reference) return { skipped: 'Atelier only: the reference server stores any bytes' };
    const rnd = random(seed + 7);
    const noise = Buffer.alloc(64 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rnd() * 256);
    const r = await tusUpload(t, noise, { metadata: meta('noise.wav', TYPES.wav) });
    const res = r.error?.originalResponse;
    assert(r.outcome === 'error' && res, `random bytes were not refused: ${describe(r)}`);
    assert(res.getStatus() === 415, `the refusal has status ${res.getStatus()}, expected 415: ${describe(r)}`);
    assert(patches(r) === 1, `tus-js-client sent ${patches(r)} PATCHes (a 415 is final, no retry): [${r.requests}]`);
    const contentType = res.getHeader('Content-Type') ?? '';
    assert(contentType.startsWith('application/problem+json'), `the 415 has Content-Type ${contentType}, expected application/problem+json`);
    let problem;
    try { problem = JSON.parse(res.getBody()); } catch { problem = null; }
    assert(problem && problem.status === 415 && problem.type && problem.title && problem.detail,
      `the 415 body is not a problem with type, title, status 415 and detail: ${res.getBody()?.slice(0, 300)}`);
    assert(r.url, 'the upload got no URL before the refusal');
    const id = uploadIdOf(r.url);
    const record = await poll(async () => {
      const u = await t.json(`/v1/uploads/${id}`);
      return { done: u.status === 200 && u.body?.state === 'failed' && u.body.error, value: u.body, why: `last ${u.status} ${u.text.slice(0, 200)}` };
    }, 10000, `/v1/uploads/${id} to be failed with an error`);
    const head = await t.head(r.url);
    return { bytes: noise.length, requests: r.requests, problem, upload: record, headAfter: head.status };
  },

  /** Refusals the spec asks for, with raw requests; every failing check is listed, not only the first. */
  async 'protocol-errors'() {
    const failures = [];
    const seen = {};
    const expect = (name, ok, detail) => { seen[name] = detail; if (!ok) failures.push(`${name}: ${JSON.stringify(detail)}`); };
    const tusHeader = (res) => res.headers.get('tus-resumable');
    const body = Buffer.alloc(16, 1);
    const patchHeaders = { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' };

    const options = await t.tus('OPTIONS', t.endpoint, { headers: { 'Tus-Resumable': null } });
    const extensions = (options.headers.get('tus-extension') ?? '').split(',').map((s) => s.trim());
    const algorithms = (options.headers.get('tus-checksum-algorithm') ?? '').split(',').map((s) => s.trim());
    const maxSize = options.headers.get('tus-max-size');
    expect('OPTIONS', options.status === 204 && (options.headers.get('tus-version') ?? '').split(',').map((s) => s.trim()).includes('1.0.0')
      && ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'checksum', 'expiration'].every((e) => extensions.includes(e))
      && ['sha1', 'sha256'].every((a) => algorithms.includes(a)),
    { status: options.status, version: options.headers.get('tus-version'), extensions, algorithms, maxSize });

    const noLength = await t.tus('POST', t.endpoint);
    expect('POST without a length', noLength.status === 400, { status: noLength.status });

    const create = await t.tus('POST', t.endpoint, { headers: { 'Upload-Length': '1000' } });
    const expires = create.headers.get('upload-expires');
    expect('POST', create.status === 201 && create.headers.get('location') && tusHeader(create) === '1.0.0',
      { status: create.status, location: create.headers.get('location'), tusResumable: tusHeader(create) });
    expect('POST answers Upload-Expires (expiration)', expires && !Number.isNaN(Date.parse(expires)), { uploadExpires: expires });
    assert(create.status === 201 && create.headers.get('location'), `cannot go on without an upload: ${JSON.stringify(seen)}`);
    const url = new URL(create.headers.get('location'), t.endpoint).toString();

    const head = await t.tus('HEAD', url);
    expect('HEAD', head.status === 200 && head.headers.get('upload-offset') === '0' && head.headers.get('upload-length') === '1000'
      && /no-store/.test(head.headers.get('cache-control') ?? '') && tusHeader(head) === '1.0.0',
    { status: head.status, offset: head.headers.get('upload-offset'), length: head.headers.get('upload-length'), cacheControl: head.headers.get('cache-control'), tusResumable: tusHeader(head) });

    const version = await t.tus('PATCH', url, { headers: { ...patchHeaders, 'Tus-Resumable': '0.2.2' }, body });
    expect('PATCH with Tus-Resumable 0.2.2', version.status === 412 && (version.headers.get('tus-version') ?? '').includes('1.0.0'),
      { status: version.status, tusVersion: version.headers.get('tus-version') });

    const type = await t.tus('PATCH', url, { headers: { ...patchHeaders, 'Content-Type': 'application/octet-stream' }, body });
    expect('PATCH with Content-Type application/octet-stream', type.status === 415, { status: type.status });

    const offset = await t.tus('PATCH', url, { headers: { ...patchHeaders, 'Upload-Offset': '5' }, body });
    expect('PATCH at offset 5 of 0', offset.status === 409 && tusHeader(offset) === '1.0.0', { status: offset.status, tusResumable: tusHeader(offset) });

    const after = await t.head(url);
    expect('refused PATCHes stored nothing', after.offset === 0, { offset: after.offset });

    const unknown = await t.tus('HEAD', `${t.endpoint}${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`);
    expect('HEAD on an unknown id', unknown.status === 404, { status: unknown.status });

    if (maxSize !== null) {
      const tooBig = await t.tus('POST', t.endpoint, { headers: { 'Upload-Length': String(Number(maxSize) + 1) } });
      expect('POST over Tus-Max-Size', tooBig.status === 413, { status: tooBig.status, maxSize });
    }

    if (!t.reference) {
      const anonymous = await t.tus('POST', t.endpoint, { headers: { Authorization: null, 'Upload-Length': '1000' } });
      expect('POST without Authorization', anonymous.status === 401, { status: anonymous.status });
      const anonymousHead = await t.tus('HEAD', url, { headers: { Authorization: null } });
      expect('HEAD without Authorization', anonymousHead.status === 401, { status: anonymousHead.status });
      const wrongKey = await t.tus('HEAD', url, { headers: { Authorization: `Bearer not-${args['api-key']}` } });
      expect('HEAD with a wrong key', wrongKey.status === 401 || wrongKey.status === 403, { status: wrongKey.status });
    }
    // Recorded only: a browser's CORS preflight carries no Authorization.
    const anonymousOptions = await t.tus('OPTIONS', t.endpoint, { headers: { Authorization: null, 'Tus-Resumable': null } });
    seen['OPTIONS without Authorization (recorded)'] = { status: anonymousOptions.status };

    const remove = await t.tus('DELETE', url);
    expect('DELETE', remove.status === 204, { status: remove.status });

    assert(failures.length === 0, `${failures.length} check(s) failed: ${failures.join('; ')}`);
    return { checks: seen };
  },

  /** Half through node A (abort past 40 %), the rest through node B with the same upload path on B's origin. */
  async 'resume-other-node'() {
    if (!args['endpoint-b']) return { skipped: 'needs --endpoint-b' };
    const b = new Target({ endpoint: args['endpoint-b'], apiKey: args['api-key'], reference: args.reference });
    const chunkSize = 2 * MiB;
    const m = await media('two-nodes', 'wav', size, 8);
    const first = await tusUpload(t, m.buffer, { chunkSize, abortAtBytes: 0.4 * m.bytes, metadata: meta('two-nodes.wav', TYPES.wav) });
    assert(first.outcome === 'aborted' && first.url, `the part through node A did not end in an abort: ${describe(first)}`);
    const kept = await t.settledOffset(first.url);
    assert(kept.offset > 0, `node A kept no bytes (offset ${kept.offset}, status ${kept.status})`);
    const urlB = rebase(first.url, b.endpoint);
    const headB = await b.head(urlB);
    assert(headB.offset === kept.offset && headB.length === m.bytes, `node B reports offset ${headB.offset}, length ${headB.length} (status ${headB.status}); node A ${kept.offset} of ${m.bytes}`);
    const second = await tusUpload(b, m.buffer, { chunkSize, uploadUrl: urlB, endpoint: b.endpoint });
    assert(second.outcome === 'success', `the rest through node B: ${describe(second)}`);
    assert(!second.requests.some((r) => r.startsWith('POST')), `node B created a new upload instead of resuming: [${second.requests}]`);
    const stored = await verifyStored(b, { url: urlB, lastResponse: second.lastResponse, ...m });
    const headA = await t.head(first.url);
    assert(headA.offset === m.bytes, `node A reports offset ${headA.offset} after node B completed ${m.bytes} B`);
    return {
      bytes: m.bytes, offsetOnA: kept.offset, urlA: first.url, urlB,
      onA: rate(kept.offset, first.ms), onB: { ...rate(m.bytes - kept.offset, second.ms), requests: second.requests },
      ...stored,
    };
  },

  /**
   * creation-with-upload: a ~1 MiB MP4 whole in the POST (one request; its 201 completes the upload, so the 201 is
   * what onSuccess gets), then a ~1 MiB WAV whose first 256 KiB ride on the POST and the rest on PATCHes.
   */
  async 'creation-with-upload'() {
    const video = await media('with-upload', 'mp4', MiB, 9);
    const whole = await tusUpload(t, video.buffer, { uploadDataDuringCreation: true, metadata: meta('with-upload.mp4', TYPES.mp4) });
    assert(whole.outcome === 'success', `creation-with-upload: ${describe(whole)}`);
    assert(whole.requests.length === 1 && whole.requests[0] === 'POST 201', `expected a single POST 201 carrying the file, got [${whole.requests}]`);
    assert(whole.firstHeaders.POST['Content-Type'] === 'application/offset+octet-stream', 'the POST had no offset+octet-stream body');
    const wholeStored = await verifyStored(t, { url: whole.url, lastResponse: whole.lastResponse, ...video });

    const chunkSize = 256 * 1024;
    const audio = await media('with-upload-chunked', 'wav', MiB, 10);
    const chunked = await tusUpload(t, audio.buffer, { uploadDataDuringCreation: true, chunkSize, metadata: meta('with-upload-chunked.wav', TYPES.wav) });
    assert(chunked.outcome === 'success', `creation-with-upload in chunks: ${describe(chunked)}`);
    const expectedPatches = Math.ceil((audio.bytes - chunkSize) / chunkSize);
    assert(chunked.requests[0] === 'POST 201' && patches(chunked) === expectedPatches, `expected POST 201 then ${expectedPatches} PATCHes, got [${chunked.requests}]`);
    const chunkedStored = await verifyStored(t, { url: chunked.url, lastResponse: chunked.lastResponse, ...audio });
    return {
      whole: { ...rate(video.bytes, whole.ms), requests: whole.requests, ...wholeStored },
      chunked: { ...rate(audio.bytes, chunked.ms), chunkSize, requests: chunked.requests, ...chunkedStored },
    };
  },

  /** Three uploads of different files and formats at once, 1 MiB chunks; each completes whole. */
  async parallel() {
    const third = Math.max(MiB, Math.round(size / 3));
    const files = [
      await media('parallel-a', 'wav', third, 11),
      await media('parallel-b', 'mp4', third, 12),
      await media('parallel-c', 'flac', third, 13),
    ];
    const t0 = now();
    const results = await Promise.all(files.map((f) => tusUpload(t, f.buffer, { chunkSize: MiB, metadata: meta(`${f.kind}-parallel.${f.kind}`, TYPES[f.kind]) })));
    const wallMs = now() - t0;
    results.forEach((r, i) => assert(r.outcome === 'success', `parallel upload ${files[i].kind}: ${describe(r)}`));
    assert(new Set(results.map((r) => r.url)).size === 3, `the three uploads share URLs: ${results.map((r) => r.url)}`);
    const stored = [];
    for (let i = 0; i < files.length; i++) stored.push(await verifyStored(t, { url: results[i].url, lastResponse: results[i].lastResponse, ...files[i] }));
    const total = files.reduce((n, f) => n + f.bytes, 0);
    return {
      aggregate: rate(total, wallMs),
      uploads: files.map((f, i) => ({ kind: f.kind, ...rate(f.bytes, results[i].ms), requests: results[i].requests.length, ...stored[i] })),
    };
  },
};

async function runOne(name) {
  const scenario = scenarios[name];
  if (!scenario) {
    console.log(JSON.stringify({ scenario: name, ok: false, error: `unknown scenario; known: ${Object.keys(scenarios).join(', ')}, run-all` }));
    return 1;
  }
  tmp = await mkdtemp(join(tmpdir(), `atelier-upload-${name}-`));
  // run-all stops an overdue scenario with SIGTERM: remove the media on the way out.
  process.once('SIGTERM', () => { rmSync(tmp, { recursive: true, force: true }); process.exit(1); });
  const t0 = now();
  const deadline = Number(args['timeout-ms']);
  let timer;
  try {
    const observed = await Promise.race([
      scenario(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`scenario deadline of ${deadline} ms passed`)), deadline); }),
    ]);
    const skipped = observed?.skipped;
    console.log(JSON.stringify({ scenario: name, ok: true, ...(skipped ? {} : { ms: Math.round(now() - t0), seed, reference: t.reference || undefined }), ...observed }));
    return 0;
  } catch (e) {
    console.log(JSON.stringify({ scenario: name, ok: false, ms: Math.round(now() - t0), seed, error: e.message }));
    return 1;
  } finally {
    clearTimeout(timer);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every scenario in its own process, one after another; a summary at the end. */
async function runAll() {
  const self = fileURLToPath(import.meta.url);
  const forwarded = process.argv.slice(2).filter((a, i, all) => a !== '--scenario' && all[i - 1] !== '--scenario' && !a.startsWith('--scenario='));
  // One seed for the whole run, so a failure can be played again with --seed.
  if (!args.seed) forwarded.push('--seed', String(seed));
  const results = [];
  for (const name of Object.keys(scenarios)) {
    const line = await new Promise((resolve) => {
      const child = spawn(process.execPath, [self, ...forwarded, '--scenario', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { err += d; });
      let hard;
      const soft = setTimeout(() => { child.kill('SIGTERM'); hard = setTimeout(() => child.kill('SIGKILL'), 3000); }, Number(args['timeout-ms']) + 10000);
      child.on('exit', (code) => {
        clearTimeout(soft);
        clearTimeout(hard);
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
