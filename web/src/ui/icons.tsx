/**
 * icons.tsx — a few inline SVG icons (no icon font, nothing fetched). Icons that point along the
 * reading direction carry `icon-mirror` and are flipped in right-to-left layouts (styles.css);
 * icons that do not (a clock, a check mark) stay as drawn.
 */
interface IconProps {
  readonly mirror?: boolean;
}

function Svg({ mirror, d }: IconProps & { d: string }) {
  return (
    <svg
      className={mirror ? 'icon icon-mirror' : 'icon'}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      focusable="false"
    >
      <path
        d={d}
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** BackIcon points against the reading direction (mirrored in RTL). */
export const BackIcon = () => <Svg mirror d="M15 5l-7 7 7 7" />;
/** ForwardIcon points along the reading direction (mirrored in RTL). */
export const ForwardIcon = () => <Svg mirror d="M9 5l7 7-7 7" />;
/** DownloadIcon is direction-neutral. */
export const DownloadIcon = () => <Svg d="M12 4v11m-5-5 5 5 5-5M5 20h14" />;
/** SyncIcon is direction-neutral. */
export const SyncIcon = () => <Svg d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3M18 3v4h-4M6 21v-4h4" />;
