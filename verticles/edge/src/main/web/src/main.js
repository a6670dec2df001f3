// The app's shell: signing in, the recordings of the project with their uploads, and one recording's page.
// Routes live in the fragment (#/ and #/recordings/ID), so the edge serves one index.html for all of them.
import './app.css'
import { api, credential, signIn, signOut } from './api.js'
import { h, clock, notify } from './dom.js'
import { uploadPanel } from './uploads.js'
import { recordingPage } from './recording.js'

const main = document.getElementById('main')
let leave = () => {}

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
      try {
        await api('/v1/assets?limit=1')
        route()
      } catch (failure) {
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

function route () {
  takeLinkToken()
  const signedIn = credential() !== null
  document.getElementById('sign-out').hidden = !signedIn
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
