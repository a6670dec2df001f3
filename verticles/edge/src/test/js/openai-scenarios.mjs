// OpenAI's official Node SDK (npm `openai`), pointed at an Atelier edge by `baseURL` alone, plays one scenario and
// prints one JSON line of what it saw: {"scenario", "ok", ...}. Exit 0 when it passed, 1 when it did not.
//
//   node openai-scenarios.mjs --base-url http://127.0.0.1:PORT/v1 --api-key KEY --speech FILE --scenario NAME
//        [--not-media FILE] [--marker TEXT]
//
// Scenarios: json, text, srt, vtt, verbose-json, verbose-json-words, verbose-json-segments, verbose-json-both,
// granularities-without-brackets, granularities-need-verbose, models, bad-file, wrong-key, unknown-model, bad-format,
// disconnect (aborts the request 1.5 s in; the caller checks that the job was cancelled: it carries --marker as its
// prompt).
import OpenAI from 'openai';
import { createReadStream, readFileSync } from 'node:fs';
import { strict as assert } from 'node:assert';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const client = new OpenAI({ baseURL: args['base-url'], apiKey: args['api-key'], maxRetries: 0, timeout: 120_000 });
const speech = () => createReadStream(args.speech);

const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** The job behind an answer is an ordinary transcription job of the key's project. */
async function jobOf(response) {
  const id = response.headers.get('x-atelier-job');
  assert.match(id ?? '', /^[0-9a-f-]{36}$/, 'X-Atelier-Job names the job');
  const job = await (await fetch(`${args['base-url']}/jobs/${id}`, {
    headers: { Authorization: `Bearer ${args['api-key']}` },
  })).json();
  assert.equal(job.type, 'transcription');
  assert.equal(job.state, 'succeeded');
  const listed = await (await fetch(`${args['base-url']}/jobs?type=transcription&limit=100`, {
    headers: { Authorization: `Bearer ${args['api-key']}` },
  })).json();
  assert.ok(listed.items.some((j) => j.id === id), 'the job shows in /v1/jobs');
  return job;
}

/** Every field OpenAI's reference gives a verbose_json segment, with its type. */
function checkSegment(segment, index, duration) {
  assert.equal(segment.id, index);
  for (const field of ['seek', 'start', 'end', 'temperature', 'avg_logprob', 'compression_ratio', 'no_speech_prob']) {
    assert.ok(isNumber(segment[field]), `segments[${index}].${field} is a number: ${segment[field]}`);
  }
  assert.ok(Number.isInteger(segment.seek));
  assert.ok(segment.start >= 0 && segment.end >= segment.start && segment.end <= duration + 0.01);
  assert.equal(typeof segment.text, 'string');
  assert.ok(segment.text.startsWith(' ') && segment.text.trim().length > 0, 'segment text as Whisper gives it');
  assert.ok(Array.isArray(segment.tokens) && segment.tokens.every(Number.isInteger));
  assert.ok(segment.avg_logprob <= 0 && segment.compression_ratio > 0);
  assert.ok(segment.no_speech_prob >= 0 && segment.no_speech_prob <= 1);
}

function checkWords(words, text, duration) {
  assert.ok(Array.isArray(words) && words.length > 0, 'words are there when asked for');
  assert.deepEqual(words.map((w) => w.word), text.split(/\s+/).filter(Boolean), 'the words are the text');
  let last = 0;
  for (const w of words) {
    assert.deepEqual(Object.keys(w).sort(), ['end', 'start', 'word']);
    assert.ok(isNumber(w.start) && isNumber(w.end) && w.start >= last - 1e-9 && w.end >= w.start);
    assert.ok(w.end <= duration + 0.01);
    last = w.start;
  }
}

async function verbose(granularities) {
  const params = { file: speech(), model: 'whisper-1', response_format: 'verbose_json', language: 'en' };
  if (granularities) params.timestamp_granularities = granularities;
  const { data, response } = await client.audio.transcriptions.create(params).withResponse();
  await jobOf(response);
  assert.equal(data.task, 'transcribe');
  assert.equal(data.language, 'english', 'the language by its English name');
  assert.ok(isNumber(data.duration) && data.duration > 1);
  assert.ok(typeof data.text === 'string' && data.text.length > 10);
  assert.ok(Array.isArray(data.segments) && data.segments.length > 0, 'segments are always there');
  data.segments.forEach((s, i) => checkSegment(s, i, data.duration));
  assert.equal(data.segments.map((s) => s.text).join('').trim(), data.text, 'the segments make the text');
  assert.deepEqual(data.usage, { type: 'duration', seconds: Math.ceil(data.duration) });
  if ((granularities ?? []).includes('word')) {
    checkWords(data.words, data.text, data.duration);
  } else {
    assert.equal(data.words, undefined, 'no words unless asked for');
  }
  return { segments: data.segments.length, words: data.words?.length ?? 0, text: data.text };
}

/** The SDK's error for a request, as a plain object of what it parsed. */
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof OpenAI.APIError)) throw e;
    return { name: e.constructor.name, status: e.status, type: e.type, code: e.code, param: e.param, message: e.message,
      error: e.error };
  }
  throw new Error('the request was not refused');
}

function checkErrorShape(seen) {
  assert.deepEqual(Object.keys(seen.error).sort(), ['code', 'message', 'param', 'type'], 'OpenAI error body');
  assert.equal(typeof seen.error.message, 'string');
}

const timeText = /^\d{2}:\d{2}:\d{2}[,.]\d{3} --> \d{2}:\d{2}:\d{2}[,.]\d{3}$/m;

const scenarios = {
  async json() {
    const { data, response } = await client.audio.transcriptions.create({ file: speech(), model: 'whisper-1' })
      .withResponse();
    await jobOf(response);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.ok(typeof data.text === 'string' && data.text.split(' ').length > 3, `text: ${data.text}`);
    assert.deepEqual(Object.keys(data).sort(), ['text', 'usage']);
    assert.equal(data.usage.type, 'duration');
    return { text: data.text };
  },
  async text() {
    const { data, response } = await client.audio.transcriptions
      .create({ file: speech(), model: 'vosk', response_format: 'text' }).withResponse();
    assert.match(response.headers.get('content-type'), /^text\/plain/);
    assert.equal(typeof data, 'string');
    assert.ok(data.endsWith('\n') && data.trim().split(' ').length > 3, `text: ${data}`);
    return { text: data.trim() };
  },
  async srt() {
    const { data, response } = await client.audio.transcriptions
      .create({ file: speech(), model: 'whisper-1', response_format: 'srt' }).withResponse();
    assert.match(response.headers.get('content-type'), /^application\/x-subrip/);
    assert.match(data, /^1\n/);
    assert.match(data, timeText);
    assert.ok(data.includes(','), 'SubRip times use a comma');
    return { cues: data.trim().split(/\n\n/).length };
  },
  async vtt() {
    const { data, response } = await client.audio.transcriptions
      .create({ file: speech(), model: 'whisper-1', response_format: 'vtt' }).withResponse();
    assert.match(response.headers.get('content-type'), /^text\/vtt/);
    assert.match(data, /^WEBVTT\n\n/);
    assert.match(data, timeText);
    return { cues: data.trim().split(/\n\n/).length - 1 };
  },
  'verbose-json': () => verbose(undefined),
  'verbose-json-words': () => verbose(['word']),
  'verbose-json-segments': () => verbose(['segment']),
  'verbose-json-both': () => verbose(['word', 'segment']),
  // The field as hand-built forms name it, without the SDK's []: the same words come back.
  async 'granularities-without-brackets'() {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(args.speech)], { type: 'audio/wav' }), 'speech.wav');
    form.append('model', 'whisper-1');
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities', 'word');
    const response = await fetch(`${args['base-url']}/audio/transcriptions`, {
      method: 'POST', body: form, headers: { Authorization: `Bearer ${args['api-key']}` },
    });
    assert.equal(response.status, 200);
    const data = await response.json();
    assert.ok(Array.isArray(data.words) && data.words.length > 3, `words: ${JSON.stringify(data.words)}`);
    data.words.forEach((w) => assert.ok(typeof w.word === 'string' && isNumber(w.start) && isNumber(w.end)));
    assert.equal(data.words.map((w) => w.word).join(' '), data.text);
    return { words: data.words.length };
  },
  async 'granularities-need-verbose'() {
    const seen = await refusal(client.audio.transcriptions.create({ file: speech(), model: 'whisper-1',
      response_format: 'json', timestamp_granularities: ['word'] }));
    checkErrorShape(seen);
    assert.equal(seen.status, 400);
    assert.equal(seen.param, 'timestamp_granularities');
    return seen;
  },
  async models() {
    const ids = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, 'model');
      assert.ok(Number.isInteger(model.created) && typeof model.owned_by === 'string');
      ids.push(model.id);
    }
    assert.ok(ids.includes('whisper-1') && ids.includes('vosk'), `models: ${ids}`);
    const one = await client.models.retrieve('whisper-1');
    assert.equal(one.id, 'whisper-1');
    const missing = await refusal(client.models.retrieve('gpt-4o-transcribe'));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'model_not_found');
    return { models: ids };
  },
  async 'bad-file'() {
    const seen = await refusal(client.audio.transcriptions.create({
      file: await OpenAI.toFile(readFileSync(args['not-media']), 'notes.mp3'), model: 'whisper-1' }));
    checkErrorShape(seen);
    assert.equal(seen.name, 'BadRequestError');
    assert.equal(seen.status, 400);
    assert.equal(seen.type, 'invalid_request_error');
    assert.equal(seen.param, 'file');
    return seen;
  },
  async 'wrong-key'() {
    const stranger = new OpenAI({ baseURL: args['base-url'], apiKey: 'sk-not-an-atelier-key', maxRetries: 0 });
    const seen = await refusal(stranger.audio.transcriptions.create({ file: speech(), model: 'whisper-1' }));
    checkErrorShape(seen);
    assert.equal(seen.name, 'AuthenticationError');
    assert.equal(seen.status, 401);
    assert.equal(seen.code, 'invalid_api_key');
    const models = await refusal(stranger.models.list());
    assert.equal(models.status, 401);
    return seen;
  },
  async 'unknown-model'() {
    const seen = await refusal(client.audio.transcriptions.create({ file: speech(), model: 'whisper-large-v9' }));
    checkErrorShape(seen);
    assert.equal(seen.name, 'NotFoundError');
    assert.equal(seen.status, 404);
    assert.equal(seen.code, 'model_not_found');
    assert.equal(seen.param, 'model');
    return seen;
  },
  async 'bad-format'() {
    const seen = await refusal(client.audio.transcriptions.create({ file: speech(), model: 'whisper-1',
      response_format: 'docx' }));
    checkErrorShape(seen);
    assert.equal(seen.status, 400);
    assert.equal(seen.param, 'response_format');
    return seen;
  },
  async disconnect() {
    // The client goes away once its job runs: not after a fixed time, which a fast machine finishes the job within.
    const controller = new AbortController();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const listed = await (await fetch(`${args['base-url']}/jobs?type=transcription&state=running&limit=100`, {
          headers: { Authorization: `Bearer ${args['api-key']}` },
        })).json();
        if (listed.items.some((j) => j.params?.prompt === args.marker)) {
          controller.abort();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await client.audio.transcriptions.create({ file: speech(), model: 'whisper-1', prompt: args.marker },
        { signal: controller.signal });
    } catch (e) {
      assert.ok(e instanceof OpenAI.APIUserAbortError, `aborted by the client: ${e}`);
      return { aborted: true };
    } finally {
      watching = false;
      await watch;
    }
    throw new Error('the request finished before its job was seen running: give a longer recording');
  },
};

const scenario = args.scenario;
const started = Date.now();
try {
  if (!scenarios[scenario]) throw new Error(`unknown scenario ${scenario} (${Object.keys(scenarios).join(', ')})`);
  const saw = await scenarios[scenario]();
  console.log(JSON.stringify({ scenario, ok: true, ms: Date.now() - started, saw }));
} catch (e) {
  console.log(JSON.stringify({ scenario, ok: false, ms: Date.now() - started, error: String(e.stack ?? e) }));
  process.exitCode = 1;
}
