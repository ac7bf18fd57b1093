// The edge entries (edge/next.mjs, edge/worker.mjs) are ES modules; the API they share with the
// Node entry is written once, as CommonJS (lib/front.js, lib/wasm.js, integrations/session.js).
// This writes the ES module form of each: `node .ci/edge-modules.mjs` (part of `npm run
// generate`), or `--check` to fail when one is stale (part of `npm run check:generated`).
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = [
  ['lib/front.js', 'edge/front.mjs'],
  ['lib/wasm.js', 'edge/wasm.mjs'],
  ['integrations/session.js', 'edge/session.mjs'],
  ['integrations/auth.js', 'edge/auth.mjs'],
  ['integrations/hono-middleware.js', 'edge/hono-middleware.mjs'],
]
const check = process.argv.includes('--check')
let stale = 0
for (const [from, to] of modules) {
  const source = readFileSync(join(root, from), 'utf8')
  if (/\brequire\s*\(/.test(source.replace(/\/\/.*$/gm, ''))) throw new Error(`${from} must not require anything`)
  if (!source.startsWith("'use strict'\n")) throw new Error(`${from} must start with 'use strict'`)
  const tail = /\nmodule\.exports = (\{[^}]*\})\n$/
  if (!tail.test(source)) throw new Error(`${from} must end with one module.exports = { ... }`)
  const out =
    `// Generated from ${from} by .ci/edge-modules.mjs: edit that file, then run \`npm run generate\`.\n` +
    source.slice("'use strict'\n".length).replace(tail, '\nexport $1\n')
  const path = join(root, to)
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== out) {
      console.error(`${to} is stale: run npm run generate`)
      stale++
    }
  } else writeFileSync(path, out)
}
process.exit(stale ? 1 : 0)
