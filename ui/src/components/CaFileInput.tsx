/** The platform's CA certificate (PEM) chosen as a file; its text, or null when none is chosen. */
export function CaFileInput({ id, onChange }: { id: string; onChange: (pem: string | null) => void }) {
  return (
    <input
      id={id}
      type="file"
      accept=".pem,.crt,.cer"
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) void f.text().then(onChange);
        else onChange(null);
      }}
    />
  );
}
