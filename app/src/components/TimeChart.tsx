/**
 * A cumulative amount over time (or a few, on one time axis), with a time axis, a value axis and a tooltip: uPlot (a small canvas
 * charting library made for time series), loaded in its own chunk only when a page shows a chart.
 */
import { lazy, Suspense } from "react";

import type { ChartLine, TimeSeries } from "../lib/earnings";

export interface TimeChartProps {
  series: TimeSeries;
  /** The unit of the values ("ETH", "dUSD"). */
  unit: string;
  /** What is charted, for the tooltip and screen readers: "Earned", "Volume". */
  label: string;
  /** One sentence summing the chart up, shown under it. */
  caption: string;
  testId?: string;
  /** Further lines on the same time axis (paid, refunded, held): a legend then names every line. */
  more?: ChartLine[];
}

const UPlotChart = lazy(() => import("./UPlotChart"));

export function TimeChart(props: TimeChartProps) {
  return (
    <figure className="chart" data-testid={props.testId}>
      <Suspense fallback={<div className="chart-placeholder" aria-hidden="true" />}>
        <UPlotChart {...props} />
      </Suspense>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
