// The edge's REST API as the app calls it: the API key (or a sign-in link's token) kept in session storage and sent
// as a Bearer credential, never in a URL; problem+json answers turned into errors that say what the edge said.

const CREDENTIAL = 'atelier.credential'

export function credential () {
  return sessionStorage.getItem(CREDENTIAL)
}

export function signIn (secret) {
  sessionStorage.setItem(CREDENTIAL, secret)
}

export function signOut () {
  sessionStorage.removeItem(CREDENTIAL)
}

let unauthorized = () => {}

/** What to do when the edge no longer takes the credential (a session that ended, a key revoked). */
export function onUnauthorized (handler) {
  unauthorized = handler
}

/** Whether the credential is an API key (a sign-in link's session token is not, and cannot make links). */
export function signedInWithKey () {
  return credential()?.startsWith('atl_') === true
}

export class ApiError extends Error {
  constructor (status, problem) {
    super(problem?.detail || problem?.title || `the edge answered ${status}`)
    this.status = status
    this.problem = problem
  }
}

/** Calls the API; JSON bodies in and out. Resolves to the parsed JSON (or text), rejects with an ApiError. */
export async function api (path, { method = 'GET', body, headers = {}, as = 'json', signal } = {}) {
  const init = { method, headers: { ...headers, Authorization: `Bearer ${credential()}` }, signal }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const response = await fetch(path, init)
  if (!response.ok) {
    let problem = null
    try {
      problem = await response.json()
    } catch {
      // Not a problem document: the status says enough.
    }
    if (response.status === 401) unauthorized(problem)
    throw new ApiError(response.status, problem)
  }
  if (as === 'blob') return response.blob()
  if (as === 'text') return response.text()
  if (response.status === 204) return null
  return response.json()
}

/**
 * Follows a server-sent event stream with the credential in a header (EventSource cannot send one): each event's
 * data goes to onEvent; when the stream drops, it reconnects after a pause with Last-Event-ID, so nothing is missed
 * or seen twice. A stream the edge ends because what it follows has finished is not reopened; one that a stopping
 * edge ends with a `retry:` hint is, on whichever edge answers next. Returns a stop function.
 */
export function follow (path, { onEvent, onState = () => {}, retryMs = 1000 }) {
  let lastEventId = null
  let stopped = false
  let controller = null
  const run = async () => {
    while (!stopped) {
      controller = new AbortController()
      try {
        const headers = { Authorization: `Bearer ${credential()}`, Accept: 'text/event-stream' }
        if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId
        const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' })
        if (!response.ok) {
          onState('failed', new ApiError(response.status, await response.json().catch(() => null)))
          if (response.status < 500) return
        } else {
          onState('open')
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
          let buffer = ''
          let event = { data: [] }
          let toldToRetry = false
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            buffer += value
            let newline
            while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
              const line = buffer.slice(0, newline)
              buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1))
              if (line === '') {
                if (event.id !== undefined) lastEventId = event.id
                if (event.data.length > 0) {
                  toldToRetry = false
                  onEvent(event.data.join('\n'), event.type || 'message')
                }
                event = { data: [] }
              } else if (!line.startsWith(':')) {
                const colon = line.indexOf(':')
                const field = colon < 0 ? line : line.slice(0, colon)
                const raw = colon < 0 ? '' : line.slice(colon + 1)
                const text = raw.startsWith(' ') ? raw.slice(1) : raw
                if (field === 'data') event.data.push(text)
                else if (field === 'id') event.id = text
                else if (field === 'event') event.type = text
                else if (field === 'retry' && /^\d+$/.test(text)) {
                  retryMs = Number(text)
                  toldToRetry = true
                }
              }
            }
          }
          if (!toldToRetry) {
            onState('ended')
            return
          }
          onState('reconnecting')
        }
      } catch (error) {
        if (stopped) return
        onState('reconnecting', error)
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs))
    }
  }
  run()
  return () => {
    stopped = true
    controller?.abort()
  }
}

/** Saves what a call returned as a file the browser downloads. */
export async function download (path, filename) {
  const blob = await api(path, { as: 'blob' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
