// What both browser runs check of playback: sampled in the page while the player plays, the highlighted word must be
// the word whose time the player is at (or was at a moment ago: the highlight moves on the next frame).

/** Runs in the page: the player's time, the highlighted word, and the words the transcript times there. */
export function playbackSample () {
  const player = document.getElementById('player')
  const words = window.atelierEditor.words()
  const at = (t) => {
    let found = -1
    words.forEach((w, i) => { if (w.start <= t) found = i })
    return found
  }
  const t = player.currentTime
  return { time: t, highlighted: document.querySelector('.cm-current-word')?.textContent ?? null,
    expected: words[at(t)]?.word ?? null, justBefore: words[at(Math.max(0, t - 0.15))]?.word ?? null }
}

/** Why the samples do not show a highlight that follows playback, or null when they do. */
export function playbackProblem (samples) {
  const matching = samples.filter((s) => s.highlighted !== null && (s.highlighted === s.expected || s.highlighted === s.justBefore))
  const distinct = new Set(matching.map((s) => s.highlighted))
  if (!(samples.at(-1).time > samples[0].time + 1)) return `the player should advance: ${JSON.stringify(samples)}`
  if (!(matching.length >= samples.length - 1 && distinct.size >= 3)) {
    return `the highlighted word should follow the player's time: ${JSON.stringify(samples)}`
  }
  return null
}

/** Runs in the page: where to click to put the pointer on the middle word of the transcript, and its time. */
export function middleWord () {
  const { view } = window.atelierEditor
  const words = window.atelierEditor.words()
  const tokens = [...view.state.doc.toString().matchAll(/\S+/g)]
  const index = Math.floor(Math.min(tokens.length, words.length) / 2)
  const box = view.coordsAtPos(tokens[index].index + 1)
  return { index, word: tokens[index][0], start: words[index].start, x: box.left + 1, y: (box.top + box.bottom) / 2 }
}
