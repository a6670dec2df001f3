// A CodeMirror 6 editor bound to one collaborative document of the edge's /collab/ socket, as an unmodified
// y-websocket + y-codemirror.next client binds it. Everything comes from the page's query:
//   collab.html?document=NAME&token=TOKEN&name=Ada&color=%2330bced[&colorLight=%2330bced33]
// The token travels in the socket URL's query, the way y-websocket clients pass parameters.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { yCollab } from 'y-codemirror.next'
import { EditorView, basicSetup } from 'codemirror'
import { EditorState } from '@codemirror/state'

const query = new URLSearchParams(window.location.search)
const documentName = query.get('document') || ''
const token = query.get('token') || ''
const name = query.get('name') || 'Anonymous'
const color = query.get('color') || '#30bced'
const colorLight = query.get('colorLight') || color + '33'

const status = document.getElementById('status')
const showStatus = (value) => {
  status.textContent = value
  status.dataset.status = value
}

document.getElementById('document').textContent = documentName
document.getElementById('user').textContent = name
document.getElementById('user').style.color = color

const ydoc = new Y.Doc()
const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
const provider = new WebsocketProvider(`${protocol}//${window.location.host}/collab`, documentName, ydoc, {
  params: { token }
})
provider.on('status', (event) => showStatus(event.status))
provider.on('sync', (synced) => { status.dataset.synced = String(synced) })
provider.on('connection-close', (event) => {
  if (event && event.code && event.code !== 1000) {
    document.getElementById('error').textContent = `socket closed: ${event.code} ${event.reason || ''}`.trim()
  }
})
// The server refused the socket for good (a 44xx close: bad token, no access): y-websocket stops reconnecting.
provider.on('closed', (event) => {
  status.dataset.closed = 'true'
  document.getElementById('error').textContent = `socket refused: ${event.code} ${event.reason || ''}`.trim()
})
provider.awareness.setLocalStateField('user', { name, color, colorLight })

const ytext = ydoc.getText('text')
const undoManager = new Y.UndoManager(ytext)
const view = new EditorView({
  state: EditorState.create({
    doc: ytext.toString(),
    extensions: [basicSetup, EditorView.lineWrapping, yCollab(ytext, provider.awareness, { undoManager })]
  }),
  parent: document.getElementById('editor')
})

window.atelierCollab = { ydoc, provider, view }
