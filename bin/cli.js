#!/usr/bin/env node
'use strict'
// npx nextauth-backend-token inspect — why is the session token null?

const { inspectToken, getToken } = require('../index.js')

const USAGE = `Usage: nextauth-backend-token inspect [INPUT] [options]

INPUT is a Cookie header ("a=1; authjs.session-token=..."), a whole curl command copied from the
browser's DevTools ("Copy as cURL"), or "-" / nothing to read either from stdin.

Options:
  --secret-env NAME   read the secret from environment variable NAME
                      (default: AUTH_SECRET_3.._1, AUTH_SECRET, NEXTAUTH_SECRET)
  --https, --http     state the request's protocol (default: the curl URL, else auto)
  --cookie-name NAME  look for this session cookie name instead of the defaults (repeatable)
  --json              print the raw report as JSON
  --claims            list the token's claim names
  --show-values       with --claims, also print the claim values (careful: secrets inside)
  -h, --help          show this help

Exit status: 0 when a valid token was found, 1 when not, 2 on usage errors.`

class UsageError extends Error {}

/** Splits a shell command line as bash would (quotes, $'...', backslashes, line continuations). */
function shellWords(text) {
  const words = []
  let cur = null
  let i = 0
  const push = () => {
    if (cur !== null) words.push(cur)
    cur = null
  }
  while (i < text.length) {
    const c = text[i]
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2
    } else if (/\s/.test(c)) {
      push()
      i++
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new UsageError('unterminated quote in the curl command')
      cur = (cur ?? '') + text.slice(i + 1, end)
      i = end + 1
    } else if (c === '$' && text[i + 1] === "'") {
      i += 2
      let s = ''
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1]
          s += { n: '\n', t: '\t', r: '\r', "'": "'", '\\': '\\', '"': '"' }[n] ?? `\\${n}`
          i += 2
        } else s += text[i++]
      }
      if (i >= text.length) throw new UsageError('unterminated quote in the curl command')
      cur = (cur ?? '') + s
      i++
    } else if (c === '"') {
      let s = ''
      i++
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') s += text[i + 1]
          i += 2
        } else s += text[i++]
      }
      if (i >= text.length) throw new UsageError('unterminated quote in the curl command')
      cur = (cur ?? '') + s
      i++
    } else if (c === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[i + 1]
      i += 2
    } else {
      cur = (cur ?? '') + c
      i++
    }
  }
  push()
  return words
}

/** What a curl command sends: its URL, Cookie and Authorization headers. */
function parseCurl(command) {
  const words = shellWords(command)
  const out = { url: undefined, cookies: [], authorization: undefined }
  for (let i = 1; i < words.length; i++) {
    const w = words[i]
    const next = () => {
      if (i + 1 >= words.length) throw new UsageError(`${w} needs a value in the curl command`)
      return words[++i]
    }
    if (w === '-H' || w === '--header') {
      const h = next()
      const colon = h.indexOf(':')
      const name = h.slice(0, colon).trim().toLowerCase()
      const value = h.slice(colon + 1).trim()
      if (name === 'cookie') out.cookies.push(value)
      else if (name === 'authorization') out.authorization = value
    } else if (w === '-b' || w === '--cookie') {
      out.cookies.push(next())
    } else if (w === '--url') {
      out.url = next()
    } else if (/^https?:\/\//i.test(w) && out.url === undefined) {
      out.url = w
    }
  }
  return out
}

function parseArgs(argv) {
  const args = { input: undefined, secretEnv: undefined, secure: undefined, cookieNames: [], json: false, claims: false, showValues: false }
  if (argv[0] === '-h' || argv[0] === '--help') return { help: true }
  if (argv[0] !== 'inspect') throw new UsageError(argv.length ? `unknown command: ${argv[0]}` : 'missing command')
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '-h' || a === '--help') return { help: true }
    else if (a === '--secret-env') args.secretEnv = value()
    else if (a === '--https') args.secure = true
    else if (a === '--http') args.secure = false
    else if (a === '--cookie-name') args.cookieNames.push(value())
    else if (a === '--json') args.json = true
    else if (a === '--claims') args.claims = true
    else if (a === '--show-values') args.showValues = true
    else if (a.startsWith('--')) throw new UsageError(`unknown option: ${a}`)
    else if (args.input === undefined) args.input = a
    else throw new UsageError('more than one input given (quote the Cookie header)')
  }
  if (args.showValues && !args.claims) throw new UsageError('--show-values goes with --claims')
  return args
}

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (c) => (data += c))
    process.stdin.on('end', () => resolve(data))
    process.stdin.on('error', reject)
  })
}

function toSource(input) {
  const text = input.trim()
  if (/^curl(\s|$)/.test(text)) {
    const curl = parseCurl(text)
    const headers = {}
    if (curl.cookies.length) headers.cookie = curl.cookies.join('; ')
    if (curl.authorization) headers.authorization = curl.authorization
    return { headers, ...(curl.url ? { url: curl.url } : {}) }
  }
  return text.replace(/^cookie:\s*/i, '')
}

const time = (t) => (t == null ? '-' : `${new Date(t * 1000).toISOString()} (${t})`)

function table(r) {
  const rows = [
    ['Result', r.ok ? 'valid token found (OK)' : `no valid token (${r.reason})`],
    ['Hint', r.hint],
    ['Protocol', `${r.protocol}${r.protocolFrom ? ` (from ${r.protocolFrom})` : ''}`],
    ['Cookie', r.cookieName ? `${r.cookieName} (${r.chunks} part${r.chunks === 1 ? '' : 's'}, from ${r.from})` : r.from === 'bearer' ? 'Authorization: Bearer' : '-'],
    ['Format', [r.format, r.enc, r.secretIndex == null ? null : `secret #${r.secretIndex}`].filter(Boolean).join(', ') || '-'],
    ['Issued at', time(r.issuedAt)],
    ['Expires at', time(r.expiresAt)],
    ['Present cookies', r.presentCookies.join(', ') || '-'],
    ['Checked names', r.checkedNames.join(', ')],
    ['Rejected', r.rejected.map((x) => `${x.name}: ${x.reason}`).join('; ') || '-'],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
}

async function main(argv) {
  const args = parseArgs(argv)
  if (args.help) {
    console.log(USAGE)
    return 0
  }
  let input = args.input
  if (input === undefined || input === '-') {
    if (input === undefined && process.stdin.isTTY) throw new UsageError('no input: pass a Cookie header or a curl command, or pipe one in')
    input = await readStdin()
  }
  const options = {}
  if (args.secretEnv) {
    const secret = process.env[args.secretEnv]
    if (!secret) throw new UsageError(`environment variable ${args.secretEnv} is not set`)
    options.secret = secret
  }
  if (args.secure !== undefined) options.secure = args.secure
  if (args.cookieNames.length) options.cookieName = args.cookieNames
  const source = toSource(input)
  const report = inspectToken(source, options)
  if (args.json) console.log(JSON.stringify(report, null, 2))
  else console.log(table(report))
  if (args.claims && !args.json) {
    if (args.showValues) {
      const token = getToken(source, options)
      console.log(`Claims\n${JSON.stringify(token, null, 2)}`)
    } else console.log(`Claims           ${report.claims.join(', ') || '-'}`)
  }
  return report.ok ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`nextauth-backend-token: ${err.message}\n\n${USAGE}`)
    } else if (err && err.code) {
      console.error(`nextauth-backend-token: ${err.message} (${err.code})`)
    } else {
      console.error(`nextauth-backend-token: ${err && err.message}`)
    }
    process.exitCode = 2
  },
)
