// The page of `pfd serve`: choose (or make) a user and a query item (or drop a
// photo); see the design for that user next to the designs for a few other
// users, each with the real items nearest to it. Talks to the JSON API only.
// Compiled for the browser by esbuild when the server starts (src/serve/web.ts).

type Category = 'top' | 'bottom';
interface Item {
  id: string;
  category: Category;
  image: string;
}
interface Retrieved {
  id: string;
  score: number;
  image: string;
}
interface Design {
  user: string;
  image: string;
  score: number | null;
  items: Retrieved[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = {
  user: '',
  query: null as Item | null,
  photo: '' as string,
  targets: [] as Category[],
  liked: new Map<string, { top: string; bottom: string }>(),
  request: 0,
};

async function api<T>(url: string, body?: unknown): Promise<T> {
  const r = await fetch(
    url,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const j = await r.json();
  if (!r.ok) throw new Error(j.error?.message ?? `${r.status}`);
  return j as T;
}

function img(src: string, alt: string): HTMLImageElement {
  const i = document.createElement('img');
  i.src = src;
  i.alt = alt;
  i.loading = 'lazy';
  return i;
}

async function loadUsers(select?: string): Promise<void> {
  const { users } = await api<{ users: { id: string; kind: string }[] }>('/api/users');
  const sel = $<HTMLSelectElement>('user');
  sel.replaceChildren(...users.map((u) => new Option(u.kind === 'trained' ? u.id : `${u.id} (${u.kind})`, u.id)));
  state.user = select ?? state.user ?? users[0]?.id ?? '';
  if (!users.some((u) => u.id === state.user)) state.user = users[0]?.id ?? '';
  sel.value = state.user;
}

async function loadQueries(q = ''): Promise<void> {
  const cats = state.targets.map((t) => (t === 'top' ? 'bottom' : 'top'));
  const lists = await Promise.all(cats.map((c) => api<{ items: Item[] }>(`/api/items?category=${c}&limit=60&q=${encodeURIComponent(q)}`)));
  const box = $('queries');
  box.replaceChildren(
    ...lists
      .flatMap((l) => l.items)
      .map((it) => {
        const i = img(it.image, it.id);
        i.dataset.id = it.id;
        i.title = it.id;
        i.onclick = () => {
          state.query = it;
          state.photo = '';
          for (const x of box.querySelectorAll('img')) x.classList.toggle('selected', x === i);
          void design();
        };
        return i;
      }),
  );
}

async function loadOutfits(): Promise<void> {
  const [tops, bottoms] = await Promise.all([
    api<{ items: Item[] }>('/api/items?category=top&limit=12'),
    api<{ items: Item[] }>('/api/items?category=bottom&limit=12'),
  ]);
  const n = Math.min(tops.items.length, bottoms.items.length);
  $('outfits').replaceChildren(
    ...tops.items.slice(0, n).map((t, k) => {
      const b = bottoms.items[k]!;
      const key = JSON.stringify([t.id, b.id]);
      const div = document.createElement('div');
      div.className = 'pair';
      div.append(img(t.image, t.id), img(b.image, b.id));
      div.onclick = () => {
        if (state.liked.has(key)) state.liked.delete(key);
        else state.liked.set(key, { top: t.id, bottom: b.id });
        div.classList.toggle('selected', state.liked.has(key));
        $<HTMLButtonElement>('create').disabled = state.liked.size === 0;
      };
      return div;
    }),
  );
}

async function createUser(): Promise<void> {
  const id = $<HTMLInputElement>('newid').value.trim();
  const status = $('createstatus');
  try {
    const outfits = [...state.liked.values()];
    const r = await api<{ id: string; ms: number }>('/api/users', { id, outfits });
    await loadUsers(r.id);
    status.textContent = `${r.id} learned in ${Math.round(r.ms)} ms`; // (after the list holds the new user)
    void design();
  } catch (e) {
    status.textContent = (e as Error).message;
  }
}

async function design(): Promise<void> {
  if (!state.user || (!state.query && !state.photo)) return;
  const status = $('status');
  const mine = ++state.request; // a later request supersedes this one
  status.textContent = 'designing...';
  const all = [...$<HTMLSelectElement>('user').options].map((o) => o.value);
  const others = all.filter((u) => u !== state.user).slice(0, 3);
  const query = state.photo ? { image: state.photo, as: $<HTMLSelectElement>('as').value } : { item: state.query!.id };
  try {
    const r = await api<{ target: Category; designs: Design[] }>('/api/design', { query, users: [state.user, ...others], k: 5 });
    if (mine !== state.request) return;
    status.textContent = `${r.target}s designed for ${state.photo ? 'your photo' : state.query!.id}; under each, the nearest real ${r.target}s`;
    $('results').replaceChildren(
      ...r.designs.map((d, i) => {
        const col = document.createElement('div');
        col.className = `column${i === 0 ? ' mine' : ''}`;
        const h = document.createElement('h3');
        h.textContent = `${d.user}${d.score === null ? '' : ` · s=${d.score.toFixed(2)}`}`;
        const main = img(d.image, `design for ${d.user}`);
        main.className = 'design';
        const near = document.createElement('div');
        near.className = 'retrieved';
        near.append(...d.items.map((x) => img(x.image, x.id)));
        col.append(h, main, near);
        return col;
      }),
    );
  } catch (e) {
    if (mine === state.request) status.textContent = (e as Error).message;
  }
}

async function readPhoto(file: File): Promise<void> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  state.photo = btoa(s);
  state.query = null;
  void design();
}

async function main(): Promise<void> {
  const h = await api<{ model: string; iteration: number; targets: Category[]; users: number }>('/api/health');
  state.targets = h.targets;
  $('model').textContent =
    `model ${h.model}, iteration ${h.iteration}, ${h.users} users; designs ${h.targets.map((t) => `${t}s`).join(' and ')}`;
  $('aslabel').hidden = h.targets.length < 2;
  await Promise.all([loadUsers(), loadQueries(), loadOutfits()]);
  $<HTMLSelectElement>('user').onchange = (e) => {
    state.user = (e.target as HTMLSelectElement).value;
    void design();
  };
  let t: ReturnType<typeof setTimeout> | undefined;
  $<HTMLInputElement>('search').oninput = (e) => {
    clearTimeout(t);
    t = setTimeout(() => void loadQueries((e.target as HTMLInputElement).value), 200);
  };
  $<HTMLButtonElement>('create').onclick = () => void createUser();
  $<HTMLInputElement>('photo').onchange = (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void readPhoto(f);
  };
  const drop = $('drop');
  drop.ondragover = (e) => e.preventDefault();
  drop.ondrop = (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f) void readPhoto(f);
  };
}

void main();
