// Uploads: files dropped or picked, each sent with tus-js-client to the edge's /files/ (tus 1.0.0), with a progress
// bar, pause and resume. tus-js-client remembers every unfinished upload in local storage by the file's
// fingerprint, so after a dropped connection it retries on its own, and after a page reload the same file picked
// again carries on from the offset the server holds instead of starting over. The pipeline chosen before the upload
// travels in its metadata and starts as soon as the upload has become a recording.
import * as tus from 'tus-js-client'
import { credential } from './api.js'
import { h, bytes, notify } from './dom.js'

const STEPS = [
  { type: 'transcription', label: 'Transcribe', checked: true },
  { type: 'enrichment', label: 'Enrich (keywords, summary, chapters)', checked: true },
  { type: 'peaks', label: 'Waveform peaks', checked: true },
  { type: 'thumbnail', label: 'Thumbnail' },
  { type: 'transcode', label: 'MP3' },
  { type: 'subtitled-video', label: 'Subtitled video' },
  { type: 'audiogram', label: 'Audiogram' },
  { type: 'export-kit', label: 'Export kit' }
]
const CHUNK_BYTES = 8 * 1024 * 1024
const NEEDS_TRANSCRIPT = new Set(['enrichment', 'subtitled-video', 'audiogram', 'export-kit'])

export function uploadPanel ({ onUploaded }) {
  const boxes = STEPS.map((step) => h('input', { type: 'checkbox', id: `step-${step.type}`, value: step.type,
    checked: step.checked }))
  const steps = h('fieldset', { class: 'steps' }, h('legend', {}, 'Pipeline to run on each upload'),
    ...STEPS.map((step, i) => h('span', { class: 'step' }, boxes[i], h('label', { for: `step-${step.type}` }, step.label))))
  const picker = h('input', { type: 'file', id: 'file-picker', multiple: true, accept: 'audio/*,video/*',
    class: 'visually-hidden' })
  const list = h('ul', { class: 'uploads', 'aria-label': 'Uploads' })
  const zone = h('div', { class: 'drop-zone', id: 'drop-zone' },
    h('p', {}, 'Drop audio or video files here, or '),
    h('label', { for: 'file-picker', class: 'button' }, 'choose files'),
    picker)
  const element = h('section', { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload'), steps, zone, list)
  const running = new Set()

  const pipeline = () => {
    const chosen = boxes.filter((box) => box.checked).map((box) => box.value)
    if (!chosen.includes('transcription') && chosen.some((step) => NEEDS_TRANSCRIPT.has(step))) {
      throw new Error('Enrichment, subtitles, audiograms and export kits need the transcription step.')
    }
    return chosen.join(',')
  }

  const start = (file) => {
    let steps
    try {
      steps = pipeline()
    } catch (failure) {
      notify(failure.message, 'error')
      return
    }
    const bar = h('progress', { max: 100, value: 0, 'aria-label': `Upload of ${file.name}` })
    const state = h('span', { class: 'upload-state' }, 'starting')
    const pause = h('button', { type: 'button' }, 'Pause')
    const item = h('li', { class: 'upload', dataset: { file: file.name, state: 'starting' } },
      h('span', { class: 'upload-name' }, file.name), h('span', { class: 'muted' }, bytes(file.size)), bar, state, pause)
    list.prepend(item)
    const say = (value, text = value) => {
      item.dataset.state = value
      state.textContent = text
    }
    const upload = new tus.Upload(file, {
      endpoint: '/files/',
      // The credential is read at each request: a sign-in that changed meanwhile is the one sent.
      onBeforeRequest: (request) => request.setHeader('Authorization', `Bearer ${credential()}`),
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream', pipeline: steps },
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      // Bounded requests: a proxy's body limit never refuses a big file, and a connection that dies between two
      // chunks is noticed at the next one, which retries from the offset the server holds.
      chunkSize: CHUNK_BYTES,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        bar.value = total > 0 ? Math.floor((sent / total) * 100) : 0
        item.dataset.offset = String(sent)
        say('uploading', `${bar.value} %`)
      },
      onShouldRetry: (error, attempt) => {
        say('retrying', `connection lost, retrying (${attempt + 1})`)
        const status = error.originalResponse ? error.originalResponse.getStatus() : 0
        return status === 0 || status === 409 || status === 423 || status === 429 || status >= 500
      },
      onError: (error) => {
        running.delete(upload)
        const body = error.originalResponse ? error.originalResponse.getBody() : ''
        say('failed', `failed: ${body || error.message}`)
        pause.hidden = true
      },
      onSuccess: () => {
        running.delete(upload)
        bar.value = 100
        say('done', 'uploaded')
        pause.hidden = true
        onUploaded()
      }
    })
    pause.addEventListener('click', () => {
      if (item.dataset.state === 'paused') {
        pause.textContent = 'Pause'
        say('uploading', 'resuming')
        upload.start()
      } else {
        upload.abort()
        pause.textContent = 'Resume'
        say('paused')
      }
    })
    running.add(upload)
    upload.findPreviousUploads().then((previous) => {
      if (previous.length > 0) {
        upload.resumeFromPreviousUpload(previous[0])
        item.dataset.resumed = 'true'
        say('uploading', 'resuming an earlier upload')
      }
      upload.start()
    })
  }

  picker.addEventListener('change', () => {
    [...picker.files].forEach(start)
    picker.value = ''
  })
  zone.addEventListener('dragover', (event) => {
    event.preventDefault()
    zone.classList.add('over')
  })
  zone.addEventListener('dragleave', () => zone.classList.remove('over'))
  zone.addEventListener('drop', (event) => {
    event.preventDefault()
    zone.classList.remove('over')
    ;[...event.dataTransfer.files].forEach(start)
  })

  // Uploads this browser began and did not finish (a reload, a closed tab): say which files to pick again.
  tus.defaultOptions.urlStorage.findAllUploads().then((unfinished) => {
    if (unfinished.length === 0) return
    list.prepend(h('li', { class: 'unfinished' }, `Unfinished uploads: ${unfinished.map((u) => u.metadata?.filename)
      .join(', ')}. Pick the same files again and they carry on where they stopped.`))
  }).catch(() => {})

  return {
    element,
    // Leaving the page does not stop uploads: they carry on in the background of the tab.
    stop: () => {}
  }
}
