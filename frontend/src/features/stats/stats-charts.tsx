import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StatsPoint } from "@/client/types.gen";

/** Colours from the theme, so that dark mode follows. */
const COLORS = {
  ok: "var(--primary)",
  client: "oklch(0.77 0.15 75)",
  server: "var(--destructive)",
  p50: "var(--primary)",
  p95: "oklch(0.62 0.17 300)",
};

const AXIS = { fontSize: 11, fill: "var(--muted-foreground)" };
const TOOLTIP = {
  contentStyle: {
    background: "var(--popover)",
    border: "1px solid var(--border)",
    borderRadius: 8,
    fontSize: 12,
  },
};

/** A bucket's start as an axis label: the time for hourly buckets, the day and hour for
 * a few hours, the day for days. */
function tickFormatter(bucketSeconds: number) {
  const options: Intl.DateTimeFormatOptions =
    bucketSeconds < 3 * 3600
      ? { hour: "numeric", minute: "2-digit" }
      : bucketSeconds < 86_400
        ? { month: "short", day: "numeric", hour: "numeric" }
        : { month: "short", day: "numeric" };
  const format = new Intl.DateTimeFormat(undefined, options);
  return (iso: string) => format.format(new Date(iso));
}

type ChartProps = { series: StatsPoint[]; bucketSeconds: number };

/** Calls per bucket, stacked: answered, client errors (4xx), server errors (5xx). */
export function CallsChart({ series, bucketSeconds }: ChartProps) {
  const data = series.map((point) => ({
    start: point.start,
    ok: point.calls - point.errors_4xx - point.errors_5xx,
    client: point.errors_4xx,
    server: point.errors_5xx,
  }));
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="start"
          padding={{ left: 6, right: 6 }}
          tickFormatter={tickFormatter(bucketSeconds)}
          tick={AXIS}
          minTickGap={24}
        />
        <YAxis allowDecimals={false} tick={AXIS} />
        <Tooltip
          {...TOOLTIP}
          labelFormatter={(label) => new Date(String(label)).toLocaleString()}
        />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="ok" name="OK" stackId="calls" fill={COLORS.ok} />
        <Bar dataKey="client" name="4xx" stackId="calls" fill={COLORS.client} />
        <Bar
          dataKey="server"
          name="5xx"
          stackId="calls"
          fill={COLORS.server}
          radius={[3, 3, 0, 0]}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** p50 and p95 latency per bucket, in milliseconds; gaps where there were no calls, and a
 * dot on each bucket so that a lone one shows. */
export function LatencyChart({ series, bucketSeconds }: ChartProps) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="start"
          padding={{ left: 6, right: 6 }}
          tickFormatter={tickFormatter(bucketSeconds)}
          tick={AXIS}
          minTickGap={24}
        />
        <YAxis tick={AXIS} unit=" ms" width={64} />
        <Tooltip
          {...TOOLTIP}
          labelFormatter={(label) => new Date(String(label)).toLocaleString()}
          formatter={(value) => `${value} ms`}
        />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
        <Line dataKey="p50_ms" name="p50" stroke={COLORS.p50} strokeWidth={2} dot={{ r: 2 }} />
        <Line dataKey="p95_ms" name="p95" stroke={COLORS.p95} strokeWidth={2} dot={{ r: 2 }} />
      </LineChart>
    </ResponsiveContainer>
  );
}
