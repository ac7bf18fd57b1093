// The WebAssembly build, run by the same cases (fixtures/edge-cases.mjs) as the native addon:
// in workerd (the real Cloudflare Workers runtime, from the npm `workerd` package) through the
// package's `workerd` export condition, and in Node through the fallback taken when the native
// binary is missing. Every answer must equal the native addon's.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { caseTokens } from './helpers.mjs'
import { runCases } from './fixtures/edge-cases.mjs'
import { packageModules, serveWorkerd } from './fixtures/workerd.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
let t, expected
const dirs = []
// This machine's platform package, named as index.js names it (the release workflow runs this file
// on macOS, Windows and Alpine too).
const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
const TARGET =
  process.platform === 'linux'
    ? `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`
    : process.platform === 'win32'
      ? `win32-${process.arch}-msvc`
      : `${process.platform}-${process.arch}`
// This file compares the WebAssembly build with the native addon, so it needs the native addon
// (under `npm run test:wasm` the other files run on WebAssembly instead). Platform jobs of the
// release workflow have no workerd for every libc (Alpine).
const forcedWasm = process.env.NEXTAUTH_BACKEND_TOKEN_BINDING === 'wasm'
const skip = forcedWasm && 'compares the WebAssembly build with the native addon, which this run replaces'
const skipWorkerd = skip || (process.env.NBT_PLATFORM_JOB && 'platform job: workerd is not available for every libc')

before(async () => {
  if (forcedWasm) return
  t = await caseTokens()
  const native = require('../index.js')
  assert.equal(native.implementation, 'native', 'the suite itself runs on the native addon')
  expected = await runCases(native, t)
})

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

test('the native answers are the issuers\' (the reference the WebAssembly build must equal)', { skip }, () => {
  assert.equal(expected.v5, 'bt-v5')
  assert.equal(expected.v5Request, 'bt-v5')
  assert.equal(expected.v5Plain, 'bt-plain')
  assert.equal(expected.v4, 'bt-v4')
  assert.equal(expected.chunkedLength, 9000)
  assert.equal(expected.rotated, 'bt-rotated')
  assert.deepEqual(expected.tampered, [null, 'DECRYPTION_FAILED'])
  assert.equal(expected.chunkMissing, 'CHUNK_MISSING')
  assert.deepEqual(expected.plainOnHttps, [null, 'INSECURE_COOKIE_ON_HTTPS'])
  assert.deepEqual(expected.signedOut, [null, 'NO_SESSION_COOKIE'])
  assert.equal(expected.expired, 'EXPIRED')
  assert.equal(expected.bearer, 'bt-v5')
  assert.equal(expected.session.user.email, 'ada@example.test')
  assert.equal(expected.report.ok, true)
  assert.deepEqual(expected.wrongSecret, [null, 'DECRYPTION_FAILED'])
  assert.deepEqual(expected.invalidSource, { code: 'ERR_INVALID_SOURCE', type: 'TypeError' })
  assert.deepEqual(expected.invalidOption, { code: 'ERR_INVALID_OPTION', type: 'TypeError' })
  assert.deepEqual(expected.shortSecret, { code: 'ERR_INVALID_OPTION', type: 'TypeError' })
  assert.equal(expected.roundTrip, 'round-trip')
  assert.equal(expected.issuerDecode, 'bt-v5')
})

test('workerd: the `workerd` condition loads the WebAssembly entry, which gives the native answers', { skip: skipWorkerd }, async (t2) => {
  // Where the package's export map sends a Workers bundler (as Node resolves it with the condition).
  const entry = execFileSync(process.execPath, ['--conditions=workerd', '--input-type=module', '-e', 'console.log(import.meta.resolve("nextauth-backend-token"))'], { cwd: root })
    .toString()
    .trim()
  const entryPath = fileURLToPath(entry)
  assert.equal(relative(root, entryPath), join('edge', 'worker.mjs'))
  const pkg = 'node_modules/nextauth-backend-token'
  const { base, log } = await serveWorkerd(t2, {
    modules: [
      ['worker.mjs', 'esModule', join(root, '__test__/fixtures/edge-worker.mjs')],
      ['edge-cases.mjs', 'esModule', join(root, '__test__/fixtures/edge-cases.mjs')],
      ...packageModules(['worker', 'start', 'front', 'session', 'wasm']),
    ],
    // The bare specifier, as a bundler resolves it: to the entry the export map chose.
    aliases: { 'nextauth-backend-token': `${pkg}/${relative(root, entryPath)}` },
  })
  const res = await fetch(base, { method: 'POST', body: JSON.stringify(t) })
  const body = await res.json()
  assert.equal(res.status, 200, body.crash ?? log())
  const { wasmFromBytes, hasProcess, ...got } = body
  assert.equal(hasProcess, false, 'no Node compatibility: the entry uses no Node built-ins')
  assert.equal(got.implementation, 'wasm')
  // Answers cross as JSON: compare with the native answers as JSON would carry them.
  assert.deepEqual(got, { ...JSON.parse(JSON.stringify(expected)), implementation: 'wasm' })
  // As on Cloudflare: only precompiled modules. The package never compiles bytes, so it runs here.
  assert.equal(wasmFromBytes, 'refused')
})

test('Node without the native binary falls back to the WebAssembly build, with one warning', { skip }, async () => {
  // A copy of the package without any .node file and out of reach of the platform packages.
  const dir = mkdtempSync(join(tmpdir(), 'nbt-fallback-'))
  dirs.push(dir)
  const pkg = join(dir, 'nextauth-backend-token')
  for (const f of ['package.json', 'index.js', 'binding.js', 'lib', 'integrations', 'wasm']) cpSync(join(root, f), join(pkg, f), { recursive: true })
  const script = `
    import { createRequire } from 'node:module'
    import { runCases } from ${JSON.stringify(pathToFileURL(join(root, '__test__/fixtures/edge-cases.mjs')).href)}
    const warnings = []
    process.on('warning', (w) => warnings.push([w.code, w.message]))
    const api = createRequire(import.meta.url)(${JSON.stringify(pkg)})
    const t = JSON.parse(process.argv[1])
    const out = await runCases(api, t)
    await runCases(api, t)
    await new Promise((r) => setImmediate(r))
    console.log(JSON.stringify({ out, warnings }))`
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(t)], {
    cwd: dir,
    env: { ...process.env, NEXTAUTH_BACKEND_TOKEN_BINDING: '' },
  })
  const { out, warnings } = JSON.parse(stdout.toString())
  assert.equal(warnings.length, 1, JSON.stringify(warnings))
  assert.equal(warnings[0][0], 'NEXTAUTH_BACKEND_TOKEN_WASM_FALLBACK')
  assert.match(warnings[0][1], new RegExp(`prebuilt binary for ${TARGET} is missing.*WebAssembly build`))
  assert.equal(out.implementation, 'wasm')
  assert.deepEqual(out, { ...JSON.parse(JSON.stringify(expected)), implementation: 'wasm' })
})

test('without the native binary and without the WebAssembly file, the error names both and the fix', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nbt-nothing-'))
  dirs.push(dir)
  for (const f of ['package.json', 'index.js', 'binding.js', 'lib', 'integrations']) cpSync(join(root, f), join(dir, f), { recursive: true })
  const script = `try { require(${JSON.stringify(dir)}) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`
  const { code, message } = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir }).toString())
  assert.equal(code, 'ERR_NATIVE_BINDING_MISSING')
  assert.match(message, new RegExp(`${TARGET} is missing`))
  assert.match(message, /WebAssembly build could not be loaded/)
  assert.doesNotMatch(message, /undefined-undefined/)
})

test('the WebAssembly file is small and the edge entries import no Node built-ins', { skip }, () => {
  const wasm = readFileSync(join(root, 'wasm/nextauth-backend-token.wasm'))
  const mod = new WebAssembly.Module(wasm)
  assert.deepEqual(WebAssembly.Module.imports(mod), [], 'the module imports nothing')
  for (const f of ['next', 'worker', 'start', 'front', 'session', 'wasm']) {
    const src = readFileSync(join(root, `edge/${f}.mjs`), 'utf8')
    assert.doesNotMatch(src, /from ['"](node:|fs|path|crypto|buffer|process)/, f)
    assert.doesNotMatch(src, /\brequire\(/, f)
  }
})
