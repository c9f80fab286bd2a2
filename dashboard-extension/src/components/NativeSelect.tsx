/**
 * A labelled native <select>: keyboard and screen-reader behaviour come from the browser,
 * and it works inside the dashboard's narrow iframe without a popover layer.
 */
import { Box, Text } from "@saleor/macaw-ui";
import { useId } from "react";

export interface SelectOption {
  value: string;
  label: string;
}

export function NativeSelect({
  label,
  value,
  options,
  onChange,
  name,
  disabled,
}: {
  label: string;
  value: string;
  options: SelectOption[];
  onChange: (value: string) => void;
  name?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Text as="span" size={2} color="default2">
        <label htmlFor={id}>{label}</label>
      </Text>
      <select
        id={id}
        name={name}
        className="sa-select"
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Box>
  );
}
