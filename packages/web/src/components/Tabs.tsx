import { useRef, type KeyboardEvent, type ReactNode } from 'react';

/** One tab: its id (used in the URL by callers), label and panel. */
export interface Tab {
  id: string;
  label: string;
  render(): ReactNode;
}

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between tabs; only the selected panel is
 * rendered. The caller owns the selection (e.g. kept in the URL).
 * @example <Tabs label={t('station')} tabs={tabs} selected={tab} onSelect={setTab} />
 */
export function Tabs({ label, tabs, selected, onSelect }: { label: string; tabs: Tab[]; selected: string; onSelect(id: string): void }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  function onKey(e: KeyboardEvent) {
    const i = tabs.findIndex((t) => t.id === current?.id);
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    const id = tabs[to]!.id;
    onSelect(id);
    refs.current[id]?.focus();
  }
  if (!current) return null;
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey} className="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => { refs.current[t.id] = el; }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === current.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === current.id ? 0 : -1}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`} className="tabpanel">
        {current.render()}
      </div>
    </div>
  );
}
