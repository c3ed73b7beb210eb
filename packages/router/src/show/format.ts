/** Left-justify in `width` columns (never truncates). */
export function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Right-justify in `width` columns (never truncates). */
export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * FRR's peer uptime: "hh:mm:ss" below a day, "1d02h03m" below a week, "02w3d04h" after.
 */
export function formatUptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const sec = total % 60;
  const min = Math.floor(total / 60) % 60;
  const hour = Math.floor(total / 3600) % 24;
  const days = Math.floor(total / 86400);
  if (days === 0) return `${two(hour)}:${two(min)}:${two(sec)}`;
  if (days < 7) return `${days}d${two(hour)}h${two(min)}m`;
  return `${two(Math.floor(days / 7))}w${days % 7}d${two(hour)}h`;
}

/** Lines joined with "\n" and a final newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}
