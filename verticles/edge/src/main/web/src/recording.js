// One recording: its player with the waveform under it, the transcript editor synced with the player, the insights
// of its enrichment, a live timeline of its pipelines and jobs, and its renders. Everything goes through the public
// API; the timeline follows each unfinished pipeline's (and lone job's) event stream and reloads on state changes.
import { api, download, follow } from './api.js'
import { h, clock, bytes, notify } from './dom.js'
import { transcriptEditor } from './editor.js'
import { drawPeaks } from './peaks.js'

// What the page can run on its own: a transcription or enrichment again (after edits, say), and every render kind.
const RUN_KINDS = [
  { type: 'transcription', label: 'Transcribe' },
  { type: 'enrichment', label: 'Enrich' }
]
const RENDER_KINDS = [
  { type: 'thumbnail', label: 'Thumbnail' },
  { type: 'peaks', label: 'Waveform peaks' },
  { type: 'transcode', label: 'MP3' },
  { type: 'subtitled-video', label: 'Subtitled video' },
  { type: 'audiogram', label: 'Audiogram' },
  { type: 'export-kit', label: 'Export kit' }
]
const RENDERS = new Set(['render', ...RENDER_KINDS.map((kind) => kind.type)])
const FINISHED = new Set(['succeeded', 'failed', 'cancelled'])
const NAME = 'atelier.name'
const SEEK_SECONDS = 5

function problemText (error) {
  if (!error) return ''
  return [error.code, error.message || error.detail].filter(Boolean).join(': ') || JSON.stringify(error)
}

function badge (state) {
  return h('span', { class: 'badge', dataset: { state } }, state)
}

function progressBar (value, label) {
  const attributes = { max: 1, 'aria-label': label }
  if (Number.isFinite(value)) attributes.value = value
  return h('progress', attributes)
}

export function recordingPage (main, assetId) {
  const stops = []
  let gone = false
  const player = h('video', { id: 'player', controls: true, preload: 'metadata', playsinline: true })
  const waveform = h('canvas', { id: 'waveform', class: 'waveform', tabindex: 0, role: 'slider', 'aria-label': 'Position',
    'aria-valuemin': 0, 'aria-valuemax': 0, 'aria-valuenow': 0, hidden: true })
  const time = h('span', { id: 'player-time', class: 'muted', 'aria-live': 'off' }, '0:00')
  const editorSlot = h('div', { id: 'transcript' }, h('p', { class: 'muted' }, 'The transcript appears here when a transcription has finished.'))
  const exports = h('div', { class: 'row', hidden: true })
  const insights = h('div', { id: 'insights' }, h('p', { class: 'muted' }, 'Enrich the transcript to see a summary, keywords and chapters.'))
  const timeline = h('ol', { id: 'timeline', class: 'timeline', 'aria-live': 'polite' })
  const outputs = h('ul', { id: 'outputs', class: 'outputs' })
  const title = h('h1', {}, 'Recording')
  const details = h('p', { class: 'muted' })

  const seek = (seconds) => {
    const end = Number.isFinite(player.duration) ? player.duration : Infinity
    player.currentTime = Math.min(end, Math.max(0, seconds))
  }
  const seekButton = (seconds, text) => h('button', { type: 'button', class: 'link', onclick: () => seek(seconds) },
    h('span', { class: 'muted' }, clock(seconds)), ' ', text)
  const playPause = () => (player.paused ? player.play().catch(() => {}) : player.pause())

  // Shortcuts work anywhere on the page, the editor included: Alt plus a letter types nothing there.
  const onKey = (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return
    const action = { KeyK: playPause, KeyJ: () => seek(player.currentTime - SEEK_SECONDS),
      KeyL: () => seek(player.currentTime + SEEK_SECONDS) }[event.code]
    if (!action) return
    event.preventDefault()
    action()
  }
  window.addEventListener('keydown', onKey, true)
  stops.push(() => window.removeEventListener('keydown', onKey, true))

  let peaks = null
  const redraw = () => {
    time.textContent = `${clock(player.currentTime)} / ${clock(player.duration)}`
    if (!peaks) return
    const duration = Number.isFinite(player.duration) ? player.duration : 0
    waveform.setAttribute('aria-valuemax', Math.round(duration))
    waveform.setAttribute('aria-valuenow', Math.round(player.currentTime))
    waveform.setAttribute('aria-valuetext', clock(player.currentTime))
    drawPeaks(waveform, peaks, duration > 0 ? player.currentTime / duration : 0)
  }
  let frame = null
  const animate = () => {
    redraw()
    frame = player.paused ? null : requestAnimationFrame(animate)
  }
  player.addEventListener('play', () => { if (frame === null) frame = requestAnimationFrame(animate) })
  for (const event of ['timeupdate', 'seeked', 'loadedmetadata', 'pause']) player.addEventListener(event, redraw)
  stops.push(() => { if (frame !== null) cancelAnimationFrame(frame) })
  waveform.addEventListener('click', (event) => {
    const box = waveform.getBoundingClientRect()
    if (Number.isFinite(player.duration)) seek(((event.clientX - box.left) / box.width) * player.duration)
  })
  waveform.addEventListener('keydown', (event) => {
    const step = { ArrowLeft: -SEEK_SECONDS, ArrowRight: SEEK_SECONDS }[event.key]
    if (step === undefined) return
    event.preventDefault()
    seek(player.currentTime + step)
  })
  const onResize = () => redraw()
  window.addEventListener('resize', onResize)
  stops.push(() => window.removeEventListener('resize', onResize))

  const nameInput = h('input', { id: 'user-name', type: 'text', autocomplete: 'nickname', maxlength: 40,
    value: localStorage.getItem(NAME) || `Guest ${Math.floor(Math.random() * 9000 + 1000)}` })
  localStorage.setItem(NAME, nameInput.value)
  let editor = null
  let editorJob = null
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim() || 'Guest'
    localStorage.setItem(NAME, name)
    editor?.setUser(name)
  })
  stops.push(() => editor?.stop())

  const openEditor = (job) => {
    if (editorJob === job.id || gone) return
    editor?.stop()
    editorJob = job.id
    editor = transcriptEditor({ jobId: job.id, player, user: nameInput.value.trim() || 'Guest' })
    editorSlot.replaceChildren(editor.element)
    exports.replaceChildren(h('span', {}, 'Export subtitles:'), ...['srt', 'vtt', 'txt'].map((format) =>
      h('button', { type: 'button', id: `export-${format}`, onclick: () =>
        download(`/v1/transcripts/${job.id}.${format}`, `${(asset?.filename || 'transcript').replace(/\.[^.]*$/, '')}.${format}`)
          .catch((failure) => notify(`Could not export: ${failure.message}`, 'error')) }, format.toUpperCase())))
    exports.hidden = false
  }

  let insightsJob = null
  const showInsights = async (job) => {
    if (insightsJob === job.id) return
    insightsJob = job.id
    const found = await api(`/v1/enrichments/${job.id}`)
    insights.replaceChildren(
      h('h3', {}, 'Summary'), h('p', { id: 'summary' }, found.summary || '–'),
      h('h3', {}, 'Keywords'),
      h('ul', { class: 'chips', id: 'keywords' }, ...found.keywords.map((keyword) => h('li', {},
        Number.isFinite(keyword.firstAt) ? seekButton(keyword.firstAt, keyword.text) : keyword.text))),
      h('h3', {}, 'Chapters'),
      h('ol', { id: 'chapters' }, ...found.chapters.map((chapter) => h('li', {}, seekButton(chapter.start, chapter.title)))))
  }

  let peaksJob = null
  const showPeaks = async (job) => {
    if (peaksJob === job.id) return
    peaksJob = job.id
    peaks = await api(`/v1/renders/${job.id}/peaks.json`)
    waveform.hidden = false
    redraw()
  }

  // The timeline: pipelines with their steps, then the jobs started on their own.
  const progress = new Map()
  const streams = new Map()
  let reloading = null
  const reloadSoon = () => {
    clearTimeout(reloading)
    reloading = setTimeout(load, 250)
  }
  const listen = (key, path) => {
    if (streams.has(key)) return
    streams.set(key, follow(path, {
      onEvent: (data) => {
        const event = JSON.parse(data)
        if (event.type === 'progress' && event.jobId) {
          progress.set(event.jobId, event.progress)
          for (const bar of timeline.querySelectorAll(`progress[data-job="${event.jobId}"]`)) bar.value = event.progress
        } else {
          reloadSoon()
        }
      },
      onState: (state) => { if (state === 'ended') { streams.delete(key); reloadSoon() } }
    }))
  }
  stops.push(() => { for (const stop of streams.values()) stop() })

  const act = (label, path, id) => h('button', { type: 'button', id, onclick: async (event) => {
    event.target.disabled = true
    try {
      await api(path, { method: 'POST' })
      notify(`${label}: done`)
    } catch (failure) {
      notify(`${label}: ${failure.message}`, 'error')
    }
    reloadSoon()
  } }, label)

  const stepItem = (step) => h('li', { class: 'step', dataset: { type: step.type, state: step.state, job: step.jobId || '' } },
    h('span', { class: 'step-name' }, step.type), badge(step.state),
    step.state === 'running' ? progressBar(progress.get(step.jobId), `${step.type} progress`) : null,
    step.error ? h('span', { class: 'error' }, problemText(step.error)) : null)

  const renderTimeline = (pipelines, jobs) => {
    const items = pipelines.map((pipeline) => h('li', { class: 'pipeline', dataset: { pipeline: pipeline.id, state: pipeline.state } },
      h('div', { class: 'row' }, h('strong', {}, 'Pipeline'), badge(pipeline.state),
        h('time', { class: 'muted', datetime: pipeline.createdAt }, new Date(pipeline.createdAt).toLocaleString()),
        FINISHED.has(pipeline.state) ? null : act('Cancel', `/v1/pipelines/${pipeline.id}/cancel`, `cancel-${pipeline.id}`),
        pipeline.state === 'failed' || pipeline.state === 'cancelled'
          ? act('Resume', `/v1/pipelines/${pipeline.id}/resume`, `resume-${pipeline.id}`) : null),
      pipeline.error ? h('p', { class: 'error' }, problemText(pipeline.error)) : null,
      h('ol', { class: 'steps' }, ...pipeline.steps.map((step) => {
        const item = stepItem(step)
        const bar = item.querySelector('progress')
        if (bar) bar.dataset.job = step.jobId
        return item
      }))))
    for (const job of jobs.filter((j) => !j.pipeline)) {
      const item = stepItem({ type: job.type, state: job.state, jobId: job.id, error: job.error })
      item.classList.add('job')
      const bar = item.querySelector('progress')
      if (bar) bar.dataset.job = job.id
      if (!FINISHED.has(job.state)) item.append(act('Cancel', `/v1/jobs/${job.id}/cancel`, `cancel-${job.id}`))
      if (job.state === 'failed' || job.state === 'cancelled') {
        item.append(act('Retry', `/v1/jobs/${job.id}/retry`, `retry-${job.id}`))
      }
      items.push(item)
    }
    timeline.replaceChildren(...items)
    if (items.length === 0) timeline.append(h('li', { class: 'muted' }, 'Nothing has run on this recording yet.'))
  }

  const renderFiles = new Map()
  const renderOutputs = async (jobs) => {
    const renders = jobs.filter((job) => RENDERS.has(job.type))
    const items = []
    for (const job of renders) {
      let files = null
      if (job.state === 'succeeded') {
        const known = renderFiles.get(job.id)
        if (!known || Object.values(known.files).some((file) => Date.parse(file.expiresAt) < Date.now() + 60_000)) {
          try {
            renderFiles.set(job.id, await api(`/v1/renders/${job.id}`))
          } catch (failure) {
            notify(`Could not list the files of a ${job.type} render: ${failure.message}`, 'error')
          }
        }
        files = renderFiles.get(job.id)?.files
      }
      items.push(h('li', { dataset: { job: job.id, type: job.type, state: job.state } },
        h('strong', {}, job.type), ' ', badge(job.state),
        files ? h('ul', {}, ...Object.entries(files).map(([name, file]) => h('li', {},
          h('a', { href: file.downloadUrl, download: name, rel: 'noopener' }, name),
          h('span', { class: 'muted' }, ` ${file.contentType}, ${bytes(file.sizeBytes)}`)))) : null))
    }
    outputs.replaceChildren(...items)
    if (items.length === 0) outputs.append(h('li', { class: 'muted' }, 'No renders yet.'))
  }

  const runButton = (kind, prefix) => h('button', {
    type: 'button',
    id: `${prefix}-${kind.type}`,
    onclick: async (event) => {
      event.target.disabled = true
      try {
        await api('/v1/jobs', { method: 'POST', body: { type: kind.type, assetId } })
        notify(`${kind.label} queued`)
        await load()
      } catch (failure) {
        notify(`${kind.label}: ${failure.message}`, 'error')
      } finally {
        event.target.disabled = false
      }
    }
  }, kind.label)
  const renderButtons = h('div', { class: 'row' }, ...RENDER_KINDS.map((kind) => runButton(kind, 'render')))
  const runButtons = h('div', { class: 'row' }, ...RUN_KINDS.map((kind) => runButton(kind, 'run')))

  let asset = null
  let loading = false
  let again = false
  const load = async () => {
    if (gone) return
    if (loading) {
      again = true
      return
    }
    loading = true
    try {
      const [pipelines, jobs] = await Promise.all([
        api(`/v1/pipelines?assetId=${assetId}&limit=20`), api(`/v1/jobs?assetId=${assetId}&limit=100`)])
      if (gone) return
      renderTimeline(pipelines.items, jobs.items)
      for (const pipeline of pipelines.items) {
        if (!FINISHED.has(pipeline.state)) listen(pipeline.id, `/v1/events?pipeline=${pipeline.id}`)
      }
      for (const job of jobs.items) {
        if (!job.pipeline && !FINISHED.has(job.state)) listen(job.id, `/v1/jobs/${job.id}/events`)
      }
      const latest = (type) => jobs.items.find((job) => job.type === type && job.state === 'succeeded')
      if (latest('transcription')) openEditor(latest('transcription'))
      await Promise.all([
        latest('enrichment') ? showInsights(latest('enrichment')) : null,
        latest('peaks') ? showPeaks(latest('peaks')) : null,
        renderOutputs(jobs.items)])
    } catch (failure) {
      notify(`Could not load the recording: ${failure.message}`, 'error')
    } finally {
      loading = false
      if (again) {
        again = false
        reloadSoon()
      }
    }
  }

  const start = async () => {
    asset = await api(`/v1/assets/${assetId}`)
    if (gone) return
    title.textContent = asset.filename || asset.id
    document.title = `${title.textContent} · Atelier`
    details.textContent = `${clock(asset.media?.durationSeconds)} · ${bytes(asset.sizeBytes)} · ${asset.contentType}`
    // A recording without pictures gets the player's controls only, not an empty black frame.
    if (!(asset.media?.streams || []).some((stream) => stream.type === 'video')) player.classList.add('audio-only')
    player.src = (await api(`/v1/assets/${assetId}/link?ttlSeconds=21600`)).url
    await load()
  }

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← All recordings')),
    title, details,
    h('div', { class: 'columns' },
      h('div', { class: 'primary-column' },
        h('section', { class: 'card', 'aria-labelledby': 'player-title' },
          h('h2', { id: 'player-title', class: 'visually-hidden' }, 'Player'),
          player, waveform,
          h('div', { class: 'row controls' },
            h('button', { type: 'button', id: 'play-pause', onclick: playPause, 'aria-keyshortcuts': 'Alt+K' }, 'Play / pause', h('kbd', {}, 'Alt+K')),
            h('button', { type: 'button', id: 'back-5', onclick: () => seek(player.currentTime - SEEK_SECONDS), 'aria-keyshortcuts': 'Alt+J' }, '−5 s', h('kbd', {}, 'Alt+J')),
            h('button', { type: 'button', id: 'forward-5', onclick: () => seek(player.currentTime + SEEK_SECONDS), 'aria-keyshortcuts': 'Alt+L' }, '+5 s', h('kbd', {}, 'Alt+L')),
            time)),
        h('section', { class: 'card', 'aria-labelledby': 'transcript-title' },
          h('div', { class: 'row' }, h('h2', { id: 'transcript-title' }, 'Transcript'),
            h('label', { for: 'user-name', class: 'inline' }, 'Your name'), nameInput),
          editorSlot, exports)),
      h('div', { class: 'side-column' },
        h('section', { class: 'card', 'aria-labelledby': 'insights-title' }, h('h2', { id: 'insights-title' }, 'Insights'), insights),
        h('section', { class: 'card', 'aria-labelledby': 'timeline-title' }, h('h2', { id: 'timeline-title' }, 'Timeline'), runButtons, timeline),
        h('section', { class: 'card', 'aria-labelledby': 'renders-title' }, h('h2', { id: 'renders-title' }, 'Renders'),
          renderButtons, outputs))))

  start().catch((failure) => notify(`Could not open the recording: ${failure.message}`, 'error'))
  const poll = setInterval(load, 15_000)
  stops.push(() => clearInterval(poll))
  return () => {
    gone = true
    clearTimeout(reloading)
    player.pause()
    for (const stop of stops) stop()
  }
}
