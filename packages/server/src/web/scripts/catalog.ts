// Filters the catalog as the user types, with the same test the server applies to the query string.
const form = document.querySelector<HTMLFormElement>('[data-catalog-filter]');
const count = document.querySelector<HTMLElement>('.count');
const empty = document.querySelector<HTMLElement>('[data-empty]');
if (form && count && empty) {
  const cards = [...document.querySelectorAll<HTMLElement>('.cards > .card')];
  /** The value of a named control of the filter form. */
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
  const apply = () => {
    const words = value('q').toLowerCase().split(/\s+/).filter(Boolean);
    const type = value('type');
    const capability = value('capability');
    let shown = 0;
    for (const card of cards) {
      const ok =
        (type === '' || card.dataset.type === type) &&
        (capability === '' || (card.dataset.capabilities ?? '').split(' ').includes(capability)) &&
        words.every((w) => (card.dataset.search ?? '').includes(w));
      card.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = (count.dataset.countTemplate ?? '')
      .replace('{n}', String(shown))
      .replace('{total}', String(cards.length));
    empty.hidden = shown > 0;
    const params = new URLSearchParams();
    for (const name of ['q', 'type', 'capability']) {
      if (value(name)) params.set(name, value(name));
    }
    const query = params.toString();
    history.replaceState(null, '', query ? `?${query}` : location.pathname);
  };
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
}
