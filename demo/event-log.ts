/** The demo's event log: newest first, capped, one line per SDK event. */
const MAX_ENTRIES = 200;

export class EventLog {
  readonly #list: HTMLOListElement;

  constructor(list: HTMLOListElement, clearButton: HTMLButtonElement) {
    this.#list = list;
    clearButton.addEventListener('click', () => this.#list.replaceChildren());
  }

  add(type: string, detail: unknown): void {
    const item = document.createElement('li');
    const time = document.createElement('time');
    const now = new Date();
    time.textContent = `${now.toLocaleTimeString([], { hour12: false })}.${String(now.getMilliseconds()).padStart(3, '0')}`;
    const name = document.createElement('span');
    name.className = `type ${type}`;
    name.textContent = type;
    const text = document.createElement('span');
    text.className = 'detail';
    text.textContent = summarize(detail);
    item.append(time, name, text);
    this.#list.prepend(item);
    while (this.#list.childElementCount > MAX_ENTRIES) this.#list.lastElementChild?.remove();
  }
}

function summarize(detail: unknown): string {
  if (detail === undefined || detail === null) return '';
  if (detail instanceof Error) return `${(detail as Error & { code?: string }).code ?? detail.name}: ${detail.message}`;
  try {
    return JSON.stringify(detail, (_key, value: unknown) => (typeof value === 'function' ? undefined : value));
  } catch {
    return String(detail);
  }
}
