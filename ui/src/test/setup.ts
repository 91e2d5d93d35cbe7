// jsdom lacks a few browser APIs antd touches.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
}
// antd's CSS-in-JS asks for pseudo-element styles, which jsdom does not implement.
const gcs = window.getComputedStyle.bind(window);
window.getComputedStyle = (elt: Element) => gcs(elt);
