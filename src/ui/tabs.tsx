// WAI-ARIA tabs: arrow keys move between tabs, Home/End jump, the panel is labelled by its tab. Every tab is also
// in the Tab order (not only the selected one), so a keyboard user who does not know the arrow keys reaches them.
import type { ComponentChildren } from "preact";

export interface TabSpec {
  id: string;
  label: string;
}

export function Tabs(props: { tabs: TabSpec[]; active: string; onSelect: (id: string) => void; children: ComponentChildren }) {
  const index = props.tabs.findIndex((t) => t.id === props.active);
  const onKey = (e: KeyboardEvent) => {
    const n = props.tabs.length;
    const next =
      e.key === "ArrowRight" ? (index + 1) % n : e.key === "ArrowLeft" ? (index - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    props.onSelect(props.tabs[next].id);
    document.getElementById(`tab-${props.tabs[next].id}`)?.focus();
  };
  return (
    <>
      <div class="tabs" role="tablist" onKeyDown={onKey}>
        {props.tabs.map((t) => (
          <button
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            key={t.id}
            aria-selected={t.id === props.active}
            aria-controls={`panel-${t.id}`}
            tabIndex={0}
            onClick={() => props.onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="panel" role="tabpanel" id={`panel-${props.active}`} aria-labelledby={`tab-${props.active}`}>
        {props.children}
      </div>
    </>
  );
}
