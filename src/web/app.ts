// The page of `pfd serve`: choose (or make) a user and a query item (or upload a
// photo); see the design for that user next to the designs for a few other
// users, each with the real items nearest to it; or a grid of several queries
// x several users. Talks to the JSON API only.
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
interface Health {
  model: string;
  iteration: number;
  targets: Category[];
  users: number;
  max_photo_bytes: number;
  retrieval: boolean; // real items under each design (false for a baseline's run)
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = {
  user: '',
  query: null as Item | null, // the chosen catalog item, or null
  photo: '', // the uploaded photo (base64), or ''
  photoUrl: '', // its object URL, shown as the query
  targets: [] as Category[],
  catalog: 'top' as Category, // the category the catalog shows
  shown: [] as Item[], // the catalog items on screen
  maxPhoto: 0,
  k: 5, // real items under each design (0 when the model cannot retrieve)
  liked: new Map<string, { top: string; bottom: string }>(),
  request: 0, // the latest design request: an earlier one's answer is dropped
  catalogRequest: 0, // the same for the catalog list
  gridRequest: 0, // and for the grid
};
const GRID = 6; // queries and users of the grid view
const complement = (c: Category): Category => (c === 'top' ? 'bottom' : 'top');
const megabytes = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

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

async function loadHeader(): Promise<Health> {
  const h = await api<Health>('/api/health');
  $('model').textContent =
    `model ${h.model}, iteration ${h.iteration}, ${h.users} users; designs ${h.targets.map((t) => `${t}s`).join(' and ')}`;
  return h;
}

async function loadUsers(select?: string): Promise<void> {
  const { users } = await api<{ users: { id: string; kind: string }[] }>('/api/users');
  const sel = $<HTMLSelectElement>('user');
  sel.replaceChildren(...users.map((u) => new Option(u.kind === 'trained' ? u.id : `${u.id} (${u.kind})`, u.id)));
  state.user = select ?? state.user ?? users[0]?.id ?? '';
  if (!users.some((u) => u.id === state.user)) state.user = users[0]?.id ?? '';
  sel.value = state.user;
}

/** Marks the chosen catalog item (if it is on screen) and nothing else. */
function highlight(): void {
  for (const x of $('queries').querySelectorAll('img'))
    x.classList.toggle('selected', !!state.query && x.dataset.id === state.query.id && state.query.category === state.catalog);
}

async function loadQueries(q = ''): Promise<void> {
  const mine = ++state.catalogRequest;
  const { total, items } = await api<{ total: number; items: Item[] }>(
    `/api/items?category=${state.catalog}&limit=60&q=${encodeURIComponent(q)}`,
  );
  if (mine !== state.catalogRequest) return; // a later search or tab superseded this one
  state.shown = items;
  for (const b of $('catswitch').querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.category === state.catalog));
  $('catcount').textContent = `${items.length} of ${total} ${state.catalog}s${items.length < total ? '; search to find others' : ''}`;
  $('queries').replaceChildren(
    ...items.map((it) => {
      const i = img(it.image, it.id);
      i.dataset.id = it.id;
      i.title = it.id;
      i.onclick = () => chooseItem(it);
      return i;
    }),
  );
  highlight();
}

function chooseItem(it: Item): void {
  state.query = it;
  clearPhoto();
  highlight();
  showQuery(it.image, it.id);
  void design();
}

function clearPhoto(): void {
  state.photo = '';
  if (state.photoUrl) URL.revokeObjectURL(state.photoUrl);
  state.photoUrl = '';
  $<HTMLInputElement>('photo').value = '';
}

/** The query above the designs: a catalog item's image or the uploaded photo. */
function showQuery(src: string, caption: string): void {
  $<HTMLImageElement>('preview').src = src;
  $('querycaption').textContent = caption;
  $('querybox').hidden = false;
}

/** An error: the message, and nothing on screen that looks like an answer to it. */
function showError(message: string): void {
  state.request++; // (drops any answer still on its way)
  state.query = null;
  clearPhoto();
  highlight();
  $('querybox').hidden = true;
  $('results').replaceChildren();
  const status = $('status');
  status.textContent = message;
  status.classList.add('error');
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
  const name = $<HTMLInputElement>('newid');
  const status = $('createstatus');
  try {
    const r = await api<{ id: string; ms: number }>('/api/users', { id: name.value.trim(), outfits: [...state.liked.values()] });
    await Promise.all([loadUsers(r.id), loadHeader()]);
    // A fresh form for the next user.
    state.liked.clear();
    for (const p of $('outfits').querySelectorAll('.pair.selected')) p.classList.remove('selected');
    name.value = '';
    $<HTMLButtonElement>('create').disabled = true;
    status.textContent = `${r.id} learned in ${Math.round(r.ms)} ms`;
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
  status.classList.remove('error');
  const all = [...$<HTMLSelectElement>('user').options].map((o) => o.value);
  const others = all.filter((u) => u !== state.user).slice(0, 3);
  const query = state.photo ? { image: state.photo, as: $<HTMLSelectElement>('as').value } : { item: state.query!.id };
  try {
    const r = await api<{ target: Category; designs: Design[] }>('/api/design', { query, users: [state.user, ...others], k: state.k });
    if (mine !== state.request) return;
    status.textContent = `${r.target}s designed for ${state.photo ? 'your photo' : state.query!.id}${state.k ? `; under each, the nearest real ${r.target}s` : ''}`;
    $('results').replaceChildren(
      ...r.designs.map((d, i) => {
        const col = document.createElement('div');
        col.className = `column${i === 0 ? ' mine' : ''}`;
        // The name is cut with an ellipsis when long (the full name on hover); the score always shows.
        const h = document.createElement('h3');
        const name = Object.assign(document.createElement('span'), { className: 'name', textContent: d.user, title: d.user });
        h.append(name);
        if (d.score !== null)
          h.append(Object.assign(document.createElement('span'), { className: 'score', textContent: `s=${d.score.toFixed(2)}` }));
        const main = img(d.image, `design for ${d.user}`);
        main.className = 'design';
        const near = document.createElement('div');
        near.className = 'retrieved';
        near.append(...d.items.map((x) => img(x.image, x.id)));
        col.append(h, main, near);
        return col;
      }),
    );
    // On a narrow screen the designs are below the catalog: bring them into view.
    if (window.matchMedia('(max-width: 700px)').matches) $('designs').scrollIntoView({ block: 'start' });
  } catch (e) {
    if (mine === state.request) showError((e as Error).message);
  }
}

async function readPhoto(file: File): Promise<void> {
  if (state.maxPhoto && file.size > state.maxPhoto)
    return showError(`${file.name} is ${megabytes(file.size)}; photos up to ${megabytes(state.maxPhoto)} can be designed for`);
  const mine = ++state.request; // (a catalog item chosen while the file is read wins)
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    return showError(`${file.name} cannot be read: ${(e as Error).message}`);
  }
  if (mine !== state.request) return;
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  clearPhoto();
  state.photo = btoa(s);
  state.photoUrl = URL.createObjectURL(file);
  state.query = null;
  highlight();
  showQuery(state.photoUrl, `your photo (${file.name})`);
  void design();
}

async function showGrid(): Promise<void> {
  const status = $('gridstatus');
  const first = state.query && state.query.category === state.catalog ? [state.query] : [];
  const queries = [...first, ...state.shown.filter((x) => x.id !== state.query?.id)].slice(0, GRID);
  const all = [...$<HTMLSelectElement>('user').options].map((o) => o.value);
  const users = [state.user, ...all.filter((u) => u !== state.user)].slice(0, GRID);
  if (!queries.length) return void (status.textContent = 'no catalog items on screen');
  status.textContent = 'designing...';
  const mine = ++state.gridRequest;
  try {
    const r = await api<{ users: string[]; rows: { query: Item; target: Category; designs: string[] }[] }>('/api/design/grid', {
      queries: queries.map((q) => q.id),
      users,
    });
    if (mine !== state.gridRequest) return; // a later grid superseded this one
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    head.append(Object.assign(document.createElement('th'), { textContent: 'query' }));
    for (const u of r.users) head.append(Object.assign(document.createElement('th'), { textContent: u, title: u }));
    const body = table.createTBody();
    for (const row of r.rows) {
      const tr = body.insertRow();
      tr.insertCell().append(img(row.query.image, row.query.id));
      row.designs.forEach((d, j) => tr.insertCell().append(img(d, `${row.target} for ${row.query.id} and ${r.users[j]}`)));
    }
    $('grid').replaceChildren(table);
    status.textContent = `${r.rows.length} queries x ${r.users.length} users; rows: queries, columns: users`;
  } catch (e) {
    if (mine !== state.gridRequest) return;
    $('grid').replaceChildren();
    status.textContent = (e as Error).message;
  }
}

async function main(): Promise<void> {
  const h = await loadHeader();
  state.targets = h.targets;
  state.maxPhoto = h.max_photo_bytes;
  state.k = h.retrieval ? 5 : 0;
  $('photolimit').textContent = `(JPEG, PNG or WebP, up to ${megabytes(h.max_photo_bytes)})`;
  const queryCats = h.targets.map(complement);
  state.catalog = queryCats[0]!;
  $('catswitch').hidden = queryCats.length < 2;
  $('aslabel').hidden = queryCats.length < 2;
  $<HTMLSelectElement>('as').value = state.catalog;
  for (const b of $('catswitch').querySelectorAll('button'))
    (b as HTMLButtonElement).onclick = () => {
      state.catalog = (b as HTMLButtonElement).dataset.category as Category;
      void loadQueries($<HTMLInputElement>('search').value);
    };
  await Promise.all([loadUsers(), loadQueries(), loadOutfits()]);
  $<HTMLSelectElement>('user').onchange = (e) => {
    state.user = (e.target as HTMLSelectElement).value;
    void design();
  };
  $<HTMLSelectElement>('as').onchange = () => void design(); // an uploaded photo is designed for again as the other category
  let t: ReturnType<typeof setTimeout> | undefined;
  $<HTMLInputElement>('search').oninput = (e) => {
    clearTimeout(t);
    t = setTimeout(() => void loadQueries((e.target as HTMLInputElement).value), 200);
  };
  $<HTMLButtonElement>('create').onclick = () => void createUser();
  $<HTMLButtonElement>('gridbutton').onclick = () => void showGrid();
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
