// Figures as people read them: binary units for memory, one decimal where it carries meaning.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatPercent(value: number): string {
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${s % 60}s`;
  return `${s}s`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** CPU time as top's TIME+ shows it: minutes:seconds.hundredths, hours in front past 99 minutes. */
export function formatCpuTime(ms: number): string {
  const hundredths = Math.floor(Math.max(0, ms) / 10);
  const seconds = Math.floor(hundredths / 100);
  const minutes = Math.floor(seconds / 60);
  const cs = String(hundredths % 100).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  if (minutes < 100) return `${minutes}:${ss}.${cs}`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}:${ss}`;
}

/** When a process started: the time of day if it was today (`todayStart`: local midnight), else the date. */
export function formatStarted(ms: number, todayStart: number): string {
  const date = new Date(ms);
  if (ms >= todayStart)
    return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

/** Local midnight before `ms`. */
export function startOfDay(ms: number): number {
  return new Date(ms).setHours(0, 0, 0, 0);
}

/** A byte rate; a bare 0 for none, so idle rows stay quiet. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond === 0 ? '0' : `${formatBytes(bytesPerSecond)}/s`;
}
