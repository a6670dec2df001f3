// The frame of a browser run: its report, its steps, a deadline, and the end that closes the browser, prints the
// report as one JSON line and exits 0 when every check held (1 otherwise). Errors the pages log fail the run, but for
// the ones the run causes on purpose (`expectedConsole`: fragments of their text).

export function browserRun ({ timeoutMs, expectedConsole = [], label }) {
  const started = Date.now()
  const deadline = started + timeoutMs
  const report = { ok: false, steps: [], screenshots: [], console: [], errors: [] }
  const run = { report, browser: null, left: () => Math.max(1, deadline - Date.now()) }
  let finished = false

  run.finish = async (failure) => {
    if (finished) return
    finished = true
    if (failure) report.failure = failure
    const mistakes = report.console.filter((entry) => (entry.type === 'error' || entry.type === 'pageerror') &&
      !expectedConsole.some((fragment) => entry.text.includes(fragment)))
    if (!failure && mistakes.length > 0) {
      report.failure = `the pages logged ${mistakes.length} error(s): ` + mistakes.map((m) => m.text).join(' | ')
    }
    report.ok = !report.failure
    report.totalMs = Date.now() - started
    if (run.browser) {
      // Closing must not hang the run either.
      await Promise.race([run.browser.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000))])
    }
    console.log(JSON.stringify(report))
    process.exit(report.ok ? 0 : 1)
  }
  run.fail = (error) => {
    report.errors.push(String(error?.stack || error))
    return run.finish(String(error?.message || error))
  }
  run.step = (name) => {
    report.steps.push({ name, atMs: Date.now() - started })
    console.error(`[${label}] ${name}`)
  }
  setTimeout(() => run.finish(`timed out after ${timeoutMs} ms in step ${report.steps.at(-1)?.name}`), timeoutMs).unref()
  return run
}

/** A failed check: stops the run with what was expected and what was seen. */
export function check (condition, message) {
  if (!condition) throw new Error(message)
}
