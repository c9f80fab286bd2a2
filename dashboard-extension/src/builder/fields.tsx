/* Small labelled controls for the inspector and the settings panel. Native inputs: the
browser gives them keyboard and screen-reader behaviour, and they fit a 360 px column. */

import { Box, Text } from "@saleor/macaw-ui";
import { type ReactNode, useId } from "react";

export { NativeSelect as SelectField } from "../components";

export function Field({ label, hint, children, id }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode; id?: string }) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Text as="span" size={2} color="default2">
        <label htmlFor={fieldId}>{label}</label>
      </Text>
      {children(fieldId)}
      {hint ? (
        <Text size={1} color="default2">
          {hint}
        </Text>
      ) : null}
    </Box>
  );
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  type = "text",
  placeholder,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  type?: "text" | "time" | "url" | "datetime-local" | "email";
  placeholder?: string;
  name?: string;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          name={name}
          className="sa-input"
          type={type}
          value={value}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/* A whole number; empty input gives null so "not set" stays distinct from 0. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  hint,
  name,
}: {
  label: string;
  value: number | null | undefined;
  onChange: (value: number | null) => void;
  min?: number;
  max?: number;
  hint?: ReactNode;
  name?: string;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          name={name}
          className="sa-input"
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={value ?? ""}
          onChange={(event) => {
            const text = event.target.value;
            onChange(text === "" ? null : Number(text));
          }}
        />
      )}
    </Field>
  );
}

export function TextAreaField({
  label,
  value,
  onChange,
  rows = 6,
  hint,
  monospace = false,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  hint?: ReactNode;
  monospace?: boolean;
  name?: string;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <textarea
          id={id}
          name={name}
          className={`sa-input sa-textarea${monospace ? " sa-mono" : ""}`}
          rows={rows}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function CheckField({ label, checked, onChange, name }: { label: ReactNode; checked: boolean; onChange: (checked: boolean) => void; name?: string }) {
  return (
    <label className="sa-check">
      <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

export function FieldGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="sa-fieldset">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
