// Reads a peaks render's two files as peaks.js does (waveform-data's WaveformData.create) and prints what the
// library makes of each: one JSON line per file, for the test to compare with its own computation.
//   node read-peaks.mjs peaks.json peaks.dat
import { readFileSync } from 'node:fs';
import WaveformData from 'waveform-data';

function describe(waveform) {
  const channels = [];
  for (let c = 0; c < waveform.channels; c++) {
    const channel = waveform.channel(c);
    channels.push({ min: channel.min_array(), max: channel.max_array() });
  }
  return {
    channels: waveform.channels,
    sampleRate: waveform.sample_rate,
    scale: waveform.scale,
    bits: waveform.bits,
    length: waveform.length,
    duration: waveform.duration,
    data: channels,
  };
}

const [jsonFile, binaryFile] = process.argv.slice(2);
const json = JSON.parse(readFileSync(jsonFile, 'utf8'));
const bytes = readFileSync(binaryFile);
const binary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
console.log(JSON.stringify({ file: 'json', ...describe(WaveformData.create(json)) }));
console.log(JSON.stringify({ file: 'binary', ...describe(WaveformData.create(binary)) }));
