// Random concurrent edit histories made with the real Yjs, and what Yjs's update functions return for them.
// Used by differential.mjs (driven by DifferentialTest) and corpus.mjs (writes the committed corpus).
import * as Y from 'yjs'

export const ROOTS = { text: 'text', rich: 'rich', map: 'map', array: 'array', xml: 'xml' }
export const TEXT_ROOTS = ['text', 'rich', 'map']

/** mulberry32: small, seedable, the same in every Node version. */
export const prng = seed => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1))
  const pick = arr => arr[Math.floor(next() * arr.length)]
  const bool = (p = 0.5) => next() < p
  return { next, int, pick, bool }
}

const PIECES = ['a', 'b', 'xyz', 'hello ', '\n', 'é', 'ß', '中文', '😀', '👍🏽', '𝄞', '\u{1F469}\u200D\u{1F4BB}', ' ', 'Ω', '\uFEFF', '\u2028', 'tab\t', '"q"', '\\']

export const randomString = (r, max = 6) => {
  let s = ''
  const n = r.int(1, max)
  for (let i = 0; i < n; i++) s += r.pick(PIECES)
  return s
}

const randomNumber = r => r.pick([
  0, -0, 1, -1, 42, 63, 64, -64, 127, 128, 8191, 8192, 2 ** 31 - 1, -(2 ** 31 - 1), 2 ** 31, -(2 ** 31), 2 ** 32,
  2 ** 53 - 1, -(2 ** 53), 0.5, -0.25, 1.5e300, 3.14159, 1e-7, 123456.789, Math.fround(1.1), NaN, Infinity, -Infinity,
  r.int(-1000000, 1000000), r.next() * 1000, r.int(0, 2 ** 31 - 1) * 4
])

export const randomAny = (r, depth = 0) => {
  const kinds = depth > 2 ? 9 : 11
  switch (r.int(0, kinds)) {
    case 0: return null
    case 1: return undefined
    case 2: return r.bool()
    case 3: case 4: return randomNumber(r)
    case 5: return randomString(r)
    case 6: return BigInt(r.pick([0, 1, -1, 2 ** 53, -(2 ** 60), r.int(-1e9, 1e9)]))
    case 7: return r.pick(['', 'plain', 'ü'])
    case 8: return new Uint8Array(Array.from({ length: r.int(0, 5) }, () => r.int(0, 255)))
    case 9: return r.int(-10, 10)
    case 10: {
      const o = {}
      const n = r.int(0, 4)
      for (let i = 0; i < n; i++) o[r.pick(['k', 'a', 'b', '1', '0', '10', 'ü', 'key with space', '__x'])] = randomAny(r, depth + 1)
      return o
    }
    default: return Array.from({ length: r.int(0, 4) }, () => randomAny(r, depth + 1))
  }
}

/** Y.Array.insert takes no top-level bigint or undefined (Y.Map.set does): those go one level down. */
const arrayAny = (r, depth = 0) => {
  const v = randomAny(r, depth)
  return v === undefined || typeof v === 'bigint' ? [v] : v
}

/** Values Y.Map.set and Y.Array.insert accept as content: Any values, binaries, nested types, sub documents. */
const randomContent = (r, allowTypes, forArray = false) => {
  const k = r.int(0, allowTypes ? 12 : 8)
  if (k <= 7) {
    return forArray ? arrayAny(r) : randomAny(r)
  }
  if (k === 8) return new Uint8Array([r.int(0, 255), r.int(0, 255)])
  if (k === 9) return new Y.Map()
  if (k === 10) return new Y.Array()
  if (k === 11) return r.pick([() => new Y.Text(), () => new Y.XmlText(), () => new Y.XmlFragment()])()
  return new Y.Doc({ guid: 'sub-' + r.int(0, 99), meta: r.bool() ? { m: r.int(0, 9) } : null, autoLoad: r.bool(), gc: r.bool() })
}

const fillNested = (r, type) => {
  if (type instanceof Y.Map) type.set('n', randomAny(r, 2))
  else if (type instanceof Y.Array) type.insert(0, [arrayAny(r, 2), arrayAny(r, 2)])
  else if (type instanceof Y.XmlText) type.insert(0, randomString(r), r.bool() ? { i: true } : undefined)
  else if (type instanceof Y.Text) type.insert(0, randomString(r))
  else if (type instanceof Y.XmlFragment) type.insert(0, [new Y.XmlElement('p'), new Y.XmlText('x')])
}

const nestedTypes = doc => {
  const out = []
  const visit = t => {
    if (t instanceof Y.Map) t.forEach(v => { if (v instanceof Y.AbstractType) { out.push(v); visit(v) } })
    else if (t instanceof Y.Array || t instanceof Y.XmlFragment || t instanceof Y.XmlElement) {
      t.toArray().forEach(v => { if (v instanceof Y.AbstractType) { out.push(v); visit(v) } })
    }
  }
  visit(doc.getMap(ROOTS.map)); visit(doc.getArray(ROOTS.array)); visit(doc.getXmlFragment(ROOTS.xml))
  return out
}

const edit = (r, doc) => {
  const text = doc.getText(ROOTS.text)
  const rich = doc.getText(ROOTS.rich)
  const map = doc.getMap(ROOTS.map)
  const array = doc.getArray(ROOTS.array)
  const xml = doc.getXmlFragment(ROOTS.xml)
  const op = r.int(0, 15)
  if (op <= 3) {
    const t = text
    if (t.length > 0 && r.bool(0.35)) {
      const at = r.int(0, t.length - 1)
      t.delete(at, r.int(1, Math.min(6, t.length - at)))
    } else {
      t.insert(r.int(0, t.length), randomString(r))
    }
  } else if (op <= 6) {
    const at = r.int(0, rich.length)
    const which = r.int(0, 4)
    if (which === 0) rich.insert(at, randomString(r), { bold: r.pick([true, null, 1.5]), color: r.pick(['red', { rgb: [1, 2, 3] }]) })
    else if (which === 1 && rich.length > 0) rich.format(r.int(0, rich.length - 1), r.int(1, 4), { italic: r.pick([true, null]) })
    else if (which === 2) rich.insertEmbed(at, r.pick([{ image: 'x.png' }, [1, 'two'], 'str', 7.25, { nested: { deep: [null, true] } }]))
    else if (which === 3 && rich.length > 0) rich.delete(r.int(0, rich.length - 1), 1)
    else rich.insert(at, randomString(r))
  } else if (op <= 9) {
    const key = r.pick(['a', 'b', 'c', 'd', 'ü', '1'])
    if (r.bool(0.2) && map.has(key)) map.delete(key)
    else {
      const v = randomContent(r, true)
      map.set(key, v)
      if (v instanceof Y.AbstractType) fillNested(r, v)
    }
  } else if (op <= 12) {
    if (array.length > 0 && r.bool(0.3)) {
      const at = r.int(0, array.length - 1)
      array.delete(at, r.int(1, Math.min(3, array.length - at)))
    } else {
      const vs = Array.from({ length: r.int(1, 3) }, () => randomContent(r, r.bool(0.3), true))
      if (r.bool(0.3)) array.push(vs)
      else array.insert(r.int(0, array.length), vs)
      vs.forEach(v => { if (v instanceof Y.AbstractType) fillNested(r, v) })
    }
  } else if (op === 13) {
    if (xml.length > 0 && r.bool(0.25)) xml.delete(r.int(0, xml.length - 1), 1)
    else {
      const el = r.bool() ? new Y.XmlElement(r.pick(['p', 'h1', 'ul'])) : new Y.XmlText()
      xml.insert(r.int(0, xml.length), [el])
      if (el instanceof Y.XmlElement) { el.setAttribute('class', randomString(r, 2)); el.insert(0, [new Y.XmlText(randomString(r))]) } else el.insert(0, randomString(r))
    }
  } else {
    const nested = nestedTypes(doc)
    if (nested.length > 0) {
      const t = r.pick(nested)
      if (t instanceof Y.Map) { if (r.bool(0.3)) t.delete('n'); else t.set(r.pick(['n', 'm']), randomAny(r)) } else if (t instanceof Y.Array) { if (t.length > 0 && r.bool(0.4)) t.delete(0, 1); else t.insert(r.int(0, t.length), [arrayAny(r)]) } else if (t instanceof Y.Text) { if (t.length > 0 && r.bool(0.4)) t.delete(0, 1); else t.insert(r.int(0, t.length), randomString(r)) } else if (t instanceof Y.XmlElement) t.setAttribute('k', randomString(r, 1))
      else if (t instanceof Y.XmlFragment) t.insert(0, [new Y.XmlText('y')])
    } else text.insert(0, randomString(r))
  }
}

export const rootsJson = doc => ({
  text: doc.getText(ROOTS.text).toJSON(),
  rich: doc.getText(ROOTS.rich).toDelta().map(d => JSON.stringify(d, (k, v) => v instanceof Y.AbstractType ? v.toJSON() : (typeof v === 'bigint' ? v.toString() + 'n' : v))),
  map: jsonSafe(doc.getMap(ROOTS.map).toJSON()),
  array: jsonSafe(doc.getArray(ROOTS.array).toJSON()),
  xml: doc.getXmlFragment(ROOTS.xml).toString()
})

// Map entries come out in integration order, which differs between a doc that applied updates one by one and one
// that applied their merge: keys are sorted so only content is compared.
const sortKeys = v => Array.isArray(v) ? v.map(sortKeys)
  : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => ['#' + k, sortKeys(v[k])]))
    : v

const jsonSafe = v => sortKeys(JSON.parse(JSON.stringify(v, (k, x) => {
  if (typeof x === 'bigint') return x.toString() + 'n'
  if (x instanceof Uint8Array) return 'bin:' + Array.from(x).join(',')
  if (x === undefined) return 'undefined'
  if (typeof x === 'number' && !Number.isFinite(x)) return 'num:' + String(x)
  if (Object.is(x, -0)) return 'num:-0'
  if (x instanceof Y.Doc) return 'doc:' + x.guid
  return x
})))

/** A random history: several docs with random client ids editing concurrently and syncing now and then. */
export const makeHistory = (seed, maxOps = 40) => {
  const r = prng(seed)
  const docs = Array.from({ length: r.int(2, 4) }, () => {
    const doc = new Y.Doc({ gc: r.bool(0.6) })
    doc.clientID = r.pick([r.int(0, 10), r.int(0, 2 ** 32 - 1), r.int(100, 200)])
    return doc
  })
  // two docs with the same client id would be a broken history
  const seen = new Set()
  docs.forEach((d, i) => { while (seen.has(d.clientID)) d.clientID = (d.clientID + 1 + i) % 2 ** 32; seen.add(d.clientID) })
  const updates = []
  docs.forEach(doc => doc.on('update', u => { if (updates.length < 400) updates.push(u) }))
  const snapshots = []
  const nOps = r.int(1, maxOps)
  for (let i = 0; i < nOps; i++) {
    const k = r.int(0, 9)
    if (k <= 6) {
      const doc = r.pick(docs)
      if (r.bool(0.2)) doc.transact(() => { edit(r, doc); edit(r, doc) })
      else edit(r, doc)
    } else if (k <= 8) {
      const a = r.pick(docs)
      const b = r.pick(docs)
      if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
    } else {
      const doc = r.pick(docs)
      snapshots.push({ sv: Y.encodeStateVector(doc), state: Y.encodeStateAsUpdate(doc) })
    }
  }
  // whole-document states, from gc docs with GC structs and ContentDeleted in them
  docs.forEach(doc => { if (r.bool(0.5)) updates.push(Y.encodeStateAsUpdate(doc)) })
  snapshots.push({ sv: new Uint8Array([0]), state: new Uint8Array([0, 0]) })
  docs.forEach(doc => snapshots.push({ sv: Y.encodeStateVector(doc), state: Y.encodeStateAsUpdate(doc) }))
  return { seed, r, updates, snapshots }
}

const textOf = (update, name) => {
  const d = new Y.Doc()
  Y.applyUpdate(d, update)
  return d.getText(name).toString()
}

/** What Yjs's functions return for a history: the cases the Java port is checked on, with Yjs's answers. */
export const expectedOutputs = history => {
  const { r, updates, snapshots } = history
  const cases = []
  const all = Y.mergeUpdates(updates)
  cases.push({ op: 'merge', inputs: updates.map((_, i) => i), result: all })
  for (let k = 0; k < 3 && updates.length > 0; k++) {
    const n = r.int(1, Math.min(6, updates.length))
    const inputs = Array.from({ length: n }, () => r.int(0, updates.length - 1))
    cases.push({ op: 'merge', inputs, result: Y.mergeUpdates(inputs.map(i => updates[i])) })
  }
  const mergedAll = -1
  snapshots.forEach((s, i) => {
    cases.push({ op: 'diff', update: mergedAll, sv: i, result: Y.diffUpdate(all, s.sv) })
  })
  for (let k = 0; k < 2 && updates.length > 0; k++) {
    const u = r.int(0, updates.length - 1)
    const sv = r.int(0, snapshots.length - 1)
    cases.push({ op: 'diff', update: u, sv, result: Y.diffUpdate(updates[u], snapshots[sv].sv) })
  }
  cases.push({ op: 'stateVector', update: mergedAll, result: Y.encodeStateVectorFromUpdate(all) })
  updates.forEach((u, i) => { if (i < 8 || r.bool(0.1)) cases.push({ op: 'stateVector', update: i, result: Y.encodeStateVectorFromUpdate(u) }) })
  TEXT_ROOTS.forEach(name => cases.push({ op: 'text', update: mergedAll, name, result: textOf(all, name) }))
  for (let k = 0; k < 3 && updates.length > 0; k++) {
    // single updates and small merges may miss dependencies: their items stay pending in Yjs
    const u = r.int(0, updates.length - 1)
    const name = r.pick(TEXT_ROOTS)
    cases.push({ op: 'text', update: u, name, result: textOf(updates[u], name) })
  }
  const clientId = r.pick([0, 1, r.int(0, 2 ** 32 - 1), 2 ** 53 - 1])
  const name = r.pick(['text', 'ü', '', 'a b'])
  const text = r.bool(0.9) ? randomString(r, 8) : 'lone \uD800 and \uDC00'
  cases.push({ op: 'insertText', clientId, name, text, result: insertTextUpdate(clientId, name, text) })
  return cases
}

/** The update a fresh doc of client clientId emits for getText(name).insert(0, text); [0, 0] if it emits none. */
export const insertTextUpdate = (clientId, name, text) => {
  const doc = new Y.Doc()
  doc.clientID = clientId
  let update = new Uint8Array([0, 0])
  doc.on('update', u => { update = u })
  doc.getText(name).insert(0, text)
  return update
}

export const b64 = u => Buffer.from(u).toString('base64')
export const unb64 = s => new Uint8Array(Buffer.from(s, 'base64'))

/** A case as JSON, bytes in base64. */
export const caseJson = c => {
  const o = { ...c }
  if (o.result instanceof Uint8Array) o.result = b64(o.result)
  return o
}
