import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError, qs } from '../api';

/** One result of GET /api/v1/search (see docs/search.md). */
export interface SearchHit {
  type: 'stations' | 'sessions' | 'idTokens' | 'users' | 'cdrs';
  id: string;
  title: string;
  subtitle: string;
  score: number;
}

/** Wait after the last keystroke before asking the server. */
const DEBOUNCE_MS = 250;
const LIMIT = 8;

/** The console page a result opens; CDRs have no page in the app, so they are not searched. */
export function hitPath(hit: SearchHit): string | null {
  switch (hit.type) {
    case 'stations': return `/stations/${encodeURIComponent(hit.id)}`;
    case 'sessions': return `/sessions/${encodeURIComponent(hit.id)}`;
    case 'idTokens': return `/id-tokens${qs({ q: hit.id })}`;
    case 'users': return `/users${qs({ id: hit.id })}`;
    default: return null;
  }
}

/**
 * The top bar's search across stations, sessions, id tokens and (admins) users: debounced, best
 * match first, results are links. Keyboard: ↓ from the box goes to the results, ↑/↓ move, Enter
 * in the box opens the first result, Escape closes the list.
 * @example <SearchBox admin={me.role === 'admin'} />
 */
export function SearchBox({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  // Users can only be opened by admins (the Users page is theirs).
  const types = admin ? 'stations,sessions,idTokens,users' : 'stations,sessions,idTokens';
  const query = q.trim().slice(0, 200);

  useEffect(() => {
    if (!query) {
      setHits(null);
      setBusy(false);
      setError(null);
      return;
    }
    setBusy(true);
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api<{ items: SearchHit[] }>(`/api/v1/search${qs({ q: query, types, limit: LIMIT })}`, { signal: ctrl.signal })
        .then((r) => {
          setHits(r.items.filter((h) => hitPath(h) !== null));
          setError(null);
        })
        .catch((e: unknown) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          setHits(null);
          setError(e instanceof ApiError ? e.message : String(e));
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setBusy(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [query, types]);

  // A result was opened (or the user went elsewhere): fold the list away.
  useEffect(() => {
    setOpen(false);
  }, [location.pathname, location.search]);

  const links = () => [...(box.current?.querySelectorAll<HTMLAnchorElement>('a[data-search-hit]') ?? [])];
  function onInputKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && hits?.length) {
      e.preventDefault();
      const first = links()[0];
      if (first) first.focus();
      else {
        // The list was folded: it is rendered on the next frame.
        setOpen(true);
        requestAnimationFrame(() => links()[0]?.focus());
      }
    } else if (e.key === 'Escape') {
      // First Escape folds the list (and keeps the text: no native clearing), the next one clears.
      e.preventDefault();
      if (open && query) setOpen(false);
      else setQ('');
    }
  }
  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    const all = links();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? i + 1 : i - 1;
      if (next < 0) input.current?.focus();
      else all[Math.min(next, all.length - 1)]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      all[e.key === 'Home' ? 0 : all.length - 1]?.focus();
    } else if (e.key === 'Escape') {
      setOpen(false);
      input.current?.focus();
    }
  }

  const status = !query ? '' : busy ? t('common:search.searching') : error ? error
    : hits ? (hits.length ? t('common:search.count', { count: hits.length }) : t('common:search.none', { q: query })) : '';
  const shown = open && query !== '';
  return (
    <div
      className="search"
      ref={box}
      onBlur={(e) => {
        if (!box.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const first = hits?.[0];
          if (first && !busy) navigate(hitPath(first)!);
          else setOpen(true);
        }}
      >
        <label>
          <span className="visually-hidden">{t('common:search.label')}</span>
          <input
            ref={input}
            type="search"
            value={q}
            placeholder={t('common:search.placeholder')}
            autoComplete="off"
            maxLength={200}
            aria-controls={listId}
            aria-expanded={shown}
            onChange={(e) => {
              setQ(e.target.value);
              setOpen(true);
            }}
            onFocus={() => setOpen(true)}
            onKeyDown={onInputKey}
          />
        </label>
      </form>
      <div className="search-panel" hidden={!shown}>
        <p role="status" className="search-status muted">{shown ? status : ''}</p>
        <ul id={listId} aria-label={t('common:search.results')} onKeyDown={onListKey}>
          {(shown ? hits ?? [] : []).map((h) => (
            <li key={`${h.type}-${h.id}`}>
              <Link to={hitPath(h)!} data-search-hit="">
                <span className="search-type">{t(`common:search.types.${h.type}`)}</span>{' '}
                <span className="search-title">{h.type === 'sessions' ? `#${h.id}` : h.title}</span>{' '}
                {h.subtitle && <span className="search-sub muted">{h.subtitle}</span>}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
