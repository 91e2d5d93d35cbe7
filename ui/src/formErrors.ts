import type { ApiError, FieldError } from './api';

export type FieldErrors = Record<string, string | undefined>;

/**
 * Split an ApiError's field errors into those our form shows beside a field and the rest.
 * `map` receives the server's field name (e.g. "phone", "input.phone", "agency.name") and returns
 * the form's field name, or null when the form has no such field.
 */
export function splitFieldErrors(
  err: ApiError,
  text: (f: FieldError) => string,
  map: (field: string) => string | null,
): { byField: FieldErrors; rest: string[] } {
  const byField: FieldErrors = {};
  const rest: string[] = [];
  for (const f of err.fields) {
    const name = map(f.field);
    if (name) {
      if (!byField[name]) byField[name] = text(f);
    } else {
      rest.push(text(f));
    }
  }
  return { byField, rest };
}

/** Last segment of a dotted/bracketed field path: "input.service_types[0]" → "service_types". */
export function lastSegment(field: string): string {
  const parts = field.replace(/\[\d+\]/g, '').split(/[./]/);
  return parts[parts.length - 1] ?? field;
}

/** The first field of `order` that has an error. */
export function firstErrorField(order: readonly string[], errors: FieldErrors): string | null {
  return order.find((f) => errors[f]) ?? null;
}
