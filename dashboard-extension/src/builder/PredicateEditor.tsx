/* A predicate as a list of rules joined by all/any, or as JSON when it is deeper than
that. Emits only valid predicates; a rule that does not parse shows its error instead. */

import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useRef, useState } from "react";

import { stableJson } from "./diff";
import { SelectField, TextAreaField } from "./fields";
import {
  CONTACT_FIELDS,
  type FieldOption,
  OPS_BY_KIND,
  OP_LABELS,
  PredicateFormError,
  type Rule,
  type RuleSet,
  fieldKind,
  fromRuleSet,
  toRuleSet,
} from "./predicate";

const CUSTOM = "__custom__";

export function PredicateEditor({
  label,
  value,
  onChange,
  extraFields = [],
  allowContext = true,
}: {
  label: string;
  value: unknown;
  onChange: (predicate: Record<string, unknown> | null) => void;
  extraFields?: FieldOption[];
  allowContext?: boolean;
}) {
  const emitted = useRef<string>(stableJson(value ?? null));
  const [set, setSet] = useState<RuleSet | null>(() => toRuleSet(value));
  const [json, setJson] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);

  // Undo/redo or another node: take the new value unless it is what we just sent.
  useEffect(() => {
    const incoming = stableJson(value ?? null);
    if (incoming !== emitted.current) {
      emitted.current = incoming;
      setSet(toRuleSet(value));
      setJson(JSON.stringify(value ?? null, null, 2));
      setError(null);
    }
  }, [value]);

  const emit = (predicate: Record<string, unknown> | null) => {
    emitted.current = stableJson(predicate);
    onChange(predicate);
  };

  const update = (next: RuleSet) => {
    setSet(next);
    try {
      const predicate = fromRuleSet(next);
      setError(null);
      setJson(JSON.stringify(predicate, null, 2));
      emit(predicate);
    } catch (problem) {
      setError(problem instanceof PredicateFormError ? problem.message : String(problem));
    }
  };

  const fields = [...CONTACT_FIELDS, ...extraFields];
  const options = [
    ...fields.map((option) => ({ value: option.field, label: option.label })),
    { value: CUSTOM, label: allowContext ? "Other field (attribute, context…)" : "Other field (attribute, spend…)" },
  ];

  if (set === null) {
    return (
      <Box display="flex" flexDirection="column" gap={2}>
        <TextAreaField
          label={`${label} (JSON)`}
          value={json}
          monospace
          rows={8}
          hint="This condition is nested deeper than one list of rules, so it is edited as JSON."
          onChange={(text) => {
            setJson(text);
            try {
              const parsed = JSON.parse(text) as unknown;
              setError(null);
              emit(parsed as Record<string, unknown> | null);
            } catch {
              setError("Not valid JSON yet.");
            }
          }}
        />
        {error ? <Text color="critical1" size={2} role="alert">{error}</Text> : null}
      </Box>
    );
  }

  const setRule = (index: number, rule: Rule) => update({ ...set, rules: set.rules.map((r, i) => (i === index ? rule : r)) });

  return (
    <Box display="flex" flexDirection="column" gap={2} role="group" aria-label={label}>
      <Text size={3} fontWeight="bold">
        {label}
      </Text>
      {set.rules.length > 1 ? (
        <SelectField
          label="Match"
          value={set.combinator}
          options={[
            { value: "all", label: "all of the rules" },
            { value: "any", label: "any of the rules" },
          ]}
          onChange={(combinator) => update({ ...set, combinator: combinator as "all" | "any" })}
        />
      ) : null}
      {set.rules.map((rule, index) => {
        const known = fields.some((option) => option.field === rule.field);
        const kind = fieldKind(rule.field);
        const ops = OPS_BY_KIND[kind];
        return (
          <Box key={index} className="sa-rule" display="flex" flexDirection="column" gap={2}>
            <SelectField
              label={`Rule ${index + 1}: field`}
              value={known ? rule.field : CUSTOM}
              options={options}
              onChange={(field) => {
                const next = field === CUSTOM ? "contact.attributes." : field;
                const nextOps = OPS_BY_KIND[fieldKind(next)];
                update({
                  ...set,
                  rules: set.rules.map((r, i) =>
                    i === index ? { field: next, op: nextOps.includes(r.op) ? r.op : nextOps[0], value: r.value } : r,
                  ),
                });
              }}
            />
            {!known ? (
              <TextAreaField
                label="Field path"
                rows={1}
                value={rule.field}
                hint="contact.attributes.<key>, contact.spend.EUR, context.checkout.total, message.<node>.opened"
                onChange={(field) => setRule(index, { ...rule, field })}
              />
            ) : null}
            <SelectField
              label="Operator"
              value={ops.includes(rule.op) ? rule.op : ops[0]}
              options={ops.map((op) => ({ value: op, label: OP_LABELS[op] ?? op }))}
              onChange={(op) => setRule(index, { ...rule, op })}
            />
            {rule.op === "exists" || kind === "boolean" ? (
              <SelectField
                label="Value"
                value={rule.value === "false" ? "false" : "true"}
                options={[
                  { value: "true", label: rule.op === "exists" ? "is set" : "yes" },
                  { value: "false", label: rule.op === "exists" ? "is not set" : "no" },
                ]}
                onChange={(text) => setRule(index, { ...rule, value: text })}
              />
            ) : (
              <TextAreaField
                label="Value"
                rows={1}
                value={rule.value}
                hint={
                  kind === "moment"
                    ? 'e.g. "90 days ago" or 2026-01-31T00:00:00+00:00'
                    : rule.op === "in" || rule.op === "not_in"
                      ? "Separate values with commas"
                      : undefined
                }
                onChange={(text) => setRule(index, { ...rule, value: text })}
              />
            )}
            <Box>
              <Button
                variant="tertiary"
                size="small"
                onClick={() => update({ ...set, rules: set.rules.filter((_, i) => i !== index) })}
              >
                Remove rule {index + 1}
              </Button>
            </Box>
          </Box>
        );
      })}
      {error ? (
        <Text color="critical1" size={2} role="alert">
          {error}
        </Text>
      ) : null}
      <Box display="flex" gap={2} flexWrap="wrap">
        <Button
          variant="secondary"
          size="small"
          onClick={() => update({ ...set, rules: [...set.rules, { field: fields[0].field, op: OPS_BY_KIND[fields[0].kind][0], value: "" }] })}
        >
          Add rule
        </Button>
        <Button variant="tertiary" size="small" onClick={() => setSet(null)}>
          Edit as JSON
        </Button>
      </Box>
    </Box>
  );
}
