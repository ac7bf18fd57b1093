/** The package has a native .node file: Next.js must load it from node_modules, not bundle it. */
export default { serverExternalPackages: ['nextauth-backend-token', 'pg'] }
