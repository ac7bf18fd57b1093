export default function Home() {
  return (
    <main>
      <h1>Database sessions</h1>
      <p>
        <a href="/api/auth/signin">Sign in by email</a> · <a href="/rsc">Server Component</a> · <a href="/api/session">Route Handler</a>
      </p>
    </main>
  )
}
