// What the end-to-end tests share: free loopback ports, servers started in their own process
// group and stopped by PID, waiting for a server to answer, installing an example, Chromium.
import { execFileSync, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const examples = fileURLToPath(new URL('..', import.meta.url))
// No telemetry from next build/start: tests stay on loopback.
process.env.NEXT_TELEMETRY_DISABLED = '1'

export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

export function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 })
}

export const children = []

/** Starts a server in its own process group, so it and its children are stopped together. */
export function start(cmd, args, { cwd, env }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  children.push(child)
  child.log = () => log
  return child
}

export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {}
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {}
  }, 3000)
  t.unref()
}

export async function waitFor(url, child, ms = 60_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited: ${child.log()}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer in time: ${child.log()}`)
}

/** Installs an example; the package under test always comes fresh from the packed tarballs. */
export function install(dir) {
  for (const name of ['nextauth-backend-token', 'nextauth-backend-token-linux-x64-gnu']) {
    rmSync(join(examples, dir, 'node_modules', name), { recursive: true, force: true })
  }
  run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], join(examples, dir))
}

/** Debian's Chromium, headless. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  })
}
