// The app's shell: signing in, the recordings of the project with their uploads, and one recording's page.
// Routes live in the fragment (#/ and #/recordings/ID), so the edge serves one index.html for all of them.
import './app.css'
import { api, credential, onUnauthorized, signIn, signOut, signedInWithKey } from './api.js'
import { h, clock, notify } from './dom.js'
import { uploadPanel } from './uploads.js'
import { recordingPage } from './recording.js'

const main = document.getElementById('main')
let leave = () => {}
/** While a key is being tried, its refusal is the sign-in form's to say. */
let signingIn = false

function show (...children) {
  leave()
  leave = () => {}
  main.replaceChildren(...children)
}

/** A sign-in link carries a short-lived session token in its fragment (never sent to a server): keep it, drop it. */
function takeLinkToken () {
  const match = /^#(?:.*&)?session=([^&]+)/.exec(window.location.hash)
  if (!match) return
  signIn(decodeURIComponent(match[1]))
  history.replaceState(null, '', window.location.pathname + '#/')
}

function signInPage (error) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' })
  const message = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, error || '')
  const form = h('form', {
    class: 'card narrow',
    'aria-describedby': 'sign-in-error',
    onsubmit: async (event) => {
      event.preventDefault()
      signIn(input.value.trim())
      signingIn = true
      try {
        await api('/v1/assets?limit=1')
        signingIn = false
        route()
      } catch (failure) {
        signingIn = false
        signOut()
        message.textContent = failure.status === 401 ? 'That key is not valid.' : failure.message
        input.focus()
      }
    }
  },
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Paste an API key of your project. It stays in this tab only (session storage) and is never put in a URL.'),
  h('label', { for: 'api-key' }, 'API key'),
  input,
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  message)
  show(form)
  input.focus()
}

function stateBadge (state) {
  return h('span', { class: 'badge', dataset: { state: state || 'none' } }, state || 'no pipeline')
}

function recordingsPage () {
  const search = h('input', { id: 'search', type: 'search', placeholder: 'Name contains…', autocomplete: 'off' })
  const body = h('tbody')
  const table = h('table', { class: 'recordings' },
    h('caption', { class: 'visually-hidden' }, 'Recordings, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Duration'),
      h('th', { scope: 'col' }, 'Latest pipeline'), h('th', { scope: 'col' }, 'Added'))),
    body)
  const empty = h('p', { class: 'muted', hidden: true }, 'No recordings yet: drop some files above.')
  let generation = 0
  const load = async () => {
    const mine = ++generation
    const query = search.value.trim()
    try {
      const page = await api('/v1/assets?limit=100' + (query ? '&q=' + encodeURIComponent(query) : ''))
      if (mine !== generation) return
      body.replaceChildren(...page.items.map((asset) => h('tr', { dataset: { asset: asset.id } },
        h('td', {}, h('a', { href: `#/recordings/${asset.id}` }, asset.filename || asset.id)),
        h('td', {}, clock(asset.media?.durationSeconds)),
        h('td', {}, stateBadge(asset.latestPipeline?.state)),
        h('td', {}, h('time', { datetime: asset.createdAt }, new Date(asset.createdAt).toLocaleString())))))
      empty.hidden = page.items.length > 0 || query !== ''
    } catch (failure) {
      notify(`Could not list recordings: ${failure.message}`, 'error')
    }
  }
  let typing
  search.addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(load, 200)
  })
  const uploads = uploadPanel({ onUploaded: load })
  show(
    h('h1', {}, 'Recordings'),
    uploads.element,
    h('section', { class: 'card', 'aria-labelledby': 'list-title' },
      h('div', { class: 'row' },
        h('h2', { id: 'list-title' }, 'Your recordings'),
        h('label', { for: 'search', class: 'inline' }, 'Search by name'), search),
      table, empty))
  load()
  const refresh = setInterval(load, 5000)
  leave = () => {
    clearInterval(refresh)
    uploads.stop()
  }
}

/** A sign-in link for someone else: a short-lived session token of this key, in the fragment of the app's URL. */
function shareDialog () {
  const ttl = h('select', { id: 'share-ttl' },
    h('option', { value: '900' }, '15 minutes'), h('option', { value: '3600', selected: true }, '1 hour'),
    h('option', { value: '28800' }, '8 hours'))
  const url = h('input', { id: 'share-url', type: 'text', readonly: true, 'aria-label': 'Sign-in link', value: '' })
  const status = h('p', { class: 'muted', role: 'status' })
  const copy = h('button', { type: 'button', id: 'share-copy', disabled: true, onclick: async () => {
    url.select()
    try {
      await navigator.clipboard.writeText(url.value)
      status.textContent = 'Copied.'
    } catch {
      status.textContent = 'Selected: copy it with Ctrl+C.'
    }
  } }, 'Copy')
  const dialog = h('dialog', { id: 'share-dialog', 'aria-labelledby': 'share-title' },
    h('h2', { id: 'share-title' }, 'Sign-in link'),
    h('p', {}, 'Anyone with this link works in this project with your key\'s role until it expires, or until the key is revoked.'),
    h('div', { class: 'row' }, h('label', { for: 'share-ttl' }, 'Valid for'), ttl,
      h('button', { type: 'button', id: 'share-create', class: 'primary', onclick: async () => {
        try {
          const session = await api('/v1/sessions', { method: 'POST', body: { ttlSeconds: Number(ttl.value) } })
          url.value = new URL(session.link, window.location.origin).href
          copy.disabled = false
          status.textContent = `Valid until ${new Date(session.expiresAt).toLocaleString()}.`
          url.focus()
          url.select()
        } catch (failure) {
          status.textContent = `Could not make a link: ${failure.message}`
        }
      } }, 'Create link')),
    h('div', { class: 'row' }, url, copy),
    status,
    h('form', { method: 'dialog' }, h('button', { type: 'submit', id: 'share-close' }, 'Close')))
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
}

function route () {
  takeLinkToken()
  const signedIn = credential() !== null
  document.getElementById('sign-out').hidden = !signedIn
  document.getElementById('share-link').hidden = !signedInWithKey()
  if (!signedIn) {
    signInPage()
    return
  }
  const recording = /^#\/recordings\/([0-9a-f-]{36})$/.exec(window.location.hash)
  if (recording) {
    leave()
    leave = recordingPage(main, recording[1])
  } else {
    recordingsPage()
  }
  main.focus({ preventScroll: true })
}

document.getElementById('share-link').addEventListener('click', shareDialog)
onUnauthorized(() => {
  if (signingIn || credential() === null) return
  signOut()
  document.getElementById('sign-out').hidden = true
  document.getElementById('share-link').hidden = true
  signInPage('Your sign-in has ended (a link that expired, or a key that was revoked): sign in again.')
})
document.getElementById('sign-out').addEventListener('click', () => {
  signOut()
  window.location.hash = '#/'
  route()
})
// The skip link moves focus only: as a fragment link it would change the route.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault()
  main.focus()
})
window.addEventListener('hashchange', route)
route()
