/** A status as a small coloured label (text always present: colour is never the only cue). */
import { Box, Text } from "@saleor/macaw-ui";

type Tone = "success" | "warning" | "neutral" | "critical" | "info";

const TONE_COLORS: Record<Tone, { bg: "success1" | "warning1" | "default2" | "critical1" | "info1" }> = {
  success: { bg: "success1" },
  warning: { bg: "warning1" },
  neutral: { bg: "default2" },
  critical: { bg: "critical1" },
  info: { bg: "info1" },
};

export function StatusBadge({ label, tone }: { label: string; tone: Tone }) {
  return (
    <Box
      as="span"
      display="inline-flex"
      alignItems="center"
      paddingX={2}
      paddingY={0.5}
      borderRadius={3}
      backgroundColor={TONE_COLORS[tone].bg}
      data-tone={tone}
    >
      <Text size={2} fontWeight="medium">
        {label}
      </Text>
    </Box>
  );
}
