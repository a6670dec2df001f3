// Bundles the collaborative editor page into OUTDIR: OUTDIR/collab.html and OUTDIR/collab.js, which the edge serves
// at /app/ when edge.webDirectory is OUTDIR. Usage: node build.mjs OUTDIR
//
// Yjs must be in the bundle once: y-websocket, y-protocols and y-codemirror.next all import it, and two copies
// break the binding (their types are not each other's; Yjs warns "Yjs was already imported"). Every import of
// 'yjs' is therefore pinned to this folder's one copy, and the build fails if the bundle holds another.
import * as esbuild from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const outdir = process.argv[2]
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR')
  process.exit(2)
}
const out = path.resolve(outdir)
await mkdir(out, { recursive: true })

// The ES module build of yjs, as its package exports it to `import`.
const yjsPackage = createRequire(import.meta.url).resolve('yjs/package.json')
const yjs = path.join(path.dirname(yjsPackage), 'dist', 'yjs.mjs')

const result = await esbuild.build({
  entryPoints: [path.join(here, 'page', 'collab.js')],
  outfile: path.join(out, 'collab.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  alias: { yjs },
  metafile: true,
  logLevel: 'warning'
})
await copyFile(path.join(here, 'page', 'collab.html'), path.join(out, 'collab.html'))

const yjsInputs = Object.keys(result.metafile.inputs)
  .filter((input) => /(^|\/)node_modules\/yjs\/(dist\/yjs\.(mjs|cjs)|src\/index\.js)$/.test(input))
if (yjsInputs.length !== 1) {
  console.error(`the bundle must hold one copy of yjs, it holds ${yjsInputs.length}: ${yjsInputs.join(', ')}`)
  process.exit(1)
}
const bytes = result.metafile.outputs[path.relative(process.cwd(), path.join(out, 'collab.js'))]?.bytes ??
  Object.values(result.metafile.outputs)[0].bytes
console.log(JSON.stringify({ ok: true, outdir: out, files: ['collab.html', 'collab.js'], bytes, yjs: yjsInputs[0] }))
