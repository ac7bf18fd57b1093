// One process, one run, the same inputs for every contender; results as ratios.
//   npm run bench            (release build first: npm run build)
//   node --expose-gc benchmark/bench.mjs --quick   (shorter runs)
//   NBT_MODULE=/other/checkout/index.js npm run bench   (another build of this package, e.g. before a change)
import { createRequire } from 'node:module'
import { createHmac, createDecipheriv, hkdfSync, timingSafeEqual } from 'node:crypto'
import os from 'node:os'
import { existsSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { getToken as authjsGetToken } from '@auth/core/jwt'
import v4jwt from 'next-auth/jwt'
import { jwtDecrypt } from 'jose'
import { RequestCookies } from '@edge-runtime/cookies'
import { authjsSignIn, backendTokenOf } from '../examples/lib/sign-in.mjs'

const require = createRequire(import.meta.url)
const nbt = require(process.env.NBT_MODULE ?? '../index.js')
// The WebAssembly build (npm run build:wasm), in this process, as an Edge runtime loads it: the
// module precompiled, then instantiated.
const WASM_FILE = new URL('../wasm/nextauth-backend-token.wasm', import.meta.url)
const wasmBytes = existsSync(WASM_FILE) ? readFileSync(WASM_FILE) : null
const wasmModule = wasmBytes && new WebAssembly.Module(wasmBytes)
function wasmApi() {
  const { createApi } = require('../lib/front.js')
  const { createBinding } = require('../lib/wasm.js')
  const { sessionApi } = require('../integrations/session.js')
  const random = (n) => crypto.getRandomValues(new Uint8Array(n))
  return createApi(createBinding(wasmModule, { env: () => process.env, random }), { sessionApi, nextHeaders: () => null })
}
const wasm = wasmModule && wasmApi()
const QUICK = process.argv.includes('--quick')
const SECRET = 'bench-secret-4c1f8a2e9b7d6c5a3f1e0d9c8b7a6f5e'
process.env.AUTH_SECRET = SECRET
const NAME = '__Secure-authjs.session-token'

// ---- inputs --------------------------------------------------------------------------------
const NOISE = [
  '_ga=GA1.1.1234567890.1700000000', '_gid=GA1.1.987654321.1700000000', 'theme=dark', 'locale=en-GB',
  'ajs_anonymous_id=5d1d1e3e-7b0e-4a4e-9f1e-2b7a0e8f9d11', '__Host-authjs.csrf-token=' + 'c'.repeat(131),
  '__Secure-authjs.callback-url=https%3A%2F%2Fapp.example.test', 'intercom-id-x1=0a1b2c3d-4e5f-6789-abcd-ef0123456789',
]
const extra = { role: 'admin', tenantId: 't-42', picture: 'https://avatars.example.test/u/1.png' }
async function session(backendToken) {
  const { jar } = await authjsSignIn({ https: true, secret: SECRET, backendToken, extra })
  return [...jar].filter(([n]) => n.startsWith(NAME)).map(([n, v]) => `${n}=${v}`)
}
const w1Session = await session(backendTokenOf(300, 'w1'))
const w2Session = await session(backendTokenOf(7000, 'w2'))
const header = (parts) => [...NOISE.slice(0, 4), ...parts, ...NOISE.slice(4)].join('; ')
const W1 = header(w1Session)
const W2 = header(w2Session)
const W3 = NOISE.join('; ')
const v4token = await v4jwt.encode({
  token: { name: 'Ada', email: 'ada@example.test', sub: 'user-1', backendToken: backendTokenOf(300, 'w4'), ...extra },
  secret: SECRET,
})
const W4 = header([`__Secure-next-auth.session-token=${v4token}`])
const W5req = new Request('https://app.example.test/api/me', { headers: { cookie: W1 } })
const W5headers = new Headers({ cookie: W1 })
const W5store = new RequestCookies(new Headers({ cookie: W1 }))

// ---- contenders ----------------------------------------------------------------------------
const macEnc = (salt) => {
  const k = Buffer.from(hkdfSync('sha256', SECRET, salt, `Auth.js Generated Encryption Key (${salt})`, 64))
  return { full: k, mac: k.subarray(0, 32), enc: k.subarray(32) }
}
const KEY = macEnc(NAME)

/** Synchronous node:crypto with precomputed keys: the floor a careful hand-written helper reaches. */
function floor(h) {
  if (h.indexOf(NAME) === -1) return null
  let token = ''
  const parts = []
  for (const pair of h.split('; ')) {
    const eq = pair.indexOf('=')
    const n = pair.slice(0, eq)
    if (n === NAME) token = pair.slice(eq + 1)
    else if (n.startsWith(NAME + '.')) parts[Number(n.slice(NAME.length + 1))] = pair.slice(eq + 1)
  }
  if (!token) token = parts.join('')
  const [p, , iv, ct, tag] = token.split('.')
  const ivb = Buffer.from(iv, 'base64url')
  const ctb = Buffer.from(ct, 'base64url')
  const al = Buffer.alloc(8)
  al.writeBigUInt64BE(BigInt(p.length * 8))
  const mac = createHmac('sha512', KEY.mac).update(p).update(ivb).update(ctb).update(al).digest().subarray(0, 32)
  if (!timingSafeEqual(mac, Buffer.from(tag, 'base64url'))) return null
  const d = createDecipheriv('aes-256-cbc', KEY.enc, ivb)
  const payload = JSON.parse(Buffer.concat([d.update(ctb), d.final()]).toString())
  if (payload.exp <= Date.now() / 1000 - 15) return null
  return payload.backendToken
}

/** Cookie parsing + jose.jwtDecrypt with a precomputed key. */
async function joseVersion(h) {
  const jar = new RequestCookies(new Headers({ cookie: h }))
  let token = jar.get(NAME)?.value
  if (!token) {
    const parts = jar.getAll().filter((c) => c.name.startsWith(NAME + '.'))
    if (!parts.length) return null
    parts.sort((a, b) => Number(a.name.split('.').pop()) - Number(b.name.split('.').pop()))
    token = parts.map((c) => c.value).join('')
  }
  const { payload } = await jwtDecrypt(token, KEY.full, { clockTolerance: 15 })
  return payload.backendToken
}

// What most callers pass: the options objects of the with-options rows, new literals every call.
const realistic = () => ({ secret: SECRET, claim: 'backendToken', secure: 'auto', clockTolerance: 15, bearer: true })
const bound = nbt.createResolver?.({ secret: SECRET })

const contenders = {
  'ours getBackendToken': (h) => nbt.getBackendToken(h),
  'ours getBackendToken { secret }': (h) => nbt.getBackendToken(h, { secret: SECRET }),
  'ours getBackendToken realistic options': (h) => nbt.getBackendToken(h, realistic()),
  ...(bound && { 'ours createResolver().getBackendToken': (h) => bound.getBackendToken(h) }),
  ...(wasm && {
    'wasm getBackendToken { secret }': (h) => wasm.getBackendToken(h, { secret: SECRET }),
    'wasm createResolver().getBackendToken': ((r) => (h) => r.getBackendToken(h))(wasm.createResolver({ secret: SECRET })),
  }),
  'ours getToken': (h) => nbt.getToken(h),
  '@auth/core getToken': (h) => authjsGetToken({ req: { headers: { cookie: h } }, secret: SECRET, secureCookie: true }),
  // next-auth@4 reads `req.cookies` (Next's parsed cookies): parse the header as Next would.
  'next-auth@4 getToken': (h) => {
    const cookies = Object.fromEntries(new RequestCookies(new Headers({ cookie: h })).getAll().map((c) => [c.name, c.value]))
    return v4jwt.getToken({ req: { headers: { cookie: h }, cookies }, secret: SECRET, secureCookie: true })
  },
  'jose + precomputed key': joseVersion,
  'node:crypto floor': floor,
  // The least a miss can cost: one scan of the header.
  'plain indexOf scan': (h) => (h.indexOf(NAME) === -1 ? null : h),
}

// ---- harness -------------------------------------------------------------------------------
// Shared machines drift: every contender is measured in ROUNDS short slices, interleaved, and the
// median slice is reported, so a slow moment hits all contenders alike.
const ROUNDS = 7

async function slice(fn, input, ms, isAsync, samples) {
  const batch = 64
  let calls = 0
  const t0 = performance.now()
  const end = t0 + ms
  while (performance.now() < end) {
    const s = process.hrtime.bigint()
    if (isAsync) for (let i = 0; i < batch; i++) await fn(input)
    else for (let i = 0; i < batch; i++) fn(input)
    samples.push(Number(process.hrtime.bigint() - s) / batch)
    calls += batch
  }
  return ((performance.now() - t0) * 1e6) / calls
}

async function measureAll(entries, input, ms) {
  const state = entries.map(([name, fn]) => ({ name, fn, isAsync: fn(input) instanceof Promise, means: [], samples: [] }))
  for (const st of state) await slice(st.fn, input, ms / ROUNDS, st.isAsync, []) // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const st of state) st.means.push(await slice(st.fn, input, ms / ROUNDS, st.isAsync, st.samples))
  }
  return state.map((st) => {
    st.means.sort((a, b) => a - b)
    st.samples.sort((a, b) => a - b)
    const meanNs = st.means[Math.floor(ROUNDS / 2)]
    return [st.name, { opsPerSec: 1e9 / meanNs, meanNs, p99Ns: st.samples[Math.floor(st.samples.length * 0.99)] }]
  })
}

const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
const ms = QUICK ? 300 : 1500

async function workload(title, input, names) {
  // Every contender must agree on the answer before it is timed.
  const expected = nbt.getBackendToken(input)
  for (const name of names) {
    const got = await contenders[name](input)
    const value = got && typeof got === 'object' ? got.backendToken : got
    if (value !== expected) throw new Error(`${title}: ${name} disagrees`)
  }
  const rows = await measureAll(names.map((n) => [n, contenders[n]]), input, ms * names.length)
  const base = rows.find(([n]) => n === '@auth/core getToken')?.[1].meanNs
  const fl = rows.find(([n]) => n === 'node:crypto floor')?.[1].meanNs
  console.log(`\n### ${title}\n`)
  console.log('| contender | ops/s | mean | p99 (64-call batches) | vs @auth/core | vs node:crypto floor |')
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const [name, r] of rows) {
    const vsA = base ? `${(base / r.meanNs).toFixed(1)}×` : '-'
    const vsF = fl ? `${(fl / r.meanNs).toFixed(2)}×` : '-'
    console.log(`| ${name} | ${Math.round(r.opsPerSec).toLocaleString('en')} | ${fmt(r.meanNs)} | ${fmt(r.p99Ns)} | ${vsA} | ${vsF} |`)
  }
  return Object.fromEntries(rows)
}

console.log(`Node ${process.version}, ${os.cpus()[0].model} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}`)
console.log(`W1 header ${W1.length} B, W2 header ${W2.length} B (${w2Session.length} chunks), W3 ${W3.length} B`)
// next-auth@4 cannot read Auth.js v5 tokens at all: it is compared on its own format (W4).
const ours = Object.keys(contenders).filter((n) => /^(ours|wasm) (getBackendToken|createResolver)/.test(n))
const all = Object.keys(contenders).filter((n) => !n.startsWith('next-auth@4') && n !== 'plain indexOf scan')
await workload('W1 typical (8 noise cookies + __Secure- session, 300-char backendToken)', W1, all)
await workload('W2 chunked (7000-char backendToken, 3 chunks)', W2, all)
await workload('W3 miss (no session cookie)', W3, [...ours, '@auth/core getToken', 'node:crypto floor', 'plain indexOf scan'])
await workload('W4 next-auth@4 token', W4, ['ours getBackendToken', 'ours getToken', 'next-auth@4 getToken'])

console.log('\n### W5 source kinds (getBackendToken)\n')
console.log('| source | mean | vs header string |')
console.log('|---|---:|---:|')
const w5 = [['Cookie header string', W1], ['Request', W5req], ['Headers', W5headers], ['CookieStore (RequestCookies)', W5store]]
for (const [label, src] of w5) {
  if (nbt.getBackendToken(src) !== nbt.getBackendToken(W1)) throw new Error(`W5 ${label} disagrees`)
}
const w5rows = await measureAll(w5.map(([label, src]) => [label, () => nbt.getBackendToken(src)]), null, ms * w5.length)
const str = w5rows[0][1].meanNs
for (const [label, r] of w5rows) console.log(`| ${label} | ${fmt(r.meanNs)} | ${(r.meanNs / str).toFixed(2)}× |`)
if (wasm) {
  console.log('\n### W6 WebAssembly build (Edge runtimes, Workers, the Node fallback)\n')
  const gz = (b) => gzipSync(b, { level: 9 }).length
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`
  const edgeFiles = ['next', 'start', 'front', 'wasm', 'session'].map((f) => readFileSync(new URL(`../edge/${f}.mjs`, import.meta.url)))
  const loader = readFileSync(new URL('../edge/wasm.mjs', import.meta.url))
  // Cold start as on an Edge host: the module arrives compiled; instantiate, set up, first call.
  const cold = []
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now()
    const api = wasmApi()
    if (api.createResolver({ secret: SECRET }).getBackendToken(W1) !== nbt.getBackendToken(W1)) throw new Error('W6 disagrees')
    cold.push(performance.now() - t0)
  }
  cold.sort((a, b) => a - b)
  console.log('| | value |\n|---|---:|')
  console.log(`| .wasm raw / gzipped | ${kb(wasmBytes.length)} / ${kb(gz(wasmBytes))} |`)
  console.log(`| loader (edge/wasm.mjs) raw / gzipped | ${kb(loader.length)} / ${kb(gz(loader))} |`)
  console.log(`| all edge JavaScript (entry, API, loader, sessions) raw / gzipped, unminified | ${kb(edgeFiles.reduce((a, b) => a + b.length, 0))} / ${kb(gz(Buffer.concat(edgeFiles)))} |`)
  console.log(`| cold start: instantiate + createResolver + first W1 call (median of 25) | ${cold[12].toFixed(2)} ms |`)
}

console.log('\n### Memory over 1,000,000 getBackendToken calls (W1)\n')
const gc = globalThis.gc ?? (() => {})
for (let i = 0; i < 20000; i++) nbt.getBackendToken(W1)
gc()
const before = process.memoryUsage()
const N = QUICK ? 200_000 : 1_000_000
for (let i = 0; i < N; i++) nbt.getBackendToken(W1)
gc()
const after = process.memoryUsage()
const mb = (b) => `${(b / 1048576).toFixed(1)} MiB`
console.log(`| | before | after ${N.toLocaleString('en')} calls | growth |\n|---|---:|---:|---:|`)
console.log(`| RSS | ${mb(before.rss)} | ${mb(after.rss)} | ${mb(after.rss - before.rss)} |`)
console.log(`| heap used | ${mb(before.heapUsed)} | ${mb(after.heapUsed)} | ${mb(after.heapUsed - before.heapUsed)} |`)
