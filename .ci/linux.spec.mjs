// The four Linux builds (npm run build:linux), each installed from its tarball and loaded in a
// runtime of its own kind on this x64 machine (npm run test:linux):
//   linux-x64-gnu     Node (this one)
//   linux-arm64-gnu   arm64 Node under qemu-user, on Debian's arm64 glibc
//   linux-x64-musl    Bun's musl build, in a root with musl and no glibc at all
//   linux-arm64-musl  the same for arm64, under qemu-user
// Each runs the shared cases (__test__/fixtures/edge-cases.mjs: v5, v4, chunked, rotation,
// tampered, plain cookie on HTTPS, expired, Bearer, every source kind, reports, sessions,
// encode/decode, coded errors) on tokens the issuers minted here, and must give the answers the
// native addon gives in Node. Then arm64 Node and both Bun builds run four files of the JS suite
// itself (SUITE) on their binary: the other files start child processes with process.execPath
// (which the host cannot execute for arm64), need a database server, or Rust.
import test, { before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { caseTokens } from '../__test__/helpers.mjs'
import { runCases } from '../__test__/fixtures/edge-cases.mjs'
import { TARGETS, artifact, root, runtimes } from './linux.mjs'
import { packPackages } from './pack.mjs'

// The resolver against both issuers' tokens, every source kind, and the framework integrations.
const SUITE = ['resolve', 'sources', 'interop', 'integrations'].map((f) => `__test__/${f}.spec.mjs`)
const work = mkdtempSync(join(tmpdir(), 'nbt-linux-'))
let t, expected, app, rt

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20, ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ?? r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

before(async () => {
  for (const name of Object.keys(TARGETS)) assert.ok(existsSync(artifact(name)), `${artifact(name)} missing: run npm run build:linux`)
  rt = runtimes()
  t = await caseTokens()

  // Install the main package and all four platform packages from tarballs, as npm would on each
  // machine (--force: this x64 machine installs the other CPUs' and libcs' packages too).
  const tarballs = join(work, 'tarballs')
  const { main } = packPackages(tarballs)
  const platforms = Object.keys(TARGETS).map((name) => {
    const dir = join(work, 'platform', name)
    mkdirSync(dir, { recursive: true })
    cpSync(join(root, 'npm', name, 'package.json'), join(dir, 'package.json'))
    cpSync(artifact(name), join(dir, `nextauth-backend-token.${name}.node`))
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: dir, encoding: 'utf8' })
    return join(tarballs, JSON.parse(out)[0].filename)
  })
  app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0', type: 'module' }))
  run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--force', main.file, ...platforms], { cwd: app })
  cpSync(join(root, '__test__/fixtures/edge-cases.mjs'), join(app, 'edge-cases.mjs'))
  writeFileSync(join(app, 'tokens.json'), JSON.stringify(t))
  // The runner: the package as an app requires it, the shared cases, and which binary loaded.
  writeFileSync(
    join(app, 'run.mjs'),
    `import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { runCases } from './edge-cases.mjs'
const require = createRequire(import.meta.url)
const api = require('nextauth-backend-token')
const loaded = Object.keys(require.cache).filter((k) => k.endsWith('.node')).map((k) => k.split('/').slice(-2).join('/'))
const t = JSON.parse(readFileSync(new URL('./tokens.json', import.meta.url), 'utf8'))
console.log(JSON.stringify({ arch: process.arch, loaded, out: await runCases(api, t) }))
`,
  )
  const native = (await import('../index.js')).default
  expected = JSON.parse(JSON.stringify(await runCases(native, t)))
  assert.equal(expected.implementation, 'native')
})

/** Runs app/run.mjs in `name`'s runtime; returns what it printed. */
function inRuntime(name) {
  const { arch, libc } = TARGETS[name]
  if (libc === 'gnu' && arch === 'x86_64') return JSON.parse(run(process.execPath, ['run.mjs'], { cwd: app }))
  if (libc === 'gnu') return JSON.parse(run('qemu-aarch64-static', ['-L', rt.armGlibcRoot, rt.nodeArm64, 'run.mjs'], { cwd: app }))
  // musl: the app inside the musl root, run by chroot (no glibc reachable).
  const base = arch === 'x86_64' ? rt.muslX64 : rt.muslArm64
  rmSync(join(base, 'app'), { recursive: true, force: true })
  cpSync(app, join(base, 'app'), { recursive: true, dereference: true })
  const argv = arch === 'x86_64' ? ['/bin/bun', '/app/run.mjs'] : ['/bin/qemu-aarch64-static', '/bin/bun', '/app/run.mjs']
  return JSON.parse(run('chroot', [base, ...argv], { env: { PATH: '/bin:/usr/bin:/usr/sbin:/sbin', HOME: '/tmp' } }))
}

const archOf = { x86_64: 'x64', aarch64: 'arm64' }

for (const name of Object.keys(TARGETS)) {
  const { arch, libc } = TARGETS[name]
  test(`${name}: no libssl, the expected libc, and its size`, () => {
    const file = artifact(name)
    const dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' })
    const needed = [...dynamic.matchAll(/Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
    assert.ok(!needed.some((l) => /ssl|crypto/.test(l)), `links ${needed}`)
    const header = execFileSync('readelf', ['-h', file], { encoding: 'utf8' })
    assert.match(header, arch === 'x86_64' ? /Machine:\s+Advanced Micro Devices X86-64/ : /Machine:\s+AArch64/)
    if (libc === 'gnu') {
      assert.ok(needed.includes('libc.so.6'), `glibc: ${needed}`)
      const versions = execFileSync('readelf', ['-V', file], { encoding: 'utf8' })
      const glibc = [...versions.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])
      const newest = glibc.sort((a, b) => a[0] - b[0] || a[1] - b[1]).pop()
      assert.ok(newest[0] === 2 && newest[1] <= 17, `needs glibc ${newest.join('.')}`)
      console.log(`# ${name}: NEEDED ${needed.join(', ')}; glibc ${newest.join('.')}; ${(statSync(file).size / 1048576).toFixed(2)} MiB`)
    } else {
      // Dynamically linked against musl (as napi-rs's musl builds are), nothing of glibc.
      assert.ok(needed.some((l) => /^libc(\.musl-[a-z0-9_]+)?\.so(\.1)?$/.test(l)), `musl: ${needed}`)
      assert.ok(!needed.some((l) => /^(libc\.so\.6|libm\.so\.6|ld-linux)/.test(l)), `glibc in ${needed}`)
      const interp = spawnSync('readelf', ['-l', file], { encoding: 'utf8' }).stdout
      assert.doesNotMatch(interp, /ld-linux/)
      console.log(`# ${name}: NEEDED ${needed.join(', ')}; ${(statSync(file).size / 1048576).toFixed(2)} MiB`)
    }
  })

  test(`${name}: installed from tarballs, its own runtime picks its package and gives the native answers`, { timeout: 600_000 }, () => {
    const got = inRuntime(name)
    assert.equal(got.arch, archOf[arch])
    assert.deepEqual(got.loaded, [`nextauth-backend-token-${name}/nextauth-backend-token.${name}.node`])
    assert.deepEqual(got.out, expected)
    assert.equal(got.out.v4, 'bt-v4')
    assert.equal(got.out.chunkedLength, 9000)
    assert.equal(got.out.rotated, 'bt-rotated')
    assert.deepEqual(got.out.tampered, [null, 'DECRYPTION_FAILED'])
  })
}

/** The repository's tests and packages, hard-linked into a musl root (no copy, no glibc). */
function repoIn(base, name) {
  const repo = join(base, 'repo')
  rmSync(repo, { recursive: true, force: true })
  mkdirSync(join(repo, 'examples'), { recursive: true })
  for (const f of ['node_modules', '__test__', 'lib', 'integrations', 'index.js', 'binding.js', 'package.json', 'examples/lib']) {
    run('cp', ['-al', join(root, f), join(repo, f)])
  }
  cpSync(artifact(name), join(repo, `nextauth-backend-token.${name}.node`))
}

for (const name of ['linux-x64-musl', 'linux-arm64-musl']) {
  const { arch } = TARGETS[name]
  test(`${name}: Bun runs part of the JS suite on the musl binary, with no glibc present`, { timeout: 1_200_000 }, () => {
    const base = arch === 'x86_64' ? rt.muslX64 : rt.muslArm64
    repoIn(base, name)
    const bun = arch === 'x86_64' ? ['/bin/bun'] : ['/bin/qemu-aarch64-static', '/bin/bun']
    const r = spawnSync('chroot', [base, ...bun, 'test', ...SUITE.map((f) => `/repo/${f}`)], {
      env: { PATH: '/bin:/usr/bin:/usr/sbin:/sbin', HOME: '/tmp', NBT_PLATFORM_JOB: '1', NAPI_RS_NATIVE_LIBRARY_PATH: `/repo/nextauth-backend-token.${name}.node` },
      encoding: 'utf8',
      timeout: 1_200_000,
      maxBuffer: 64 << 20,
    })
    const output = `${r.stdout}\n${r.stderr}`
    const pass = Number(output.match(/^\s*(\d+) pass$/m)?.[1])
    const fail = Number(output.match(/^\s*(\d+) fail$/m)?.[1])
    assert.ok(r.status === 0 && fail === 0 && pass > 30, `${r.error ?? r.status}\n${output}`)
    console.log(`# Bun ${arch} musl, ${SUITE.length} files of the JS suite: ${pass} passed, 0 failed`)
    rmSync(join(base, 'repo'), { recursive: true, force: true })
  })
}

test('linux-x64-gnu under Deno: it picks its package and gives the native answers', { timeout: 300_000 }, () => {
  const got = JSON.parse(run(rt.deno, ['run', '--allow-all', 'run.mjs'], { cwd: app, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } }))
  assert.equal(got.arch, 'x64')
  assert.deepEqual(got.loaded, ['nextauth-backend-token-linux-x64-gnu/nextauth-backend-token.linux-x64-gnu.node'])
  assert.deepEqual(got.out, expected)
})

// A test runner of its own (not a child of this one): the parent's NODE_TEST_CONTEXT is dropped.
const { NODE_TEST_CONTEXT, ...ownEnv } = process.env

test('linux-arm64-gnu: arm64 Node runs part of the JS suite on the arm64 binary', { timeout: 1_200_000 }, () => {
  // One emulated process per file (node --test would start its workers as host processes).
  let pass = 0
  for (const file of SUITE) {
    const r = spawnSync('qemu-aarch64-static', ['-L', rt.armGlibcRoot, rt.nodeArm64, '--test-reporter=tap', file], {
      cwd: root,
      env: { ...ownEnv, NAPI_RS_NATIVE_LIBRARY_PATH: artifact('linux-arm64-gnu'), NBT_PLATFORM_JOB: '1' },
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 << 20,
    })
    const passed = Number(r.stdout.match(/^# pass (\d+)/m)?.[1])
    const failed = Number(r.stdout.match(/^# fail (\d+)/m)?.[1])
    assert.ok(r.status === 0 && failed === 0 && passed > 0, `${file}: ${r.error ?? r.status}\n${r.stdout}\n${r.stderr}`)
    pass += passed
  }
  console.log(`# arm64 Node, ${SUITE.length} files of the JS suite: ${pass} passed, 0 failed`)
})
