export default function Home() {
  return <p>nextauth-backend-token example: <a href="/api/auth/signin">sign in</a> as small/demo or large/demo.</p>
}
