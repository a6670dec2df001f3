// Writes the committed corpus that YjsCorpusTest checks without Node:
//   node corpus.mjs   (from src/test/js, after npm ci)  ->  ../resources/yjs-corpus/histories.json, crafted.json
// histories.json: 200 random histories (seed 4242, up to 20 operations) with Yjs's answers;
// crafted.json: hand-made updates in non-canonical forms Yjs normalises (non-minimal varints, floats holding
// integers, repeated keys, JSON with whitespace...), with what Y.mergeUpdates, Y.diffUpdate and
// Y.encodeStateVectorFromUpdate return for them.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as fs from 'node:fs'
import { makeHistory, expectedOutputs, b64, caseJson } from './histories.mjs'

const out = new URL('../resources/yjs-corpus/', import.meta.url)
fs.mkdirSync(out, { recursive: true })

const histories = []
for (let i = 0; i < 200; i++) {
  const h = makeHistory(4242 + i, 20)
  histories.push({
    seed: h.seed,
    updates: h.updates.map(b64),
    snapshots: h.snapshots.map(s => ({ sv: b64(s.sv) })),
    cases: expectedOutputs(h).map(caseJson)
  })
}
fs.writeFileSync(new URL('histories.json', out), JSON.stringify({ yjs: '13.6.33', seed: 4242, histories }))

// ---- crafted updates: one struct section of client 7 at clock 0 unless said otherwise ----
const bytes = (...parts) => {
  const e = encoding.createEncoder()
  parts.flat().forEach(p => typeof p === 'number' ? encoding.write(e, p) : encoding.writeUint8Array(e, p))
  return encoding.toUint8Array(e)
}
const vu = n => { const e = encoding.createEncoder(); encoding.writeVarUint(e, n); return encoding.toUint8Array(e) }
const vs = s => { const e = encoding.createEncoder(); encoding.writeVarString(e, s); return encoding.toUint8Array(e) }
const f64 = x => { const e = encoding.createEncoder(); encoding.writeFloat64(e, x); return encoding.toUint8Array(e) }
const f32 = x => { const e = encoding.createEncoder(); encoding.writeFloat32(e, x); return encoding.toUint8Array(e) }
const root = name => [1, vs(name)] // parent info "root type", its name
const oneItem = (info, parent, content, ds = [0]) => bytes(1, 1, 7, 0, info, parent, content, ds)

const crafted = {
  'any: float64 and float32 holding integers, float64 that fits float32': oneItem(8, root('m'), [3, 123, f64(1), 124, f32(2), 123, f64(0.5)]),
  'any: non-minimal varints, -0, integer beyond 31 bits': oneItem(8, root('m'), [4, 125, 0x81, 0x00, 125, 0xc0, 0x00, 125, 0x40, 123, f64(2 ** 40)]),
  'any: object with a repeated key and index keys out of order': oneItem(8, root('m'), [1, 118, 4, vs('b'), 125, 1, vs('1'), 125, 2, vs('b'), 125, 3, vs('0'), 121]),
  'any: __proto__ keys (null, then a primitive)': oneItem(8, root('m'), [1, 118, 3, vs('a'), 126, vs('__proto__'), 126, vs('__proto__'), 125, 5]),
  'any: __proto__ set to an object': oneItem(8, root('m'), [1, 118, 2, vs('__proto__'), 118, 1, vs('x'), 120, vs('y'), 121]),
  'any: quiet NaN as float32 and float64, infinities': oneItem(8, root('m'), [3, 124, 0x7f, 0xc0, 0, 1, 123, f64(NaN), 124, f32(-Infinity)]),
  'any: non-minimal lengths of string, array, Uint8Array': oneItem(8, root('m'), [0x82, 0x00, 119, 0x81, 0x00, 0x41, 117, 0x81, 0x00, 116, 0x81, 0x00, 9]),
  'embed: JSON with whitespace, escapes, long numbers': oneItem(5, root('t'), vs('{ "b" : 1.0, "a":[1e2, -0, 0.1e1, 1e21, 1e-7, 123456789012345680000, 5e-324], "\\u0041": "\\/\\u00e9\\ud83d\\ude00", "1": null, "b": true }')),
  'format: key and JSON value with a lone surrogate escape': oneItem(6, root('t'), [vs('bold'), vs(' [ "\\ud800" , 2.50 ] ')]),
  'json (legacy): undefined and JSON elements': oneItem(2, root('a'), [3, vs('undefined'), vs('{"x" :1}'), vs('"s"')]),
  'doc: options gc 0, autoLoad 1, meta undefined, extra keys': oneItem(9, root('m'), [vs('guid-1'), 118, 4, vs('gc'), 125, 0, vs('autoLoad'), 125, 1, vs('meta'), 127, vs('x'), 125, 5]),
  'doc: options that are a number, then an array': bytes(1, 2, 7, 0, 9, root('m'), vs('g2'), 125, 7, 9, root('m'), vs('g3'), 117, 1, 120, 0),
  'type: XmlElement with a non-minimal name length': oneItem(7, root('x'), [3, 0x81, 0x00, 0x70]),
  'item: parent info 2 means a parent id; GC with upper info bits': bytes(1, 2, 7, 0, 0xe0, 2, 4, 2, 9, 9, vs('hi'), 0),
  'item: map key bit set with an origin is not read, and is dropped': bytes(1, 2, 7, 0, 4, root('t'), vs('ab'), 0xa4, 7, 1, vs('c'), 0),
  'header: non-minimal varints everywhere': bytes(0x81, 0x00, 0x81, 0x00, 0x87, 0x00, 0x80, 0x00, 4, 0x81, 0x00, 0x81, 0x00, 0x74, 0x82, 0x00, 0x61, 0x62, 0x80, 0x00),
  'sections: the same client twice, a Skip between': bytes(2, 1, 7, 0, 4, root('t'), vs('ab'), 2, 7, 3, 10, 2, 4, root('t'), vs('cd'), 0),
  'delete set: unsorted, overlapping, empty and repeated clients': bytes(1, 1, 7, 0, 4, root('t'), vs('abcdefgh'), 4, 7, 2, 5, 2, 0, 3, 9, 0, 7, 1, 2, 2, 7, 2, 1, 1, 6, 0),
  'strings: surrogate pairs where a diff cuts them': oneItem(4, root('t'), vs('a😀b😀c')),
  'trailing bytes after the delete set': bytes(1, 1, 7, 0, 4, root('t'), vs('x'), 0, 0xde, 0xad)
}

const textOrNull = (u, name) => { try { const d = new Y.Doc(); Y.applyUpdate(d, u); return d.getText(name).toString() } catch (e) { return null } }
const craftedCases = Object.entries(crafted).map(([title, u]) => {
  const svs = [new Uint8Array([0]), bytes(1, 7, 1), bytes(1, 7, 2), bytes(2, 7, 4, 9, 1)]
  const cases = [
    { op: 'merge', inputs: [0, 1], result: Y.mergeUpdates([u, new Uint8Array([0, 0])]) },
    { op: 'merge', inputs: [1, 0, 0], result: Y.mergeUpdates([new Uint8Array([0, 0]), u, u]) },
    { op: 'stateVector', update: 0, result: Y.encodeStateVectorFromUpdate(u) },
    ...svs.map((sv, i) => ({ op: 'diff', update: 0, sv: i, result: Y.diffUpdate(u, sv) }))
  ]
  for (const name of ['t', 'm']) {
    const text = textOrNull(u, name)
    if (text !== null) cases.push({ op: 'text', update: 0, name, result: text })
  }
  return { title, updates: [b64(u), b64(new Uint8Array([0, 0]))], snapshots: svs.map(sv => ({ sv: b64(sv) })), cases: cases.map(caseJson) }
})
fs.writeFileSync(new URL('crafted.json', out), JSON.stringify({ yjs: '13.6.33', histories: craftedCases }, null, 1))
console.log('wrote', histories.length, 'histories and', craftedCases.length, 'crafted updates to', out.pathname)
