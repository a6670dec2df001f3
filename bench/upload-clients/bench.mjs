// One peer of the upload benchmark (bench/upload): uploads FILE once, checks that it arrived whole, prints one JSON line.
//   node bench.mjs --peer s3 --file F --node-json DATA/node.json [--part-mb 16 --queue-size 4]
//   node bench.mjs --peer atelier --file F --endpoint http://127.0.0.1:P/files/ --api-key K --pid JVM_PID [--chunk-mb 0] [--rss-idle-kib N]
//   node bench.mjs --peer tus-node --file F --endpoint http://127.0.0.1:P/files/ --node-json DATA/node.json
// Common: [--warmup FILE2] uploads FILE2 first the same way, untimed (JIT, connection pools, S3 server warm).
//
// s3:       @aws-sdk/lib-storage Upload (multipart) of an fs.ReadStream straight into the S3 server; checked with
//           HeadObject (ContentLength = file size).
// atelier:  tus-js-client 4.3.1 from an fs.ReadStream to Atelier's /files/ with the key as Bearer; chunkSize Infinity
//           (one PATCH of the whole file), or --chunk-mb N (PATCHes of N MiB); checked by Atelier-Asset-Id on the
//           last response and /v1/assets/{id} sizeBytes. With --pid, the JVM's VmRSS is read from /proc every 100 ms
//           while the timed upload runs: its peak, and the growth from --rss-idle-kib (read by bench/upload before
//           Atelier had any upload, so the growth includes what the warm-up added).
// tus-node: the same tus-js-client upload to tus-node-server.mjs; checked with HeadObject of the object it names.
import { parseArgs } from 'node:util';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { S3Client, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload as S3Upload } from '@aws-sdk/lib-storage';
import { Upload as TusUpload } from 'tus-js-client';

const { values: a } = parseArgs({
  options: {
    peer: { type: 'string' }, file: { type: 'string' }, warmup: { type: 'string' },
    'node-json': { type: 'string' }, endpoint: { type: 'string' }, 'api-key': { type: 'string' },
    pid: { type: 'string', default: '0' }, 'rss-idle-kib': { type: 'string' },
    'chunk-mb': { type: 'string', default: '0' },
    'part-mb': { type: 'string', default: '16' }, 'queue-size': { type: 'string', default: '4' },
    'timeout-s': { type: 'string', default: '1800' },
  },
});
const MiB = 1024 * 1024;
const now = () => performance.now();
const pid = Number(a.pid);
const s3conf = a['node-json'] ? JSON.parse(readFileSync(a['node-json'], 'utf8')).s3 : null;
const s3 = s3conf && new S3Client({
  endpoint: s3conf.endpoint,
  region: s3conf.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3conf.accessKey, secretAccessKey: s3conf.secretKey },
  // Checksums only where S3 requires them (the SDK's guidance for S3-compatible servers); the same in tus-node.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

function rssKiB() {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch {
    return null;
  }
}

/** Samples the server's VmRSS every 100 ms until stop(): { peakKiB, samples, maxGapMs }. */
function rssSampler() {
  if (!pid) return { stop: () => ({}) };
  let peak = rssKiB() ?? 0, samples = 1, last = now(), maxGap = 0;
  const timer = setInterval(() => {
    const t = now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
    const v = rssKiB();
    if (v !== null) { peak = Math.max(peak, v); samples++; }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      const v = rssKiB();
      if (v !== null) peak = Math.max(peak, v);
      return { peakKiB: peak, samples, maxGapMs: Math.round(maxGap) };
    },
  };
}

async function headSize(key) {
  const h = await s3.send(new HeadObjectCommand({ Bucket: s3conf.bucket, Key: key }));
  return h.ContentLength;
}

/** (a) lib-storage multipart Upload; returns what the check needs. */
async function viaS3(file) {
  const key = `bench/s3/${randomUUID()}.wav`;
  const upload = new S3Upload({
    client: s3,
    params: { Bucket: s3conf.bucket, Key: key, Body: createReadStream(file), ContentType: 'audio/wav' },
    partSize: Number(a['part-mb']) * MiB,
    queueSize: Number(a['queue-size']),
    leavePartsOnError: false,
  });
  let sentAt;
  upload.on('httpUploadProgress', (p) => { if (p.total && p.loaded >= p.total) sentAt ??= now(); });
  await upload.done();
  return { key, sentAt };
}

/** (b)/(c) one tus-js-client upload of an fs.ReadStream; resolves with the upload URL, the last response and PATCHes. */
function viaTus(file, { headers = {}, chunkSize = Infinity }) {
  return new Promise((resolve, reject) => {
    let patches = 0, sentAt;
    const upload = new TusUpload(createReadStream(file), {
      endpoint: a.endpoint,
      headers,
      chunkSize,
      metadata: { filename: 'bench.wav', filetype: 'audio/wav' },
      // A failed request fails the run (a retry would hide it and time the retry too).
      retryDelays: null,
      onAfterResponse(req) { if (req.getMethod() === 'PATCH') patches++; },
      onProgress(sent, total) { if (sent >= total) sentAt ??= now(); },
      onSuccess({ lastResponse }) { resolve({ url: upload.url, lastResponse, patches, sentAt }); },
      onError: reject,
    });
    upload.start();
  });
}

async function once(file) {
  const bytes = statSync(file).size;
  const chunkMb = Number(a['chunk-mb']);
  const t0 = now();
  let r, verified;
  if (a.peer === 's3') {
    r = await viaS3(file);
  } else if (a.peer === 'atelier') {
    r = await viaTus(file, { headers: { Authorization: `Bearer ${a['api-key']}` }, chunkSize: chunkMb > 0 ? chunkMb * MiB : Infinity });
  } else if (a.peer === 'tus-node') {
    r = await viaTus(file, { chunkSize: chunkMb > 0 ? chunkMb * MiB : Infinity });
  } else {
    throw new Error(`unknown peer ${a.peer}`);
  }
  const ms = now() - t0;
  // The checks, untimed.
  if (a.peer === 's3') {
    const size = await headSize(r.key);
    if (size !== bytes) throw new Error(`HeadObject ${r.key}: ${size} B, expected ${bytes}`);
    verified = `HeadObject ${size} B`;
  } else if (a.peer === 'atelier') {
    const assetId = r.lastResponse.getHeader('Atelier-Asset-Id');
    if (!assetId) throw new Error(`the last response (${r.lastResponse.getStatus()}) has no Atelier-Asset-Id`);
    const res = await fetch(new URL(`/v1/assets/${assetId}`, a.endpoint), { headers: { Authorization: `Bearer ${a['api-key']}` } });
    const asset = await res.json().catch(() => ({}));
    if (res.status !== 200 || asset.sizeBytes !== bytes) throw new Error(`/v1/assets/${assetId}: HTTP ${res.status}, sizeBytes ${asset.sizeBytes}, expected ${bytes}`);
    verified = `Atelier-Asset-Id, sizeBytes ${asset.sizeBytes}`;
  } else {
    const key = Buffer.from(new URL(r.url).pathname.split('/').pop(), 'base64url').toString('utf8');
    const size = await headSize(key);
    if (size !== bytes) throw new Error(`HeadObject ${key}: ${size} B, expected ${bytes}`);
    verified = `HeadObject ${size} B`;
  }
  // When the last byte went out (tus: written to the socket; s3: the last part stored), from the start: the rest of
  // `ms` is the completion (S3 CompleteMultipartUpload, and for Atelier its checks and the asset row).
  const sentMs = r.sentAt === undefined ? null : Math.round(r.sentAt - t0);
  return { bytes, ms: Math.round(ms), sentMs, MBps: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10, patches: r.patches, verified };
}

const out = { peer: a.peer };
if (a.peer === 's3') Object.assign(out, { partMiB: Number(a['part-mb']), queueSize: Number(a['queue-size']) });
if (a.peer !== 's3') out.chunkMiB = Number(a['chunk-mb']) > 0 ? Number(a['chunk-mb']) : null;
const deadline = setTimeout(() => { console.log(JSON.stringify({ ...out, error: `timed out after ${a['timeout-s']} s` })); process.exit(1); }, Number(a['timeout-s']) * 1000);
try {
  if (a.warmup) out.warmupMBps = (await once(a.warmup)).MBps;
  const before = pid ? rssKiB() : null;
  const sampler = rssSampler();
  const timed = await once(a.file);
  const rss = sampler.stop();
  Object.assign(out, timed);
  if (pid) {
    const idle = a['rss-idle-kib'] ? Number(a['rss-idle-kib']) : null;
    Object.assign(out, { rssIdleMiB: idle && Math.round(idle / 1024), rssBeforeMiB: Math.round(before / 1024), rssPeakMiB: Math.round(rss.peakKiB / 1024),
      rssGrowthMiB: idle && Math.round((rss.peakKiB - idle) / 1024), rssSamples: rss.samples, rssMaxGapMs: rss.maxGapMs });
  }
} catch (e) {
  const status = e.originalResponse?.getStatus?.();
  out.error = `${e.message ?? e}${status ? ` (HTTP ${status}: ${String(e.originalResponse.getBody?.() ?? '').slice(0, 200)})` : ''}`.replace(/\s+/g, ' ');
}
clearTimeout(deadline);
console.log(JSON.stringify(out));
process.exit(out.error ? 1 : 0);
