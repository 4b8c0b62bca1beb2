// Injected into the console tab (scripting.executeScript + activeTab, granted by the context-menu click)
// to put a CSR's PEM into the form field the user right-clicked. It must be self-contained: the browser
// serialises this function's source, so it may use nothing from outside its own body.
// Console forms are framework-controlled (React, Vue): setting `.value` alone is overwritten on the next
// render, so the native setter is called and input/change events are dispatched as typing would.
export function insertIntoFocusedField(text: string): { inserted: boolean; reason?: string } {
  let el: Element | null = document.activeElement;
  // Focus may sit inside an open shadow root.
  while (el && (el as HTMLElement).shadowRoot && (el as HTMLElement).shadowRoot!.activeElement) {
    el = (el as HTMLElement).shadowRoot!.activeElement;
  }
  if (!el) return { inserted: false, reason: "no-focus" };
  if (el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && /^(text|search|)$/i.test(el.type))) {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
    if (setter) setter.call(el, text);
    else el.value = text;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    return { inserted: true };
  }
  if (el instanceof HTMLElement && el.isContentEditable) {
    el.focus();
    const ok = document.execCommand("insertText", false, text);
    if (!ok) el.textContent = text;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return { inserted: true };
  }
  return { inserted: false, reason: "not-editable" };
}
