// The web app in Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (playwright-core drives only
// its own patched Firefox builds): sign in, open a transcribed recording, type into its transcript and see the edit
// stored, play and see the highlighted word follow the player, click a word and see the player seek there, with no
// error in the console. Prints one JSON line with what it saw; exits 0 on success, 1 on failure, 2 on bad arguments.
//
//   node web-app-firefox.mjs --base-url http://127.0.0.1:PORT --api-key KEY --asset ASSET_ID --screenshots DIR
//                            [--timeout-ms 120000] [--firefox /usr/bin/firefox-esr]
import puppeteer from 'puppeteer-core'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { browserRun, check } from './browser-run.mjs'
import { middleWord, playbackProblem, playbackSample } from './playback.mjs'

const { values: args } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    asset: { type: 'string' },
    screenshots: { type: 'string' },
    'timeout-ms': { type: 'string', default: '120000' },
    firefox: { type: 'string', default: '/usr/bin/firefox-esr' }
  }
})
for (const required of ['base-url', 'api-key', 'asset', 'screenshots']) {
  if (!args[required]) {
    console.error(`missing --${required}`)
    process.exit(2)
  }
}
const base = args['base-url'].replace(/\/$/, '')
const run = browserRun({ timeoutMs: Number(args['timeout-ms']), label: 'firefox' })
const { report, step } = run
Object.assign(report, { browser: null, samples: [] })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function shoot (page, name) {
  const file = path.join(args.screenshots, `web-firefox-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  report.screenshots.push(path.basename(file))
}

try {
  await mkdir(args.screenshots, { recursive: true })
  run.browser = await puppeteer.launch({ browser: 'firefox', executablePath: args.firefox, headless: true, timeout: 60_000,
    extraPrefsFirefox: { 'media.autoplay.default': 0 } })
  report.browser = await run.browser.version()
  const page = await run.browser.newPage()
  await page.setViewport({ width: 1280, height: 900 })
  page.setDefaultTimeout(60_000)
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') report.console.push({ type: message.type() === 'warn' ? 'warning' : message.type(), text: message.text() })
  })
  page.on('pageerror', (error) => report.console.push({ type: 'pageerror', text: String(error) }))

  step('sign in')
  await page.goto(base + '/')
  check(new URL(page.url()).pathname === '/app/', `/ should lead to /app/, it led to ${page.url()}`)
  await page.waitForSelector('#api-key')
  await page.type('#api-key', args['api-key'])
  await page.click('button[type=submit]')
  await page.waitForSelector(`table.recordings tr[data-asset="${args.asset}"]`)
  await shoot(page, '1-recordings')

  step('open the transcript')
  await page.click(`table.recordings tr[data-asset="${args.asset}"] a`)
  await page.waitForSelector('.connection[data-status=connected]')
  await page.waitForFunction(() => window.atelierEditor?.provider.synced && window.atelierEditor.words().length > 0)

  step('edit: the edit is stored')
  const line = ' Checked in Firefox.'
  await page.click('.cm-content')
  await page.keyboard.down('Control')
  await page.keyboard.press('End')
  await page.keyboard.up('Control')
  await page.keyboard.type(line, { delay: 20 })
  const jobId = await page.evaluate(() => window.atelierEditor.provider.roomname.replace(/^transcript:/, ''))
  let stored = ''
  for (let i = 0; i < 40 && !stored.includes(line.trim()); i++) {
    await sleep(250)
    const response = await fetch(`${base}/v1/documents/${encodeURIComponent('transcript:' + jobId)}`,
      { headers: { Authorization: `Bearer ${args['api-key']}` } })
    stored = response.ok ? (await response.json()).text : ''
  }
  check(stored.includes(line.trim()), `the edit typed in Firefox should be stored: ${stored}`)
  check(await page.evaluate(() => window.atelierEditor.view.state.doc.toString()) === stored, 'the page shows what is stored')
  await shoot(page, '2-edited')

  step('play: the highlighted word follows the player')
  await page.waitForFunction(() => {
    const text = window.atelierEditor.view.state.doc.toString()
    return window.atelierEditor.words().length === text.split(/\s+/).filter(Boolean).length
  }, { timeout: 20_000 })
  await page.evaluate(() => { document.getElementById('player').currentTime = 0 })
  await page.click('#play-pause')
  await page.waitForFunction(() => !document.getElementById('player').paused && document.getElementById('player').currentTime > 0.3)
  for (let i = 0; i < 12; i++) {
    report.samples.push(await page.evaluate(playbackSample))
    await sleep(250)
  }
  await page.click('#play-pause')
  const problem = playbackProblem(report.samples)
  check(problem === null, problem)

  step('click a word: the player seeks to it')
  const target = await page.evaluate(middleWord)
  await page.mouse.click(target.x, target.y)
  await page.waitForFunction((start) => Math.abs(document.getElementById('player').currentTime - start) < 0.05, {}, target.start)
  report.seek = target
  check(await page.$eval('.cm-current-word', (e) => e.textContent) === target.word, 'the clicked word should be highlighted')
  await shoot(page, '3-seeked')
  await run.finish()
} catch (error) {
  await run.fail(error)
}
