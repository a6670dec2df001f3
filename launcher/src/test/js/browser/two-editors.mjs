// Two people edit one collaborative document in two real Chromium pages: each page is the edge's editor page
// (CodeMirror 6 bound with y-codemirror.next to a y-websocket provider on the edge's /collab/ socket), each in its own
// browser context, so nothing is shared between them but the server. Both type a line at the same time; the run
// passes when both editors show the same text holding both lines, whole, and each shows the other's caret with the
// other's name. Prints one JSON line with what it saw; exits 0 on success, 1 on failure, 2 on bad arguments.
//
//   node two-editors.mjs --page-url http://127.0.0.1:PORT/app/collab.html --token-a T --token-b T --document D
//                        --screenshots DIR [--timeout-ms 60000] [--chromium /usr/bin/chromium]
import { chromium } from 'playwright-core'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    'page-url': { type: 'string' },
    'token-a': { type: 'string' },
    'token-b': { type: 'string' },
    document: { type: 'string' },
    screenshots: { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' }
  }
})
for (const required of ['page-url', 'token-a', 'token-b', 'document', 'screenshots']) {
  if (!args[required]) {
    console.error(`missing --${required}`)
    process.exit(2)
  }
}

const started = Date.now()
const deadline = started + Number(args['timeout-ms'])
const since = () => Date.now() - started
const left = () => Math.max(1, deadline - Date.now())
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
const YJS_TWICE = 'Yjs was already imported'

const people = [
  { key: 'ada', name: 'Ada', color: '#c2185b', colorLight: '#c2185b33', token: args['token-a'],
    line: 'Ada writes the first line from her browser.' },
  { key: 'grace', name: 'Grace', color: '#1565c0', colorLight: '#1565c033', token: args['token-b'],
    line: 'Grace writes the second line from hers.' }
]
const report = {
  ok: false,
  document: args.document,
  pageUrl: args['page-url'],
  texts: {},
  carets: {},
  statuses: {},
  timings: {},
  screenshots: {},
  console: [],
  errors: []
}

let browser = null
let finished = false

async function finish (failure) {
  if (finished) return
  finished = true
  if (failure) {
    report.failure = failure
  }
  const mistakes = report.console.filter((entry) => entry.type === 'error' || entry.type === 'pageerror' ||
    entry.text.includes(YJS_TWICE))
  if (!failure && mistakes.length > 0) {
    report.failure = `the pages logged ${mistakes.length} error(s): ` + mistakes.map((m) => m.text).join(' | ')
  }
  report.ok = !report.failure
  report.timings.totalMs = since()
  if (browser) {
    // Closing must not hang the run either.
    await Promise.race([browser.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000))])
  }
  console.log(JSON.stringify(report))
  process.exit(report.ok ? 0 : 1)
}

// Whatever happens, the run ends by the deadline, with a reason.
const watchdog = setTimeout(() => finish(`gave up after ${args['timeout-ms']} ms; last step: ${report.step}`),
  left() + 1000)
watchdog.unref()

/** Polls fn until it returns a truthy value or the deadline passes; then fails with what it last saw. */
async function until (what, fn, lastSeen) {
  let last
  while (Date.now() < deadline) {
    last = await fn()
    if (last) return last
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting until ${what}; last seen: ${JSON.stringify(lastSeen ? await lastSeen() : last)}`)
}

function pageUrl (person) {
  const url = new URL(args['page-url'])
  url.searchParams.set('document', args.document)
  url.searchParams.set('token', person.token)
  url.searchParams.set('name', person.name)
  url.searchParams.set('color', person.color)
  url.searchParams.set('colorLight', person.colorLight)
  return url.toString()
}

const editorText = (person) => person.page.evaluate(() => window.atelierCollab?.view.state.doc.toString() ?? null)
const caretNames = (person) => person.page.$$eval('.cm-ySelectionCaret .cm-ySelectionInfo',
  (infos) => infos.map((info) => info.textContent))

/** What Ada types at the start while Grace types at the end. */
const TITLE = 'Notes of the meeting'

async function main () {
  report.step = 'launching Chromium'
  browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: left()
  })
  report.browser = browser.version()
  report.timings.launchMs = since()

  report.step = 'opening the pages'
  await Promise.all(people.map(async (person) => {
    const context = await browser.newContext({ viewport: { width: 900, height: 420 } })
    person.page = await context.newPage()
    person.page.setDefaultTimeout(left())
    person.page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning' || message.text().includes(YJS_TWICE)) {
        report.console.push({ page: person.name, type: message.type(), text: message.text(),
          url: message.location().url })
      }
    })
    person.page.on('pageerror', (error) => {
      report.console.push({ page: person.name, type: 'pageerror', text: String(error && error.message) })
    })
    const opened = Date.now()
    const response = await person.page.goto(pageUrl(person), { waitUntil: 'load', timeout: left() })
    if (!response || !response.ok()) {
      throw new Error(`${person.name}'s page ${args['page-url']} answered ${response ? response.status() : 'nothing'}`)
    }
    report.step = `waiting for ${person.name}'s editor to connect`
    // Connected and synced, or refused for good (then there is no point waiting).
    await person.page.waitForFunction(() => {
      const status = document.querySelector('#status')
      return status?.dataset.closed === 'true' ||
        (status?.textContent === 'connected' && status?.dataset.synced === 'true' && window.atelierCollab)
    }, null, { timeout: left(), polling: 50 }).catch(() => {})
    const status = await person.page.$eval('#status', (s) => s.textContent + (s.dataset.synced === 'true' ? '' : ' (not synced)'))
      .catch(() => '?')
    if (status !== 'connected') {
      const error = await person.page.$eval('#error', (s) => s.textContent).catch(() => '')
      throw new Error(`${person.name}'s editor did not connect and sync: status ${status}; ${error}`)
    }
    report.statuses[person.key] = 'connected'
    report.timings[`${person.key}ConnectedMs`] = Date.now() - opened
  }))

  // Two people typing at the same place at the same moment interleave as their editors map each other's inserts
  // (a CodeMirror matter, not the server's): Ada writes her line first, then both type at once at opposite ends.
  report.step = 'typing: Ada first, then both at once at opposite ends'
  const typingStarted = Date.now()
  const [ada, grace] = people
  await ada.page.click('.cm-content', { timeout: left() })
  await ada.page.keyboard.type(ada.line + '\n', { delay: 15 })
  await until(`${grace.name}'s editor shows ${ada.name}'s line`, async () => (await editorText(grace) ?? '').includes(ada.line))
  await Promise.all([
    (async () => {
      await grace.page.click('.cm-content', { timeout: left() })
      await grace.page.keyboard.press('Control+End')
      await grace.page.keyboard.type(grace.line + '\n', { delay: 15 })
    })(),
    (async () => {
      await ada.page.keyboard.press('Control+Home')
      await ada.page.keyboard.type(TITLE + '\n', { delay: 15 })
    })()
  ])
  report.timings.typingMs = Date.now() - typingStarted

  report.step = 'waiting for both editors to show the same text'
  const convergeStarted = Date.now()
  const texts = async () => Object.fromEntries(await Promise.all(people.map(async (p) => [p.key, await editorText(p)])))
  await until('both editors show the same text with both lines whole', async () => {
    const seen = await texts()
    const [a, b] = people.map((p) => seen[p.key])
    const lines = (a ?? '').split('\n')
    return a === b && people.every((p) => lines.includes(p.line)) && lines.includes(TITLE)
  }, texts)
  report.texts = await texts()
  report.timings.convergedMs = Date.now() - convergeStarted

  report.step = 'waiting for each editor to show the other\'s caret'
  const caretsStarted = Date.now()
  const carets = async () => Object.fromEntries(await Promise.all(people.map(async (p) => [p.key, await caretNames(p)])))
  await until('each editor shows the other\'s caret with the other\'s name', async () => {
    const seen = await carets()
    return people.every((p, i) => {
      const other = people[1 - i]
      return seen[p.key].length === 1 && seen[p.key][0] === other.name
    })
  }, carets)
  report.carets = await carets()
  report.timings.caretsMs = Date.now() - caretsStarted

  report.step = 'taking screenshots'
  await mkdir(args.screenshots, { recursive: true })
  for (const person of people) {
    // The name over a remote caret shows while the pointer is on it, as a person would look at it.
    await person.page.hover('.cm-ySelectionCaret', { timeout: 2000 }).catch(() => {})
    await person.page.waitForTimeout(400)
    const file = path.resolve(args.screenshots, `collab-${person.key}.png`)
    await person.page.screenshot({ path: file, fullPage: true, timeout: left() })
    report.screenshots[person.key] = file
  }
  report.step = 'done'
}

main().then(() => finish(null), (error) => finish(error && error.message ? error.message : String(error)))
