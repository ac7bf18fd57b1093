// Hostile input never takes the process down: run in a child process so a crash is detected.
import test from 'node:test'
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const child = fileURLToPath(new URL('./fixtures/hostile-child.mjs', import.meta.url))

test('hostile sources and options: coded errors or null, never a crash', () => {
  const r = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 24 })
  assert.equal(r.signal, null, `child killed by ${r.signal}: ${r.stderr}`)
  assert.equal(r.status, 0, r.stderr)
  const rows = Object.fromEntries(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.name, x]))
  assert.ok(rows.done, 'the child ran to the end')
  const invalid = 'throw:ERR_INVALID_SOURCE:TypeError'
  const expect = {
    undefined: 'null', null: 'null', number: invalid, nan: invalid, symbol: invalid, bigint: invalid, true: invalid,
    function: invalid, array: invalid, emptyObject: 'null', getAllNotArray: invalid, getAllNull: invalid,
    getAllWeirdEntries: 'null', proxyHeaders: 'value:bt', frozen: 'value:bt', headersAsMap: 'value:bt',
    mapSource: 'value:bt', headerArrayOfJunk: 'value:bt', tenThousandCookies: 'null', fourMegabyteHeader: 'null',
    thousandChunks: 'null', deeplyNestedPayload: 'value:deep', oversizedPayload: 'null', loneSurrogates: 'value:bt',
    nulBytes: 'null', illegalBase64: 'null', paddedBase64: 'null', dotsOnly: 'null', hugeDotCount: 'null',
    bearerGarbage: 'null', validForComparison: 'value:bt',
  }
  for (const [name, want] of Object.entries(expect)) {
    assert.equal(rows[name].getBackendToken, want, `getBackendToken(${name})`)
    if (want === 'null') assert.ok(rows[name].inspect.startsWith('report:'), `inspectToken(${name}) gives a report`)
  }
  // The caller's own exceptions (throwing getters, getAll, proxies) reach the caller unchanged.
  for (const name of ['getterHeadersThrows', 'getterCookieThrows', 'headersGetThrows', 'getAllThrows', 'getAllEntryGetterThrows', 'proxyAllTraps']) {
    assert.match(rows[name].getBackendToken, /^throw:(getter|get threw|getAll threw|proxy)/, name)
  }
  // Reasons for the bounded cases.
  assert.equal(rows.tenThousandCookies.inspect, 'report:TOO_LARGE')
  assert.equal(rows.fourMegabyteHeader.inspect, 'report:TOO_LARGE')
  assert.equal(rows.thousandChunks.inspect, 'report:TOO_LARGE')
  assert.equal(rows.oversizedPayload.inspect, 'report:TOO_LARGE')
  // Nesting the issuers accept (JSON.parse has no depth limit) is read without recursion.
  assert.equal(rows.deeplyNestedPayload.inspect, 'report:OK')
  for (const name of ['encodeVeryDeep', 'encodeCyclic']) {
    assert.equal(rows[name].getBackendToken, 'throw:ERR_INVALID_OPTION:TypeError', name)
  }
  assert.match(rows.encodeBigInt.getBackendToken, /^(value:|throw:ERR_INVALID_OPTION)/)
  assert.equal(rows.decodeDeep.getBackendToken, 'value:deep')
  // Options: the caller's exceptions, or a coded TypeError.
  assert.match(rows.optionsThrowingSecret.getBackendToken, /^throw:getter secret threw/)
  assert.match(rows.optionsProxy.getBackendToken, /^throw:options proxy/)
  for (const name of ['optionsNumber', 'optionsHugeLimit', 'optionsFractionalLimit', 'optionsSecretObject']) {
    assert.equal(rows[name].getBackendToken, 'throw:ERR_INVALID_OPTION:TypeError', name)
  }
})

// The published binary has no way to panic on purpose: the proof builds the addon with the
// test-only `test-hooks` feature, whose one extra export panics inside the guard.
function buildWithTestHooks() {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const out = execFileSync('cargo', ['build', '--locked', '--features', 'test-hooks', '--message-format=json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  })
  const artifact = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'nextauth_backend_token' && m.target.kind.includes('cdylib'))
  const lib = artifact.filenames.find((f) => f.endsWith('.so') || f.endsWith('.dylib') || f.endsWith('.dll'))
  const addon = join(mkdtempSync(join(tmpdir(), 'nbt-hooks-')), 'hooks.node')
  copyFileSync(lib, addon)
  return addon
}

// The release workflow's platform jobs test a prebuilt binary without a Rust toolchain; they say so.
const platformJob = process.env.NBT_PLATFORM_JOB ? 'a platform job: no Rust toolchain to build the test-hooks addon (NBT_PLATFORM_JOB)' : false

test('a panic inside the native code becomes a coded Error, not an abort', { skip: platformJob }, () => {
  const addon = buildWithTestHooks()
  const script = `const b = require(${JSON.stringify(addon)});
    try { b.panicGuardSelfTest(); console.log('no throw') } catch (e) { console.log(e.code, e instanceof Error) }
    console.log('alive')`
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(r.stdout.trim().split('\n'), ['ERR_INTERNAL true', 'alive'])
})

test('the published package exports exactly its documented API', () => {
  const api = Object.keys(require(fileURLToPath(new URL('../index.js', import.meta.url)))).sort()
  assert.deepEqual(api, ['__napiBindingTarget', 'createResolver', 'decode', 'encode', 'formatReport', 'getBackendToken', 'getSession', 'getToken', 'implementation', 'inspectToken'])
  const native = Object.keys(require(fileURLToPath(new URL('../binding.js', import.meta.url))))
  assert.ok(!native.some((k) => /self.?test|panic|cache/i.test(k)), native.join(', '))
})
