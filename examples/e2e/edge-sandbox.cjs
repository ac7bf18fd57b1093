// Preloaded into `next start` by the end-to-end test (NODE_OPTIONS=--require): makes Next.js's Edge
// sandbox refuse to compile WebAssembly from bytes, as Vercel and Cloudflare do in production.
// `next start` allows it, so without this a loader that compiles bytes would pass here and fail
// there. Precompiled modules (`.wasm?module` imports) still instantiate.
const vm = require('node:vm')

const createContext = vm.createContext
vm.createContext = function (context, options) {
  if (options && options.name === 'Edge Runtime') {
    options = { ...options, codeGeneration: { strings: false, wasm: false } }
  }
  return createContext.call(this, context, options)
}
