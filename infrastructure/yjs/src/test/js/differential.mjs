// The reference side of DifferentialTest: reads one JSON request a line on stdin, answers one JSON line on stdout.
//   {"op":"history","seed":S,"maxOps":N}  -> {"updates":[b64], "snapshots":[{"sv":b64}], "cases":[...]} (cases: histories.mjs)
//   {"op":"verify","seed":S,"merged":b64,"diffs":[{"sv":i,"result":b64}]}
//       applies the Java results to fresh docs -> {"ok":true} or {"ok":false,"problem":"..."}
//   {"op":"largeDocument","seed":S,"megabytes":M} -> a long typing history and Yjs's results on it (performance test)
//   {"op":"mergeOf","updates":[b64]} -> {"result":b64} or {"refused":"..."}: Y.mergeUpdates of them
//   {"op":"adds","seed":S,"maxOps":N} -> {"cases":[{"state":b64,"update":b64,"changes":bool,"pending":bool}]}: whether a
//       doc at each snapshot emits an update when it applies each update of the history (and diffs, and nothing)
import * as Y from 'yjs'
import * as readline from 'node:readline'
import { makeHistory, expectedOutputs, rootsJson, b64, unb64, caseJson, prng } from './histories.mjs'

const histories = new Map()

const handle = req => {
  if (req.op === 'history') {
    const h = makeHistory(req.seed, req.maxOps)
    const cases = expectedOutputs(h)
    const reference = new Y.Doc()
    h.updates.forEach(u => Y.applyUpdate(reference, u))
    histories.clear()
    histories.set(req.seed, { h, reference })
    return {
      updates: h.updates.map(b64),
      snapshots: h.snapshots.map(s => ({ sv: b64(s.sv) })),
      cases: cases.map(caseJson)
    }
  }
  if (req.op === 'verify') {
    // Java's merge and diffs, applied to fresh docs, must give what Yjs's own merge and diffs give. Yjs's results do
    // not always give the reference doc's content: cutting a struct inside a surrogate pair writes U+FFFD (reported).
    const { h, reference } = histories.get(req.seed)
    const json = doc => JSON.stringify(rootsJson(doc))
    const docOf = (...updates) => { const d = new Y.Doc(); updates.forEach(u => Y.applyUpdate(d, u)); return d }
    const yjsMerged = docOf(Y.mergeUpdates(h.updates))
    const want = json(yjsMerged)
    const fresh = docOf(unb64(req.merged))
    const got = json(fresh)
    if (got !== want) return { ok: false, problem: 'merged update gives ' + got + ' where Yjs\'s merge gives ' + want }
    if (b64(Y.encodeStateVector(fresh)) !== b64(Y.encodeStateVector(reference))) return { ok: false, problem: 'merged update gives another state vector' }
    let yjsDiverges = want !== json(reference)
    const all = Y.mergeUpdates(h.updates)
    for (const d of req.diffs) {
      const state = h.snapshots[d.sv].state
      const g = json(docOf(state, unb64(d.result)))
      const w = json(docOf(state, Y.diffUpdate(all, h.snapshots[d.sv].sv)))
      if (g !== w) return { ok: false, problem: 'diff against snapshot ' + d.sv + ' gives ' + g + ' where Yjs\'s diff gives ' + w }
      yjsDiverges ||= w !== want
    }
    return { ok: true, yjsDiverges }
  }
  if (req.op === 'adds') {
    const h = makeHistory(req.seed, req.maxOps)
    const all = Y.mergeUpdates(h.updates)
    const cases = []
    h.snapshots.forEach(snapshot => {
      const candidates = [...h.updates, all, Y.diffUpdate(all, snapshot.sv), snapshot.state, new Uint8Array([0, 0])]
      candidates.forEach(update => {
        const doc = new Y.Doc()
        Y.applyUpdate(doc, snapshot.state)
        let changes = false
        doc.on('update', () => { changes = true })
        Y.applyUpdate(doc, update)
        const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
        cases.push({ state: b64(snapshot.state), update: b64(update), changes, pending })
      })
    })
    return { cases }
  }
  if (req.op === 'mergeOf') {
    // what Y.mergeUpdates makes of (possibly damaged) updates, or why it throws
    try {
      return { result: b64(Y.mergeUpdates(req.updates.map(unb64))) }
    } catch (e) {
      return { refused: String(e && e.message) }
    }
  }
  if (req.op === 'largeDocument') {
    // A long typing history (chunks typed at random places, some deleted, by three clients) of about
    // req.megabytes MB: the state at half way, the rest as a diff, and Yjs's results and timings on them.
    const r = prng(req.seed)
    const doc = new Y.Doc()
    const text = doc.getText('text')
    const words = ['lorem ', 'ipsum ', 'dolor ', 'sit ', 'amet, ', 'consectetur ', 'adipiscing ', 'elit. ', 'é😀 ', '\n']
    const target = req.megabytes * 1024 * 1024
    let half = null
    while (text.length < target) {
      doc.clientID = 1000 + r.int(0, 2)
      let chunk = ''
      const n = r.int(5, 60)
      for (let i = 0; i < n; i++) chunk += r.pick(words)
      text.insert(r.int(0, text.length), chunk)
      if (r.bool(0.2) && text.length > 100) text.delete(r.int(0, text.length - 50), r.int(1, 40))
      if (half === null && text.length > target / 2) half = { sv: Y.encodeStateVector(doc), state: Y.encodeStateAsUpdate(doc) }
    }
    const full = Y.encodeStateAsUpdate(doc)
    const rest = Y.diffUpdate(full, half.sv)
    const time = f => { const t = performance.now(); const v = f(); return [v, performance.now() - t] }
    const [merged, mergeMs] = time(() => Y.mergeUpdates([half.state, rest]))
    const [diff, diffMs] = time(() => Y.diffUpdate(full, half.sv))
    return {
      first: b64(half.state), rest: b64(rest), full: b64(full), halfSv: b64(half.sv),
      merged: b64(merged), diff: b64(diff), sv: b64(Y.encodeStateVectorFromUpdate(full)), text: text.toString(), mergeMs, diffMs
    }
  }
  throw new Error('unknown op ' + req.op)
}

const rl = readline.createInterface({ input: process.stdin, terminal: false })
rl.on('line', line => {
  let answer
  try {
    answer = handle(JSON.parse(line))
  } catch (e) {
    answer = { error: String(e && e.stack) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
