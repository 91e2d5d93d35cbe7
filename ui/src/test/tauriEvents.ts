// The shell's events as a test sees them: `vi.mock('@tauri-apps/api/event', () => import('./tauriEvents'))`
// makes the window's `listen` register here, and a test emits with `listeners[name]({ payload })`.
export const listeners: Record<string, (e: { payload: unknown }) => void> = {};

export const listen = (name: string, fn: (e: { payload: unknown }) => void) => {
  listeners[name] = fn;
  return Promise.resolve(() => {
    delete listeners[name];
  });
};
