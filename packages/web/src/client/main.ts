/**
 * The page's script: it makes the server-rendered page live without taking over rendering. Every
 * view is still HTML from the server (the same JSX as the first page, asked for with the
 * `X-Page-Fragment` header), so the script only fetches, swaps and keeps the URL in step:
 * completions from `/suggest`, results as you type, refinements and sort without reloads, "more
 * results" appended, a date range dragged on the timeline, `/` and the arrow keys.
 * Without it the page works as plain links and forms.
 */
import { pageHref, stateFromParams, withChange } from '../search-state';

const FRAGMENT_HEADER = 'X-Page-Fragment';

const input = document.getElementById('q') as HTMLInputElement | null;
const listbox = document.getElementById('suggestions') as HTMLElement | null;
const searchForm = input?.form ?? null;

/** Only the latest request may update the page (typing fires many). */
let generation = 0;
/** While typing, one history entry per burst rather than per keystroke. */
let lastTypedAt = 0;

function currentState() {
  return stateFromParams(new URLSearchParams(location.search));
}

async function show(href: string, history: 'push' | 'replace' | 'none', focusResults = false): Promise<void> {
  const body = document.getElementById('page-body');
  if (!body) {
    location.href = href;
    return;
  }
  const mine = ++generation;
  body.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(href, { headers: { [FRAGMENT_HEADER]: 'body' } });
    const html = await response.text();
    if (mine !== generation) return;
    const template = document.createElement('template');
    template.innerHTML = html;
    const next = template.content.getElementById('page-body');
    if (!next) throw new Error('no page body in the answer');
    body.replaceWith(next);
    if (history === 'push') window.history.pushState(null, '', href);
    if (history === 'replace') window.history.replaceState(null, '', href);
    syncSearchForm();
    const title = next.querySelector('h1')?.textContent;
    if (title) document.title = `${title} · Dispatch archive`;
    if (focusResults) (next.querySelector('main') as HTMLElement | null)?.focus();
  } catch {
    if (mine === generation) location.href = href;
  } finally {
    document.getElementById('page-body')?.removeAttribute('aria-busy');
  }
}

/** The header form's query and hidden refinements follow the URL (a new query keeps refinements). */
function syncSearchForm(): void {
  if (!searchForm || !input) return;
  const state = currentState();
  if (document.activeElement !== input) input.value = state.q;
  for (const hidden of searchForm.querySelectorAll('input[type=hidden]')) hidden.remove();
  for (const name of ['place', 'source', 'language', 'from', 'to', 'sort', 'stories'] as const) {
    if (!state[name]) continue;
    const hidden = document.createElement('input');
    hidden.type = 'hidden';
    hidden.name = name;
    hidden.value = state[name];
    searchForm.append(hidden);
  }
}

/** A GET form's URL with empty fields left out (as the server would write it). */
function formHref(form: HTMLFormElement): string {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  return pageHref(stateFromParams(params));
}

function isPageLink(link: HTMLAnchorElement): boolean {
  const url = new URL(link.href, location.href);
  return url.origin === location.origin && url.pathname === '/' && location.pathname === '/';
}

// --- links and forms --------------------------------------------------------------------------

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  const link = (event.target as Element).closest('a');
  if (!link || !isPageLink(link)) return;
  event.preventDefault();
  if (link.id === 'more') void appendMore(link);
  else void show(link.href, 'push');
});

document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  if (
    form.method.toLowerCase() !== 'get' ||
    new URL(form.action).pathname !== '/' ||
    location.pathname !== '/'
  )
    return;
  event.preventDefault();
  closeSuggestions();
  void show(formHref(form), 'push', form !== searchForm);
});

window.addEventListener('popstate', () => {
  if (location.pathname === '/') void show(location.href, 'none');
});

/** "More results": the next page's items appended, its own "more" link in place of this one. */
async function appendMore(link: HTMLAnchorElement): Promise<void> {
  const response = await fetch(link.href, { headers: { [FRAGMENT_HEADER]: 'body' } });
  const template = document.createElement('template');
  template.innerHTML = await response.text();
  const items = [...template.content.querySelectorAll('#results > li')];
  const list = document.getElementById('results');
  if (!list || items.length === 0) return;
  list.append(...items);
  const nextMore = template.content.querySelector('p.more');
  const more = link.closest('p');
  if (nextMore) more?.replaceWith(nextMore);
  else more?.remove();
  items[0]?.querySelector<HTMLAnchorElement>('a.result-link')?.focus();
}

// --- typing: completions and live results ------------------------------------------------------

let typingTimer: ReturnType<typeof setTimeout> | undefined;
let suggestTimer: ReturnType<typeof setTimeout> | undefined;
let activeOption = -1;

input?.addEventListener('input', () => {
  clearTimeout(typingTimer);
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(() => void suggest(input.value), 100);
  typingTimer = setTimeout(() => {
    const href = pageHref(withChange(currentState(), { q: input.value.trim() }));
    const burst = Date.now() - lastTypedAt < 2000;
    lastTypedAt = Date.now();
    void show(href, burst ? 'replace' : 'push');
  }, 250);
});

async function suggest(text: string): Promise<void> {
  if (!listbox || !input) return;
  if (text.trim().length < 2) return closeSuggestions();
  const response = await fetch(`/suggest?${new URLSearchParams({ q: text, limit: '6' })}`);
  if (!response.ok || input.value !== text) return;
  const body = (await response.json()) as { suggestions?: { text: string }[] };
  const options = (body.suggestions ?? []).filter((s) => s.text !== text.trim());
  listbox.replaceChildren(
    ...options.map((s, i) => {
      const option = document.createElement('div');
      option.id = `suggestion-${i}`;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.textContent = s.text;
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        pick(s.text);
      });
      return option;
    }),
  );
  activeOption = -1;
  listbox.hidden = options.length === 0;
  input.setAttribute('aria-expanded', String(options.length > 0));
  input.removeAttribute('aria-activedescendant');
}

function closeSuggestions(): void {
  if (!listbox || !input) return;
  listbox.hidden = true;
  listbox.replaceChildren();
  activeOption = -1;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
}

function pick(text: string): void {
  if (!input) return;
  input.value = text;
  closeSuggestions();
  clearTimeout(typingTimer);
  void show(pageHref(withChange(currentState(), { q: text })), 'push');
}

function moveOption(step: number): void {
  if (!listbox || !input) return;
  const options = [...listbox.children] as HTMLElement[];
  if (options.length === 0) return;
  activeOption = (activeOption + step + options.length) % options.length;
  options.forEach((option, i) => {
    option.setAttribute('aria-selected', String(i === activeOption));
  });
  input.setAttribute('aria-activedescendant', (options[activeOption] as HTMLElement).id);
}

input?.addEventListener('blur', () => setTimeout(closeSuggestions, 150));

// --- keyboard: `/`, arrows through suggestions and results, Enter ---------------------------

function resultLinks(): HTMLAnchorElement[] {
  return [...document.querySelectorAll<HTMLAnchorElement>('#results a.result-link')];
}

document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement;
  const typing = target.matches('input, textarea, select, [contenteditable]');
  if (event.key === '/' && !typing) {
    event.preventDefault();
    input?.focus();
    input?.select();
    return;
  }
  const suggestionsOpen = listbox !== null && !listbox.hidden;
  if (target === input && suggestionsOpen) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveOption(event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Enter' && activeOption >= 0) {
      event.preventDefault();
      pick(listbox.children[activeOption]?.textContent ?? '');
    } else if (event.key === 'Escape') {
      closeSuggestions();
    }
    return;
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const links = resultLinks();
  const at = links.indexOf(target as HTMLAnchorElement);
  if (target === input && event.key === 'ArrowDown' && links[0]) {
    event.preventDefault();
    links[0].focus();
  } else if (at >= 0) {
    event.preventDefault();
    const next = at + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) input?.focus();
    else links[Math.min(next, links.length - 1)]?.focus();
  }
});

// --- the timeline: drag across bars to set the date range -----------------------------------

let dragStart: number | null = null;

function barIndex(svg: SVGSVGElement, clientX: number): number {
  const box = svg.getBoundingClientRect();
  const count = svg.querySelectorAll('rect.bar').length;
  return Math.min(count - 1, Math.max(0, Math.floor(((clientX - box.left) / box.width) * count)));
}

function markSelection(svg: SVGSVGElement, from: number, to: number): void {
  const selection = svg.getElementById('timeline-selection') as SVGRectElement | null;
  const bars = svg.querySelectorAll('rect.bar');
  const width = svg.viewBox.baseVal.width / Math.max(1, bars.length);
  selection?.setAttribute('x', String(Math.min(from, to) * width));
  selection?.setAttribute('width', String((Math.abs(to - from) + 1) * width));
}

document.addEventListener('pointerdown', (event) => {
  const svg = (event.target as Element).closest<SVGSVGElement>('svg#timeline');
  if (!svg || event.button !== 0) return;
  event.preventDefault();
  dragStart = barIndex(svg, event.clientX);
  svg.setPointerCapture(event.pointerId);
  markSelection(svg, dragStart, dragStart);
});

document.addEventListener('pointermove', (event) => {
  const svg = document.getElementById('timeline') as SVGSVGElement | null;
  if (dragStart === null || !svg) return;
  markSelection(svg, dragStart, barIndex(svg, event.clientX));
});

document.addEventListener('pointerup', (event) => {
  const svg = document.getElementById('timeline') as SVGSVGElement | null;
  if (dragStart === null || !svg) return;
  const end = barIndex(svg, event.clientX);
  const bars = [...svg.querySelectorAll<SVGRectElement>('rect.bar')];
  const first = bars[Math.min(dragStart, end)];
  const last = bars[Math.max(dragStart, end)];
  dragStart = null;
  const from = first?.dataset.start;
  const to = last?.dataset.end;
  if (from && to) void show(pageHref(withChange(currentState(), { from, to })), 'push');
});

// A click on a bar is a one-bar drag; the bars' links are for pages without this script.
document.addEventListener(
  'click',
  (event) => {
    if ((event.target as Element).closest('svg#timeline')) event.preventDefault();
  },
  true,
);
