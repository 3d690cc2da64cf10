import type { Bomb, Person } from '@defuse/shared';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  if (!res.ok) throw new Error(`${res.status}`);
  return (await res.json()) as T;
}

function SignIn({ onSignedIn }: { onSignedIn: (p: Person) => void }) {
  const [error, setError] = useState('');
  const handleSubmit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      const { person } = await api<{ person: Person }>('/api/session', {
        method: 'POST',
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      onSignedIn(person);
    } catch {
      setError('メールアドレスかパスワードが違います / Email or password is wrong');
    }
  };
  return (
    <form onSubmit={handleSubmit}>
      <label>
        メール / Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        パスワード / Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">サインイン / Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function App() {
  const [me, setMe] = useState<Person | null | undefined>(undefined);
  const [bombs, setBombs] = useState<Bomb[]>([]);
  useEffect(() => {
    api<{ person: Person }>('/api/me').then(
      (r) => setMe(r.person),
      () => setMe(null),
    );
  }, []);
  useEffect(() => {
    if (me) api<{ items: Bomb[] }>('/api/bombs?limit=100').then((r) => setBombs(r.items));
  }, [me]);
  if (me === undefined) return null;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  return (
    <main>
      <h1>Defuse</h1>
      <ul>
        {bombs.map((b) => (
          <li key={b.id}>
            {b.key} {b.title} — {b.status}
          </li>
        ))}
      </ul>
    </main>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
