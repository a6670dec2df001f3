// Peer (c) of the upload benchmark: the official Node tus server, @tus/server with @tus/s3-store, as their READMEs
// show it, into the S3 server of an Atelier dev node (path-style), objects under bench/tus-node/ (the README's
// "nested directories" example: the id carries a slash, so the URL holds it base64url-encoded).
//   node tus-node-server.mjs PORT NODE_JSON
// Prints "listening <endpoint>" once it accepts uploads.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Server } from '@tus/server';
import { S3Store } from '@tus/s3-store';

const [port, nodeJson] = [Number(process.argv[2]), process.argv[3]];
const s3 = JSON.parse(readFileSync(nodeJson, 'utf8')).s3;
const path = '/files';
const store = new S3Store({
  // The README's configuration: ~8 MiB parts, and maxConcurrentPartUploads left at its default (60).
  partSize: 8 * 1024 * 1024,
  s3ClientConfig: {
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    // The SDK's default (a CRC32 of every request body) is for AWS itself; third-party S3 servers get the checksums
    // S3 requires and nothing more. The same setting as the SDK peer (a), so both pay the same.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  },
});
const tus = new Server({
  path,
  datastore: store,
  namingFunction: () => `bench/tus-node/${randomBytes(16).toString('hex')}`,
  generateUrl: (req, { proto, host, path: p, id }) => `${proto}://${host}${p}/${Buffer.from(id, 'utf8').toString('base64url')}`,
  getFileIdFromRequest: (req, lastPath) => Buffer.from(lastPath, 'base64url').toString('utf8'),
});
const http = createServer((req, res) => tus.handle(req, res));
http.listen(port, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${port}${path}/`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { http.close(); process.exit(0); });
