import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import type { TimeChartProps } from "./TimeChart";

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 });
const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** A floating tooltip at the cursor: the point's date and value. */
function tooltipPlugin(unit: string, labels: string[]): uPlot.Plugin {
  let tip: HTMLDivElement;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement("div");
        tip.className = "chart-tooltip";
        tip.setAttribute("role", "status");
        tip.style.display = "none";
        u.over.appendChild(tip);
        u.over.addEventListener("mouseleave", () => (tip.style.display = "none"));
      },
      setCursor: (u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined) {
          tip.style.display = "none";
          return;
        }
        const t = u.data[0][i]!;
        const v = u.data[1]![i];
        const values = labels.map((label, k) => `${label} ${numberFormat.format(u.data[k + 1]![i] ?? 0)} ${unit}`).join(", ");
        tip.textContent = `${dateFormat.format(new Date(t * 1000))}: ${values}`;
        tip.style.display = "block";
        const left = u.valToPos(t, "x");
        const top = u.valToPos(v ?? 0, "y");
        tip.style.left = `${Math.min(left, u.over.clientWidth - 180)}px`;
        tip.style.top = `${Math.max(0, top - 36)}px`;
      },
    },
  };
}

/** One empty list for every chart without extra lines: a fresh `[]` per render would rebuild the chart (and drop its tooltip) on every render. */
const NO_MORE_LINES: NonNullable<TimeChartProps["more"]> = [];

export default function UPlotChart({ series, unit, label, more = NO_MORE_LINES }: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const chart = new uPlot(
      {
        width: width(),
        height: 220,
        plugins: [tooltipPlugin(unit, [label, ...more.map((m) => m.label)])],
        scales: { x: { time: true } },
        legend: { show: more.length > 0, live: false },
        cursor: { drag: { x: false, y: false } },
        axes: [
          { stroke: "#555", grid: { stroke: "#eee" } },
          { stroke: "#555", grid: { stroke: "#eee" }, label: unit, labelSize: 18, size: 60, values: (_, ticks) => ticks.map((v) => numberFormat.format(v)) },
        ],
        series: [
          {},
          { label: `${label} (${unit})`, stroke: "#1f6f50", width: 2, fill: "rgba(31, 111, 80, 0.12)", points: { show: series.times.length < 40 } },
          ...more.map((m) => ({ label: `${m.label} (${unit})`, stroke: m.stroke, width: 2, points: { show: series.times.length < 40 } })),
        ],
      },
      [series.times, series.values, ...more.map((m) => m.values)],
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [series, unit, label, more]);
  const named = [label, ...more.map((m) => m.label)].join(", ");
  return <div ref={host} className="uplot-host" role="img" aria-label={`${named} in ${unit} over time`} />;
}
