// Packs the main package and the linux-x64-gnu platform package the way `napi prepublish` lays them
// out for npm, from the binary at the repository root. Used by the pack test and the example apps.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
export const TARGET = 'linux-x64-gnu'
export const TARGETS = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
export const binary = join(root, `${pkg.napi.binaryName}.${TARGET}.node`)

function packDir(dir, dest, env) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir, env, encoding: 'utf8' })
  const [info] = JSON.parse(out)
  return { file: join(dest, info.filename), unpacked: info.unpackedSize, files: info.files.map((f) => f.path) }
}

/** Packs both packages into `dest`; with `stableNames`, as `<name>.tgz` (for file: dependencies). */
export function packPackages(dest, { env = process.env, stableNames = false } = {}) {
  mkdirSync(dest, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'nbt-pack-src-'))
  const platformDir = join(work, 'platform')
  mkdirSync(platformDir)
  cpSync(join(root, 'npm', TARGET, 'package.json'), join(platformDir, 'package.json'))
  cpSync(binary, join(platformDir, `${pkg.napi.binaryName}.${TARGET}.node`))
  const platform = packDir(platformDir, dest, env)

  const mainDir = join(work, 'main')
  mkdirSync(mainDir)
  for (const f of pkg.files) {
    mkdirSync(dirname(join(mainDir, f)), { recursive: true })
    cpSync(join(root, f), join(mainDir, f), { recursive: true })
  }
  const { devDependencies, scripts, overrides, ...published } = pkg
  published.optionalDependencies = Object.fromEntries(TARGETS.map((t) => [`${pkg.name}-${t}`, pkg.version]))
  writeFileSync(join(mainDir, 'package.json'), JSON.stringify(published, null, 2))
  const main = packDir(mainDir, dest, env)
  if (stableNames) {
    for (const [p, name] of [[main, pkg.name], [platform, `${pkg.name}-${TARGET}`]]) {
      const to = join(dest, `${name}.tgz`)
      renameSync(p.file, to)
      p.file = to
    }
  }
  return { main, platform }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { main, platform } = packPackages(join(root, '.pack'), { stableNames: true })
  console.log(`packed ${main.file} and ${platform.file}`)
}
