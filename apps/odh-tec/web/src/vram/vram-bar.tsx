import type { DisplayUnit, VramSegment } from './vram-breakdown.ts';
import { inUnit } from './vram-breakdown.ts';

/** PatternFly's non-status palette (in base.css, follows the dark theme), one colour per component in order. */
export const segmentColors = ['blue', 'green', 'orange', 'purple', 'teal', 'yellow', 'red', 'orangered'].map(
  (hue) => `var(--pf-t--global--color--nonstatus--${hue}--default)`,
);

const width = 1000;
const height = 48;

/** A horizontal stacked bar of GPU 0's memory, one rectangle per component (in-house SVG, no chart library). */
export function VramBar({ segments, unit }: { segments: VramSegment[]; unit: DisplayUnit }) {
  const total = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  let x = 0;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="odh-tec-vram-bar"
      role="img"
      aria-label={`Memory of the first GPU: ${inUnit(total, unit)}`}
      preserveAspectRatio="none"
    >
      {segments.map((segment, index) => {
        const share = total > 0 ? (segment.bytes / total) * width : 0;
        const rect = (
          <rect
            key={segment.name}
            x={x}
            y={0}
            width={share}
            height={height}
            fill={segmentColors[index % segmentColors.length]}
          >
            <title>{`${segment.name}: ${inUnit(segment.bytes, unit)}`}</title>
          </rect>
        );
        x += share;
        return rect;
      })}
    </svg>
  );
}
