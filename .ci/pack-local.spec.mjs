// What a user installing from npm gets, proven locally: the linux-x64-gnu release binary (built by
// `npm run build:dist` the way the release builds it) is packed with the main package, both are
// installed into an empty project whose PATH has no Rust toolchain, and used from there.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { encode } from '@auth/core/jwt'
import { binary, packPackages, root, TARGET } from './pack.mjs'

const GLIBC_FLOOR = [2, 17]
const work = mkdtempSync(join(tmpdir(), 'nbt-pack-'))
const SECRET = 'pack-secret-0123456789abcdef0123456789abcdef'
const S = '__Secure-authjs.session-token'

// A PATH without cargo/rustc: what a user's machine (Vercel, Docker, a laptop) has.
const hasRust = (dir) => existsSync(join(dir, 'cargo')) || existsSync(join(dir, 'rustc'))
const PATH = process.env.PATH.split(delimiter).filter((d) => d && !hasRust(d)).join(delimiter)
const userEnv = { ...process.env, PATH, CARGO_HOME: '/nonexistent', RUSTUP_HOME: '/nonexistent', npm_config_audit: 'false', npm_config_fund: 'false' }
const npm = (args, cwd) => execFileSync('npm', args, { cwd, env: userEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

let main, platform
test('the shipped binary needs no libssl and no glibc newer than the floor', () => {
  assert.ok(existsSync(binary), `${binary} missing: run npm run build:dist first`)
  const dynamic = execFileSync('readelf', ['-d', binary], { encoding: 'utf8' })
  const needed = [...dynamic.matchAll(/Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
  console.log(`# NEEDED: ${needed.join(', ')}`)
  assert.ok(!needed.some((l) => /ssl|crypto/.test(l)), 'links libssl/libcrypto')
  const symbols = execFileSync('objdump', ['-T', binary], { encoding: 'utf8' })
  const versions = [...new Set([...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => `${m[1]}.${m[2]}`))]
  const newest = versions.map((v) => v.split('.').map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]).pop()
  console.log(`# requires glibc ${newest.join('.')} (floor ${GLIBC_FLOOR.join('.')})`)
  assert.ok(newest[0] < GLIBC_FLOOR[0] || (newest[0] === GLIBC_FLOOR[0] && newest[1] <= GLIBC_FLOOR[1]))
})

test('pack the platform package and the main package as napi prepublish lays them out', () => {
  ;({ main, platform } = packPackages(work, { env: userEnv }))
  assert.deepEqual(main.files.sort(), [
    'README.md', 'SECURITY.md', 'bin/cli.js', 'binding.js', 'index.d.ts', 'index.js',
    ...['common', 'express', 'fastify', 'hono', 'nest'].flatMap((f) => [`integrations/${f}.d.ts`, `integrations/${f}.js`]),
    'integrations/auth.js', 'integrations/hono-middleware.js', 'integrations/session.js', 'package.json',
    ...['auth', 'front', 'hono', 'hono-middleware', 'hono-next', 'hono-worker', 'next', 'session', 'start', 'wasm', 'worker'].map((f) => `edge/${f}.mjs`),
    'lib/front.js', 'lib/wasm.js', 'wasm/nextauth-backend-token.wasm',
  ].sort())
  const kib = (b) => `${(b / 1024).toFixed(0)} KiB`
  console.log(`# unpacked: main ${kib(main.unpacked)}, ${TARGET} ${kib(platform.unpacked)}, total ${kib(main.unpacked + platform.unpacked)}`)
})

function project(name, tarballs) {
  const dir = join(work, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '1.0.0' }))
  npm(['install', '--no-package-lock', '--loglevel=error', ...tarballs], dir)
  return dir
}

test('installed without Rust: require, import, types and the CLI through npx', async () => {
  assert.equal(spawnSync('cargo', ['--version'], { env: userEnv }).error?.code, 'ENOENT', 'cargo is still on PATH')
  const app = project('app', [main.file, platform.file])
  const token = await encode({ token: { backendToken: 'from-tarball' }, secret: SECRET, salt: S })
  const header = `theme=dark; ${S}=${token}`
  const env = { ...userEnv, AUTH_SECRET: SECRET, HEADER: header }
  const run = (args) => execFileSync(process.execPath, args, { cwd: app, env, encoding: 'utf8' }).trim()
  assert.equal(run(['-e', "console.log(require('nextauth-backend-token').getBackendToken(process.env.HEADER))"]), 'from-tarball')
  assert.equal(
    run(['--input-type=module', '-e', "import { getBackendToken, inspectToken } from 'nextauth-backend-token'; console.log(getBackendToken(process.env.HEADER), inspectToken(process.env.HEADER).reason)"]),
    'from-tarball OK',
  )
  // The types resolve from the installed package in a strict, isolatedModules project.
  writeFileSync(join(app, 'check.ts'), "import { getBackendToken, type ResolveOptions, type TokenReport } from 'nextauth-backend-token'\nconst o: ResolveOptions = { secure: 'auto' }\nconst t: string | null = getBackendToken('a=b', o)\nconst p: Promise<string | null> = getBackendToken()\nexport type R = TokenReport\nexport { t, p }\n")
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, isolatedModules: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] }, files: ['check.ts'] }))
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { encoding: 'utf8' })
  // The CLI through npx, offline: the installed bin.
  const cli = spawnSync('npx', ['--offline', 'nextauth-backend-token', 'inspect', header], { cwd: app, env, encoding: 'utf8' })
  assert.equal(cli.status, 0, cli.stderr)
  assert.match(cli.stdout, /valid token found \(OK\)/)
})

test('without the platform package: the WebAssembly build answers, after one warning naming the package', async () => {
  const app = project('no-binary', [main.file])
  const token = await encode({ token: { backendToken: 'from-wasm' }, secret: SECRET, salt: S })
  const script = "const m = require('nextauth-backend-token'); console.log(m.implementation, m.getBackendToken(process.env.HEADER), m.getBackendToken(process.env.HEADER))"
  const r = spawnSync(process.execPath, ['-e', script], { cwd: app, env: { ...userEnv, AUTH_SECRET: SECRET, HEADER: `${S}=${token}` }, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'wasm from-wasm from-wasm')
  const warnings = r.stderr.split('\n').filter((l) => l.includes('Warning'))
  assert.equal(warnings.length, 1, r.stderr)
  assert.match(warnings[0], new RegExp(`nextauth-backend-token-${TARGET} was not installed.*WebAssembly build`))
})

test('installed: Edge and Workers conditions resolve to the WebAssembly entries', () => {
  const app = join(work, 'app')
  const resolve = (condition, specifier = 'nextauth-backend-token') =>
    execFileSync(process.execPath, [`--conditions=${condition}`, '--input-type=module', '-e', `console.log(import.meta.resolve('${specifier}'))`], { cwd: app, env: userEnv, encoding: 'utf8' }).trim()
  assert.match(resolve('edge-light'), /node_modules\/nextauth-backend-token\/edge\/next\.mjs$/)
  assert.match(resolve('workerd'), /node_modules\/nextauth-backend-token\/edge\/worker\.mjs$/)
  assert.match(resolve('worker'), /node_modules\/nextauth-backend-token\/edge\/worker\.mjs$/)
  assert.match(resolve('node'), /node_modules\/nextauth-backend-token\/index\.js$/)
  // The Hono subpath follows the same conditions.
  const hono = 'nextauth-backend-token/hono'
  assert.match(resolve('edge-light', hono), /node_modules\/nextauth-backend-token\/edge\/hono-next\.mjs$/)
  assert.match(resolve('workerd', hono), /node_modules\/nextauth-backend-token\/edge\/hono-worker\.mjs$/)
  assert.match(resolve('worker', hono), /node_modules\/nextauth-backend-token\/edge\/hono-worker\.mjs$/)
  assert.match(resolve('node', hono), /node_modules\/nextauth-backend-token\/integrations\/hono\.js$/)
  const wasm = join(app, 'node_modules/nextauth-backend-token/wasm/nextauth-backend-token.wasm')
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm))), [])
})
