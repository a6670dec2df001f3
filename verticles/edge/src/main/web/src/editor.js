// The transcript editor: CodeMirror 6 bound to the transcript's collaborative document (transcript:{jobId}) with
// y-codemirror.next over y-websocket, so everyone's edits and carets show live and every edit is stored as it is
// typed (the collaboration verticle commits an update before anyone else sees it). The words keep their times: the
// edge retimes the edited text (GET /v1/transcripts/{jobId}), and the editor maps each whitespace-separated word of
// its text to those times, so that playing highlights the word being said and clicking a word seeks to it.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { yCollab } from 'y-codemirror.next'
import { EditorView, basicSetup } from 'codemirror'
import { EditorState, StateEffect, StateField } from '@codemirror/state'
import { Decoration } from '@codemirror/view'
import { api } from './api.js'
import { h } from './dom.js'

const COLOURS = ['#1f6feb', '#b3261e', '#1a7f37', '#8250df', '#bc4c00', '#0a7b83']
const TOKEN_SECONDS = 3600
const REFRESH_TOKEN_MS = 20 * 60 * 1000

const setCurrentWord = StateEffect.define()
const currentWord = StateField.define({
  create: () => Decoration.none,
  update (marks, transaction) {
    let next = marks.map(transaction.changes)
    for (const effect of transaction.effects) {
      if (effect.is(setCurrentWord)) {
        next = effect.value
          ? Decoration.set([Decoration.mark({ class: 'cm-current-word' }).range(effect.value.from, effect.value.to)])
          : Decoration.none
      }
    }
    return next
  },
  provide: (field) => EditorView.decorations.from(field)
})

/** The whitespace-separated words of the text, with where each starts and ends. */
function tokens (text) {
  const found = []
  const pattern = /\S+/g
  let match
  while ((match = pattern.exec(text)) !== null) found.push({ from: match.index, to: match.index + match[0].length })
  return found
}

/** The index of the word being said at `time`: the last that starts at or before it (-1 before the first). */
function wordAt (words, time) {
  let low = 0
  let high = words.length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    if (words[middle].start <= time) {
      found = middle
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return found
}

export function transcriptEditor ({ jobId, player, user: name }) {
  let user = name
  const documentName = `transcript:${jobId}`
  const status = h('span', { class: 'connection', role: 'status', dataset: { status: 'connecting' } }, 'connecting')
  const parent = h('div', { class: 'editor', id: 'transcript-editor' })
  const element = h('div', {}, h('div', { class: 'row' }, h('span', {}, 'Live document: '), status), parent)

  const ydoc = new Y.Doc()
  const ytext = ydoc.getText('text')
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  let provider = null
  let view = null
  let words = []
  let ranges = []
  let shown = -1
  let stopped = false

  const issueToken = () => api(`/v1/documents/${encodeURIComponent(documentName)}/tokens`, {
    method: 'POST', body: { access: 'write', ttlSeconds: TOKEN_SECONDS }
  })

  const refreshWords = async () => {
    try {
      const transcript = await api(`/v1/transcripts/${jobId}`)
      words = transcript.words
      remap()
    } catch {
      // Kept: the last words known still time the text.
    }
  }
  const remap = () => {
    ranges = tokens(ytext.toString())
    shown = -2
    follow()
  }

  /** Highlights the word at the player's time (and scrolls to it) when it changed. */
  const follow = () => {
    if (!view) return
    const index = wordAt(words, player.currentTime)
    if (index === shown) return
    shown = index
    const range = index >= 0 && index < ranges.length ? ranges[index] : null
    const effects = [setCurrentWord.of(range)]
    if (range && !player.paused) effects.push(EditorView.scrollIntoView(range.from, { y: 'nearest' }))
    view.dispatch({ effects })
  }

  const seekTo = (position) => {
    const index = ranges.findIndex((range) => position >= range.from && position <= range.to)
    if (index >= 0 && index < words.length) {
      player.currentTime = words[index].start
      follow()
    }
  }

  let playing = null
  const tick = () => {
    follow()
    playing = player.paused ? null : requestAnimationFrame(tick)
  }
  const onPlay = () => {
    if (playing === null) playing = requestAnimationFrame(tick)
  }
  player.addEventListener('play', onPlay)
  player.addEventListener('seeked', follow)
  player.addEventListener('timeupdate', follow)

  let retime = null
  // Changes arrive inside CodeMirror's own updates (yCollab applies them there), where the view may not be
  // dispatched to: the highlight is moved once that update has finished.
  let remapping = null
  ytext.observe(() => {
    if (remapping === null) {
      remapping = setTimeout(() => {
        remapping = null
        remap()
      }, 0)
    }
    clearTimeout(retime)
    retime = setTimeout(refreshWords, 800)
  })

  const say = (value, text = value) => {
    status.dataset.status = value
    status.textContent = text
  }

  /** Tells the others who is typing, in a colour that follows from the name. */
  const announce = (name) => {
    let hash = 7
    for (const c of name) hash = (hash * 31 + c.codePointAt(0)) % 1000003
    const colour = COLOURS[hash % COLOURS.length]
    provider?.awareness.setLocalStateField('user', { name, color: colour, colorLight: colour + '33' })
  }

  let refresher = null
  const start = async () => {
    const issued = await issueToken()
    if (stopped) return
    provider = new WebsocketProvider(`${protocol}//${window.location.host}/collab`, documentName, ydoc, {
      params: { token: issued.token }
    })
    refresher = setInterval(async () => {
      try {
        provider.params = { token: (await issueToken()).token }
      } catch {
        // The next reconnect says whether the old one still holds.
      }
    }, REFRESH_TOKEN_MS)
    provider.on('status', (event) => say(event.status, event.status === 'connected' ? 'connected · saved as you type'
      : event.status))
    provider.on('sync', (synced) => { status.dataset.synced = String(synced) })
    provider.on('closed', (event) => say('refused', `refused: ${event.reason || event.code}`))
    announce(user)
    view = new EditorView({
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          basicSetup,
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Transcript', 'aria-multiline': 'true' }),
          currentWord,
          yCollab(ytext, provider.awareness, { undoManager: new Y.UndoManager(ytext) }),
          EditorView.domEventHandlers({
            click: (event, editor) => {
              if (!editor.state.selection.main.empty) return false
              const position = editor.posAtCoords({ x: event.clientX, y: event.clientY })
              if (position !== null) seekTo(position)
              return false
            }
          })
        ]
      }),
      parent
    })
    window.atelierEditor = { ydoc, provider, view, words: () => words }
    await refreshWords()
  }
  start().catch((failure) => say('failed', `could not open the document: ${failure.message}`))

  return {
    element,
    setUser (name) {
      user = name
      announce(name)
    },
    stop () {
      stopped = true
      clearInterval(refresher)
      clearTimeout(retime)
      clearTimeout(remapping)
      if (playing !== null) cancelAnimationFrame(playing)
      player.removeEventListener('play', onPlay)
      player.removeEventListener('seeked', follow)
      player.removeEventListener('timeupdate', follow)
      view?.destroy()
      provider?.destroy()
      ydoc.destroy()
    }
  }
}
