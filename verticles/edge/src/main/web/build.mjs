// Builds the web app into OUTDIR (the edge module's build runs it into its class path, io/atelier/edge/app/):
// index.html naming main-<hash>.js and main-<hash>.css, a gzip twin of each text file, and manifest.json listing
// every file with its type, sha256 and whether its name carries a content hash (the edge caches those for a year).
// Installs the packages of the committed lock first when node_modules does not hold exactly that lock.
// Usage: node build.mjs OUTDIR
//
// Yjs must be in the bundle once: y-websocket, y-protocols and y-codemirror.next all import it, and two copies break
// the binding. Every import of 'yjs' is pinned to one copy, and the build fails if the bundle holds another.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = path.dirname(fileURLToPath(import.meta.url))
const outdir = process.argv[2]
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR')
  process.exit(2)
}
const out = path.resolve(outdir)
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

// The installed tree matches the lock when npm ci ran on this very lock: its digest is kept beside the packages.
const lockDigest = sha256(await readFile(path.join(here, 'package-lock.json')))
const stamp = path.join(here, 'node_modules', '.atelier-lock-sha256')
if (!existsSync(stamp) || (await readFile(stamp, 'utf8')) !== lockDigest) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, stdio: 'inherit' })
  await writeFile(stamp, lockDigest)
}
const esbuild = await import('esbuild')

await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })

const yjsPackage = createRequire(path.join(here, 'package.json')).resolve('yjs/package.json')
const yjs = path.join(path.dirname(yjsPackage), 'dist', 'yjs.mjs')

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { main: path.join(here, 'src', 'main.js') },
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115'],
  minify: true,
  sourcemap: false,
  alias: { yjs },
  metafile: true,
  logLevel: 'warning'
})

const yjsInputs = Object.keys(result.metafile.inputs)
  .filter((input) => /(^|\/)node_modules\/yjs\/(dist\/yjs\.(mjs|cjs)|src\/index\.js)$/.test(input))
if (yjsInputs.length !== 1) {
  console.error(`the bundle must hold one copy of yjs, it holds ${yjsInputs.length}: ${yjsInputs.join(', ')}`)
  process.exit(1)
}

const built = Object.keys(result.metafile.outputs).map((file) => path.basename(file))
const script = built.find((file) => /^main-[A-Z0-9]+\.js$/.test(file))
const style = built.find((file) => /^main-[A-Z0-9]+\.css$/.test(file))
if (!script || !style) {
  console.error(`the bundle lacks its script or style sheet: ${built.join(', ')}`)
  process.exit(1)
}
const page = (await readFile(path.join(here, 'src', 'index.html'), 'utf8'))
  .replace('{{script}}', script).replace('{{style}}', style)
await writeFile(path.join(out, 'index.html'), page)

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }
const files = {}
for (const file of (await readdir(out)).sort()) {
  const bytes = await readFile(path.join(out, file))
  const type = types[path.extname(file)]
  if (!type) {
    console.error(`the build made ${file}, whose type the edge would not know`)
    process.exit(1)
  }
  const gzipped = gzipSync(bytes, { level: 9 })
  const gzip = gzipped.length < bytes.length * 0.9
  if (gzip) {
    await writeFile(path.join(out, file + '.gz'), gzipped)
  }
  files[file] = { contentType: type, sha256: sha256(bytes), bytes: bytes.length, gzip, hashed: file !== 'index.html' }
}
await writeFile(path.join(out, 'manifest.json'), JSON.stringify({ files }, null, 2))
console.log(JSON.stringify({ ok: true, outdir: out, files: Object.fromEntries(Object.entries(files)
  .map(([name, file]) => [name, file.bytes])) }))
