// The API key the pages use, kept in this browser only: for the tab (sessionStorage) or on the device
// (localStorage) when the user asks to be remembered.
const NAME = 'reelay.apiKey';

/** The stored key, or null. */
export function getKey(): string | null {
  return sessionStorage.getItem(NAME) ?? localStorage.getItem(NAME);
}

/** Keeps `key` for this tab, or on this device when `remember` is true. */
export function setKey(key: string, remember: boolean): void {
  clearKey();
  (remember ? localStorage : sessionStorage).setItem(NAME, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(NAME);
  localStorage.removeItem(NAME);
}

/** The first characters of a key, safe to show. */
export const keyPrefix = (key: string): string => key.slice(0, 12);
