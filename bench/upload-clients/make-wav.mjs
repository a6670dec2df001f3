// Writes a WAV of exactly MIB MiB: a valid 44-byte PCM header (16-bit stereo, 48 kHz) and random bytes after it, so
// ffprobe reads it as audio (Atelier accepts it on completion) while the content costs nothing to make.
//   node make-wav.mjs OUT MIB
import { openSync, writeSync, closeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';

const [out, mib] = [process.argv[2], Number(process.argv[3])];
if (!out || !(mib >= 1)) {
  console.error('usage: node make-wav.mjs OUT MIB');
  process.exit(2);
}
const total = mib * 1024 * 1024;
const channels = 2, rate = 48000, bits = 16, block = channels * bits / 8;
const header = Buffer.alloc(44);
header.write('RIFF', 0, 'ascii');
header.writeUInt32LE(total - 8, 4);
header.write('WAVE', 8, 'ascii');
header.write('fmt ', 12, 'ascii');
header.writeUInt32LE(16, 16); // fmt chunk size
header.writeUInt16LE(1, 20); // PCM
header.writeUInt16LE(channels, 22);
header.writeUInt32LE(rate, 24);
header.writeUInt32LE(rate * block, 28); // byte rate
header.writeUInt16LE(block, 32);
header.writeUInt16LE(bits, 34);
header.write('data', 36, 'ascii');
header.writeUInt32LE(total - 44, 40); // a multiple of the block size, as MiB - 44 is

const fd = openSync(out, 'w');
writeSync(fd, header);
const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
for (let left = total - 44; left > 0;) {
  const n = Math.min(left, chunk.length);
  randomFillSync(chunk, 0, n);
  writeSync(fd, chunk, 0, n);
  left -= n;
}
closeSync(fd);
