// Filters the catalog as the user types, with the same test the server applies to the query string.
const form = document.querySelector('[data-catalog-filter]');
if (form) {
  const cards = [...document.querySelectorAll('.cards > .card')];
  const count = document.querySelector('.count');
  const empty = document.querySelector('[data-empty]');
  const apply = () => {
    const words = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    const type = form.elements.type.value;
    const capability = form.elements.capability.value;
    let shown = 0;
    for (const card of cards) {
      const ok =
        (type === '' || card.dataset.type === type) &&
        (capability === '' || card.dataset.capabilities.split(' ').includes(capability)) &&
        words.every((w) => card.dataset.search.includes(w));
      card.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = count.dataset.countTemplate
      .replace('{n}', String(shown))
      .replace('{total}', String(cards.length));
    empty.hidden = shown > 0;
    const params = new URLSearchParams();
    for (const name of ['q', 'type', 'capability']) {
      if (form.elements[name].value) params.set(name, form.elements[name].value);
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
