/* Activity over time: entries, sends, opens and conversions a day, and revenue a day in
the period's main currency. */

import { Box, Text } from "@saleor/macaw-ui";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { type Day, chartRows, mainCurrency, type Totals } from "./model";

const SERIES = [
  { key: "entered", name: "Entered", color: "#7c3aed" },
  { key: "sent", name: "Sent", color: "#2563eb" },
  { key: "opened", name: "Opened", color: "#0891b2" },
  { key: "clicked", name: "Clicked", color: "#f59e0b" },
  { key: "converted", name: "Converted", color: "#16a34a" },
];

export function Charts({ timeseries, total }: { timeseries: Day[]; total: Totals }) {
  const currency = mainCurrency(total);
  const rows = chartRows(timeseries, currency);
  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="stats-charts">
      <figure className="sa-chart" aria-label="Activity per day">
        <figcaption>
          <Text size={3} fontWeight="bold">
            Activity per day
          </Text>
        </figcaption>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {SERIES.map((series) => (
              <Line key={series.key} type="monotone" dataKey={series.key} name={series.name} stroke={series.color} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      {currency ? (
        <figure className="sa-chart" aria-label={`Revenue per day in ${currency}`}>
          <figcaption>
            <Text size={3} fontWeight="bold">
              Revenue per day ({currency})
            </Text>
          </figcaption>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
              <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
              <YAxis tick={{ fontSize: 11 }} />
              <Tooltip />
              <Bar dataKey="revenue" name={`Revenue (${currency})`} fill="#16a34a" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      ) : null}
    </Box>
  );
}
