import type { ProductInventory } from "../backend";

const ROW = 30;
const LABEL = 170;
const WIDTH = 720;

/** Assigned / available / pending cancellation per product, drawn to one scale. */
export function LicenseChart({ products }: { products: ProductInventory[] }) {
  const max = Math.max(1, ...products.map((p) => p.purchased));
  const scale = (n: number) => ((WIDTH - LABEL - 60) * n) / max;
  const height = products.length * ROW + 34;
  return (
    <figure className="chart">
      <svg
        role="img"
        aria-label={`Licenses per product: ${products
          .map((p) => `${p.name} ${p.assigned} assigned, ${p.available} available, ${p.pending_cancellation} pending cancellation`)
          .join("; ")}`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
      >
        {products.map((p, i) => {
          const y = i * ROW + 4;
          const a = scale(p.assigned);
          const v = scale(p.available);
          const c = scale(p.pending_cancellation);
          return (
            <g key={p.product_id}>
              <text x={LABEL - 10} y={y + 15} textAnchor="end" className="chart-label">
                {p.name}
              </text>
              <rect x={LABEL} y={y} width={a} height={20} className="bar-assigned" />
              <rect x={LABEL + a} y={y} width={v} height={20} className="bar-available" />
              <rect x={LABEL + a + v} y={y} width={c} height={20} className="bar-pending" />
              <text x={LABEL + a + v + c + 8} y={y + 15} className="chart-value">
                {p.assigned}/{p.purchased}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${LABEL}, ${products.length * ROW + 14})`} className="chart-legend">
          <rect width={12} height={12} className="bar-assigned" />
          <text x={18} y={10}>Assigned</text>
          <rect x={100} width={12} height={12} className="bar-available" />
          <text x={118} y={10}>Available (billed, unused)</text>
          <rect x={310} width={12} height={12} className="bar-pending" />
          <text x={328} y={10}>Pending cancellation</text>
        </g>
      </svg>
    </figure>
  );
}
