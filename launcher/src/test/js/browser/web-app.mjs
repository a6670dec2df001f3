// The web app end to end, as its people use it, in real Chromium pages against a running node (the edge serves the
// app at /app/): sign in with an API key; upload a spoken recording with a pipeline; watch the pipeline finish on the
// recording's timeline; two people (two browser contexts) edit its transcript at once and each sees both edits and
// the other's caret; playing highlights the word being said; clicking a word seeks there; the shortcuts move the
// player; the exported SRT holds the edited text; a render's output appears with a download link; an upload
// interrupted by a reload resumes from where the server stopped, one whose connection drops carries on by itself
// when it comes back; axe-core finds no serious accessibility violation;
// the page fits a phone's width. Every step leaves a screenshot. Prints one JSON line with what it saw; exits 0 on
// success, 1 on failure, 2 on bad arguments.
//
//   node web-app.mjs --base-url http://127.0.0.1:PORT --api-key KEY --recording speech.wav --big-file big.wav
//                    --screenshots DIR [--timeout-ms 300000] [--chromium /usr/bin/chromium]
import { chromium } from 'playwright-core'
import { mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { browserRun, check } from './browser-run.mjs'
import { middleWord, playbackProblem, playbackSample } from './playback.mjs'

const { values: args } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    recording: { type: 'string' },
    'big-file': { type: 'string' },
    screenshots: { type: 'string' },
    'timeout-ms': { type: 'string', default: '300000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' }
  }
})
for (const required of ['base-url', 'api-key', 'recording', 'big-file', 'screenshots']) {
  if (!args[required]) {
    console.error(`missing --${required}`)
    process.exit(2)
  }
}

const base = args['base-url'].replace(/\/$/, '')
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required']
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

// Chromium logs the failures the run itself causes (a wrong key at sign-in, the connection it takes away) as failed
// loads: those are expected.
const run = browserRun({ timeoutMs: Number(args['timeout-ms']), label: 'web-app',
  expectedConsole: ['the server responded with a status of 401', 'ERR_INTERNET_DISCONNECTED'] })
const { report, step, left } = run
Object.assign(report, { accessibility: {}, samples: [] })

async function api (pathname, init = {}) {
  const response = await fetch(base + pathname, {
    ...init, headers: { Authorization: `Bearer ${args['api-key']}`, ...(init.headers || {}) }
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${init.method || 'GET'} ${pathname} answered ${response.status}: ${text}`)
  return response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text
}

async function shoot (page, name) {
  const file = path.join(args.screenshots, `web-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  report.screenshots.push(path.basename(file))
}

/** axe-core in the page (evaluated, so the page's CSP stays as it is): the serious and critical violations. */
async function accessibility (page, name) {
  await page.evaluate(axeSource)
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))
  })
  report.accessibility[name] = found
  const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  check(serious.length === 0, `axe found serious violations on ${name}: ${JSON.stringify(serious)}`)
}

async function person (name) {
  const context = await run.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      report.console.push({ who: name, type: message.type(), text: message.text() })
    }
  })
  page.on('pageerror', (error) => report.console.push({ who: name, type: 'pageerror', text: String(error) }))
  const requests = []
  page.on('request', (request) => requests.push({ method: request.method(), url: request.url(),
    offset: request.headers()['upload-offset'] }))
  return { name, context, page, requests }
}

async function signIn (who) {
  await who.page.goto(base + '/')
  check(new URL(who.page.url()).pathname === '/app/', `/ should lead to /app/, it led to ${who.page.url()}`)
  await who.page.fill('#api-key', args['api-key'])
  await who.page.click('button[type=submit]')
  await who.page.waitForSelector('table.recordings')
  check(await who.page.evaluate(() => sessionStorage.getItem('atelier.credential')) === args['api-key'],
    'the key should be kept in session storage')
  check(!who.page.url().includes(args['api-key']), 'the key must never be in the URL')
}

async function openRecording (who, assetId) {
  await who.page.goto(`${base}/app/#/recordings/${assetId}`)
  await who.page.fill('#user-name', who.name)
  await who.page.press('#user-name', 'Enter')
  await who.page.dispatchEvent('#user-name', 'change')
  await who.page.waitForSelector('.connection[data-status=connected]', { timeout: left() })
  await who.page.waitForFunction(() => window.atelierEditor?.provider.synced && window.atelierEditor.words().length > 0,
    null, { timeout: left() })
}

/** The text of an SRT file's cues, without their numbers and times, as one line. */
const cueText = (srt) => srt.split(/\r?\n/).filter((line) => !/^\d+$/.test(line.trim()) && !line.includes('-->'))
  .join(' ').replace(/\s+/g, ' ')

const editorText = (who) => who.page.evaluate(() => window.atelierEditor.view.state.doc.toString())

try {
  await mkdir(args.screenshots, { recursive: true })
  run.browser = await chromium.launch({ executablePath: args.chromium, args: CHROMIUM_ARGS, timeout: 60_000 })
  const ada = await person('Ada')
  const grace = await person('Grace')

  step('sign in')
  await ada.page.goto(base + '/')
  await ada.page.waitForSelector('#api-key')
  await shoot(ada.page, '01-sign-in')
  await accessibility(ada.page, 'sign-in')
  await ada.page.fill('#api-key', 'atl_not-a-key')
  await ada.page.click('button[type=submit]')
  await ada.page.waitForFunction(() => document.getElementById('sign-in-error')?.textContent.includes('not valid'))
  await signIn(ada)
  await shoot(ada.page, '02-recordings')
  await accessibility(ada.page, 'recordings')

  step('keyboard: every control is reached by Tab and shows its focus')
  report.focus = []
  await ada.page.evaluate(() => document.activeElement?.blur())
  for (let i = 0; i < 40; i++) {
    await ada.page.keyboard.press('Tab')
    report.focus.push(await ada.page.evaluate(() => {
      const element = document.activeElement
      if (element === document.body) return null // focus went past the page, to the browser's own controls
      // A visually hidden file input shows its focus on the label that stands for it.
      const shown = element.id === 'file-picker' ? document.querySelector('label[for=file-picker]') : element
      const style = getComputedStyle(shown)
      return { what: element.id || element.textContent.trim().slice(0, 30) || element.tagName,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }
    }))
  }
  report.focus = report.focus.filter(Boolean)
  const reached = report.focus.map((f) => f.what)
  for (const control of ['Skip to content', 'sign-out', 'step-transcription', 'file-picker', 'search']) {
    check(reached.includes(control), `Tab should reach ${control}: ${reached}`)
  }
  check(report.focus.every((f) => f.visible), `every focused control should show its focus: ${JSON.stringify(report.focus)}`)

  step('upload a recording with a pipeline')
  const filename = path.basename(args.recording)
  for (const type of ['transcription', 'enrichment', 'peaks']) check(await ada.page.isChecked(`#step-${type}`), `${type} is a default step`)
  await ada.page.setInputFiles('#file-picker', args.recording)
  await ada.page.waitForSelector(`li.upload[data-file="${filename}"][data-state=done]`, { timeout: left() })
  const row = await ada.page.waitForSelector(`table.recordings a:text-is("${filename}")`, { timeout: 15_000 })
  const assetId = (await row.getAttribute('href')).split('/').pop()
  report.assetId = assetId
  await shoot(ada.page, '03-uploaded')

  step('search by name')
  await ada.page.fill('#search', filename.slice(1, -2).toUpperCase())
  await ada.page.waitForFunction(([id, name]) => [...document.querySelectorAll('table.recordings tbody tr')]
    .every((tr) => tr.querySelector('a').textContent === name) && document.querySelector(`tr[data-asset="${id}"]`),
  [assetId, filename])
  await ada.page.fill('#search', 'no-such-recording-name')
  await ada.page.waitForFunction(() => document.querySelectorAll('table.recordings tbody tr').length === 0)
  await ada.page.fill('#search', '')

  step('watch the pipeline on the timeline')
  await ada.page.click(`table.recordings tr[data-asset="${assetId}"] a`)
  await ada.page.waitForSelector('li.pipeline', { timeout: 30_000 })
  const seenStates = new Set()
  const watch = setInterval(async () => {
    try {
      for (const state of await ada.page.$$eval('#timeline [data-state]', (all) => all.map((e) => `${e.className}:${e.dataset.state}`))) seenStates.add(state)
      for (const value of await ada.page.$$eval('#timeline progress', (all) => all.map((e) => e.value))) {
        report.progressSeen = Math.max(report.progressSeen || 0, value)
      }
    } catch { /* the page is busy navigating */ }
  }, 100)
  // The timeline as it runs (or, on a fast machine, as soon as it is seen).
  const runningShot = ada.page.waitForSelector('li.pipeline:is([data-state=running], [data-state=succeeded])', { timeout: left() })
    .then(() => shoot(ada.page, '04-timeline'))
  await ada.page.waitForSelector('li.pipeline[data-state=succeeded]', { timeout: left() })
  clearInterval(watch)
  await runningShot
  report.timelineStates = [...seenStates]
  const stepStates = await ada.page.$$eval('li.pipeline .step', (all) => all.map((e) => `${e.dataset.type}:${e.dataset.state}`))
  check(JSON.stringify(stepStates) === JSON.stringify(['transcription:succeeded', 'enrichment:succeeded', 'peaks:succeeded']),
    `every step should have succeeded: ${stepStates}`)
  check(ada.requests.some((r) => r.url.includes('/v1/events?pipeline=')), 'the timeline should follow the pipeline\'s event stream')
  check(report.progressSeen > 0, 'a running step should show its progress from the event stream')
  await ada.page.waitForSelector('#waveform:not([hidden])', { timeout: 20_000 })
  await ada.page.waitForSelector('#summary', { timeout: 20_000 })
  report.summary = await ada.page.textContent('#summary')
  report.keywords = await ada.page.$$eval('#keywords li', (all) => all.map((e) => e.textContent))
  await shoot(ada.page, '05-pipeline-finished')

  step('two people open the transcript')
  await openRecording(ada, assetId)
  // Grace has no key: Ada gives her a sign-in link, whose session token the app keeps and then drops from the URL.
  await ada.page.click('#share-link')
  await ada.page.click('#share-create')
  await ada.page.waitForFunction(() => document.getElementById('share-url')?.value.includes('#session='))
  const signInLink = await ada.page.inputValue('#share-url')
  await shoot(ada.page, '06-sign-in-link')
  await accessibility(ada.page, 'sign-in-link')
  await ada.page.click('#share-close')
  check(new URL(signInLink).origin === base && new URL(signInLink).pathname === '/app/', `a link to the app: ${signInLink}`)
  await grace.page.goto(signInLink)
  await grace.page.waitForSelector('table.recordings')
  const graceCredential = await grace.page.evaluate(() => sessionStorage.getItem('atelier.credential'))
  check(graceCredential && graceCredential !== args['api-key'] && signInLink.endsWith(graceCredential),
    'the link\'s session token should be the credential kept')
  check(!grace.page.url().includes('session='), `the token should leave the address bar: ${grace.page.url()}`)
  check(await grace.page.isHidden('#share-link'), 'a session cannot make sign-in links')
  report.signInLink = { expiresIn: 'one hour', kept: 'sessionStorage' }
  await openRecording(grace, assetId)
  const original = await editorText(ada)
  check(original.trim().split(/\s+/).length >= 8, `the transcript should hold words: "${original}"`)
  report.originalText = original

  step('both edit at once')
  const adaLine = ' Ada checked this part.'
  const graceLine = 'Reviewed by Grace. '
  await ada.page.click('.cm-content')
  await ada.page.keyboard.press('Control+End')
  await grace.page.click('.cm-content')
  await grace.page.keyboard.press('Control+Home')
  await Promise.all([ada.page.keyboard.type(adaLine, { delay: 25 }), grace.page.keyboard.type(graceLine, { delay: 25 })])
  const both = (text) => text.includes(adaLine.trim()) && text.includes(graceLine.trim())
  await Promise.all([ada, grace].map((who) => who.page.waitForFunction(([a, g]) => {
    const text = window.atelierEditor.view.state.doc.toString()
    return text.includes(a) && text.includes(g)
  }, [adaLine.trim(), graceLine.trim()], { timeout: 20_000 })))
  const texts = { ada: await editorText(ada), grace: await editorText(grace) }
  check(texts.ada === texts.grace && both(texts.ada), `both editors should show both edits: ${JSON.stringify(texts)}`)
  report.editedText = texts.ada
  for (const [who, other] of [[ada, 'Grace'], [grace, 'Ada']]) {
    await who.page.waitForFunction((name) => [...document.querySelectorAll('.cm-ySelectionInfo')]
      .some((e) => e.textContent === name), other, { timeout: 20_000 })
  }
  report.carets = {
    ada: await ada.page.$$eval('.cm-ySelectionInfo', (all) => all.map((e) => e.textContent)),
    grace: await grace.page.$$eval('.cm-ySelectionInfo', (all) => all.map((e) => e.textContent))
  }
  await shoot(ada.page, '07-editing-ada')
  await shoot(grace.page, '08-editing-grace')
  await accessibility(ada.page, 'recording')

  step('play: the highlighted word follows the player')
  // The edge retimes the edited text; wait until the words the page holds are those of the edited text.
  await ada.page.waitForFunction(() => {
    const text = window.atelierEditor.view.state.doc.toString()
    return window.atelierEditor.words().length === text.split(/\s+/).filter(Boolean).length
  }, null, { timeout: 20_000 })
  await ada.page.evaluate(() => { document.getElementById('player').currentTime = 0 })
  await ada.page.click('#play-pause')
  await ada.page.waitForFunction(() => !document.getElementById('player').paused && document.getElementById('player').currentTime > 0.3)
  for (let i = 0; i < 12; i++) {
    report.samples.push(await ada.page.evaluate(playbackSample))
    await ada.page.waitForTimeout(250)
  }
  await ada.page.click('#play-pause')
  const problem = playbackProblem(report.samples)
  check(problem === null, problem)
  await shoot(ada.page, '09-playing')

  step('click a word: the player seeks to it')
  const target = await ada.page.evaluate(middleWord)
  await ada.page.mouse.click(target.x, target.y)
  await ada.page.waitForFunction((start) => Math.abs(document.getElementById('player').currentTime - start) < 0.05, target.start)
  report.seek = { ...target, playerTime: await ada.page.evaluate(() => document.getElementById('player').currentTime) }
  check(await ada.page.textContent('.cm-current-word') === target.word, 'the clicked word should be highlighted')
  await shoot(ada.page, '10-seeked')

  step('shortcuts')
  await ada.page.evaluate(() => { document.getElementById('player').currentTime = 1 })
  await ada.page.keyboard.press('Alt+L')
  await ada.page.waitForFunction(() => Math.abs(document.getElementById('player').currentTime - 6) < 0.05)
  await ada.page.keyboard.press('Alt+J')
  await ada.page.waitForFunction(() => Math.abs(document.getElementById('player').currentTime - 1) < 0.05)
  await ada.page.keyboard.press('Alt+K')
  await ada.page.waitForFunction(() => !document.getElementById('player').paused)
  await ada.page.keyboard.press('Alt+K')
  await ada.page.waitForFunction(() => document.getElementById('player').paused)
  check(await editorText(ada) === report.editedText, 'the shortcuts must not type into the transcript')

  step('export subtitles')
  let srt = ''
  for (let attempt = 0; attempt < 20 && !both(cueText(srt)); attempt++) {
    if (attempt > 0) await ada.page.waitForTimeout(500)
    const [download] = await Promise.all([ada.page.waitForEvent('download'), ada.page.click('#export-srt')])
    check(download.suggestedFilename().endsWith('.srt'), `an SRT file: ${download.suggestedFilename()}`)
    srt = await readFile(await download.path(), 'utf8')
  }
  report.srt = srt
  check(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /.test(srt), `SubRip cues: ${srt.slice(0, 200)}`)
  check(both(cueText(srt)), `the SRT should hold both edits: ${srt}`)

  step('render: a thumbnail, listed with its download link')
  await ada.page.click('#render-thumbnail')
  const output = await ada.page.waitForSelector('#outputs li[data-type=thumbnail][data-state=succeeded] a[href]', { timeout: left() })
  const link = await output.getAttribute('href')
  const fetched = await fetch(link)
  check(fetched.ok && (fetched.headers.get('content-type') || '').startsWith('image/'),
    `the presigned link should give the image: ${fetched.status} ${fetched.headers.get('content-type')}`)
  report.render = { link: link.replace(/\?.*/, '?…'), bytes: (await fetched.arrayBuffer()).byteLength }
  await shoot(ada.page, '11-rendered')
  await grace.context.close()

  step('phone width')
  const phone = await person('Phone')
  await phone.page.setViewportSize({ width: 390, height: 844 })
  await signIn(phone)
  await phone.page.goto(`${base}/app/#/recordings/${assetId}`)
  await phone.page.waitForSelector('.connection[data-status=connected]', { timeout: 30_000 })
  const widths = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }))
  report.phone = widths
  check(widths.scroll <= widths.view + 1, `the page should fit a phone's width: ${JSON.stringify(widths)}`)
  await shoot(phone.page, '12-phone')
  await phone.context.close()

  step('reload mid-upload: the upload resumes')
  const big = path.basename(args['big-file'])
  const ofBig = async () => (await api(`/v1/assets?limit=100&q=${encodeURIComponent(big)}`)).items
  const earlier = (await ofBig()).length
  const uploader = await person('Uploader')
  await signIn(uploader)
  for (const type of ['transcription', 'enrichment', 'peaks']) await uploader.page.uncheck(`#step-${type}`)
  const cdp = await uploader.context.newCDPSession(uploader.page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1,
    uploadThroughput: 2 * 1024 * 1024 })
  await uploader.page.setInputFiles('#file-picker', args['big-file'])
  await uploader.page.waitForFunction((name) => Number(document.querySelector(`li.upload[data-file="${name}"]`)?.dataset.offset) > 2_000_000,
    big, { timeout: 60_000 })
  const before = Number(await uploader.page.getAttribute(`li.upload[data-file="${big}"]`, 'data-offset'))
  await shoot(uploader.page, '13-uploading')
  await uploader.page.reload()
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  await uploader.page.waitForSelector('li.unfinished')
  const note = await uploader.page.textContent('li.unfinished')
  check(note.includes(big), `the page should name the unfinished upload: ${note}`)
  await shoot(uploader.page, '14-after-reload')
  for (const type of ['transcription', 'enrichment', 'peaks']) await uploader.page.uncheck(`#step-${type}`)
  const resumedFrom = uploader.requests.length
  await uploader.page.setInputFiles('#file-picker', args['big-file'])
  await uploader.page.waitForSelector(`li.upload[data-file="${big}"][data-resumed=true]`)
  await uploader.page.waitForSelector(`li.upload[data-file="${big}"][data-state=done]`, { timeout: left() })
  const patches = uploader.requests.slice(resumedFrom).filter((r) => r.method === 'PATCH')
  const creations = uploader.requests.slice(resumedFrom).filter((r) => r.method === 'POST' && r.url.endsWith('/files/'))
  report.resume = { offsetBeforeReload: before, patchesAfter: patches.map((p) => Number(p.offset)), creationsAfter: creations.length }
  check(creations.length === 0, 'the resumed upload should not be created again')
  check(patches.length > 0 && Number(patches[0].offset) > 0, `the upload should carry on from the server's offset: ${JSON.stringify(report.resume)}`)
  await shoot(uploader.page, '15-resumed')
  const size = (await readFile(args['big-file'])).length
  const listed = await ofBig()
  check(listed.length === earlier + 1 && listed[0].sizeBytes === size,
    `the resumed upload should be one whole recording: ${JSON.stringify(listed.map((a) => a.sizeBytes))} vs ${size}`)

  step('a dropped connection mid-upload: the upload retries on its own')
  await uploader.page.reload()
  for (const type of ['enrichment', 'peaks']) await uploader.page.uncheck(`#step-${type}`)
  await uploader.page.check('#step-transcription')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1,
    uploadThroughput: 2 * 1024 * 1024 })
  const droppedFrom = uploader.requests.length
  await uploader.page.setInputFiles('#file-picker', args['big-file'])
  const item = `li.upload[data-file="${big}"]`
  await uploader.page.waitForFunction((selector) => Number(document.querySelector(selector)?.dataset.offset) > 2_000_000,
    item, { timeout: 60_000 })
  await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  await uploader.page.waitForSelector(`${item}[data-state=retrying]`, { timeout: 30_000 })
  await shoot(uploader.page, '16-connection-lost')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  await uploader.page.waitForSelector(`${item}[data-state=done]`, { timeout: left() })
  const afterDrop = uploader.requests.slice(droppedFrom)
  report.dropped = { creations: afterDrop.filter((r) => r.method === 'POST' && r.url.endsWith('/files/')).length,
    patchOffsets: afterDrop.filter((r) => r.method === 'PATCH').map((r) => Number(r.offset)) }
  check(report.dropped.creations === 1 && report.dropped.patchOffsets.length >= 2 && report.dropped.patchOffsets.at(-1) > 0,
    `the upload should carry on after the connection came back: ${JSON.stringify(report.dropped)}`)
  const again = await ofBig()
  check(again.length === earlier + 2 && again.every((a) => a.sizeBytes === size),
    `both uploads should be whole recordings: ${JSON.stringify(again.map((a) => a.sizeBytes))} vs ${size}`)

  step('cancel and resume a pipeline, cancel and retry a job, from the timeline')
  // The long recording takes a while to transcribe: long enough to act on its pipeline while it runs.
  const page = uploader.page
  await page.goto(`${base}/app/#/recordings/${again[0].id}`)
  const pipeline = 'li.pipeline'
  await page.waitForSelector(`${pipeline}:is([data-state=queued], [data-state=running])`, { timeout: 30_000 })
  await shoot(page, '17-pipeline-running')
  await page.click(`${pipeline} button:text-is("Cancel")`)
  await page.waitForSelector(`${pipeline}[data-state=cancelled]`, { timeout: 30_000 })
  await shoot(page, '18-pipeline-cancelled')
  await page.click(`${pipeline} button:text-is("Resume")`)
  await page.waitForSelector(`${pipeline}:is([data-state=queued], [data-state=running])`, { timeout: 30_000 })
  await page.click(`${pipeline} button:text-is("Cancel")`)
  await page.waitForSelector(`${pipeline}[data-state=cancelled]`, { timeout: 30_000 })
  await page.click('#run-transcription')
  const job = 'li.job[data-type=transcription]'
  await page.waitForSelector(`${job}:is([data-state=queued], [data-state=running])`, { timeout: 30_000 })
  await page.click(`${job} button:text-is("Cancel")`)
  await page.waitForSelector(`${job}[data-state=cancelled]`, { timeout: 30_000 })
  await page.click(`${job} button:text-is("Retry")`)
  await page.waitForSelector(`${job}:is([data-state=queued], [data-state=running])`, { timeout: 30_000 })
  await shoot(page, '19-job-retried')
  await page.click(`${job} button:text-is("Cancel")`)
  await page.waitForSelector(`${job}[data-state=cancelled]`, { timeout: 30_000 })
  // Enriching a recording none of whose transcriptions succeeded fails: the timeline says why, and offers a retry.
  await page.click('#run-enrichment')
  const failed = await page.waitForSelector('li.job[data-type=enrichment][data-state=failed] .error', { timeout: 30_000 })
  report.failedJobError = await failed.textContent()
  check(/transcription/.test(report.failedJobError), `the failed job should say why: ${report.failedJobError}`)
  check(await page.isVisible('li.job[data-type=enrichment] button:text-is("Retry")'), 'a failed job can be retried')
  await shoot(page, '20-job-failed')
  const jobs = await api(`/v1/jobs?assetId=${again[0].id}&type=transcription&limit=10`)
  report.controls = jobs.items.map((j) => ({ pipeline: Boolean(j.pipeline), state: j.state, attempts: j.attempts }))
  check(jobs.items.every((j) => j.state === 'cancelled'), `every transcription of it should be cancelled: ${JSON.stringify(report.controls)}`)

  await run.finish()
} catch (error) {
  await run.fail(error)
}
