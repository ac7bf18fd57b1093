// What the end-to-end tests share: free loopback ports, servers started in their own process
// group and stopped by PID, waiting for a server to answer, installing an example, Chromium.
import { execFileSync, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { SMTPServer } from 'smtp-server'

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

/**
 * A local SMTP server that keeps every mail (what Auth.js's email provider sends), with the
 * credentials the example app is given (SMTP_USER / SMTP_PASSWORD).
 */
export async function startMailbox() {
  const mails = []
  const port = await freePort()
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true, // loopback only
    onAuth(auth, _session, done) {
      if (auth.username === 'app' && auth.password === 'smtp-e2e') done(null, { user: 'app' })
      else done(new Error('invalid credentials'))
    },
    onData(stream, _session, done) {
      let raw = ''
      stream.on('data', (d) => (raw += d))
      stream.on('end', () => {
        mails.push(raw)
        done()
      })
    },
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    env: { SMTP_PORT: String(port), SMTP_USER: 'app', SMTP_PASSWORD: 'smtp-e2e' },
    count: () => mails.length,
    /** The magic link of the first mail after the first `after` ones (quoted-printable decoded). */
    async magicLink(after) {
      const end = Date.now() + 30_000
      while (Date.now() < end) {
        const mail = mails[after]
        if (mail) {
          const text = mail.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
          const link = text.match(/https?:\/\/[^\s"'<>]+\/api\/auth\/callback\/nodemailer\?[^\s"'<>]+/)
          if (link) return link[0].replace(/&amp;/g, '&')
        }
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error('no sign-in mail arrived')
    },
    close: () => new Promise((r) => server.close(r)),
  }
}

/** Signs in through an example app's Credentials form (the demo users' password is "demo"). */
export async function credentialsSignIn(context, base, user) {
  const page = await context.newPage()
  await page.goto(`${base}/api/auth/signin`)
  await page.fill('input[name="username"]', user)
  await page.fill('input[name="password"]', 'demo')
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')])
  return page
}

/** Signs in by email on an Auth.js app: submits the address, opens the mailed link. */
export async function emailSignIn(context, base, mailbox, email) {
  const page = await context.newPage()
  await page.goto(`${base}/api/auth/signin`)
  const seen = mailbox.count()
  await page.fill('input[name="email"]', email)
  await Promise.all([page.waitForURL(/verify-request/), page.click('button[type="submit"]')]).catch((e) => {
    throw new Error(`sign-in did not reach verify-request: ${e.message}\n${children.map((c) => c.log()).join('\n')}`)
  })
  await page.goto(await mailbox.magicLink(seen))
  await page.waitForURL(`${base}/`)
  return page
}

/**
 * TLS termination in front of a plain-HTTP server, forwarding the protocol like a proxy does.
 * Resolves to a function that closes it.
 */
export async function tlsFront(tls, port, target) {
  const server = https.createServer(tls, (req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-proto': 'https' } },
      (up) => {
        res.writeHead(up.statusCode, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return () => new Promise((r) => server.close(r))
}
