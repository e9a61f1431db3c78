/**
 * Door schedules: "HH:MM-HH:MM" ranges in the depot's local time. A range whose end is before its
 * start crosses midnight ("22:00-06:00"). An empty or absent schedule means "always allowed".
 */
export function isWithinSchedule(ranges: readonly string[] | undefined, epochMs: number, utcOffsetMin: number): boolean {
  if (!ranges || ranges.length === 0) return true;
  const minuteOfDay = ((Math.floor(epochMs / 60_000) + utcOffsetMin) % 1440 + 1440) % 1440;
  return ranges.some((r) => {
    const [start, end] = r.split('-').map(toMinutes) as [number, number];
    return start <= end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  });
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
