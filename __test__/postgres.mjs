// A throw-away PostgreSQL cluster for the database-session tests: Debian's server, a fresh data
// directory in a temp dir, a free loopback port, a socket dir of its own; stopped by its data dir.
// The server refuses to run as root, so as root the cluster belongs to the `postgres` user.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function binDir() {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : []
  if (!versions.length) throw new Error('PostgreSQL is not installed: run `bash .ci/ensure.sh postgresql` (apt-get install postgresql)')
  return join(root, versions.sort((a, b) => Number(a) - Number(b)).pop(), 'bin')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Starts a cluster; `stop()` ends it and removes its files. */
export async function startPostgres() {
  const bin = binDir()
  const dir = mkdtempSync(join(tmpdir(), 'nbt-pg-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    chmodSync(dir, 0o755)
    execFileSync('chown', ['postgres:', dir])
  }
  const run = (tool, args) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    })
  const port = await freePort()
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'])
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  process.once('exit', stop)
  return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, pause: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), resume: () => run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']) }
}

/** The schema `@auth/pg-adapter` documents, and the one `@auth/kysely-adapter` documents for PostgreSQL. */
export const SCHEMA = `
CREATE TABLE verification_token (
  identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL, PRIMARY KEY (identifier, token)
);
CREATE TABLE accounts (
  id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL,
  "providerAccountId" VARCHAR(255) NOT NULL, refresh_token TEXT, access_token TEXT, expires_at BIGINT,
  id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT, PRIMARY KEY (id)
);
CREATE TABLE sessions (
  id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL, "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id)
);
CREATE TABLE users (
  id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id)
);

CREATE TABLE "User" (
  id TEXT PRIMARY KEY, name TEXT, email TEXT UNIQUE, "emailVerified" TIMESTAMPTZ, image TEXT
);
CREATE TABLE "Account" (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(), "userId" TEXT NOT NULL REFERENCES "User"(id) ON DELETE CASCADE,
  type TEXT NOT NULL, provider TEXT NOT NULL, "providerAccountId" TEXT NOT NULL, refresh_token TEXT,
  access_token TEXT, expires_at BIGINT, token_type TEXT, scope TEXT, id_token TEXT, session_state TEXT
);
CREATE TABLE "Session" (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(), "userId" TEXT NOT NULL REFERENCES "User"(id) ON DELETE CASCADE,
  "sessionToken" TEXT NOT NULL UNIQUE, expires TIMESTAMPTZ NOT NULL
);
CREATE TABLE "VerificationToken" (
  identifier TEXT NOT NULL, token TEXT NOT NULL UNIQUE, expires TIMESTAMPTZ NOT NULL, PRIMARY KEY (identifier, token)
);
`
